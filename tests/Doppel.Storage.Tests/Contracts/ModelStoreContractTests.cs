using Doppel.Storage.DataPlane;
using Doppel.Storage.Tests.Support;

namespace Doppel.Storage.Tests.Contracts;

/// <summary>The models of each instance (<see cref="IModelStore"/>), the same on every engine.</summary>
public abstract class ModelStoreContractTests : DataPlaneContractTests
{
    private static readonly DateTimeOffset Uploaded = new(2026, 5, 1, 12, 30, 15, TimeSpan.Zero);

    [SkippableFact]
    public async Task Added_models_are_listed_in_upload_order_with_every_field()
    {
        await OpenAsync();
        var first = new NewModel("dtmi:example:Zeta;1", """{"@id":"dtmi:example:Zeta;1"}""", """{"en":"Zeta"}""", null, Uploaded);
        var second = new NewModel("dtmi:example:Alpha;1", """{"@id":"dtmi:example:Alpha;1", "x" : 1}""", null, """{"en":"The first letter"}""", Uploaded.AddSeconds(1));

        var a = await Data.Models.AddAsync(InstanceId, [first], 10, null, CancellationToken.None);
        var b = await Data.Models.AddAsync(InstanceId, [second], 10, null, CancellationToken.None);
        var models = await Data.Models.ListAsync(InstanceId, CancellationToken.None);

        Assert.Equal(new ModelAddResult(StoreWriteOutcome.Written, null, 1, a.FirstSequence), a);
        Assert.Equal(new ModelAddResult(StoreWriteOutcome.Written, null, 2, a.FirstSequence + 1), b);
        Assert.Equal(["dtmi:example:Zeta;1", "dtmi:example:Alpha;1"], models.Select(m => m.Id));
        Assert.Equal([a.FirstSequence, b.FirstSequence], models.Select(m => m.Sequence));
        Assert.Equal(
            (first.Definition, first.DisplayName, first.Description, first.UploadTime, false),
            (models[0].Definition, models[0].DisplayName, models[0].Description, models[0].UploadTime, models[0].Decommissioned));
        Assert.Equal(
            (second.Definition, second.DisplayName, second.Description, second.UploadTime, false),
            (models[1].Definition, models[1].DisplayName, models[1].Description, models[1].UploadTime, models[1].Decommissioned));
    }

    [SkippableFact]
    public async Task Upload_with_an_existing_id_is_AlreadyExists_and_adds_none_of_its_models()
    {
        await OpenAsync();
        await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:B;1")], 10, null, CancellationToken.None);

        var result = await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:A;1"), Model("dtmi:example:B;1"), Model("dtmi:example:C;1")], 10, null, CancellationToken.None);
        var models = await Data.Models.ListAsync(InstanceId, CancellationToken.None);

        Assert.Equal(new ModelAddResult(StoreWriteOutcome.AlreadyExists, "dtmi:example:B;1", 1), result);
        Assert.Equal(["dtmi:example:B;1"], models.Select(m => m.Id));
    }

    [SkippableFact]
    public async Task Upload_beyond_the_limit_is_LimitReached_and_adds_nothing()
    {
        await OpenAsync();
        await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:A;1"), Model("dtmi:example:B;1")], 3, null, CancellationToken.None);

        var refused = await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:C;1"), Model("dtmi:example:D;1")], 3, null, CancellationToken.None);
        var accepted = await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:C;1")], 3, null, CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.LimitReached, refused.Outcome);
        Assert.Equal(StoreWriteOutcome.Written, accepted.Outcome);
        Assert.Equal(3, (await Data.Models.ListAsync(InstanceId, CancellationToken.None)).Count);
    }

    [SkippableFact]
    public async Task Decommissioning_sets_and_clears_the_flag_and_unknown_models_are_NotFound()
    {
        await OpenAsync();
        await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:A;1")], 10, null, CancellationToken.None);

        var set = await Data.Models.SetDecommissionedAsync(InstanceId, "dtmi:example:A;1", true, null, CancellationToken.None);
        var afterSet = (await Data.Models.ListAsync(InstanceId, CancellationToken.None)).Single().Decommissioned;
        var cleared = await Data.Models.SetDecommissionedAsync(InstanceId, "dtmi:example:A;1", false, null, CancellationToken.None);
        var afterClear = (await Data.Models.ListAsync(InstanceId, CancellationToken.None)).Single().Decommissioned;
        var unknown = await Data.Models.SetDecommissionedAsync(InstanceId, "dtmi:example:Missing;1", true, null, CancellationToken.None);

        Assert.Equal(new ModelWriteResult(StoreWriteOutcome.Written, 2), set);
        Assert.True(afterSet);
        Assert.Equal(new ModelWriteResult(StoreWriteOutcome.Written, 3), cleared);
        Assert.False(afterClear);
        Assert.Equal(new ModelWriteResult(StoreWriteOutcome.NotFound, 3), unknown);
    }

    [SkippableFact]
    public async Task Deleting_removes_the_model_and_unknown_models_are_NotFound()
    {
        await OpenAsync();
        await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:A;1"), Model("dtmi:example:B;1")], 10, null, CancellationToken.None);

        var deleted = await Data.Models.DeleteAsync(InstanceId, "dtmi:example:A;1", null, CancellationToken.None);
        var again = await Data.Models.DeleteAsync(InstanceId, "dtmi:example:A;1", null, CancellationToken.None);

        Assert.Equal(new ModelWriteResult(StoreWriteOutcome.Written, 2), deleted);
        Assert.Equal(new ModelWriteResult(StoreWriteOutcome.NotFound, 2), again);
        Assert.Equal(["dtmi:example:B;1"], (await Data.Models.ListAsync(InstanceId, CancellationToken.None)).Select(m => m.Id));
    }

    [SkippableFact]
    public async Task Instances_do_not_see_or_change_each_others_models()
    {
        await OpenAsync();
        await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:A;1")], 1, null, CancellationToken.None);

        var other = await Data.Models.AddAsync(OtherInstanceId, [Model("dtmi:example:A;1")], 1, null, CancellationToken.None);
        var deletedElsewhere = await Data.Models.DeleteAsync(OtherInstanceId, "dtmi:example:A;1", null, CancellationToken.None);
        var decommissionedElsewhere = await Data.Models.SetDecommissionedAsync(OtherInstanceId, "dtmi:example:A;1", true, null, CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.Written, other.Outcome);
        Assert.Equal(StoreWriteOutcome.Written, deletedElsewhere.Outcome);
        Assert.Equal(StoreWriteOutcome.NotFound, decommissionedElsewhere.Outcome);
        Assert.Equal(1, await Data.Models.GetVersionAsync(InstanceId, CancellationToken.None));
        Assert.Equal(2, await Data.Models.GetVersionAsync(OtherInstanceId, CancellationToken.None));
        Assert.Single(await Data.Models.ListAsync(InstanceId, CancellationToken.None));
        Assert.Empty(await Data.Models.ListAsync(OtherInstanceId, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Concurrent_uploads_of_one_model_store_it_once()
    {
        await OpenAsync();
        var planes = OpenMoreDataPlanes(4);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => planes[i % planes.Count].Models.AddAsync(InstanceId, [Model("dtmi:example:Contended;1")], 100, null, CancellationToken.None))));

        Assert.Single(results, r => r.Outcome == StoreWriteOutcome.Written);
        Assert.All(results.Where(r => r.Outcome != StoreWriteOutcome.Written), r => Assert.Equal(new ModelAddResult(StoreWriteOutcome.AlreadyExists, "dtmi:example:Contended;1", 1), r));
        Assert.Single(await Data.Models.ListAsync(InstanceId, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Every_committed_model_change_raises_the_version_by_one_and_refused_ones_do_not()
    {
        await OpenAsync();
        var start = await Data.Models.GetVersionAsync(InstanceId, CancellationToken.None);

        var added = await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:A;1"), Model("dtmi:example:B;1")], 3, 0, CancellationToken.None);
        var duplicate = await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:A;1")], 3, 1, CancellationToken.None);
        var tooMany = await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:C;1"), Model("dtmi:example:D;1")], 3, 1, CancellationToken.None);
        var decommissioned = await Data.Models.SetDecommissionedAsync(InstanceId, "dtmi:example:A;1", true, 1, CancellationToken.None);
        var missing = await Data.Models.SetDecommissionedAsync(InstanceId, "dtmi:example:Missing;1", true, 2, CancellationToken.None);
        var deleted = await Data.Models.DeleteAsync(InstanceId, "dtmi:example:B;1", 2, CancellationToken.None);
        await Data.Twins.WriteAsync(InstanceId, Twin("t"), StoreWriteMode.CreateOnly, null, 10, Change(), CancellationToken.None);

        Assert.Equal(0, start);
        Assert.Equal((StoreWriteOutcome.Written, 1L), (added.Outcome, added.Version));
        Assert.Equal((StoreWriteOutcome.AlreadyExists, 1L), (duplicate.Outcome, duplicate.Version));
        Assert.Equal((StoreWriteOutcome.LimitReached, 1L), (tooMany.Outcome, tooMany.Version));
        Assert.Equal(new ModelWriteResult(StoreWriteOutcome.Written, 2), decommissioned);
        Assert.Equal(new ModelWriteResult(StoreWriteOutcome.NotFound, 2), missing);
        Assert.Equal(new ModelWriteResult(StoreWriteOutcome.Written, 3), deleted);
        Assert.Equal(3, await Data.Models.GetVersionAsync(InstanceId, CancellationToken.None));
        Assert.Equal(0, await Data.Models.GetVersionAsync(OtherInstanceId, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Changes_expecting_another_version_are_PreconditionFailed_and_change_nothing()
    {
        await OpenAsync();
        await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:A;1")], 10, 0, CancellationToken.None);

        var add = await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:B;1")], 10, 0, CancellationToken.None);
        var decommission = await Data.Models.SetDecommissionedAsync(InstanceId, "dtmi:example:A;1", true, 0, CancellationToken.None);
        var delete = await Data.Models.DeleteAsync(InstanceId, "dtmi:example:A;1", 7, CancellationToken.None);

        Assert.Equal(new ModelAddResult(StoreWriteOutcome.PreconditionFailed, Version: 1), add);
        Assert.Equal(new ModelWriteResult(StoreWriteOutcome.PreconditionFailed, 1), decommission);
        Assert.Equal(new ModelWriteResult(StoreWriteOutcome.PreconditionFailed, 1), delete);
        var models = await Data.Models.ListAsync(InstanceId, CancellationToken.None);
        Assert.Equal(["dtmi:example:A;1"], models.Select(m => m.Id));
        Assert.False(models[0].Decommissioned);
        Assert.Equal(1, await Data.Models.GetVersionAsync(InstanceId, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Concurrent_changes_expecting_one_version_have_exactly_one_winner()
    {
        await OpenAsync();
        var planes = OpenMoreDataPlanes(4);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => planes[i % planes.Count].Models.AddAsync(InstanceId, [Model($"dtmi:example:M{i};1")], 100, 0, CancellationToken.None))));

        var winner = Assert.Single(results, r => r.Outcome == StoreWriteOutcome.Written);
        Assert.Equal(1, winner.Version);
        Assert.All(results.Where(r => r != winner), r => Assert.Equal(new ModelAddResult(StoreWriteOutcome.PreconditionFailed, Version: 1), r));
        Assert.Single(await Data.Models.ListAsync(InstanceId, CancellationToken.None));
        Assert.Equal(1, await Data.Models.GetVersionAsync(InstanceId, CancellationToken.None));
    }

    private static NewModel Model(string id) => new(id, $$"""{"@id":"{{id}}","@type":"Interface"}""", null, null, Uploaded);
}
