using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Sqlite.Migrations;

/// <summary>
/// Applies <see cref="SqliteMigrations.All"/>. Each pending migration runs in its own <c>BEGIN IMMEDIATE</c>
/// transaction together with its row in <c>schema_migrations</c>; the applied version is re-read inside that
/// transaction, so two processes starting at once cannot apply a migration twice.
/// </summary>
internal sealed class SqliteMigrationRunner : IMigrationRunner
{
    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            checksum   TEXT    NOT NULL,
            applied_at TEXT    NOT NULL
        ) STRICT;
        """;

    private readonly SqliteConnectionFactory _connections;
    private readonly IReadOnlyList<SqliteMigration> _migrations;
    private readonly TimeProvider _timeProvider;

    public SqliteMigrationRunner(
        SqliteConnectionFactory connections,
        IReadOnlyList<SqliteMigration> migrations,
        TimeProvider timeProvider)
    {
        _connections = connections;
        _migrations = migrations;
        _timeProvider = timeProvider;
        Known = [.. migrations.Select(m => m.Info)];
        MigrationHistory.RequireNumberedFromOne(Known, nameof(migrations));
    }

    public IReadOnlyList<MigrationInfo> Known { get; }

    public int LatestVersion => _migrations.Count;

    public async Task<MigrationReport> ApplyPendingAsync(CancellationToken cancellationToken)
    {
        var connection = await _connections.OpenAsync(create: true, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await EnableWriteAheadLogAsync(connection, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, null, CreateHistoryTable, cancellationToken).ConfigureAwait(false);

                int? fromVersion = null;
                var applied = new List<MigrationInfo>();
                while (true)
                {
                    using var transaction = connection.BeginTransaction(deferred: false);
                    var history = await ReadHistoryAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    Verify(history);
                    fromVersion ??= history.Count;
                    if (history.Count == _migrations.Count)
                    {
                        transaction.Rollback();
                        return new MigrationReport(fromVersion.Value, history.Count, applied);
                    }

                    var next = _migrations[history.Count];
                    await ExecuteAsync(connection, transaction, next.Sql, cancellationToken).ConfigureAwait(false);
                    await RecordAsync(connection, transaction, next, cancellationToken).ConfigureAwait(false);
                    transaction.Commit();
                    applied.Add(next.Info);
                }
            }
            catch (SqliteException ex)
            {
                throw SqliteErrors.Translate(ex, _connections.DatabasePath);
            }
        }
    }

    public async Task<IReadOnlyList<AppliedMigration>> GetAppliedAsync(CancellationToken cancellationToken)
    {
        var connection = await _connections.OpenAsync(create: false, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                return await ReadHistoryAsync(connection, null, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex)
            {
                throw SqliteErrors.Translate(ex, _connections.DatabasePath);
            }
        }
    }

    private static async Task EnableWriteAheadLogAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        var mode = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            // SQLite answers with the mode it kept, for example on a file system without shared memory.
            throw new StoreUnavailableException(
                StoreFailure.CannotOpen,
                $"the database {connection.DataSource} cannot use write-ahead logging (journal mode stayed '{mode}'); put the data directory on a local file system");
        }
    }

    private static async Task<List<AppliedMigration>> ReadHistoryAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var history = new List<AppliedMigration>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            history.Add(new AppliedMigration(
                reader.GetInt32(0),
                reader.GetString(1),
                reader.GetString(2),
                DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        }

        return history;
    }

    private void Verify(List<AppliedMigration> history) =>
        MigrationHistory.Verify(history, Known, _connections.DatabasePath);

    private async Task RecordAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        SqliteMigration migration,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($version, $name, $checksum, $appliedAt);";
        command.Parameters.AddWithValue("$version", migration.Version);
        command.Parameters.AddWithValue("$name", migration.Name);
        command.Parameters.AddWithValue("$checksum", migration.Info.Checksum);
        command.Parameters.AddWithValue("$appliedAt", _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        string sql,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
