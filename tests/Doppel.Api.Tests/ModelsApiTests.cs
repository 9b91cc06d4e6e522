using System.Net;
using System.Text.Json;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests;

public sealed class ModelsApiTests : IAsyncLifetime
{
    private DataPlaneServer _server = null!;
    private InstanceClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await DataPlaneServer.StartAsync();
        _client = _server.Client(await _server.NewInstanceAsync());
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Upload_answers_201_with_model_data_as_language_maps()
    {
        using var response = await _client.PostAsync("models", Samples.Models());

        await Adt.OkAsync(response, HttpStatusCode.Created);
        var models = await Adt.JsonAsync(response);
        Assert.Equal(4, models.GetArrayLength());
        var room = models.EnumerateArray().Single(m => m.GetProperty("id").GetString() == Samples.RoomId);
        Assert.Equal("Room", room.GetProperty("displayName").GetProperty("en").GetString());
        Assert.Equal("A room", room.GetProperty("description").GetProperty("en").GetString());
        Assert.False(room.GetProperty("decommissioned").GetBoolean());
        Assert.EndsWith("Z", room.GetProperty("uploadTime").GetString(), StringComparison.Ordinal);
        Assert.False(room.TryGetProperty("model", out _));
    }

    [Fact]
    public async Task Uploading_an_existing_model_is_409_ModelAlreadyExists_and_stores_nothing_of_the_batch()
    {
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Array(Samples.Space)), HttpStatusCode.Created);

        using var response = await _client.PostAsync("models", Samples.Array(Samples.Thermostat, Samples.Space));

        await Adt.ErrorAsync(response, HttpStatusCode.Conflict, "ModelAlreadyExists");
        using var thermostat = await _client.GetAsync("models/" + InstanceClient.Encode(Samples.ThermostatId));
        await Adt.ErrorAsync(thermostat, HttpStatusCode.NotFound, "ModelNotFound");
    }

    [Fact]
    public async Task Invalid_DTDL_is_400_DTDLParserError_with_every_problem_in_details()
    {
        const string bad = """[{"@id":"dtmi:doppel:bad;1","@type":"Interface","@context":"dtmi:dtdl:context;3","contents":[{"@type":"Property","name":"x"},{"@type":"Property","name":"1bad","schema":"string"}]}]""";

        using var response = await _client.PostAsync("models", bad);

        var error = await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "DTDLParserError");
        Assert.True(error.GetProperty("details").GetArrayLength() >= 2);
        Assert.Contains("models[0]", error.GetProperty("details")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reference_to_a_missing_model_is_a_DTDLParserError()
    {
        using var response = await _client.PostAsync("models", Samples.Array(Samples.Room));

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "DTDLParserError");
    }

    [Fact]
    public async Task Upload_may_refer_to_models_stored_earlier()
    {
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Array(Samples.Space, Samples.Thermostat)), HttpStatusCode.Created);

        using var response = await _client.PostAsync("models", Samples.Array(Samples.Room));

        await Adt.OkAsync(response, HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("{}", "InvalidArgument")]
    [InlineData("[]", "InvalidArgument")]
    [InlineData("[{\"@id\":", "DTDLParserError")]
    public async Task Body_that_is_not_a_nonempty_array_is_a_400(string body, string code)
    {
        using var response = await _client.PostAsync("models", body);

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task More_than_250_models_in_one_upload_is_LimitExceeded()
    {
        var models = Enumerable.Range(1, 251).Select(i => $$"""{"@id":"dtmi:doppel:many:M{{i}};1","@type":"Interface","@context":"dtmi:dtdl:context;3"}""");

        using var response = await _client.PostAsync("models", "[" + string.Join(",", models) + "]");

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "LimitExceeded");
    }

    [Fact]
    public async Task Listing_pages_with_max_items_per_page_and_an_absolute_nextLink_under_the_instance_prefix()
    {
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
        var seen = new List<string>();
        var url = _client.Url("models").ToString();
        var pages = 0;

        while (url is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("max-items-per-page", "3");
            using var response = await _client.Http.SendAsync(request);
            await Adt.OkAsync(response);
            var page = await Adt.JsonAsync(response);
            seen.AddRange(page.GetProperty("value").EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
            url = page.TryGetProperty("nextLink", out var next) ? next.GetString() : null;
            if (url is not null)
            {
                Assert.StartsWith(_client.BaseAddress + "models?", url, StringComparison.Ordinal);
            }

            pages++;
        }

        Assert.Equal(2, pages);
        Assert.Equal([Samples.SpaceId, Samples.ThermostatId, Samples.RoomId, Samples.FloorId], seen);
    }

    [Fact]
    public async Task DependenciesFor_returns_the_model_and_everything_it_needs_with_definitions_when_asked()
    {
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);

        using var response = await _client.GetAsync($"models?dependenciesFor={InstanceClient.Encode(Samples.RoomId)}&includeModelDefinition=true");

        await Adt.OkAsync(response);
        var value = (await Adt.JsonAsync(response)).GetProperty("value");
        Assert.Equal([Samples.SpaceId, Samples.ThermostatId, Samples.RoomId], value.EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(Samples.RoomId, value[2].GetProperty("model").GetProperty("@id").GetString());
    }

    [Fact]
    public async Task DependenciesFor_an_unknown_model_is_404_ModelNotFound()
    {
        using var response = await _client.GetAsync("models?dependenciesFor=dtmi:doppel:none;1");

        await Adt.ErrorAsync(response, HttpStatusCode.NotFound, "ModelNotFound");
    }

    [Fact]
    public async Task Get_by_percent_encoded_id_returns_the_model_and_its_definition_as_uploaded()
    {
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Array(Samples.Space)), HttpStatusCode.Created);

        using var plain = await _client.GetAsync("models/" + InstanceClient.Encode(Samples.SpaceId));
        using var full = await _client.GetAsync("models/" + InstanceClient.Encode(Samples.SpaceId) + "?includeModelDefinition=true");

        await Adt.OkAsync(plain);
        Assert.False((await Adt.JsonAsync(plain)).TryGetProperty("model", out _));
        var model = (await Adt.JsonAsync(full)).GetProperty("model");
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(Samples.Space).RootElement, model));
    }

    [Fact]
    public async Task Definition_is_stored_as_uploaded_and_non_ASCII_text_is_not_escaped()
    {
        const string model = """{"@id":"dtmi:doppel:test:Size;1" ,  "@type":"Interface","@context":"dtmi:dtdl:context;3","displayName":{"de":"Größe <m²> & mehr"}}""";

        using var upload = await _client.PostAsync("models", "[\n  " + model + "\n]");
        using var get = await _client.GetAsync("models?includeModelDefinition=true");

        await Adt.OkAsync(upload, HttpStatusCode.Created);
        var text = await get.Content.ReadAsStringAsync();
        Assert.Contains("\"de\":\"Größe <m²> & mehr\"", text, StringComparison.Ordinal);
        Assert.Equal("Größe <m²> & mehr", (await Adt.JsonAsync(get)).GetProperty("value")[0].GetProperty("displayName").GetProperty("de").GetString());
    }

    [Theory]
    [InlineData("dtmi:doppel:none;1", HttpStatusCode.NotFound, "ModelNotFound")]
    [InlineData("not-a-dtmi", HttpStatusCode.BadRequest, "InvalidArgument")]
    public async Task Get_of_a_missing_or_malformed_id_is_an_ADT_error(string id, HttpStatusCode status, string code)
    {
        using var response = await _client.GetAsync("models/" + InstanceClient.Encode(id));

        await Adt.ErrorAsync(response, status, code);
    }

    [Fact]
    public async Task Decommissioning_with_JSON_Patch_answers_204_and_shows_in_the_model()
    {
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Array(Samples.Space)), HttpStatusCode.Created);
        var path = "models/" + InstanceClient.Encode(Samples.SpaceId);

        using var patch = await _client.PatchAsync(path, """[{"op":"replace","path":"/decommissioned","value":true}]""");

        await Adt.OkAsync(patch, HttpStatusCode.NoContent);
        using var get = await _client.GetAsync(path);
        Assert.True((await Adt.JsonAsync(get)).GetProperty("decommissioned").GetBoolean());
    }

    [Fact]
    public async Task Decommissioning_a_model_that_models_in_use_extend_or_embed_is_409_ModelReferencesNotDecommissioned()
    {
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
        const string decommission = """[{"op":"replace","path":"/decommissioned","value":true}]""";
        string Path(string id) => "models/" + InstanceClient.Encode(id);

        // Room extends Space and embeds Thermostat; Room is not decommissioned.
        using var extended = await _client.PatchAsync(Path(Samples.SpaceId), decommission);
        using var embedded = await _client.PatchAsync(Path(Samples.ThermostatId), decommission);
        var extendedError = await Adt.ErrorAsync(extended, HttpStatusCode.Conflict, "ModelReferencesNotDecommissioned");
        await Adt.ErrorAsync(embedded, HttpStatusCode.Conflict, "ModelReferencesNotDecommissioned");
        Assert.Contains(Samples.RoomId, extendedError.GetProperty("message").GetString(), StringComparison.Ordinal);
        using var stillActive = await _client.GetAsync(Path(Samples.SpaceId));
        Assert.False((await Adt.JsonAsync(stillActive)).GetProperty("decommissioned").GetBoolean());

        // Once Room is decommissioned, what it refers to may be too; the twins of Space can then no longer be created.
        using var room = await _client.PatchAsync(Path(Samples.RoomId), decommission);
        using var space = await _client.PatchAsync(Path(Samples.SpaceId), decommission);
        using var thermostat = await _client.PatchAsync(Path(Samples.ThermostatId), decommission);
        using var again = await _client.PatchAsync(Path(Samples.SpaceId), decommission);
        await Adt.OkAsync(room, HttpStatusCode.NoContent);
        await Adt.OkAsync(space, HttpStatusCode.NoContent);
        await Adt.OkAsync(thermostat, HttpStatusCode.NoContent);
        await Adt.OkAsync(again, HttpStatusCode.NoContent);
        using var spaceTwin = await _client.PutAsync("digitaltwins/s1", "{\"$metadata\":{\"$model\":\"" + Samples.SpaceId + "\"}}");
        await Adt.ErrorAsync(spaceTwin, HttpStatusCode.BadRequest, "ModelDecommissioned");
    }

    [Fact]
    public async Task A_recommissioned_referrer_blocks_decommissioning_again_but_not_what_is_already_decommissioned()
    {
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
        const string decommission = """[{"op":"replace","path":"/decommissioned","value":true}]""";
        const string recommission = """[{"op":"replace","path":"/decommissioned","value":false}]""";
        string Path(string id) => "models/" + InstanceClient.Encode(id);
        await Adt.OkAsync(await _client.PatchAsync(Path(Samples.RoomId), decommission), HttpStatusCode.NoContent);
        await Adt.OkAsync(await _client.PatchAsync(Path(Samples.SpaceId), decommission), HttpStatusCode.NoContent);

        using var roomBack = await _client.PatchAsync(Path(Samples.RoomId), recommission);
        using var spaceAgain = await _client.PatchAsync(Path(Samples.SpaceId), decommission);
        using var spaceBack = await _client.PatchAsync(Path(Samples.SpaceId), recommission);
        using var spaceOnceMore = await _client.PatchAsync(Path(Samples.SpaceId), decommission);

        await Adt.OkAsync(roomBack, HttpStatusCode.NoContent);
        await Adt.OkAsync(spaceAgain, HttpStatusCode.NoContent);
        await Adt.OkAsync(spaceBack, HttpStatusCode.NoContent);
        await Adt.ErrorAsync(spaceOnceMore, HttpStatusCode.Conflict, "ModelReferencesNotDecommissioned");
    }

    [Theory]
    [InlineData("""[{"op":"replace","path":"/displayName","value":"x"}]""")]
    [InlineData("""[{"op":"add","path":"/decommissioned","value":true}]""")]
    [InlineData("""[{"op":"replace","path":"/decommissioned","value":"yes"}]""")]
    [InlineData("""{"op":"replace"}""")]
    [InlineData("""[{"op":"move","from":"/a","path":"/decommissioned"}]""")]
    [InlineData("[")]
    public async Task Any_other_model_patch_is_400_JsonPatchInvalid(string patch)
    {
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Array(Samples.Space)), HttpStatusCode.Created);

        using var response = await _client.PatchAsync("models/" + InstanceClient.Encode(Samples.SpaceId), patch);

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "JsonPatchInvalid");
    }

    [Fact]
    public async Task Deleting_a_model_others_extend_or_embed_is_409_ModelReferencesNotDeleted()
    {
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);

        using var extended = await _client.DeleteAsync("models/" + InstanceClient.Encode(Samples.SpaceId));
        using var embedded = await _client.DeleteAsync("models/" + InstanceClient.Encode(Samples.ThermostatId));

        await Adt.ErrorAsync(extended, HttpStatusCode.Conflict, "ModelReferencesNotDeleted");
        await Adt.ErrorAsync(embedded, HttpStatusCode.Conflict, "ModelReferencesNotDeleted");
    }

    [Fact]
    public async Task Deleting_an_unreferenced_model_answers_204_then_404()
    {
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
        var path = "models/" + InstanceClient.Encode(Samples.FloorId);

        using var first = await _client.DeleteAsync(path);
        using var second = await _client.DeleteAsync(path);

        await Adt.OkAsync(first, HttpStatusCode.NoContent);
        await Adt.ErrorAsync(second, HttpStatusCode.NotFound, "ModelNotFound");
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Array(Samples.Floor)), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Upload_with_a_non_JSON_content_type_is_415()
    {
        using var response = await _client.SendAsync(HttpMethod.Post, "models", Samples.Array(Samples.Space), "text/plain");

        await Adt.ErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
    }

    [Fact]
    public async Task Deeply_nested_JSON_is_a_400_not_a_500()
    {
        var deep = new string('[', 5000) + new string(']', 5000);

        using var response = await _client.PostAsync("models", deep);

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "DTDLParserError");
    }
}
