using Doppel.Storage.Sqlite.DataPlane;
using Doppel.Storage.Sqlite.Migrations;
using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Sqlite;

/// <summary>
/// Doppel's embedded store: one SQLite file in write-ahead-log mode with <c>synchronous=FULL</c>, so every
/// acknowledged commit is on disk. Thread-safe; connections come from Microsoft.Data.Sqlite's pool.
/// </summary>
public sealed class SqliteStore : IStore
{
    private readonly SqliteConnectionFactory _connections;
    private readonly SqliteMigrationRunner _migrations;

    /// <summary>
    /// Creates the store. Nothing touches the disk until the first call; call
    /// <see cref="IMigrationRunner.ApplyPendingAsync"/> on <see cref="Migrations"/> first, which also creates the file.
    /// </summary>
    public SqliteStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _connections = new SqliteConnectionFactory(options);
        _migrations = new SqliteMigrationRunner(_connections, SqliteMigrations.All, options.TimeProvider);
        Instances = new SqliteInstanceStore(_connections, options.TimeProvider);
        Session = new SqliteSession(_connections);
    }

    /// <summary>
    /// The data plane's read connections and its single writer; shared by every data-plane store over this file,
    /// because SQLite has one writer per file.
    /// </summary>
    internal SqliteSession Session { get; }

    /// <summary>The options this store was created with.</summary>
    public SqliteStoreOptions Options { get; }

    /// <inheritdoc />
    public string Engine => "sqlite";

    /// <inheritdoc />
    public string Location => Options.DatabasePath;

    /// <inheritdoc />
    public IMigrationRunner Migrations => _migrations;

    /// <inheritdoc />
    public IInstanceStore Instances { get; }

    /// <inheritdoc />
    public async Task<StoreReadiness> CheckReadinessAsync(CancellationToken cancellationToken)
    {
        var expected = _migrations.LatestVersion;
        try
        {
            var connection = await _connections.OpenAsync(create: false, cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT MAX(version) FROM schema_migrations;";
                var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                // An empty history (MAX is NULL) is version 0: reachable, but nothing applied.
                var version = value is long v ? (int)v : 0;
                return version == expected
                    ? StoreReadiness.Ready(expected)
                    : StoreReadiness.NotReady(version, expected, $"schema version is {version}, expected {expected}");
            }
        }
        catch (StoreUnavailableException ex)
        {
            return StoreReadiness.NotReady(null, expected, ex.Message);
        }
        catch (SqliteException ex)
        {
            return StoreReadiness.NotReady(null, expected, SqliteErrors.Translate(ex, Location).Message);
        }
    }

    /// <summary>
    /// Finishes the writes already queued, then closes every connection, which releases the file and lets SQLite
    /// checkpoint the log.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync().ConfigureAwait(false);
        _connections.ClearPools();
    }
}
