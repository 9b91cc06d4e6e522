using System.Globalization;
using Doppel.Storage.DataPlane;
using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Sqlite.DataPlane;

/// <summary>
/// The data plane on the SQLite file of a <see cref="SqliteStore"/>: same file, same connection settings
/// (WAL, <c>synchronous=FULL</c>). Every write runs in one <c>BEGIN IMMEDIATE</c> transaction, every value is a
/// parameter, and every statement filters by the instance id.
/// </summary>
public sealed class SqliteDataPlaneStore : IDataPlaneStore
{
    /// <summary>Creates the data-plane store over <paramref name="store"/>'s database (migrated by it).</summary>
    public SqliteDataPlaneStore(SqliteStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var session = new SqliteSession(new SqliteConnectionFactory(store.Options));
        Models = new SqliteModelStore(session);
        Twins = new SqliteTwinStore(session);
        Relationships = new SqliteRelationshipStore(session);
        Outbox = new SqliteOutboxStore(session);
        Query = new SqliteQueryStore(session);
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

/// <summary>Opens connections and runs reads and write transactions, translating driver errors in one place.</summary>
internal sealed class SqliteSession(SqliteConnectionFactory connections)
{
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        var connection = await connections.OpenAsync(create: false, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                return await work(connection).ConfigureAwait(false);
            }
            catch (SqliteException ex)
            {
                throw SqliteErrors.Translate(ex, connections.DatabasePath);
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> in one immediate transaction; it commits when the work says so.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<(T Result, bool Commit)>> work, CancellationToken cancellationToken)
    {
        var connection = await connections.OpenAsync(create: false, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                // Immediate: take the write lock first, so a read-then-write never has to upgrade (and deadlock).
                using var transaction = connection.BeginTransaction(deferred: false);
                var (result, commit) = await work(connection, transaction).ConfigureAwait(false);
                if (commit)
                {
                    transaction.Commit();
                }
                else
                {
                    transaction.Rollback();
                }

                return result;
            }
            catch (SqliteException ex)
            {
                throw SqliteErrors.Translate(ex, connections.DatabasePath);
            }
        }
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static async Task<long> ScalarLongAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is long l ? l : 0;
    }

    public static async Task<string?> ScalarStringAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>
    /// Appends <paramref name="change"/> to the instance's outbox at the next position, in the caller's
    /// transaction (which holds the write lock, so positions are handed out in commit order).
    /// </summary>
    public static Task<int> AppendEventAsync(SqliteConnection connection, SqliteTransaction transaction, string instanceId, ChangeEvent change, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, """
            INSERT INTO outbox_positions (instance_id, last_seq) VALUES ($instance, 1)
                ON CONFLICT (instance_id) DO UPDATE SET last_seq = last_seq + 1;
            INSERT INTO outbox (instance_id, seq, id, type, subject, time, traceparent, data)
                SELECT $instance, last_seq, $eventId, $type, $subject, $time, $traceparent, $data
                FROM outbox_positions WHERE instance_id = $instance;
            """, cancellationToken,
            ("$instance", instanceId), ("$eventId", change.Id), ("$type", change.Type), ("$subject", change.Subject),
            ("$time", ToMicroseconds(change.Time).ToString("O", CultureInfo.InvariantCulture)), ("$traceparent", change.TraceParent), ("$data", change.Data));

    /// <summary>The time to the microsecond, as PostgreSQL keeps it, so that both engines store the same.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % 10));
    }

    public static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
