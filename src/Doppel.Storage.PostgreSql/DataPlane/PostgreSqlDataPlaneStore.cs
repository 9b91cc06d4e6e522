using Doppel.Storage.DataPlane;
using Npgsql;
using NpgsqlTypes;

namespace Doppel.Storage.PostgreSql.DataPlane;

/// <summary>
/// The data plane on the PostgreSQL database of a <see cref="PostgreSqlStore"/>, with the behaviour of the SQLite
/// one. Every value is a parameter and every statement filters by the instance id.
/// </summary>
/// <remarks>
/// SQLite runs each write in a <c>BEGIN IMMEDIATE</c> transaction, so its checks (existence, ETag, counts and
/// limits) and the write that follows cannot interleave with another write. Here each write transaction first
/// takes a transaction-scoped advisory lock on its instance: writes to one instance queue as they do on SQLite,
/// from any number of server processes, while writes to different instances run side by side; under read
/// committed, every statement after the lock sees what the previous holder committed. Reads take no lock.
/// </remarks>
public sealed class PostgreSqlDataPlaneStore : IDataPlaneStore
{
    /// <summary>Creates the data-plane store over <paramref name="store"/>'s database (migrated by it).</summary>
    public PostgreSqlDataPlaneStore(PostgreSqlStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Models = new PostgreSqlModelStore(store.Database);
        Twins = new PostgreSqlTwinStore(store.Database);
        Relationships = new PostgreSqlRelationshipStore(store.Database);
        Outbox = new PostgreSqlOutboxStore(store.Database);
        Query = new PostgreSqlQueryStore(store.Database);
    }

    /// <inheritdoc />
    public IModelStore Models { get; }

    /// <inheritdoc />
    public ITwinStore Twins { get; }

    /// <inheritdoc />
    public IRelationshipStore Relationships { get; }

    /// <inheritdoc />
    public IOutboxStore Outbox { get; }

    /// <inheritdoc />
    public IQueryStore Query { get; }
}

/// <summary>Commands and the per-instance write lock shared by the data-plane tables.</summary>
internal static class DataPlaneSql
{
    /// <summary>The first half of the instance write lock's key: "DopI" in ASCII.</summary>
    internal const int InstanceLockClass = 0x446F7049;

    /// <summary>Queues this transaction behind every other write transaction of the instance.</summary>
    public static async Task LockInstanceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string instanceId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT pg_advisory_xact_lock($1, hashtext($2));", Int(InstanceLockClass), Text(instanceId));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the write <paramref name="sql"/> and appends <paramref name="change"/> to the instance's outbox at the
    /// next position, both in one batch: the event costs no round trip of its own. The caller holds the instance
    /// lock, so positions are handed out in commit order. Returns the rows the write changed.
    /// </summary>
    public static async Task<int> ExecuteWithEventAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, string instanceId, ChangeEvent change, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var write = new NpgsqlBatchCommand(sql);
        write.Parameters.AddRange(parameters);
        batch.BatchCommands.Add(write);
        var append = new NpgsqlBatchCommand("""
            WITH next AS (
                INSERT INTO outbox_positions AS p (instance_id, last_seq) VALUES ($1, 1)
                ON CONFLICT (instance_id) DO UPDATE SET last_seq = p.last_seq + 1
                RETURNING p.last_seq)
            INSERT INTO outbox (instance_id, seq, id, type, subject, time, traceparent, data)
            SELECT $1, last_seq, $2, $3, $4, $5, $6, $7 FROM next;
            """);
        append.Parameters.Add(Text(instanceId));
        append.Parameters.Add(Text(change.Id));
        append.Parameters.Add(Text(change.Type));
        append.Parameters.Add(Text(change.Subject));
        append.Parameters.Add(Time(change.Time));
        append.Parameters.Add(Text(change.TraceParent));
        append.Parameters.Add(Text(change.Data));
        batch.BatchCommands.Add(append);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return write.RecordsAffected;
    }

    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Int(int value) => new NpgsqlParameter<int> { TypedValue = value };

    public static NpgsqlParameter Long(long value) => new NpgsqlParameter<long> { TypedValue = value };

    public static NpgsqlParameter Bool(bool value) => new NpgsqlParameter<bool> { TypedValue = value };

    /// <summary>A timestamptz parameter, cut to the microsecond that PostgreSQL keeps (as the SQLite store does).</summary>
    public static NpgsqlParameter Time(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new NpgsqlParameter<DateTimeOffset> { TypedValue = utc.AddTicks(-(utc.Ticks % 10)), NpgsqlDbType = NpgsqlDbType.TimestampTz };
    }

    public static async Task<long> ScalarLongAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value switch
        {
            long l => l,
            int i => i,
            _ => 0,
        };
    }

    public static async Task<string?> ScalarStringAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
