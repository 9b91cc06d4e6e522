using System.Net;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests;

public sealed class ComponentsAndTelemetryTests : IAsyncLifetime
{
    private DataPlaneServer _server = null!;
    private InstanceClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await DataPlaneServer.StartAsync();
        _client = _server.Client(await _server.NewInstanceAsync());
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/room", Samples.RoomTwin()));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Component_get_returns_its_properties_and_metadata_with_the_twin_ETag()
    {
        using var twin = await _client.GetAsync("digitaltwins/room");

        using var component = await _client.GetAsync("digitaltwins/room/components/thermostat");

        await Adt.OkAsync(component);
        Assert.Equal(twin.Headers.ETag, component.Headers.ETag);
        Assert.True((await Adt.JsonAsync(component)).TryGetProperty("$metadata", out _));
    }

    [Fact]
    public async Task Component_patch_uses_paths_relative_to_the_component_and_honours_If_Match()
    {
        using var twin = await _client.GetAsync("digitaltwins/room");
        var etag = twin.Headers.ETag!.ToString();

        using var patch = await _client.PatchAsync("digitaltwins/room/components/thermostat", """
            [{"op":"add","path":"/setpoint","value":22.5},{"op":"add","path":"/$metadata/setpoint/sourceTime","value":"2024-05-01T10:00:00Z"}]
            """, new Dictionary<string, string> { ["If-Match"] = etag });
        using var stale = await _client.PatchAsync("digitaltwins/room/components/thermostat", """[{"op":"replace","path":"/setpoint","value":1}]""",
            new Dictionary<string, string> { ["If-Match"] = etag });
        using var invalid = await _client.PatchAsync("digitaltwins/room/components/thermostat", """[{"op":"add","path":"/humidity","value":1}]""");

        await Adt.OkAsync(patch, HttpStatusCode.NoContent);
        await Adt.ErrorAsync(stale, HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        await Adt.ErrorAsync(invalid, HttpStatusCode.BadRequest, "ValidationFailed");
        using var component = await _client.GetAsync("digitaltwins/room/components/thermostat");
        var json = await Adt.JsonAsync(component);
        Assert.Equal(22.5, json.GetProperty("setpoint").GetDouble());
        Assert.Equal("2024-05-01T10:00:00Z", json.GetProperty("$metadata").GetProperty("setpoint").GetProperty("sourceTime").GetString());
        Assert.Equal(patch.Headers.ETag, component.Headers.ETag);
    }

    [Theory]
    [InlineData("digitaltwins/room/components/nothere", "ComponentNotFound")]
    [InlineData("digitaltwins/room/components/area", "ComponentNotFound")]
    [InlineData("digitaltwins/ghost/components/thermostat", "DigitalTwinNotFound")]
    public async Task Missing_component_or_twin_is_404(string path, string code)
    {
        using var get = await _client.GetAsync(path);
        using var patch = await _client.PatchAsync(path, """[{"op":"add","path":"/setpoint","value":1}]""");

        await Adt.ErrorAsync(get, HttpStatusCode.NotFound, code);
        await Adt.ErrorAsync(patch, HttpStatusCode.NotFound, code);
    }

    [Fact]
    public async Task Telemetry_is_accepted_with_204_for_the_twin_and_its_components()
    {
        var headers = new Dictionary<string, string> { ["Message-Id"] = "m1", ["Telemetry-Source-Time"] = "2024-05-01T10:00:00.123Z" };

        using var twin = await _client.PostAsync("digitaltwins/room/telemetry", """{"temperature":21.3}""", headers);
        using var component = await _client.PostAsync("digitaltwins/room/components/thermostat/telemetry", """{"temperature":21.3}""", headers);
        // The JS SDK 1.1.0 swaps payload and message id for component telemetry: a JSON string body, JSON in Message-Id.
        using var swapped = await _client.PostAsync("digitaltwins/room/components/thermostat/telemetry", "\"m2\"",
            new Dictionary<string, string> { ["Message-Id"] = """{"temp":2}""" });

        await Adt.OkAsync(twin, HttpStatusCode.NoContent);
        await Adt.OkAsync(component, HttpStatusCode.NoContent);
        await Adt.OkAsync(swapped, HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("digitaltwins/room/telemetry", null, "{}", HttpStatusCode.BadRequest, "InvalidArgument")]
    [InlineData("digitaltwins/room/telemetry", "m", "{not json", HttpStatusCode.BadRequest, "InvalidArgument")]
    [InlineData("digitaltwins/ghost/telemetry", "m", "{}", HttpStatusCode.NotFound, "DigitalTwinNotFound")]
    [InlineData("digitaltwins/room/components/nothere/telemetry", "m", "{}", HttpStatusCode.NotFound, "ComponentNotFound")]
    public async Task Bad_telemetry_is_refused_with_ADTs_codes(string path, string? messageId, string body, HttpStatusCode status, string code)
    {
        var headers = messageId is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Message-Id"] = messageId };

        using var response = await _client.PostAsync(path, body, headers);

        await Adt.ErrorAsync(response, status, code);
    }

    [Fact]
    public async Task Bad_Telemetry_Source_Time_is_400_InvalidArgument()
    {
        using var response = await _client.PostAsync("digitaltwins/room/telemetry", "{}",
            new Dictionary<string, string> { ["Message-Id"] = "m", ["Telemetry-Source-Time"] = "noon" });

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
    }
}

public sealed class PersistenceTests
{
    [Fact]
    public async Task Models_twins_and_relationships_survive_a_server_restart()
    {
        await using var server = await DataPlaneServer.StartAsync();
        string etag;
        using (var client = server.Client())
        {
            await Adt.OkAsync(await client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
            await Adt.OkAsync(await client.PutAsync("digitaltwins/a", Samples.RoomTwin(7)));
            await Adt.OkAsync(await client.PutAsync("digitaltwins/b", Samples.RoomTwin()));
            using var relationship = await client.PutAsync("digitaltwins/a/relationships/ab", """{"$targetId":"b","$relationshipName":"adjacentTo"}""");
            etag = relationship.Headers.ETag!.ToString();
            await Adt.OkAsync(await client.PatchAsync("models/" + InstanceClient.Encode(Samples.FloorId), """[{"op":"replace","path":"/decommissioned","value":true}]"""), HttpStatusCode.NoContent);
        }

        await server.RestartAsync();

        using var after = server.Client();
        using var twin = await after.GetAsync("digitaltwins/a");
        using var rel = await after.GetAsync("digitaltwins/a/relationships/ab");
        using var floor = await after.GetAsync("models/" + InstanceClient.Encode(Samples.FloorId));
        using var newTwin = await after.PutAsync("digitaltwins/c", Samples.RoomTwin());
        await Adt.OkAsync(twin);
        Assert.Equal(7, (await Adt.JsonAsync(twin)).GetProperty("area").GetDouble());
        await Adt.OkAsync(rel);
        Assert.Equal(etag, rel.Headers.ETag!.ToString());
        Assert.True((await Adt.JsonAsync(floor)).GetProperty("decommissioned").GetBoolean());
        await Adt.OkAsync(newTwin);
    }
}
