using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Sqlite;

/// <summary>
/// Opens connections with the settings every Doppel connection needs. <c>journal_mode=WAL</c> is stored in the
/// file and set once by the migration runner; <c>synchronous</c>, <c>foreign_keys</c> and <c>busy_timeout</c>
/// belong to a connection and are set on every open.
/// </summary>
internal sealed class SqliteConnectionFactory
{
    private readonly string _readWrite;
    private readonly string _readWriteCreate;
    private readonly string _connectionPragmas;
    private readonly string _readerPragmas;

    public SqliteConnectionFactory(SqliteStoreOptions options)
    {
        DatabasePath = options.DatabasePath;
        var seconds = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        // synchronous=FULL in WAL mode syncs the log on every commit: an acknowledged write survives kill -9 and power
        // loss. Both values are constants, not user input.
        _connectionPragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {seconds * 1000};");
        // A negative cache_size is in KiB. soft_heap_limit is the process's, so setting it on every reader is cheap
        // and idempotent. Both values are integers from the options, not user input.
        _readerPragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA cache_size = -{options.ReaderCacheMebibytes * 1024L}; PRAGMA soft_heap_limit = {options.MemoryLimitMebibytes * 1024L * 1024L};");
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            // Microsoft.Data.Sqlite retries a busy statement until this many seconds have passed.
            DefaultTimeout = seconds,
        };
        // Only the migration runner may create the file: if the database disappears under a running server,
        // requests should fail (and /readyz say so) rather than silently start on an empty database.
        _readWrite = builder.ToString();
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        _readWriteCreate = builder.ToString();
    }

    public string DatabasePath { get; }

    public Task<SqliteConnection> OpenAsync(bool create, CancellationToken cancellationToken) =>
        OpenAsync(create ? _readWriteCreate : _readWrite, _connectionPragmas, cancellationToken);

    /// <summary>A connection for the data plane's reads: <see cref="OpenAsync(bool, CancellationToken)"/> with a larger page cache.</summary>
    public Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken) =>
        OpenAsync(_readWrite, _connectionPragmas + " " + _readerPragmas, cancellationToken);

    private async Task<SqliteConnection> OpenAsync(string connectionString, string pragmas, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw SqliteErrors.Translate(ex, DatabasePath);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Closes the pooled connections so that the file is released (and the WAL checkpointed).</summary>
    public void ClearPools()
    {
        using var readWrite = new SqliteConnection(_readWrite);
        SqliteConnection.ClearPool(readWrite);
        using var readWriteCreate = new SqliteConnection(_readWriteCreate);
        SqliteConnection.ClearPool(readWriteCreate);
    }
}
