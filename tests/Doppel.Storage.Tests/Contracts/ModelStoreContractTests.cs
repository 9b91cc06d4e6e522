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

        var a = await Data.Models.AddAsync(InstanceId, [first], 10, CancellationToken.None);
        var b = await Data.Models.AddAsync(InstanceId, [second], 10, CancellationToken.None);
        var models = await Data.Models.ListAsync(InstanceId, CancellationToken.None);

        Assert.Equal(new ModelAddResult(StoreWriteOutcome.Written), a);
        Assert.Equal(new ModelAddResult(StoreWriteOutcome.Written), b);
        Assert.Equal(["dtmi:example:Zeta;1", "dtmi:example:Alpha;1"], models.Select(m => m.Id));
        Assert.True(models[0].Sequence < models[1].Sequence);
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
        await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:B;1")], 10, CancellationToken.None);

        var result = await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:A;1"), Model("dtmi:example:B;1"), Model("dtmi:example:C;1")], 10, CancellationToken.None);
        var models = await Data.Models.ListAsync(InstanceId, CancellationToken.None);

        Assert.Equal(new ModelAddResult(StoreWriteOutcome.AlreadyExists, "dtmi:example:B;1"), result);
        Assert.Equal(["dtmi:example:B;1"], models.Select(m => m.Id));
    }

    [SkippableFact]
    public async Task Upload_beyond_the_limit_is_LimitReached_and_adds_nothing()
    {
        await OpenAsync();
        await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:A;1"), Model("dtmi:example:B;1")], 3, CancellationToken.None);

        var refused = await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:C;1"), Model("dtmi:example:D;1")], 3, CancellationToken.None);
        var accepted = await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:C;1")], 3, CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.LimitReached, refused.Outcome);
        Assert.Equal(StoreWriteOutcome.Written, accepted.Outcome);
        Assert.Equal(3, (await Data.Models.ListAsync(InstanceId, CancellationToken.None)).Count);
    }

    [SkippableFact]
    public async Task Decommissioning_sets_and_clears_the_flag_and_unknown_models_answer_false()
    {
        await OpenAsync();
        await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:A;1")], 10, CancellationToken.None);

        var set = await Data.Models.SetDecommissionedAsync(InstanceId, "dtmi:example:A;1", true, CancellationToken.None);
        var afterSet = (await Data.Models.ListAsync(InstanceId, CancellationToken.None)).Single().Decommissioned;
        var cleared = await Data.Models.SetDecommissionedAsync(InstanceId, "dtmi:example:A;1", false, CancellationToken.None);
        var afterClear = (await Data.Models.ListAsync(InstanceId, CancellationToken.None)).Single().Decommissioned;
        var unknown = await Data.Models.SetDecommissionedAsync(InstanceId, "dtmi:example:Missing;1", true, CancellationToken.None);

        Assert.True(set);
        Assert.True(afterSet);
        Assert.True(cleared);
        Assert.False(afterClear);
        Assert.False(unknown);
    }

    [SkippableFact]
    public async Task Deleting_removes_the_model_and_unknown_models_answer_false()
    {
        await OpenAsync();
        await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:A;1"), Model("dtmi:example:B;1")], 10, CancellationToken.None);

        var deleted = await Data.Models.DeleteAsync(InstanceId, "dtmi:example:A;1", CancellationToken.None);
        var again = await Data.Models.DeleteAsync(InstanceId, "dtmi:example:A;1", CancellationToken.None);

        Assert.True(deleted);
        Assert.False(again);
        Assert.Equal(["dtmi:example:B;1"], (await Data.Models.ListAsync(InstanceId, CancellationToken.None)).Select(m => m.Id));
    }

    [SkippableFact]
    public async Task Instances_do_not_see_or_change_each_others_models()
    {
        await OpenAsync();
        await Data.Models.AddAsync(InstanceId, [Model("dtmi:example:A;1")], 1, CancellationToken.None);

        var other = await Data.Models.AddAsync(OtherInstanceId, [Model("dtmi:example:A;1")], 1, CancellationToken.None);
        var deletedElsewhere = await Data.Models.DeleteAsync(OtherInstanceId, "dtmi:example:A;1", CancellationToken.None);
        var decommissionedElsewhere = await Data.Models.SetDecommissionedAsync(OtherInstanceId, "dtmi:example:A;1", true, CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.Written, other.Outcome);
        Assert.True(deletedElsewhere);
        Assert.False(decommissionedElsewhere);
        Assert.Single(await Data.Models.ListAsync(InstanceId, CancellationToken.None));
        Assert.Empty(await Data.Models.ListAsync(OtherInstanceId, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Concurrent_uploads_of_one_model_store_it_once()
    {
        await OpenAsync();
        var planes = OpenMoreDataPlanes(4);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => planes[i % planes.Count].Models.AddAsync(InstanceId, [Model("dtmi:example:Contended;1")], 100, CancellationToken.None))));

        Assert.Single(results, r => r.Outcome == StoreWriteOutcome.Written);
        Assert.All(results.Where(r => r.Outcome != StoreWriteOutcome.Written), r => Assert.Equal(new ModelAddResult(StoreWriteOutcome.AlreadyExists, "dtmi:example:Contended;1"), r));
        Assert.Single(await Data.Models.ListAsync(InstanceId, CancellationToken.None));
    }

    private static NewModel Model(string id) => new(id, $$"""{"@id":"{{id}}","@type":"Interface"}""", null, null, Uploaded);
}
