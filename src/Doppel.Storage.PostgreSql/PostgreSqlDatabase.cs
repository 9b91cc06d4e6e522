using Npgsql;

namespace Doppel.Storage.PostgreSql;

/// <summary>
/// Opens connections from one <see cref="NpgsqlDataSource"/> and runs work on them. Every driver exception of a
/// store passes through here and leaves as a storage exception (<see cref="PostgreSqlErrors"/>); a write that
/// loses a serialization conflict or a deadlock is run again from the start, in a new transaction.
/// </summary>
internal sealed class PostgreSqlDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly int _transientRetries;

    public PostgreSqlDatabase(PostgreSqlStoreOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            // Doppel's name in pg_stat_activity, unless the operator chose one.
            ApplicationName = new NpgsqlConnectionStringBuilder(options.ConnectionString).ApplicationName ?? "doppel",
        };
        // The slim builder keeps the store trimmable and AOT-compatible; Doppel only needs the basic types.
        _dataSource = new NpgsqlSlimDataSourceBuilder(builder.ConnectionString).EnableArrays().Build(); // arrays: the query language passes JSON paths as text[]
        _transientRetries = Math.Max(0, options.TransientRetries);
        Location = options.Location;
    }

    /// <summary>Where the data lives, safe to log.</summary>
    public string Location { get; }

    /// <summary>Runs <paramref name="work"/> on an open connection, outside a transaction.</summary>
    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await work(connection, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (PostgreSqlErrors.IsDriverException(ex))
        {
            throw PostgreSqlErrors.Translate(ex, Location);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one read-committed transaction and commits it. The work must not have
    /// effects outside the database: it may run more than once.
    /// </summary>
    public Task<T> WriteAsync<T>(
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> work,
        CancellationToken cancellationToken) =>
        WriteAsync<T>(
            async (connection, transaction, ct) => (await work(connection, transaction, ct).ConfigureAwait(false), true),
            cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one read-committed transaction, and commits it when the work says so or
    /// rolls it back. The work must not have effects outside the database: it may run more than once.
    /// </summary>
    public async Task<T> WriteAsync<T>(
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<(T Result, bool Commit)>> work,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        var (result, commit) = await work(connection, transaction, cancellationToken).ConfigureAwait(false);
                        if (commit)
                        {
                            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                        }

                        return result;
                    }
                }
            }
            catch (Exception ex) when (PostgreSqlErrors.IsTransient(ex) && attempt < _transientRetries)
            {
                // Disposing the transaction rolled it back; a short, growing pause lets the winner finish.
                await Task.Delay(TimeSpan.FromMilliseconds(10 * (attempt + 1) * (attempt + 1)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (PostgreSqlErrors.IsDriverException(ex))
            {
                throw PostgreSqlErrors.Translate(ex, Location);
            }
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
