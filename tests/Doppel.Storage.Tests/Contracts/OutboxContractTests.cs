using Doppel.Storage.DataPlane;
using Doppel.Storage.Tests.Support;

namespace Doppel.Storage.Tests.Contracts;

/// <summary>
/// The change-event outbox (<see cref="IOutboxStore"/>), the same on every engine: every committed twin and
/// relationship write has exactly its event, in commit order, at gap-free positions per instance; a write that
/// is refused or fails leaves none; events survive a restart.
/// </summary>
public abstract class OutboxContractTests : DataPlaneContractTests
{
    private static readonly RelationshipLimits Roomy = new(null, 100, 100);

    [SkippableFact]
    public async Task Every_committed_twin_and_relationship_write_appends_exactly_its_event_in_order()
    {
        await OpenAsync();
        var events = new List<ChangeEvent>();

        await WriteTwinAsync(Twin("a"), StoreWriteMode.CreateOnly, null, events, "Twin.Create");
        await WriteTwinAsync(Twin("b"), StoreWriteMode.CreateOnly, null, events, "Twin.Create");
        await WriteTwinAsync(Twin("a", "W/\"2\""), StoreWriteMode.ReplaceIfMatch, "W/\"1\"", events, "Twin.Update");
        await WriteRelationshipAsync(Relationship("a", "r", "b"), StoreWriteMode.CreateOnly, null, events, "Relationship.Create");
        await WriteRelationshipAsync(Relationship("a", "r", "b", "W/\"r2\""), StoreWriteMode.ReplaceIfMatch, "W/\"r1\"", events, "Relationship.Update");
        var deleteRelationship = Event("Relationship.Delete", "a/relationships/r");
        Assert.Equal(StoreWriteOutcome.Written, await Data.Relationships.DeleteAsync(InstanceId, "a", "r", "W/\"r2\"", deleteRelationship, CancellationToken.None));
        events.Add(deleteRelationship);
        var deleteTwin = Event("Twin.Delete", "b");
        Assert.Equal(StoreWriteOutcome.Written, await Data.Twins.DeleteAsync(InstanceId, "b", null, deleteTwin, CancellationToken.None));
        events.Add(deleteTwin);

        var outbox = await Data.Outbox.ReadAsync(InstanceId, 0, 100, CancellationToken.None);

        Assert.Equal(events.Select((e, i) => new OutboxEvent(i + 1, e)), outbox);
        Assert.Equal(events.Count, await Data.Outbox.GetLastPositionAsync(InstanceId, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Events_keep_their_attributes_and_data_exactly()
    {
        await OpenAsync();
        var time = new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.FromHours(2)).AddTicks(1_234_567);
        var change = new ChangeEvent(
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "Microsoft.DigitalTwins.Twin.Create",
            "room 1/é?#%",
            time,
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            """{"$dtId":"room 1/é?#%", "name" : "Zürich 🌍", "nested":{"a":[1,2.50,null]}}""");

        Assert.Equal(StoreWriteOutcome.Written, await Data.Twins.WriteAsync(InstanceId, Twin("room 1/é?#%"), StoreWriteMode.CreateOnly, null, 10, change, CancellationToken.None));
        var stored = Assert.Single(await Data.Outbox.ReadAsync(InstanceId, 0, 10, CancellationToken.None));

        // Kept to the microsecond (what PostgreSQL keeps), in UTC.
        Assert.Equal(change with { Time = new DateTimeOffset(2026, 3, 14, 13, 9, 26, TimeSpan.Zero).AddTicks(1_234_560) }, stored.Event);
        Assert.Equal(TimeSpan.Zero, stored.Event.Time.Offset);
        Assert.Equal(1, stored.Position);
    }

    [SkippableFact]
    public async Task Refused_twin_writes_leave_no_event()
    {
        await OpenAsync();
        await CreateTwinsAsync("a", "b", "lonely");
        await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r", "b"), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None);
        var before = await Data.Outbox.GetLastPositionAsync(InstanceId, CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.PreconditionFailed, await Data.Twins.WriteAsync(InstanceId, Twin("a"), StoreWriteMode.CreateOnly, null, 100, Change(), CancellationToken.None));
        Assert.Equal(StoreWriteOutcome.PreconditionFailed, await Data.Twins.WriteAsync(InstanceId, Twin("a", "W/\"9\""), StoreWriteMode.ReplaceIfMatch, "W/\"stale\"", 100, Change(), CancellationToken.None));
        Assert.Equal(StoreWriteOutcome.NotFound, await Data.Twins.WriteAsync(InstanceId, Twin("nobody"), StoreWriteMode.ReplaceIfMatch, "W/\"1\"", 100, Change(), CancellationToken.None));
        Assert.Equal(StoreWriteOutcome.LimitReached, await Data.Twins.WriteAsync(InstanceId, Twin("one-too-many"), StoreWriteMode.CreateOnly, null, 3, Change(), CancellationToken.None));
        Assert.Equal(StoreWriteOutcome.NotFound, await Data.Twins.DeleteAsync(InstanceId, "nobody", null, Change(), CancellationToken.None));
        Assert.Equal(StoreWriteOutcome.PreconditionFailed, await Data.Twins.DeleteAsync(InstanceId, "lonely", "W/\"stale\"", Change(), CancellationToken.None));
        Assert.Equal(StoreWriteOutcome.HasRelationships, await Data.Twins.DeleteAsync(InstanceId, "a", null, Change(), CancellationToken.None));

        Assert.Equal(before, await Data.Outbox.GetLastPositionAsync(InstanceId, CancellationToken.None));
        Assert.Equal(before, (await Data.Outbox.ReadAsync(InstanceId, 0, 100, CancellationToken.None)).Count);
    }

    [SkippableFact]
    public async Task Refused_relationship_writes_leave_no_event()
    {
        await OpenAsync();
        await CreateTwinsAsync("a", "b", "c");
        await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r", "b"), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None);
        var before = await Data.Outbox.GetLastPositionAsync(InstanceId, CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.NotFound, await Data.Relationships.WriteAsync(InstanceId, Relationship("nobody", "r", "b"), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None));
        Assert.Equal(StoreWriteOutcome.TargetNotFound, await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r2", "nobody"), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None));
        Assert.Equal(StoreWriteOutcome.PreconditionFailed, await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r", "b"), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None));
        Assert.Equal(StoreWriteOutcome.PreconditionFailed, await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r", "c"), StoreWriteMode.ReplaceIfMatch, "W/\"stale\"", Roomy, Change(), CancellationToken.None));
        Assert.Equal(StoreWriteOutcome.MultiplicityExceeded, await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r3", "c"), StoreWriteMode.CreateOnly, null, new RelationshipLimits(1, 100, 100), Change(), CancellationToken.None));
        Assert.Equal(StoreWriteOutcome.LimitReached, await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r4", "c"), StoreWriteMode.CreateOnly, null, new RelationshipLimits(null, 1, 100), Change(), CancellationToken.None));
        Assert.Equal(StoreWriteOutcome.NotFound, await Data.Relationships.DeleteAsync(InstanceId, "a", "nothing", null, Change(), CancellationToken.None));
        Assert.Equal(StoreWriteOutcome.PreconditionFailed, await Data.Relationships.DeleteAsync(InstanceId, "a", "r", "W/\"stale\"", Change(), CancellationToken.None));

        Assert.Equal(before, await Data.Outbox.GetLastPositionAsync(InstanceId, CancellationToken.None));
        Assert.Equal(before, (await Data.Outbox.ReadAsync(InstanceId, 0, 100, CancellationToken.None)).Count);
    }

    [SkippableFact]
    public async Task A_change_whose_event_cannot_be_written_is_not_committed()
    {
        await OpenAsync();
        await CreateTwinsAsync("a", "b");
        // An event without data breaks the outbox's NOT NULL rule: the statement after the change fails.
        var broken = Change() with { Data = null! };

        await Assert.ThrowsAsync<StoreUnavailableException>(() => Data.Twins.WriteAsync(InstanceId, Twin("c"), StoreWriteMode.CreateOnly, null, 10, broken, CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => Data.Twins.WriteAsync(InstanceId, Twin("a", "W/\"2\""), StoreWriteMode.ReplaceIfMatch, "W/\"1\"", 10, broken, CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => Data.Twins.DeleteAsync(InstanceId, "b", null, broken, CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r", "b"), StoreWriteMode.CreateOnly, null, Roomy, broken, CancellationToken.None));

        Assert.Null(await Data.Twins.GetAsync(InstanceId, "c", CancellationToken.None));
        Assert.Equal("W/\"1\"", (await Data.Twins.GetAsync(InstanceId, "a", CancellationToken.None))!.ETag);
        Assert.NotNull(await Data.Twins.GetAsync(InstanceId, "b", CancellationToken.None));
        Assert.Null(await Data.Relationships.GetAsync(InstanceId, "a", "r", CancellationToken.None));
        Assert.Equal(2, await Data.Outbox.GetLastPositionAsync(InstanceId, CancellationToken.None));

        // The position the failed writes took is given out again: positions stay gap-free.
        var next = Event("Twin.Create", "c");
        Assert.Equal(StoreWriteOutcome.Written, await Data.Twins.WriteAsync(InstanceId, Twin("c"), StoreWriteMode.CreateOnly, null, 10, next, CancellationToken.None));
        Assert.Equal(new OutboxEvent(3, next), Assert.Single(await Data.Outbox.ReadAsync(InstanceId, 2, 10, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task Each_instance_has_its_own_positions_and_sees_only_its_events()
    {
        await OpenAsync();
        var mine = Event("Twin.Create", "t");
        var theirs = Event("Twin.Create", "t");

        await Data.Twins.WriteAsync(InstanceId, Twin("t"), StoreWriteMode.CreateOnly, null, 10, mine, CancellationToken.None);
        await Data.Twins.WriteAsync(OtherInstanceId, Twin("t"), StoreWriteMode.CreateOnly, null, 10, theirs, CancellationToken.None);

        Assert.Equal([new OutboxEvent(1, mine)], await Data.Outbox.ReadAsync(InstanceId, 0, 10, CancellationToken.None));
        Assert.Equal([new OutboxEvent(1, theirs)], await Data.Outbox.ReadAsync(OtherInstanceId, 0, 10, CancellationToken.None));
        Assert.Equal(0, await Data.Outbox.GetLastPositionAsync("no-such-instance", CancellationToken.None));
        Assert.Empty(await Data.Outbox.ReadAsync("no-such-instance", 0, 10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Reading_resumes_after_a_position_and_stops_at_max()
    {
        await OpenAsync();
        await CreateTwinsAsync("t1", "t2", "t3", "t4", "t5");

        var first = await Data.Outbox.ReadAsync(InstanceId, 0, 2, CancellationToken.None);
        var second = await Data.Outbox.ReadAsync(InstanceId, first[^1].Position, 2, CancellationToken.None);
        var rest = await Data.Outbox.ReadAsync(InstanceId, second[^1].Position, 100, CancellationToken.None);
        var none = await Data.Outbox.ReadAsync(InstanceId, 5, 100, CancellationToken.None);

        Assert.Equal([1L, 2L], first.Select(e => e.Position));
        Assert.Equal([3L, 4L], second.Select(e => e.Position));
        Assert.Equal([5L], rest.Select(e => e.Position));
        Assert.Empty(none);
    }

    [SkippableFact]
    public async Task Events_survive_a_restart_and_positions_continue()
    {
        var store = await OpenMigratedStoreAsync();
        var instanceId = (await store.Instances.EnsureAsync("main", CancellationToken.None)).Id;
        var data = Harness.OpenDataPlane(store);
        var created = Event("Twin.Create", "t");
        await data.Twins.WriteAsync(instanceId, Twin("t"), StoreWriteMode.CreateOnly, null, 10, created, CancellationToken.None);
        await store.DisposeAsync();

        var restarted = Harness.OpenStore();
        await restarted.Migrations.ApplyPendingAsync(CancellationToken.None);
        var after = Harness.OpenDataPlane(restarted);
        var before = await after.Outbox.ReadAsync(instanceId, 0, 10, CancellationToken.None);
        var deleted = Event("Twin.Delete", "t");
        await after.Twins.DeleteAsync(instanceId, "t", null, deleted, CancellationToken.None);

        Assert.Equal([new OutboxEvent(1, created)], before);
        Assert.Equal([new OutboxEvent(1, created), new OutboxEvent(2, deleted)], await after.Outbox.ReadAsync(instanceId, 0, 10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Concurrent_writers_on_one_database_get_gap_free_positions_and_one_event_per_committed_write()
    {
        await OpenAsync();
        var planes = OpenMoreDataPlanes(4);
        var changes = Enumerable.Range(0, 24).Select(i => Event("Twin.Create", $"t{i}")).ToList();

        // 24 creates racing for 16 places: every one that is written has its event, no other does.
        var outcomes = await Task.WhenAll(changes.Select((change, i) => Task.Run(() =>
            planes[i % planes.Count].Twins.WriteAsync(InstanceId, Twin($"t{i}"), StoreWriteMode.CreateOnly, null, 16, change, CancellationToken.None))));
        var outbox = await Data.Outbox.ReadAsync(InstanceId, 0, 100, CancellationToken.None);

        Assert.Equal(16, outcomes.Count(o => o == StoreWriteOutcome.Written));
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), outbox.Select(e => e.Position));
        Assert.Equal(
            changes.Where((_, i) => outcomes[i] == StoreWriteOutcome.Written).Select(c => c.Id).Order(StringComparer.Ordinal),
            outbox.Select(e => e.Event.Id).Order(StringComparer.Ordinal));
        foreach (var e in outbox)
        {
            Assert.NotNull(await Data.Twins.GetAsync(InstanceId, e.Event.Subject, CancellationToken.None));
        }
    }

    private static ChangeEvent Event(string type, string subject) =>
        new(Guid.NewGuid().ToString(), "Microsoft.DigitalTwins." + type, subject, FixedTimeProvider.Default, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", $$"""{"subject":"{{subject}}"}""");

    private async Task WriteTwinAsync(StoredTwin twin, StoreWriteMode mode, string? expectedETag, List<ChangeEvent> events, string type)
    {
        var change = Event(type, twin.Id);
        Assert.Equal(StoreWriteOutcome.Written, await Data.Twins.WriteAsync(InstanceId, twin, mode, expectedETag, 10, change, CancellationToken.None));
        events.Add(change);
    }

    private async Task WriteRelationshipAsync(StoredRelationship relationship, StoreWriteMode mode, string? expectedETag, List<ChangeEvent> events, string type)
    {
        var change = Event(type, $"{relationship.SourceId}/relationships/{relationship.Id}");
        Assert.Equal(StoreWriteOutcome.Written, await Data.Relationships.WriteAsync(InstanceId, relationship, mode, expectedETag, Roomy, change, CancellationToken.None));
        events.Add(change);
    }

    private static StoredRelationship Relationship(string source, string id, string target, string etag = "W/\"r1\"") =>
        new(source, id, target, "near", etag, $$"""{"$relationshipId":"{{id}}","$etag":"{{etag}}"}""");
}
