using System.Globalization;
using Doppel.Storage.DataPlane;
using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Sqlite.DataPlane;

/// <summary>
/// One open connection with its prepared commands. The connection's settings (<c>synchronous</c>,
/// <c>busy_timeout</c>) are applied once when it is opened, and each SQL text is parsed once per connection:
/// <see cref="Command"/> hands back the same <see cref="SqliteCommand"/> (whose prepared statements
/// Microsoft.Data.Sqlite keeps while its text does not change) with fresh parameters. Not thread-safe: one
/// request or the writer loop uses it at a time.
/// </summary>
/// <remarks>
/// Commands from <see cref="Command"/> belong to this object: callers must not dispose them, and must dispose a
/// reader before they ask for the same SQL again.
/// </remarks>
internal sealed class SqliteDb : IDisposable
{
    // Every SQL text of the data-plane stores is a constant, so the cache is small; the bound is only a guard.
    private const int MaxCachedCommands = 128;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    // Query texts are as many as users write: a small cache of their prepared commands, emptied when full, so that
    // a query asked again (the next page, the same dashboard query) skips SQLite's prepare.
    private const int MaxCachedQueries = 32;
    private readonly Dictionary<string, SqliteCommand> _queries = new(StringComparer.Ordinal);

    public SqliteDb(SqliteConnection connection)
    {
        Connection = connection;
    }

    public SqliteConnection Connection { get; }

    /// <summary>The transaction the commands run in, set by the writer loop; null for reads.</summary>
    public SqliteTransaction? Transaction { get; set; }

    public SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            if (_commands.Count < MaxCachedCommands)
            {
                _commands[sql] = command;
            }
        }

        command.Transaction = Transaction;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    /// <summary>A command for a compiled query, prepared once per connection while it stays in the small cache.</summary>
    public SqliteCommand QueryCommand(string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters)
    {
        if (!_queries.TryGetValue(sql, out var command))
        {
            if (_queries.Count >= MaxCachedQueries)
            {
                foreach (var old in _queries.Values)
                {
                    old.Dispose();
                }

                _queries.Clear();
            }

            command = Connection.CreateCommand();
            command.CommandText = sql;
            _queries[sql] = command;
        }

        command.Transaction = Transaction;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public async Task<long> ScalarLongAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var value = await Command(sql, parameters).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is long l ? l : 0;
    }

    public async Task<string?> ScalarStringAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        await Command(sql, parameters).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;

    public Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        Command(sql, parameters).ExecuteNonQueryAsync(cancellationToken);

    /// <summary>
    /// Appends <paramref name="change"/> to the instance's outbox at the next position, in the current transaction
    /// (which holds the write lock, so positions are handed out in commit order).
    /// </summary>
    public Task<int> AppendEventAsync(string instanceId, ChangeEvent change, CancellationToken cancellationToken) =>
        ExecuteAsync("""
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

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        foreach (var command in _queries.Values)
        {
            command.Dispose();
        }

        _queries.Clear();
        Connection.Dispose();
    }
}
