using Npgsql;
using NpgsqlTypes;

namespace Doppel.Storage.PostgreSql.Migrations;

/// <summary>
/// Applies <see cref="PostgreSqlMigrations.All"/>. Each pending migration runs in its own transaction together
/// with its row in <c>schema_migrations</c>. Every such transaction first takes a transaction-scoped advisory lock
/// for the schema, then re-reads the history: server processes that start at once queue on the lock, and each
/// migration is applied exactly once. The lock is released by the commit or rollback, so a process that dies
/// mid-migration never leaves it held.
/// </summary>
internal sealed class PostgreSqlMigrationRunner : IMigrationRunner
{
    /// <summary>The first half of the advisory lock key: "Dopp" in ASCII, so that it is recognisable in pg_locks.</summary>
    internal const int AdvisoryLockClass = 0x446F7070;

    // The second half of the key is the schema the tables go to, so that databases with several Doppel schemas
    // (the tests have one per test) do not wait for each other. Neither half is user input.
    private const string TakeLock = "SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')));";

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer     NOT NULL PRIMARY KEY,
            name       text        NOT NULL,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL
        );
        """;

    private const string ReadHistory = "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version;";

    private readonly PostgreSqlDatabase _database;
    private readonly IReadOnlyList<PostgreSqlMigration> _migrations;
    private readonly TimeProvider _timeProvider;

    public PostgreSqlMigrationRunner(
        PostgreSqlDatabase database,
        IReadOnlyList<PostgreSqlMigration> migrations,
        TimeProvider timeProvider)
    {
        _database = database;
        _migrations = migrations;
        _timeProvider = timeProvider;
        Known = [.. migrations.Select(m => m.Info)];
        MigrationHistory.RequireNumberedFromOne(Known, nameof(migrations));
    }

    public IReadOnlyList<MigrationInfo> Known { get; }

    public int LatestVersion => _migrations.Count;

    public async Task<MigrationReport> ApplyPendingAsync(CancellationToken cancellationToken)
    {
        int? fromVersion = null;
        var applied = new List<MigrationInfo>();
        while (true)
        {
            var (version, next) = await _database.WriteAsync(ApplyNextAsync, cancellationToken).ConfigureAwait(false);
            fromVersion ??= next is null ? version : version - 1;
            if (next is null)
            {
                return new MigrationReport(fromVersion.Value, version, applied);
            }

            applied.Add(next);
        }
    }

    public Task<IReadOnlyList<AppliedMigration>> GetAppliedAsync(CancellationToken cancellationToken) =>
        _database.ReadAsync<IReadOnlyList<AppliedMigration>>(
            async (connection, ct) => await ReadHistoryAsync(connection, null, ct).ConfigureAwait(false),
            cancellationToken);

    /// <summary>
    /// One transaction: lock, read the history, apply the next migration if there is one. Returns the schema
    /// version after the transaction and the migration it applied (<see langword="null"/> when none was pending).
    /// </summary>
    private async Task<(int Version, MigrationInfo? Applied)> ApplyNextAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        await using (var lockCommand = new NpgsqlCommand(TakeLock, connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<int> { TypedValue = AdvisoryLockClass });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, CreateHistoryTable, cancellationToken).ConfigureAwait(false);
        var history = await ReadHistoryAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        Verify(history);
        if (history.Count == _migrations.Count)
        {
            return (history.Count, null);
        }

        var next = _migrations[history.Count];
        await ExecuteAsync(connection, transaction, next.Sql, cancellationToken).ConfigureAwait(false);
        await using (var record = new NpgsqlCommand(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4);",
            connection,
            transaction))
        {
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = next.Version });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = next.Name });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = next.Info.Checksum });
            record.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = _timeProvider.GetUtcNow().ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return (next.Version, next.Info);
    }

    private static async Task<List<AppliedMigration>> ReadHistoryAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ReadHistory, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var history = new List<AppliedMigration>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            history.Add(new AppliedMigration(
                reader.GetInt32(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return history;
    }

    private void Verify(List<AppliedMigration> history) =>
        MigrationHistory.Verify(history, Known, _database.Location);

    private static async Task ExecuteAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string sql,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
