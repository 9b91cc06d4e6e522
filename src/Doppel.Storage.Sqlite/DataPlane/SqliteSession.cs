using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Sqlite.DataPlane;

/// <summary>
/// Runs the data plane's reads on a pool of open connections and its writes through one <see cref="SqliteWriteQueue"/>,
/// translating driver errors in one place. One per <see cref="SqliteStore"/>: SQLite has one writer per file, so
/// every data-plane store over the same file shares this session and its queue.
/// </summary>
internal sealed class SqliteSession : IAsyncDisposable
{
    // Idle read connections kept open. Each holds its page cache (SqliteStoreOptions.ReaderCacheMebibytes) and its
    // prepared statements; more can be open at once under load, and those beyond this are closed when returned.
    private const int MaxIdleReaders = 8;

    private readonly SqliteConnectionFactory _connections;
    // Last in, first out: a quiet server keeps using its most recently used connection, whose cache is the warmest.
    private readonly ConcurrentStack<SqliteDb> _idle = new();
    private readonly SqliteWriteQueue _writes;
    private int _idleCount;
    private volatile bool _disposed;

    public SqliteSession(SqliteConnectionFactory connections)
    {
        _connections = connections;
        _writes = new SqliteWriteQueue(connections);
    }

    public async Task<T> ReadAsync<T>(Func<SqliteDb, Task<T>> work, CancellationToken cancellationToken)
    {
        var db = await RentAsync(cancellationToken).ConfigureAwait(false);
        var healthy = false;
        try
        {
            var result = await work(db).ConfigureAwait(false);
            healthy = true;
            return result;
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Translate(ex, _connections.DatabasePath);
        }
        finally
        {
            Return(db, healthy);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> as one unit of a group-committed write transaction; its changes are kept when it
    /// says so and rolled back alone otherwise. The task completes only after the transaction is committed.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteDb, Task<(T Result, bool Commit)>> work, CancellationToken cancellationToken) =>
        _writes.EnqueueAsync(work, cancellationToken);

    /// <summary>A read on the connection itself (for stores that build their own commands).</summary>
    public Task<T> ReadConnectionAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken) =>
        ReadAsync(db => work(db.Connection), cancellationToken);

    /// <summary>A write unit on the connection and the batch's transaction (for stores that build their own commands).</summary>
    public Task<T> WriteConnectionAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<(T Result, bool Commit)>> work, CancellationToken cancellationToken) =>
        WriteAsync(db => work(db.Connection, db.Transaction!), cancellationToken);

    /// <summary>A command on <paramref name="connection"/> in <paramref name="transaction"/>, every value a parameter.</summary>
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

    /// <summary>Runs a statement and returns the rows it changed.</summary>
    public static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first column of the first row as a long, 0 when there is none.</summary>
    public static async Task<long> ScalarLongAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long value ? value : 0;
    }

    /// <summary>The first column of the first row as a string, or null.</summary>
    public static async Task<string?> ScalarStringAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>The time to the microsecond, as PostgreSQL keeps it.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset time) => SqliteDb.ToMicroseconds(time);

    /// <summary>The single writer.</summary>
    public SqliteWriteQueue Writes => _writes;

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _writes.DisposeAsync().ConfigureAwait(false);
        while (_idle.TryPop(out var db))
        {
            db.Dispose();
        }
    }

    private async ValueTask<SqliteDb> RentAsync(CancellationToken cancellationToken)
    {
        if (_disposed)
        {
            throw SqliteWriteQueue.ShuttingDown(_connections.DatabasePath);
        }

        if (_idle.TryPop(out var db))
        {
            Interlocked.Decrement(ref _idleCount);
            return db;
        }

        return new SqliteDb(await _connections.OpenReaderAsync(cancellationToken).ConfigureAwait(false));
    }

    private void Return(SqliteDb db, bool healthy)
    {
        // A connection that saw a driver error is closed rather than reused: its state is not worth trusting.
        if (healthy && !_disposed)
        {
            if (Interlocked.Increment(ref _idleCount) <= MaxIdleReaders)
            {
                _idle.Push(db);
                return;
            }

            Interlocked.Decrement(ref _idleCount);
        }

        db.Dispose();
    }
}
