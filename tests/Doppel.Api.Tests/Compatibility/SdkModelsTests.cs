using System.Text.Json;

namespace Doppel.Api.Tests.Compatibility;

/// <summary>Models through the official JavaScript SDK (<c>js/models.mjs</c>).</summary>
[Collection(OfficialSdk.Name)]
public sealed class SdkModelsTests(SdkServer sdk)
{
    private const string Space = "dtmi:compat:Space;1";
    private const string Thermostat = "dtmi:compat:Thermostat;1";
    private const string Room = "dtmi:compat:Room;1";
    private const string Floor = "dtmi:compat:Floor;1";

    [SkippableFact]
    public async Task CreateModels_returns_model_data_and_getModel_includes_the_definition_only_when_asked()
    {
        var result = await sdk.RunAsync("models.mjs", "create-and-get");

        result.Succeeded("created", 201);
        Assert.Equal("application/json; charset=utf-8", result.Text("created.contentType"));
        var items = result.At("created.items");
        Assert.Equal([Space, Thermostat, Room, Floor], items.EnumerateArray().Select(m => m.Text("id")));
        Assert.All(items.EnumerateArray(), m =>
        {
            Assert.False(m.Flag("decommissioned"));
            Assert.True(m.Flag("uploadTimeIsDate"));
            Assert.False(m.Flag("hasModel"));
        });
        var room = items[2];
        Assert.Equal("Room", room.Text("displayName.en"));
        Assert.Equal("Raum", room.Text("displayName.de"));
        Assert.Equal("A room", room.Text("description.en"));
        Assert.Equal("Space", items[0].Text("displayName.en"));
        result.Succeeded("plain", 200);
        Assert.Equal(Room, result.Text("plain.id"));
        Assert.False(result.Flag("plain.hasModel"));
        Assert.True(result.Flag("plain.uploadTimeIsDate"));
        Assert.True(result.Flag("full.hasModel"));
        Assert.True(JsonElement.DeepEquals(result.At("uploaded"), result.At("full.model")), $"the definition changed: {result.At("full.model")}");
        Assert.Equal(
            [$"/models/{Uri.EscapeDataString(Room)}?api-version=2022-05-31&includeModelDefinition=false", $"/models/{Uri.EscapeDataString(Room)}?api-version=2022-05-31&includeModelDefinition=true"],
            result.Texts("urls").Select(u => u[u.IndexOf("/models/", StringComparison.Ordinal)..]));
    }

    [SkippableFact]
    public async Task ListModels_iterates_every_model_follows_dependencies_and_pages_by_maxPageSize()
    {
        var result = await sdk.RunAsync("models.mjs", "list");

        Assert.Equal([Space, Thermostat, Room, Floor], result.At("all").EnumerateArray().Select(m => m.Text("id")));
        Assert.All(result.At("all").EnumerateArray(), m => Assert.False(m.Flag("hasModel")));
        Assert.All(result.At("definitions").EnumerateArray(), m => Assert.Equal(m.Text("id"), m.Text("definitionId")));
        Assert.Equal([Space, Thermostat, Room], result.Texts("dependencies"));
        Assert.Equal([Thermostat, Floor], result.Texts("ofTwo"));
        Assert.Contains("dependenciesFor=" + Uri.EscapeDataString(Thermostat) + "," + Uri.EscapeDataString(Floor), result.Text("ofTwoUrl"), StringComparison.Ordinal);
        var pages = result.At("pages").EnumerateArray().Select(p => p.EnumerateArray().Select(m => m.GetString()).ToList()).ToList();
        Assert.Equal([[Space, Thermostat, Room], [Floor]], pages);
    }

    [SkippableFact]
    public async Task Decommissioned_model_refuses_new_twins_and_a_deleted_model_leaves_its_twins_readable()
    {
        var result = await sdk.RunAsync("models.mjs", "decommission-and-delete");

        result.Succeeded("decommissioned", 204);
        Assert.Equal("PATCH", result.Text("decommissionRequest.method"));
        Assert.Equal("application/json-patch+json", result.Text("decommissionRequest.headers.content-type"));
        Assert.True(result.Flag("after.decommissioned"));
        result.FailedWith("newTwin", 400, "ModelDecommissioned");
        result.Succeeded("existingTwin", 204, etag: true);
        result.FailedWith("extended", 409, "ModelReferencesNotDeleted");
        result.FailedWith("embedded", 409, "ModelReferencesNotDeleted");
        result.Succeeded("deleted", 204);
        result.FailedWith("gone", 404, "ModelNotFound");
        Assert.Equal([Space, Thermostat, Room], result.Texts("listed"));
        result.Succeeded("orphan", 200, etag: true);
        Assert.Equal(2, result.Number("orphan.level"));
        Assert.Equal(Floor, result.Text("orphan.model"));
        result.Succeeded("orphanDeleted", 204);
        result.Succeeded("reuploaded", 201);
        Assert.False(result.Flag("reuploaded.decommissioned"));
    }

    [SkippableFact]
    public async Task Upload_errors_surface_as_RestErrors_with_DTDLParserError_and_ModelAlreadyExists()
    {
        var result = await sdk.RunAsync("models.mjs", "upload-errors");

        result.FailedWith("invalid", 400, "DTDLParserError");
        var details = result.At("invalid.details").EnumerateArray().ToList();
        Assert.Equal(2, details.Count);
        Assert.All(details, d => Assert.Equal("DTDLParserError", d.Text("code")));
        Assert.Contains("noSchema", details[0].Text("message"), StringComparison.Ordinal);
        Assert.Contains("1bad", details[1].Text("message"), StringComparison.Ordinal);
        result.FailedWith("duplicate", 409, "ModelAlreadyExists");
        Assert.Contains(Space, result.Text("duplicate.message"), StringComparison.Ordinal);
        result.FailedWith("partOfTheFailedBatch", 404, "ModelNotFound");
        result.FailedWith("missingReference", 400, "DTDLParserError");
        Assert.Contains(Thermostat, result.Text("missingReference.message"), StringComparison.Ordinal);
        result.FailedWith("empty", 400, "InvalidArgument");
        result.FailedWith("twinOfMissingModel", 400, "ValidationFailed");
        Assert.Equal($"{Room} or one of its dependencies does not exist.", result.Text("twinOfMissingModel.details.0.message"));
    }
}
