using Doppel.Storage.DataPlane;
using Doppel.Storage.Tests.Support;

namespace Doppel.Storage.Tests.Contracts;

/// <summary>The relationships of each instance (<see cref="IRelationshipStore"/>), the same on every engine.</summary>
public abstract class RelationshipStoreContractTests : DataPlaneContractTests
{
    private static readonly RelationshipLimits Roomy = new(null, 100, 100);

    [SkippableFact]
    public async Task Created_relationship_is_returned_as_stored_and_a_second_create_is_PreconditionFailed()
    {
        await OpenAsync();
        await CreateTwinsAsync("a", "b");
        var relationship = Relationship("a", "r/1 é", "b", "contains", "W/\"1\"");

        var created = await Data.Relationships.WriteAsync(InstanceId, relationship, StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None);
        var again = await Data.Relationships.WriteAsync(InstanceId, relationship with { ETag = "W/\"2\"" }, StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None);
        var stored = await Data.Relationships.GetAsync(InstanceId, "a", "r/1 é", CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.Written, created);
        Assert.Equal(StoreWriteOutcome.PreconditionFailed, again);
        Assert.Equal(relationship, stored);
        Assert.Null(await Data.Relationships.GetAsync(InstanceId, "b", "r/1 é", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Missing_source_is_NotFound_and_missing_target_is_TargetNotFound()
    {
        await OpenAsync();
        await CreateTwinsAsync("a");

        var noSource = await Data.Relationships.WriteAsync(InstanceId, Relationship("nobody", "r", "a"), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None);
        var noTarget = await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r", "nobody"), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.NotFound, noSource);
        Assert.Equal(StoreWriteOutcome.TargetNotFound, noTarget);
        Assert.Null(await Data.Relationships.GetAsync(InstanceId, "a", "r", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Replace_if_match_needs_the_relationship_and_its_current_etag()
    {
        await OpenAsync();
        await CreateTwinsAsync("a", "b", "c");
        await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r", "b", etag: "W/\"1\""), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None);

        var missing = await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "other", "b"), StoreWriteMode.ReplaceIfMatch, "W/\"1\"", Roomy, Change(), CancellationToken.None);
        var stale = await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r", "c", etag: "W/\"2\""), StoreWriteMode.ReplaceIfMatch, "W/\"0\"", Roomy, Change(), CancellationToken.None);
        var current = await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r", "c", etag: "W/\"2\""), StoreWriteMode.ReplaceIfMatch, "W/\"1\"", Roomy, Change(), CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.NotFound, missing);
        Assert.Equal(StoreWriteOutcome.PreconditionFailed, stale);
        Assert.Equal(StoreWriteOutcome.Written, current);
        Assert.Equal(Relationship("a", "r", "c", etag: "W/\"2\""), await Data.Relationships.GetAsync(InstanceId, "a", "r", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Relationships_beyond_the_multiplicity_of_their_name_are_MultiplicityExceeded()
    {
        await OpenAsync();
        await CreateTwinsAsync("a", "b", "c");
        var limits = new RelationshipLimits(1, 100, 100);
        await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r1", "b", "owner"), StoreWriteMode.CreateOnly, null, limits, Change(), CancellationToken.None);

        var second = await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r2", "c", "owner"), StoreWriteMode.CreateOnly, null, limits, Change(), CancellationToken.None);
        var otherName = await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r3", "c", "near"), StoreWriteMode.CreateOnly, null, limits, Change(), CancellationToken.None);
        var replaceSame = await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r1", "c", "owner", "W/\"2\""), StoreWriteMode.ReplaceIfMatch, "W/\"1\"", limits, Change(), CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.MultiplicityExceeded, second);
        Assert.Equal(StoreWriteOutcome.Written, otherName);
        Assert.Equal(StoreWriteOutcome.Written, replaceSame);
    }

    [SkippableFact]
    public async Task Outgoing_and_incoming_limits_refuse_new_relationships_only()
    {
        await OpenAsync();
        await CreateTwinsAsync("a", "b", "c");
        var limits = new RelationshipLimits(null, 1, 1);
        await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r1", "b"), StoreWriteMode.CreateOnly, null, limits, Change(), CancellationToken.None);

        var outgoing = await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r2", "c"), StoreWriteMode.CreateOnly, null, limits, Change(), CancellationToken.None);
        var incoming = await Data.Relationships.WriteAsync(InstanceId, Relationship("c", "r3", "b"), StoreWriteMode.CreateOnly, null, limits, Change(), CancellationToken.None);
        var replace = await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r1", "b", etag: "W/\"2\""), StoreWriteMode.ReplaceIfMatch, "W/\"1\"", limits, Change(), CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.LimitReached, outgoing);
        Assert.Equal(StoreWriteOutcome.LimitReached, incoming);
        Assert.Equal(StoreWriteOutcome.Written, replace);
    }

    [SkippableFact]
    public async Task Delete_needs_the_relationship_and_a_matching_etag()
    {
        await OpenAsync();
        await CreateTwinsAsync("a", "b");
        await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r", "b", etag: "W/\"1\""), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None);

        var missing = await Data.Relationships.DeleteAsync(InstanceId, "a", "nothing", null, Change(), CancellationToken.None);
        var stale = await Data.Relationships.DeleteAsync(InstanceId, "a", "r", "W/\"0\"", Change(), CancellationToken.None);
        var deleted = await Data.Relationships.DeleteAsync(InstanceId, "a", "r", "W/\"1\"", Change(), CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.NotFound, missing);
        Assert.Equal(StoreWriteOutcome.PreconditionFailed, stale);
        Assert.Equal(StoreWriteOutcome.Written, deleted);
        Assert.Null(await Data.Relationships.GetAsync(InstanceId, "a", "r", CancellationToken.None));
        Assert.Equal(StoreWriteOutcome.Written, await Data.Twins.DeleteAsync(InstanceId, "b", null, Change(), CancellationToken.None));
    }

    [SkippableFact]
    public async Task Outgoing_relationships_are_listed_by_ordinal_id_filtered_by_name_and_paged()
    {
        await OpenAsync();
        await CreateTwinsAsync("a", "b", "c");
        foreach (var (id, name) in new[] { ("r-b", "near"), ("rb", "owner"), ("R", "near"), ("r9", "near"), ("é", "near") })
        {
            await Data.Relationships.WriteAsync(InstanceId, Relationship("a", id, "b", name), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None);
        }

        await Data.Relationships.WriteAsync(InstanceId, Relationship("c", "r0", "b"), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None);

        var all = await Data.Relationships.ListOutgoingAsync(InstanceId, "a", null, null, 100, CancellationToken.None);
        var near = await Data.Relationships.ListOutgoingAsync(InstanceId, "a", "near", null, 100, CancellationToken.None);
        var firstPage = await Data.Relationships.ListOutgoingAsync(InstanceId, "a", null, null, 2, CancellationToken.None);
        var secondPage = await Data.Relationships.ListOutgoingAsync(InstanceId, "a", null, firstPage[^1].Id, 2, CancellationToken.None);
        var nearAfter = await Data.Relationships.ListOutgoingAsync(InstanceId, "a", "near", "r-b", 100, CancellationToken.None);

        // Ordinal (UTF-8 byte) order: 'R' < 'r-b' < 'r9' < 'rb' < 'é'.
        Assert.Equal(["R", "r-b", "r9", "rb", "é"], all.Select(r => r.Id));
        Assert.Equal(["R", "r-b", "r9", "é"], near.Select(r => r.Id));
        Assert.Equal(["R", "r-b"], firstPage.Select(r => r.Id));
        Assert.Equal(["r9", "rb"], secondPage.Select(r => r.Id));
        Assert.Equal(["r9", "é"], nearAfter.Select(r => r.Id));
        Assert.All(all, r => Assert.Equal("a", r.SourceId));
    }

    [SkippableFact]
    public async Task Incoming_relationships_are_listed_by_source_and_id_and_paged()
    {
        await OpenAsync();
        await CreateTwinsAsync("target", "s1", "s2", "elsewhere");
        foreach (var (source, id) in new[] { ("s2", "x"), ("s1", "y"), ("s1", "x"), ("s2", "a") })
        {
            await Data.Relationships.WriteAsync(InstanceId, Relationship(source, id, "target"), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None);
        }

        await Data.Relationships.WriteAsync(InstanceId, Relationship("s1", "z", "elsewhere"), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None);

        var all = await Data.Relationships.ListIncomingAsync(InstanceId, "target", null, 100, CancellationToken.None);
        var firstPage = await Data.Relationships.ListIncomingAsync(InstanceId, "target", null, 3, CancellationToken.None);
        var secondPage = await Data.Relationships.ListIncomingAsync(InstanceId, "target", new RelationshipKey(firstPage[^1].SourceId, firstPage[^1].Id), 3, CancellationToken.None);

        Assert.Equal([("s1", "x"), ("s1", "y"), ("s2", "a"), ("s2", "x")], all.Select(r => (r.SourceId, r.Id)));
        Assert.Equal([("s1", "x"), ("s1", "y"), ("s2", "a")], firstPage.Select(r => (r.SourceId, r.Id)));
        Assert.Equal([("s2", "x")], secondPage.Select(r => (r.SourceId, r.Id)));
    }

    [SkippableFact]
    public async Task Instances_do_not_see_each_others_relationships()
    {
        await OpenAsync();
        await CreateTwinsAsync("a", "b");
        await Data.Relationships.WriteAsync(InstanceId, Relationship("a", "r", "b"), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None);

        var get = await Data.Relationships.GetAsync(OtherInstanceId, "a", "r", CancellationToken.None);
        var outgoing = await Data.Relationships.ListOutgoingAsync(OtherInstanceId, "a", null, null, 10, CancellationToken.None);
        var incoming = await Data.Relationships.ListIncomingAsync(OtherInstanceId, "b", null, 10, CancellationToken.None);
        var write = await Data.Relationships.WriteAsync(OtherInstanceId, Relationship("a", "r", "b"), StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None);
        var delete = await Data.Relationships.DeleteAsync(OtherInstanceId, "a", "r", null, Change(), CancellationToken.None);

        Assert.Null(get);
        Assert.Empty(outgoing);
        Assert.Empty(incoming);
        Assert.Equal(StoreWriteOutcome.NotFound, write);
        Assert.Equal(StoreWriteOutcome.NotFound, delete);
        Assert.NotNull(await Data.Relationships.GetAsync(InstanceId, "a", "r", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Concurrent_creates_never_exceed_the_multiplicity()
    {
        await OpenAsync();
        await CreateTwinsAsync("a", "b");
        var planes = OpenMoreDataPlanes(4);
        var limits = new RelationshipLimits(2, 100, 100);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => planes[i % planes.Count].Relationships.WriteAsync(InstanceId, Relationship("a", $"r{i}", "b", "owner"), StoreWriteMode.CreateOnly, null, limits, Change(), CancellationToken.None))));

        Assert.Equal(2, outcomes.Count(o => o == StoreWriteOutcome.Written));
        Assert.Equal(10, outcomes.Count(o => o == StoreWriteOutcome.MultiplicityExceeded));
        Assert.Equal(2, (await Data.Relationships.ListOutgoingAsync(InstanceId, "a", "owner", null, 100, CancellationToken.None)).Count);
    }

    private static StoredRelationship Relationship(string source, string id, string target, string name = "near", string etag = "W/\"1\"") =>
        new(source, id, target, name, etag, $$"""{"$relationshipId":"{{id}}","$sourceId":"{{source}}","$targetId":"{{target}}","$relationshipName":"{{name}}"}""");
}
