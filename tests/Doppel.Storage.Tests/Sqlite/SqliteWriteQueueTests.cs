using Doppel.Storage.DataPlane;
using Doppel.Storage.Sqlite;
using Doppel.Storage.Sqlite.DataPlane;

namespace Doppel.Storage.Tests.Sqlite;

/// <summary>The single writer of the SQLite data plane: grouped commits, and units that fail alone.</summary>
#pragma warning disable CA1001 // xUnit disposes the store through IAsyncLifetime.DisposeAsync.
public sealed class SqliteWriteQueueTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "doppel-storage-tests", Guid.NewGuid().ToString("N"));
    private SqliteStore _store = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _store = new SqliteStore(new SqliteStoreOptions(Path.Combine(_directory, SqliteStoreOptions.DefaultFileName)));
        await _store.Migrations.ApplyPendingAsync(CancellationToken.None);
        await Write(db => db.ExecuteAsync("CREATE TABLE probe (id TEXT NOT NULL PRIMARY KEY) STRICT;", CancellationToken.None));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_failing_unit_rolls_back_alone_and_its_batch_mates_commit()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = _store.Session.WriteAsync<bool>(async db =>
        {
            await gate.Task;
            return (true, true);
        }, CancellationToken.None);
        var before = _store.Session.Writes.CommittedTransactions;

        var first = Insert("first", keep: true);
        var throwing = _store.Session.WriteAsync<bool>(async db =>
        {
            await db.ExecuteAsync("INSERT INTO probe (id) VALUES ('thrown');", CancellationToken.None);
            throw new InvalidOperationException("the unit failed");
        }, CancellationToken.None);
        var duplicate = Insert("first", keep: true);
        var declined = Insert("declined", keep: false);
        var last = Insert("last", keep: true);
        gate.SetResult();
        await blocker;

        Assert.True(await first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => throwing);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => duplicate);
        Assert.False(await declined);
        Assert.True(await last);
        Assert.Equal(["first", "last"], await ProbeIdsAsync());
        Assert.Equal(before + 1, _store.Session.Writes.CommittedTransactions);
    }

    [Fact]
    public async Task Concurrent_twin_creates_are_all_written_in_fewer_transactions_than_writes()
    {
        var instance = await _store.Instances.EnsureAsync("queue", CancellationToken.None);
        var data = new SqliteDataPlaneStore(_store);
        var before = _store.Session.Writes.CommittedTransactions;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => data.Twins.WriteAsync(
            instance.Id, new StoredTwin($"t{i}", "dtmi:example:Room;1", "W/\"1\"", "{}"), StoreWriteMode.CreateOnly, null, 1_000,
            new ChangeEvent(Guid.NewGuid().ToString(), "Microsoft.DigitalTwins.Twin.Create", $"t{i}", DateTimeOffset.UnixEpoch, null, "{}"),
            CancellationToken.None))));

        Assert.All(outcomes, outcome => Assert.Equal(StoreWriteOutcome.Written, outcome));
        Assert.Equal(300, await data.Outbox.GetLastPositionAsync(instance.Id, CancellationToken.None));
        Assert.True(_store.Session.Writes.CommittedTransactions - before < 300);
    }

    [Fact]
    public async Task A_write_whose_caller_cancelled_before_it_ran_is_not_written()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = _store.Session.WriteAsync<bool>(async db =>
        {
            await gate.Task;
            return (true, true);
        }, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();

        var cancelled = _store.Session.WriteAsync<bool>(async db =>
        {
            await db.ExecuteAsync("INSERT INTO probe (id) VALUES ('cancelled');", CancellationToken.None);
            return (true, true);
        }, cancellation.Token);
        await cancellation.CancelAsync();
        gate.SetResult();
        await blocker;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Empty(await ProbeIdsAsync());
    }

    [Fact]
    public async Task A_write_whose_caller_cancelled_while_an_earlier_write_of_its_batch_ran_is_not_written()
    {
        // The first write holds the loop while the next two queue up, so that the loop takes those two in one batch.
        var firstGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _store.Session.WriteAsync<bool>(async db =>
        {
            await firstGate.Task;
            return (true, true);
        }, CancellationToken.None);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = _store.Session.WriteAsync<bool>(async db =>
        {
            secondStarted.SetResult();
            await secondGate.Task;
            return (true, true);
        }, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        var cancelled = _store.Session.WriteAsync<bool>(async db =>
        {
            await db.ExecuteAsync("INSERT INTO probe (id) VALUES ('cancelled');", CancellationToken.None);
            return (true, true);
        }, cancellation.Token);

        // The cancelled write is in the second write's batch however the loop took them (all three at once, or the
        // first alone): callers are answered only after their batch commits, so the first is awaited last.
        firstGate.SetResult();
        await secondStarted.Task;
        await cancellation.CancelAsync();
        secondGate.SetResult();
        await second;
        await first;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Empty(await ProbeIdsAsync());
    }

    [Fact]
    public async Task Writes_queued_before_the_store_is_disposed_are_committed()
    {
        var pending = Enumerable.Range(0, 20).Select(i => Insert($"p{i:00}", keep: true)).ToList();

        await _store.DisposeAsync();
        _store = new SqliteStore(new SqliteStoreOptions(Path.Combine(_directory, SqliteStoreOptions.DefaultFileName)));

        Assert.All(await Task.WhenAll(pending), Assert.True);
        Assert.Equal(20, (await ProbeIdsAsync()).Count);
    }

    private Task<bool> Insert(string id, bool keep) => _store.Session.WriteAsync(async db =>
    {
        await db.ExecuteAsync("INSERT INTO probe (id) VALUES ($id);", CancellationToken.None, ("$id", id));
        return (keep, keep);
    }, CancellationToken.None);

    private Task<int> Write(Func<SqliteDb, Task<int>> work) => _store.Session.WriteAsync(async db => (await work(db), true), CancellationToken.None);

    private Task<List<string>> ProbeIdsAsync() => _store.Session.ReadAsync(async db =>
    {
        await using var reader = await db.Command("SELECT id FROM probe ORDER BY id;").ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }, CancellationToken.None);
}
