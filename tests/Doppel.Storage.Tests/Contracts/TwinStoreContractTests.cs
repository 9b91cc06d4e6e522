using Doppel.Storage.DataPlane;
using Doppel.Storage.Tests.Support;

namespace Doppel.Storage.Tests.Contracts;

/// <summary>The twins of each instance (<see cref="ITwinStore"/>), the same on every engine.</summary>
public abstract class TwinStoreContractTests : DataPlaneContractTests
{
    [SkippableFact]
    public async Task Created_twin_is_returned_as_stored_and_a_second_create_is_PreconditionFailed()
    {
        await OpenAsync();
        var twin = new StoredTwin("room 1/é?#%", "dtmi:example:Room;1", "W/\"a\"", """{"$dtId":"room 1/é?#%", "temperature" : 21.5}""");

        var created = await Data.Twins.WriteAsync(InstanceId, twin, StoreWriteMode.CreateOnly, null, 10, Change(), CancellationToken.None);
        var again = await Data.Twins.WriteAsync(InstanceId, twin with { ETag = "W/\"b\"" }, StoreWriteMode.CreateOnly, null, 10, Change(), CancellationToken.None);
        var stored = await Data.Twins.GetAsync(InstanceId, twin.Id, CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.Written, created);
        Assert.Equal(StoreWriteOutcome.PreconditionFailed, again);
        Assert.Equal(twin, stored);
    }

    [SkippableFact]
    public async Task Missing_twin_is_null()
    {
        await OpenAsync();

        Assert.Null(await Data.Twins.GetAsync(InstanceId, "nobody", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Replace_if_match_replaces_model_and_document()
    {
        await OpenAsync();

        var created = await Data.Twins.WriteAsync(InstanceId, Twin("t", "W/\"1\""), StoreWriteMode.CreateOnly, null, 10, Change(), CancellationToken.None);
        var replaced = await Data.Twins.WriteAsync(InstanceId, Twin("t", "W/\"2\"", "dtmi:example:Other;1"), StoreWriteMode.ReplaceIfMatch, "W/\"1\"", 10, Change(), CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.Written, created);
        Assert.Equal(StoreWriteOutcome.Written, replaced);
        Assert.Equal(Twin("t", "W/\"2\"", "dtmi:example:Other;1"), await Data.Twins.GetAsync(InstanceId, "t", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Replace_if_match_needs_the_twin_and_its_current_etag()
    {
        await OpenAsync();
        await Data.Twins.WriteAsync(InstanceId, Twin("t", "W/\"1\""), StoreWriteMode.CreateOnly, null, 10, Change(), CancellationToken.None);

        var missing = await Data.Twins.WriteAsync(InstanceId, Twin("nobody", "W/\"2\""), StoreWriteMode.ReplaceIfMatch, "W/\"1\"", 10, Change(), CancellationToken.None);
        var stale = await Data.Twins.WriteAsync(InstanceId, Twin("t", "W/\"2\""), StoreWriteMode.ReplaceIfMatch, "W/\"0\"", 10, Change(), CancellationToken.None);
        var current = await Data.Twins.WriteAsync(InstanceId, Twin("t", "W/\"2\""), StoreWriteMode.ReplaceIfMatch, "W/\"1\"", 10, Change(), CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.NotFound, missing);
        Assert.Equal(StoreWriteOutcome.PreconditionFailed, stale);
        Assert.Equal(StoreWriteOutcome.Written, current);
        Assert.Equal("W/\"2\"", (await Data.Twins.GetAsync(InstanceId, "t", CancellationToken.None))!.ETag);
        Assert.Null(await Data.Twins.GetAsync(InstanceId, "nobody", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Creating_beyond_the_twin_limit_is_LimitReached_but_replacing_is_not()
    {
        await OpenAsync();
        await Data.Twins.WriteAsync(InstanceId, Twin("a"), StoreWriteMode.CreateOnly, null, 2, Change(), CancellationToken.None);
        await Data.Twins.WriteAsync(InstanceId, Twin("b"), StoreWriteMode.CreateOnly, null, 2, Change(), CancellationToken.None);

        var third = await Data.Twins.WriteAsync(InstanceId, Twin("c"), StoreWriteMode.CreateOnly, null, 2, Change(), CancellationToken.None);
        var replace = await Data.Twins.WriteAsync(InstanceId, Twin("a", "W/\"2\""), StoreWriteMode.ReplaceIfMatch, "W/\"1\"", 2, Change(), CancellationToken.None);
        var otherInstance = await Data.Twins.WriteAsync(OtherInstanceId, Twin("c"), StoreWriteMode.CreateOnly, null, 2, Change(), CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.LimitReached, third);
        Assert.Equal(StoreWriteOutcome.Written, replace);
        Assert.Equal(StoreWriteOutcome.Written, otherInstance);
        Assert.Null(await Data.Twins.GetAsync(InstanceId, "c", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Delete_needs_the_twin_a_matching_etag_and_no_relationships()
    {
        await OpenAsync();
        await CreateTwinsAsync("a", "b", "c", "lonely");
        await Data.Relationships.WriteAsync(InstanceId, new StoredRelationship("a", "r1", "b", "near", "W/\"r\"", "{}"), StoreWriteMode.CreateOnly, null, Limits, Change(), CancellationToken.None);

        var missing = await Data.Twins.DeleteAsync(InstanceId, "nobody", null, Change(), CancellationToken.None);
        var source = await Data.Twins.DeleteAsync(InstanceId, "a", null, Change(), CancellationToken.None);
        var target = await Data.Twins.DeleteAsync(InstanceId, "b", null, Change(), CancellationToken.None);
        var stale = await Data.Twins.DeleteAsync(InstanceId, "lonely", "W/\"0\"", Change(), CancellationToken.None);
        var matching = await Data.Twins.DeleteAsync(InstanceId, "lonely", "W/\"1\"", Change(), CancellationToken.None);
        var unconditional = await Data.Twins.DeleteAsync(InstanceId, "c", null, Change(), CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.NotFound, missing);
        Assert.Equal(StoreWriteOutcome.HasRelationships, source);
        Assert.Equal(StoreWriteOutcome.HasRelationships, target);
        Assert.Equal(StoreWriteOutcome.PreconditionFailed, stale);
        Assert.Equal(StoreWriteOutcome.Written, matching);
        Assert.Equal(StoreWriteOutcome.Written, unconditional);
        Assert.NotNull(await Data.Twins.GetAsync(InstanceId, "a", CancellationToken.None));
        Assert.Null(await Data.Twins.GetAsync(InstanceId, "lonely", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Instances_do_not_see_or_change_each_others_twins()
    {
        await OpenAsync();
        await Data.Twins.WriteAsync(InstanceId, Twin("shared-id", "W/\"main\""), StoreWriteMode.CreateOnly, null, 10, Change(), CancellationToken.None);

        var invisible = await Data.Twins.GetAsync(OtherInstanceId, "shared-id", CancellationToken.None);
        var deleteElsewhere = await Data.Twins.DeleteAsync(OtherInstanceId, "shared-id", null, Change(), CancellationToken.None);
        var createElsewhere = await Data.Twins.WriteAsync(OtherInstanceId, Twin("shared-id", "W/\"other\""), StoreWriteMode.CreateOnly, null, 10, Change(), CancellationToken.None);

        Assert.Null(invisible);
        Assert.Equal(StoreWriteOutcome.NotFound, deleteElsewhere);
        Assert.Equal(StoreWriteOutcome.Written, createElsewhere);
        Assert.Equal("W/\"main\"", (await Data.Twins.GetAsync(InstanceId, "shared-id", CancellationToken.None))!.ETag);
        Assert.Equal("W/\"other\"", (await Data.Twins.GetAsync(OtherInstanceId, "shared-id", CancellationToken.None))!.ETag);
    }

    [SkippableFact]
    public async Task Concurrent_replaces_with_one_etag_have_exactly_one_winner()
    {
        await OpenAsync();
        await Data.Twins.WriteAsync(InstanceId, Twin("hot", "W/\"0\""), StoreWriteMode.CreateOnly, null, 10, Change(), CancellationToken.None);
        var planes = OpenMoreDataPlanes(4);

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 16).Select(i =>
            Task.Run(() => planes[i % planes.Count].Twins.WriteAsync(InstanceId, Twin("hot", $"W/\"{i}\""), StoreWriteMode.ReplaceIfMatch, "W/\"0\"", 10, Change(), CancellationToken.None))));

        Assert.Single(outcomes, o => o == StoreWriteOutcome.Written);
        Assert.All(outcomes.Where(o => o != StoreWriteOutcome.Written), o => Assert.Equal(StoreWriteOutcome.PreconditionFailed, o));
        var winner = Array.IndexOf(outcomes, StoreWriteOutcome.Written) + 1;
        Assert.Equal($"W/\"{winner}\"", (await Data.Twins.GetAsync(InstanceId, "hot", CancellationToken.None))!.ETag);
    }

    [SkippableFact]
    public async Task Concurrent_creates_never_exceed_the_twin_limit()
    {
        await OpenAsync();
        var planes = OpenMoreDataPlanes(4);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => planes[i % planes.Count].Twins.WriteAsync(InstanceId, Twin($"t{i}"), StoreWriteMode.CreateOnly, null, 5, Change(), CancellationToken.None))));

        Assert.Equal(5, outcomes.Count(o => o == StoreWriteOutcome.Written));
        Assert.Equal(15, outcomes.Count(o => o == StoreWriteOutcome.LimitReached));
        Assert.Equal(5, await Harness.CountRowsAsync("twins"));
    }

    [SkippableFact]
    public async Task Twin_count_follows_creates_deletes_and_a_refused_create_and_survives_a_restart()
    {
        await OpenAsync();
        Assert.Null(await Harness.ReadTwinCountAsync(InstanceId));

        await Data.Twins.WriteAsync(InstanceId, Twin("a"), StoreWriteMode.CreateOnly, null, 3, Change(), CancellationToken.None);
        await Data.Twins.WriteAsync(InstanceId, Twin("b"), StoreWriteMode.CreateOnly, null, 3, Change(), CancellationToken.None);
        await Data.Twins.WriteAsync(InstanceId, Twin("c"), StoreWriteMode.CreateOnly, null, 3, Change(), CancellationToken.None);
        var duplicate = await Data.Twins.WriteAsync(InstanceId, Twin("c"), StoreWriteMode.CreateOnly, null, 10, Change(), CancellationToken.None);
        var replaced = await Data.Twins.WriteAsync(InstanceId, Twin("a", "W/\"2\""), StoreWriteMode.ReplaceIfMatch, "W/\"1\"", 3, Change(), CancellationToken.None);
        var atLimit = await Data.Twins.WriteAsync(InstanceId, Twin("d"), StoreWriteMode.CreateOnly, null, 3, Change(), CancellationToken.None);
        var countAtLimit = await Harness.ReadTwinCountAsync(InstanceId);
        var deleted = await Data.Twins.DeleteAsync(InstanceId, "b", null, Change(), CancellationToken.None);
        var deletedAgain = await Data.Twins.DeleteAsync(InstanceId, "b", null, Change(), CancellationToken.None);
        var countAfterDelete = await Harness.ReadTwinCountAsync(InstanceId);
        var afterDelete = await Data.Twins.WriteAsync(InstanceId, Twin("d"), StoreWriteMode.CreateOnly, null, 3, Change(), CancellationToken.None);

        // A restart: a new store over the same database, migrated again (nothing to do), with its own data plane.
        var restarted = Harness.OpenStore();
        await restarted.Migrations.ApplyPendingAsync(CancellationToken.None);
        var data = Harness.OpenDataPlane(restarted);
        var afterRestart = await data.Twins.WriteAsync(InstanceId, Twin("e"), StoreWriteMode.CreateOnly, null, 3, Change(), CancellationToken.None);
        var belowHigherLimit = await data.Twins.WriteAsync(InstanceId, Twin("e"), StoreWriteMode.CreateOnly, null, 4, Change(), CancellationToken.None);
        await data.Twins.DeleteAsync(InstanceId, "a", null, Change(), CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.PreconditionFailed, duplicate);
        Assert.Equal(StoreWriteOutcome.Written, replaced);
        Assert.Equal(StoreWriteOutcome.LimitReached, atLimit);
        Assert.Equal(3, countAtLimit);
        Assert.Equal(StoreWriteOutcome.Written, deleted);
        Assert.Equal(StoreWriteOutcome.NotFound, deletedAgain);
        Assert.Equal(2, countAfterDelete);
        Assert.Equal(StoreWriteOutcome.Written, afterDelete);
        Assert.Equal(StoreWriteOutcome.LimitReached, afterRestart);
        Assert.Equal(StoreWriteOutcome.Written, belowHigherLimit);
        Assert.Equal(3, await Harness.ReadTwinCountAsync(InstanceId));
        Assert.Equal(3, await Harness.CountRowsAsync("twins"));
        Assert.Null(await Harness.ReadTwinCountAsync(OtherInstanceId));
    }

    [SkippableFact]
    public async Task Twin_count_migration_counts_the_twins_already_stored()
    {
        await OpenAsync();
        await CreateTwinsAsync("a", "b", "c");
        await Data.Twins.WriteAsync(OtherInstanceId, Twin("x"), StoreWriteMode.CreateOnly, null, 10, Change(), CancellationToken.None);
        // Back to the schema before the counter, with the twins in place, as a database written by an older Doppel.
        await Harness.ExecuteSqlAsync("""
            DROP TABLE digital_twins_endpoints; DROP TABLE twin_counts; DROP TABLE directory_objects; DROP INDEX twins_by_model_and_id; CREATE INDEX twins_by_model ON twins (instance_id, model_id);
            DROP TABLE activity_log; DROP TABLE role_assignments; DROP TABLE async_operations; DROP TABLE digital_twins_resources; DROP TABLE resource_groups; DROP TABLE subscriptions;
            DELETE FROM schema_migrations WHERE version >= 5;
            """);

        var store = Harness.OpenStore();
        var report = await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        var data = Harness.OpenDataPlane(store);
        var atLimit = await data.Twins.WriteAsync(InstanceId, Twin("d"), StoreWriteMode.CreateOnly, null, 3, Change(), CancellationToken.None);

        // 5 and 6 are the migrations this test is about; later ones (the control plane's 7, the directory's 8, the endpoints' 9) run after them.
        Assert.Equal([5, 6, 7, 8, 9], report.Applied.Select(m => m.Version));
        Assert.Equal(3, await Harness.ReadTwinCountAsync(InstanceId));
        Assert.Equal(1, await Harness.ReadTwinCountAsync(OtherInstanceId));
        Assert.Equal(StoreWriteOutcome.LimitReached, atLimit);
    }

    private static RelationshipLimits Limits => new(null, 100, 100);
}
