using System.Net;
using System.Text.Json;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests;

public sealed class TwinsApiTests : IAsyncLifetime
{
    private DataPlaneServer _server = null!;
    private InstanceClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await DataPlaneServer.StartAsync();
        _client = _server.Client(await _server.NewInstanceAsync());
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Put_answers_200_with_the_twin_in_ADT_shape_and_a_matching_ETag_header()
    {
        const string body = """
            {"$dtId":"ignored","$metadata":{"$model":"dtmi:doppel:test:Room;1","area":{"sourceTime":"2022-05-31T12:00:01.000125009Z"}},
             "area":12.5,"name":"r1","address":{"street":"Main","number":1},"thermostat":{"setpoint":21.5,"$metadata":{}}}
            """;

        using var response = await _client.PutAsync("digitaltwins/r1", body);

        await Adt.OkAsync(response);
        var twin = await Adt.JsonAsync(response);
        var etag = response.Headers.ETag!.ToString();
        Assert.StartsWith("W/\"", etag, StringComparison.Ordinal);
        Assert.Equal(etag, twin.GetProperty("$etag").GetString());
        Assert.Equal("r1", twin.GetProperty("$dtId").GetString());
        Assert.Equal(["$dtId", "$etag", "area", "name", "address", "thermostat", "$metadata"], twin.EnumerateObject().Select(p => p.Name));
        var metadata = twin.GetProperty("$metadata");
        Assert.Equal(Samples.RoomId, metadata.GetProperty("$model").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$", metadata.GetProperty("$lastUpdateTime").GetString());
        Assert.Equal("2022-05-31T12:00:01.000125009Z", metadata.GetProperty("area").GetProperty("sourceTime").GetString());
        Assert.True(metadata.GetProperty("address").TryGetProperty("lastUpdateTime", out _));
        var thermostat = twin.GetProperty("thermostat");
        Assert.Equal(21.5, thermostat.GetProperty("setpoint").GetDouble());
        Assert.True(thermostat.GetProperty("$metadata").GetProperty("setpoint").TryGetProperty("lastUpdateTime", out _));
        Assert.True(thermostat.GetProperty("$metadata").TryGetProperty("$lastUpdateTime", out _));
    }

    [Fact]
    public async Task Get_returns_what_put_stored_with_the_same_ETag()
    {
        using var put = await _client.PutAsync("digitaltwins/r2", Samples.RoomTwin());

        using var get = await _client.GetAsync("digitaltwins/r2");

        await Adt.OkAsync(get);
        Assert.Equal(put.Headers.ETag, get.Headers.ETag);
        Assert.Equal(await put.Content.ReadAsStringAsync(), await get.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_of_a_missing_twin_is_404_DigitalTwinNotFound_with_ADTs_message()
    {
        using var response = await _client.GetAsync("digitaltwins/nobody");

        var error = await Adt.ErrorAsync(response, HttpStatusCode.NotFound, "DigitalTwinNotFound");
        Assert.StartsWith("There is no digital twin instance that exists with the ID nobody.", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_with_If_None_Match_star_creates_once_then_is_412()
    {
        var star = new Dictionary<string, string> { ["If-None-Match"] = "*" };

        using var first = await _client.PutAsync("digitaltwins/once", Samples.RoomTwin(), star);
        using var second = await _client.PutAsync("digitaltwins/once", Samples.RoomTwin(), star);
        using var bad = await _client.PutAsync("digitaltwins/once", Samples.RoomTwin(), new Dictionary<string, string> { ["If-None-Match"] = "W/\"x\"" });

        await Adt.OkAsync(first);
        await Adt.ErrorAsync(second, HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        var error = await Adt.ErrorAsync(bad, HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal("Invalid If-None-Match header value. Allowed value(s): If-None-Match: *", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Put_replaces_an_existing_twin_and_changes_its_ETag()
    {
        using var first = await _client.PutAsync("digitaltwins/rep", Samples.RoomTwin(10));

        using var second = await _client.PutAsync("digitaltwins/rep", Samples.RoomTwin(20));

        await Adt.OkAsync(second);
        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(20, (await Adt.JsonAsync(second)).GetProperty("area").GetDouble());
    }

    public static TheoryData<string, string> InvalidTwins => new()
    {
        { """{"area":1,"thermostat":{"$metadata":{}}}""", "$metadata" },
        { """{"$metadata":{"$model":"dtmi:doppel:test:Room;1"},"area":"big","thermostat":{"$metadata":{}}}""", "area" },
        { """{"$metadata":{"$model":"dtmi:doppel:test:Room;1"},"color":"red","thermostat":{"$metadata":{}}}""", "color" },
        { """{"$metadata":{"$model":"dtmi:doppel:test:Room;1"},"adjacentTo":"x","thermostat":{"$metadata":{}}}""", "adjacentTo" },
        { """{"$metadata":{"$model":"dtmi:doppel:test:Room;1"},"area":1}""", "thermostat" },
        { """{"$metadata":{"$model":"dtmi:doppel:test:Room;1"},"thermostat":{"humidity":3}}""", "humidity" },
        { """{"$metadata":{"$model":"dtmi:doppel:test:Room;1"},"address":{"street":"a","floor":2},"thermostat":{"$metadata":{}}}""", "floor" },
        { """{"$metadata":{"$model":"dtmi:doppel:test:Room;1"},"area":null,"thermostat":{"$metadata":{}}}""", "area" },
        { """{"$metadata":{"$model":"dtmi:doppel:test:Room;1","area":{"sourceTime":"yesterday"}},"area":1,"thermostat":{"$metadata":{}}}""", "sourceTime" },
        { """{"$metadata":{"$model":"dtmi:doppel:test:Nothing;1"}}""", "dtmi:doppel:test:Nothing;1 or one of its dependencies does not exist." },
    };

    [Theory]
    [MemberData(nameof(InvalidTwins))]
    public async Task Twin_that_does_not_fit_its_model_is_400_ValidationFailed_with_the_reason_in_details(string body, string mentioned)
    {
        using var response = await _client.PutAsync("digitaltwins/invalid", body);

        var error = await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal("Invalid twin specified", error.GetProperty("message").GetString());
        Assert.Contains(error.GetProperty("details").EnumerateArray(), d => d.GetProperty("message").GetString()!.Contains(mentioned, StringComparison.Ordinal));
        using var get = await _client.GetAsync("digitaltwins/invalid");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Twin_of_a_decommissioned_model_cannot_be_created_but_existing_ones_stay_usable()
    {
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/floor-old", Samples.FloorTwin()));
        await Adt.OkAsync(await _client.PatchAsync("models/" + InstanceClient.Encode(Samples.FloorId), """[{"op":"replace","path":"/decommissioned","value":true}]"""), HttpStatusCode.NoContent);

        using var create = await _client.PutAsync("digitaltwins/floor-new", Samples.FloorTwin());
        using var patch = await _client.PatchAsync("digitaltwins/floor-old", """[{"op":"replace","path":"/level","value":2}]""");

        await Adt.ErrorAsync(create, HttpStatusCode.BadRequest, "ModelDecommissioned");
        await Adt.OkAsync(patch, HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Patch_with_the_current_ETag_answers_204_with_a_new_ETag_and_keeps_untouched_times()
    {
        using var put = await _client.PutAsync("digitaltwins/p1", Samples.RoomTwin());
        var putTwin = await Adt.JsonAsync(put);
        var before = putTwin.GetProperty("$metadata");
        await Task.Delay(20);
        var ifMatch = new Dictionary<string, string> { ["If-Match"] = put.Headers.ETag!.ToString() };

        using var patch = await _client.PatchAsync("digitaltwins/p1", """
            [{"op":"replace","path":"/area","value":99},{"op":"add","path":"/occupied","value":true},
             {"op":"add","path":"/$metadata/area/sourceTime","value":"2024-01-01T00:00:00Z"},{"op":"remove","path":"/name"},
             {"op":"add","path":"/tags","value":{"a":"b"}},{"op":"add","path":"/tags/c","value":"d"}]
            """, ifMatch);

        await Adt.OkAsync(patch, HttpStatusCode.NoContent);
        Assert.NotEqual(put.Headers.ETag, patch.Headers.ETag);
        using var get = await _client.GetAsync("digitaltwins/p1");
        var twin = await Adt.JsonAsync(get);
        Assert.Equal(patch.Headers.ETag, get.Headers.ETag);
        Assert.Equal(99, twin.GetProperty("area").GetDouble());
        Assert.True(twin.GetProperty("occupied").GetBoolean());
        Assert.False(twin.TryGetProperty("name", out _));
        Assert.Equal("d", twin.GetProperty("tags").GetProperty("c").GetString());
        var metadata = twin.GetProperty("$metadata");
        Assert.False(metadata.TryGetProperty("name", out _));
        Assert.Equal("2024-01-01T00:00:00Z", metadata.GetProperty("area").GetProperty("sourceTime").GetString());
        Assert.NotEqual(before.GetProperty("area").GetProperty("lastUpdateTime").GetString(), metadata.GetProperty("area").GetProperty("lastUpdateTime").GetString());
        Assert.Equal(
            putTwin.GetProperty("thermostat").GetProperty("$metadata").GetProperty("$lastUpdateTime").GetString(),
            twin.GetProperty("thermostat").GetProperty("$metadata").GetProperty("$lastUpdateTime").GetString());
    }

    [Fact]
    public async Task Patch_or_delete_with_a_stale_ETag_is_412_and_changes_nothing()
    {
        using var put = await _client.PutAsync("digitaltwins/p2", Samples.RoomTwin());
        var stale = put.Headers.ETag!.ToString();
        await Adt.OkAsync(await _client.PatchAsync("digitaltwins/p2", """[{"op":"replace","path":"/area","value":1}]"""), HttpStatusCode.NoContent);

        using var patch = await _client.PatchAsync("digitaltwins/p2", """[{"op":"replace","path":"/area","value":2}]""", new Dictionary<string, string> { ["If-Match"] = stale });
        using var delete = await _client.DeleteAsync("digitaltwins/p2", new Dictionary<string, string> { ["If-Match"] = stale });

        await Adt.ErrorAsync(patch, HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        await Adt.ErrorAsync(delete, HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        using var get = await _client.GetAsync("digitaltwins/p2");
        Assert.Equal(1, (await Adt.JsonAsync(get)).GetProperty("area").GetDouble());
    }

    [Theory]
    [InlineData("""[{"op":"move","from":"/area","path":"/x"}]""", "Unsupported operation type move.")]
    [InlineData("""[{"op":"test","path":"/area","value":1}]""", "Unsupported operation type test.")]
    [InlineData("""[{"op":"replace","path":"/name/deep","value":1}]""", "/name/deep")]
    [InlineData("""[{"op":"replace","path":"/occupied","value":true}]""", "does not exist")]
    [InlineData("""[{"op":"replace","path":"/$dtId","value":"x"}]""", "$dtId")]
    [InlineData("""[{"op":"replace","path":"/$metadata/$lastUpdateTime","value":"x"}]""", "$metadata")]
    [InlineData("""[{"op":"replace","path":"","value":{}}]""", "JSON Pointer")]
    [InlineData("""[{"path":"/area"}]""", "op")]
    [InlineData("""{"op":"add","path":"/area","value":1}""", "array")]
    [InlineData("""not json""", "not valid JSON")]
    public async Task Invalid_JSON_Patch_is_400_JsonPatchInvalid(string patch, string mentioned)
    {
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/p3", Samples.RoomTwin()));

        using var response = await _client.PatchAsync("digitaltwins/p3", patch);

        var error = await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "JsonPatchInvalid");
        Assert.Contains(mentioned, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_that_breaks_the_schema_is_ValidationFailed_and_patch_of_a_missing_twin_is_404()
    {
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/p4", Samples.RoomTwin()));

        using var invalid = await _client.PatchAsync("digitaltwins/p4", """[{"op":"replace","path":"/area","value":"wide"}]""");
        using var missing = await _client.PatchAsync("digitaltwins/nobody", """[{"op":"replace","path":"/area","value":1}]""");
        using var component = await _client.PatchAsync("digitaltwins/p4", """[{"op":"remove","path":"/thermostat"}]""");

        await Adt.ErrorAsync(invalid, HttpStatusCode.BadRequest, "ValidationFailed");
        await Adt.ErrorAsync(missing, HttpStatusCode.NotFound, "DigitalTwinNotFound");
        await Adt.ErrorAsync(component, HttpStatusCode.BadRequest, "ValidationFailed");
    }

    [Fact]
    public async Task Patch_can_change_the_model_when_the_twin_then_conforms()
    {
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/p5", """{"$metadata":{"$model":"dtmi:doppel:test:Space;1"},"name":"s"}"""));

        using var bad = await _client.PatchAsync("digitaltwins/p5", """[{"op":"replace","path":"/$metadata/$model","value":"dtmi:doppel:test:Room;1"}]""");
        using var good = await _client.PatchAsync("digitaltwins/p5", """
            [{"op":"replace","path":"/$metadata/$model","value":"dtmi:doppel:test:Room;1"},{"op":"add","path":"/thermostat","value":{"$metadata":{}}}]
            """);

        await Adt.ErrorAsync(bad, HttpStatusCode.BadRequest, "ValidationFailed");
        await Adt.OkAsync(good, HttpStatusCode.NoContent);
        using var get = await _client.GetAsync("digitaltwins/p5");
        Assert.Equal(Samples.RoomId, (await Adt.JsonAsync(get)).GetProperty("$metadata").GetProperty("$model").GetString());
    }

    [Fact]
    public async Task Delete_answers_204_then_404()
    {
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/gone", Samples.RoomTwin()));

        using var first = await _client.DeleteAsync("digitaltwins/gone", new Dictionary<string, string> { ["If-Match"] = "*" });
        using var second = await _client.DeleteAsync("digitaltwins/gone");

        await Adt.OkAsync(first, HttpStatusCode.NoContent);
        await Adt.ErrorAsync(second, HttpStatusCode.NotFound, "DigitalTwinNotFound");
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("q?x=1")]
    [InlineData("hash#tag")]
    [InlineData("100%")]
    [InlineData("ünïcödé-名前")]
    [InlineData("a b+c")]
    public async Task Ids_with_reserved_and_unicode_characters_round_trip_when_percent_encoded(string id)
    {
        using var put = await _client.PutAsync("digitaltwins/" + InstanceClient.Encode(id), Samples.RoomTwin());
        using var get = await _client.GetAsync("digitaltwins/" + InstanceClient.Encode(id));

        await Adt.OkAsync(put);
        await Adt.OkAsync(get);
        Assert.Equal(id, (await Adt.JsonAsync(get)).GetProperty("$dtId").GetString());
        await Adt.OkAsync(await _client.DeleteAsync("digitaltwins/" + InstanceClient.Encode(id)), HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("{\"$metadata\":")]
    [InlineData("[1,2]")]
    [InlineData("")]
    [InlineData("\"just a string\"")]
    public async Task Malformed_twin_bodies_are_400_InvalidArgument(string body)
    {
        using var response = await _client.PutAsync("digitaltwins/bad-json", body);

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
    }

    [Fact]
    public async Task Bodies_over_32_KiB_are_413_and_twins_over_32_KiB_are_refused()
    {
        var huge = "{\"$metadata\":{\"$model\":\"" + Samples.RoomId + "\"},\"name\":\"" + new string('x', 1024 * 1024) + "\"}";

        using var response = await _client.PutAsync("digitaltwins/huge", huge);

        await Adt.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "PayloadTooLarge");
        var longString = "{\"$metadata\":{\"$model\":\"" + Samples.RoomId + "\"},\"name\":\"" + new string('x', 5000) + "\",\"thermostat\":{\"$metadata\":{}}}";
        using var tooLong = await _client.PutAsync("digitaltwins/huge", longString);
        await Adt.ErrorAsync(tooLong, HttpStatusCode.BadRequest, "ValidationFailed");
    }

    [Fact]
    public async Task Deeply_nested_twin_body_is_a_400()
    {
        var deep = "{\"$metadata\":{\"$model\":\"" + Samples.RoomId + "\"},\"tags\":" + new string('[', 200) + new string(']', 200) + "}";

        using var response = await _client.PutAsync("digitaltwins/deep", deep);

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
    }

    [Fact]
    public async Task Concurrent_patches_with_If_Match_have_exactly_one_winner_per_ETag()
    {
        using var put = await _client.PutAsync("digitaltwins/race", Samples.RoomTwin());
        var etag = put.Headers.ETag!.ToString();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            using var response = await _client.PatchAsync("digitaltwins/race", $$"""[{"op":"replace","path":"/area","value":{{i}}}]""", new Dictionary<string, string> { ["If-Match"] = etag });
            return response.StatusCode;
        }));

        Assert.Equal(1, results.Count(s => s == HttpStatusCode.NoContent));
        Assert.Equal(49, results.Count(s => s == HttpStatusCode.PreconditionFailed));
    }

    [Fact]
    public async Task Concurrent_patches_without_If_Match_all_apply()
    {
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/counter", """{"$metadata":{"$model":"dtmi:doppel:test:Room;1"},"tags":{},"thermostat":{"$metadata":{}}}"""));

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            using var response = await _client.PatchAsync("digitaltwins/counter", $$"""[{"op":"add","path":"/tags/k{{i}}","value":"v"}]""");
            return response.StatusCode;
        }));

        Assert.All(results, s => Assert.Equal(HttpStatusCode.NoContent, s));
        using var get = await _client.GetAsync("digitaltwins/counter");
        Assert.Equal(10, (await Adt.JsonAsync(get)).GetProperty("tags").EnumerateObject().Count());
    }
}
