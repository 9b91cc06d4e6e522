using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Sqlite.DataPlane;

/// <summary>
/// The single writer of the data plane: requests enqueue their write as a unit of work, and one loop on one
/// connection runs the units that are waiting as a batch in one <c>BEGIN IMMEDIATE</c> transaction, commits once
/// (one sync of the log for the whole batch, <c>synchronous=FULL</c>), and only then completes each caller.
/// </summary>
/// <remarks>
/// <para>
/// SQLite allows one writer per file. Before this queue, each request opened its own transaction and the others
/// slept in SQLite's busy handler (polling with sleeps of up to 100 ms); now they wait on a task and are woken
/// when their batch commits, and many writes share one <c>fsync</c> (group commit).
/// </para>
/// <para>
/// Each unit runs inside its own savepoint. A unit that asks not to commit (a failed precondition) or that throws
/// is rolled back to its savepoint, alone: its batch-mates are unaffected. The units of a batch run one after the
/// other and see the changes of the units before them, so checks (ETags, existence, counts) hold exactly as if
/// each had its own transaction in that order. A unit's answer — written or not — is given only after the
/// commit; if the commit (or a rollback) fails, every unit of the batch fails with that error, so a 2xx always
/// means committed.
/// </para>
/// </remarks>
internal sealed class SqliteWriteQueue : IAsyncDisposable
{
    /// <summary>Most units in one transaction: enough to share a sync among every waiting request, few enough to keep latency bounded.</summary>
    internal const int MaxBatch = 256;

    private const string Savepoint = "SAVEPOINT unit;";
    private const string ReleaseSavepoint = "RELEASE unit;";
    private const string RollbackSavepoint = "ROLLBACK TO unit;";

    private readonly SqliteConnectionFactory _connections;
    private readonly Channel<WriteUnit> _queue = Channel.CreateUnbounded<WriteUnit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<WriteUnit> _batch = new(MaxBatch);
    private readonly Lazy<Task> _loop;
    private SqliteDb? _db;
    private long _transactions;

    public SqliteWriteQueue(SqliteConnectionFactory connections)
    {
        _connections = connections;
        // Started by the first write, so that a store that is only created (or only read) opens no writer.
        _loop = new Lazy<Task>(() => Task.Run(RunAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public Task<T> EnqueueAsync<T>(Func<SqliteDb, Task<(T Result, bool Commit)>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var unit = new WriteUnit<T>(work, cancellationToken);
        if (!_queue.Writer.TryWrite(unit))
        {
            throw ShuttingDown(_connections.DatabasePath);
        }

        _ = _loop.Value;
        return unit.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop.IsValueCreated)
        {
            // The loop finishes every unit already queued before it ends.
            await _loop.Value.ConfigureAwait(false);
        }

        _db?.Dispose();
        _db = null;
    }

    /// <summary>How many write transactions the loop has committed; fewer than the writes when they were grouped.</summary>
    public long CommittedTransactions => Interlocked.Read(ref _transactions);

    internal static StoreUnavailableException ShuttingDown(string databasePath) =>
        new(StoreFailure.Unknown, $"the database {databasePath} is closed because the server is shutting down");

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            _batch.Clear();
            while (_batch.Count < MaxBatch && reader.TryRead(out var unit))
            {
                _batch.Add(unit);
            }

            if (_batch.Count > 0)
            {
                try
                {
                    await RunBatchAsync(_batch).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // The loop is the only writer: it must outlive any failure, which its batch's callers get.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    FailAll(_batch, ex);
                    ResetConnection();
                }
            }
        }
    }

    private async Task RunBatchAsync(List<WriteUnit> batch)
    {
        SqliteTransaction transaction;
        SqliteDb db;
        try
        {
            db = _db ??= new SqliteDb(await _connections.OpenAsync(create: false, CancellationToken.None).ConfigureAwait(false));
            // Immediate: take the write lock first, so a read-then-write never has to upgrade (and deadlock).
            transaction = db.Connection.BeginTransaction(deferred: false);
            db.Transaction = transaction;
        }
        catch (Exception ex) when (ex is SqliteException or StoreUnavailableException)
        {
            FailAll(batch, ex);
            ResetConnection();
            return;
        }

        SqliteException? unitDriverError = null;
        try
        {
            foreach (var unit in batch)
            {
                // Checked as each unit's turn comes, not when the batch is taken: a caller may give up while an
                // earlier unit of its batch runs. The unit is not run; Complete reports the cancellation.
                if (unit.CancellationToken.IsCancellationRequested)
                {
                    unit.SetError(new OperationCanceledException(unit.CancellationToken));
                    continue;
                }

                await db.ExecuteAsync(Savepoint, CancellationToken.None).ConfigureAwait(false);
                bool keep;
                try
                {
                    keep = await unit.RunAsync(db).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A unit's failure is its own: it is handed to its caller, and its batch-mates go on.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    if (ex is SqliteException sqlite)
                    {
                        unitDriverError = sqlite;
                        unit.SetError(SqliteErrors.Translate(sqlite, _connections.DatabasePath));
                    }
                    else
                    {
                        unit.SetError(ex);
                    }

                    keep = false;
                }

                if (!keep)
                {
                    await db.ExecuteAsync(RollbackSavepoint, CancellationToken.None).ConfigureAwait(false);
                }

                await db.ExecuteAsync(ReleaseSavepoint, CancellationToken.None).ConfigureAwait(false);
            }

            transaction.Commit();
            Interlocked.Increment(ref _transactions);
        }
#pragma warning disable CA1031 // Whatever ends the transaction early fails its units; the loop must live on for the next batch.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // The transaction itself failed (a failed savepoint statement, or the commit: disk full, I/O error; SQLite
            // rolls the whole transaction back after some errors of a unit, which then shows here as a missing
            // savepoint). Nothing of the batch is known to be on disk, so no unit may report success.
            FailAll(batch, unitDriverError ?? ex);
            TryRollback(transaction);
            db.Transaction = null;
            transaction.Dispose();
            ResetConnection();
            return;
        }

        db.Transaction = null;
        transaction.Dispose();
        foreach (var unit in batch)
        {
            unit.Complete();
        }
    }

    private void FailAll(List<WriteUnit> batch, Exception exception)
    {
        var error = exception is SqliteException sqlite ? SqliteErrors.Translate(sqlite, _connections.DatabasePath) : exception;
        foreach (var unit in batch)
        {
            unit.Fail(error);
        }
    }

    private static void TryRollback(SqliteTransaction transaction)
    {
        try
        {
            transaction.Rollback();
        }
        catch (SqliteException)
        {
            // SQLite may already have rolled the transaction back itself (it does after SQLITE_FULL and I/O errors).
        }
        catch (InvalidOperationException)
        {
            // The transaction already completed.
        }
    }

    private void ResetConnection()
    {
        // Start the next batch on a fresh connection rather than on one whose state an error left unknown.
        _db?.Dispose();
        _db = null;
    }

    private abstract class WriteUnit(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>Runs the work; true when its changes are to be kept.</summary>
        public abstract Task<bool> RunAsync(SqliteDb db);

        /// <summary>Records the unit's own failure, reported when the batch completes.</summary>
        public abstract void SetError(Exception exception);

        /// <summary>Reports the unit's result (or its own failure) after the commit.</summary>
        public abstract void Complete();

        /// <summary>Reports a failure of the whole batch.</summary>
        public abstract void Fail(Exception exception);
    }

    private sealed class WriteUnit<T>(Func<SqliteDb, Task<(T Result, bool Commit)>> work, CancellationToken cancellationToken)
        : WriteUnit(cancellationToken)
    {
        // The callers' continuations must not run on the writer loop.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;
        private Exception? _error;

        public Task<T> Task => _completion.Task;

        public override async Task<bool> RunAsync(SqliteDb db)
        {
            var (result, commit) = await work(db).ConfigureAwait(false);
            _result = result;
            return commit;
        }

        public override void SetError(Exception exception) => _error = exception;

        public override void Complete()
        {
            switch (_error)
            {
                case null:
                    _completion.TrySetResult(_result);
                    break;
                case OperationCanceledException canceled:
                    _completion.TrySetCanceled(canceled.CancellationToken);
                    break;
                default:
                    _completion.TrySetException(_error);
                    break;
            }
        }

        public override void Fail(Exception exception)
        {
            if (exception is OperationCanceledException canceled)
            {
                _completion.TrySetCanceled(canceled.CancellationToken);
            }
            else
            {
                _completion.TrySetException(exception);
            }
        }
    }
}
