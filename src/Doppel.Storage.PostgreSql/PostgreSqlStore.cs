using Doppel.Storage.PostgreSql.Migrations;
using Npgsql;

namespace Doppel.Storage.PostgreSql;

/// <summary>
/// Doppel's store for more than one machine: a PostgreSQL database shared by any number of identical server
/// processes. The schema mirrors the SQLite store's (same migrations, same keys, same behaviour). Thread-safe;
/// connections come from one Npgsql data source and its pool.
/// </summary>
public sealed class PostgreSqlStore : IStore
{
    private readonly PostgreSqlDatabase _database;
    private readonly PostgreSqlMigrationRunner _migrations;

    /// <summary>
    /// Creates the store. Nothing connects until the first call; call
    /// <see cref="IMigrationRunner.ApplyPendingAsync"/> on <see cref="Migrations"/> first.
    /// </summary>
    public PostgreSqlStore(PostgreSqlStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _database = new PostgreSqlDatabase(options);
        _migrations = new PostgreSqlMigrationRunner(_database, PostgreSqlMigrations.All, options.TimeProvider);
        Instances = new PostgreSqlInstanceStore(_database, options.TimeProvider);
    }

    /// <summary>The database the store's parts share (the data plane uses it too).</summary>
    internal PostgreSqlDatabase Database => _database;

    /// <summary>The options this store was created with.</summary>
    public PostgreSqlStoreOptions Options { get; }

    /// <inheritdoc />
    public string Engine => "postgres";

    /// <inheritdoc />
    public string Location => Options.Location;

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
            var version = await _database.ReadAsync(
                async (connection, ct) =>
                {
                    await using var command = new NpgsqlCommand("SELECT MAX(version) FROM schema_migrations;", connection);
                    var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
                    // An empty history (MAX is NULL) is version 0: reachable, but nothing applied.
                    return value is int v ? v : 0;
                },
                cancellationToken).ConfigureAwait(false);
            return version == expected
                ? StoreReadiness.Ready(expected)
                : StoreReadiness.NotReady(version, expected, $"schema version is {version}, expected {expected}");
        }
        catch (StoreUnavailableException ex)
        {
            return StoreReadiness.NotReady(null, expected, ex.Message);
        }
    }

    /// <summary>Closes the pooled connections.</summary>
    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
