using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Api.Tests.Support;
using Doppel.Storage.DataPlane;

namespace Doppel.Api.Tests;

/// <summary>
/// Every twin and relationship change through the API leaves exactly its change event in the outbox, in ADT's
/// shapes; every refused request leaves none.
/// </summary>
public sealed class ChangeEventsApiTests : IAsyncLifetime
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private DataPlaneServer _server = null!;
    private InstanceClient _client = null!;
    private string _instance = null!;

    public async Task InitializeAsync()
    {
        _server = await DataPlaneServer.StartAsync();
        _instance = await _server.NewInstanceAsync();
        _client = _server.Client(_instance);
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Twin_create_patch_replace_and_delete_each_write_ADTs_event()
    {
        var traced = new Dictionary<string, string> { ["traceparent"] = $"00-{TraceId}-00f067aa0ba902b7-01" };
        using var created = await _client.PutAsync("digitaltwins/room%2F1", Samples.RoomTwin(), traced);
        await Adt.OkAsync(created);
        var createdBody = await created.Content.ReadAsStringAsync();
        using var patched = await _client.PatchAsync("digitaltwins/room%2F1", """[{"op":"replace","path":"/area","value":20},{"op":"add","path":"/occupied","value":true}]""");
        await Adt.OkAsync(patched, HttpStatusCode.NoContent);
        using var component = await _client.PatchAsync("digitaltwins/room%2F1/components/thermostat", """[{"op":"add","path":"/setpoint","value":21.5}]""");
        await Adt.OkAsync(component, HttpStatusCode.NoContent);
        using var replaced = await _client.PutAsync("digitaltwins/room%2F1", Samples.RoomTwin(30));
        await Adt.OkAsync(replaced);
        using var last = await _client.GetAsync("digitaltwins/room%2F1");
        var lastBody = await last.Content.ReadAsStringAsync();
        using var deleted = await _client.DeleteAsync("digitaltwins/room%2F1");
        await Adt.OkAsync(deleted, HttpStatusCode.NoContent);

        var events = await _server.ReadEventsAsync(_instance);

        Assert.Equal([1L, 2L, 3L, 4L, 5L], events.Select(e => e.Position));
        Assert.Equal(
            ["Microsoft.DigitalTwins.Twin.Create", "Microsoft.DigitalTwins.Twin.Update", "Microsoft.DigitalTwins.Twin.Update", "Microsoft.DigitalTwins.Twin.Update", "Microsoft.DigitalTwins.Twin.Delete"],
            events.Select(e => e.Event.Type));
        Assert.All(events, e => Assert.Equal("room/1", e.Event.Subject));
        Assert.All(events, e => Assert.True(Guid.TryParse(e.Event.Id, out _)));
        Assert.Equal(5, events.Select(e => e.Event.Id).Distinct().Count());
        Assert.All(events, e => Assert.InRange(e.Event.Time, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1)));

        // Create: the twin as the response (and GET) has it; the time is the twin's $lastUpdateTime.
        Assert.Equal(createdBody, events[0].Event.Data);
        var stamp = JsonNode.Parse(createdBody)!["$metadata"]!["$lastUpdateTime"]!.GetValue<string>();
        Assert.Equal(stamp, events[0].Event.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith($"00-{TraceId}-", events[0].Event.TraceParent, StringComparison.Ordinal);

        // Update: the model id and the patch as sent; a component patch with the component in its paths.
        AssertJson($$"""{"modelId":"{{Samples.RoomId}}","patch":[{"op":"replace","path":"/area","value":20},{"op":"add","path":"/occupied","value":true}]}""", events[1].Event.Data);
        AssertJson($$"""{"modelId":"{{Samples.RoomId}}","patch":[{"op":"add","path":"/thermostat/setpoint","value":21.5}]}""", events[2].Event.Data);

        // A PUT over an existing twin: the patch from the old state to the new one.
        AssertJson($$"""{"modelId":"{{Samples.RoomId}}","patch":[{"op":"replace","path":"/area","value":30},{"op":"remove","path":"/thermostat/setpoint"},{"op":"remove","path":"/occupied"}]}""", events[3].Event.Data);

        // Delete: the last state.
        Assert.Equal(lastBody, events[4].Event.Data);
    }

    [Fact]
    public async Task Relationship_create_patch_replace_and_delete_each_write_ADTs_event()
    {
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/a", Samples.RoomTwin()));
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/b", Samples.RoomTwin()));
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/f", Samples.FloorTwin()));
        var start = (await _server.ReadEventsAsync(_instance))[^1].Position;

        using var created = await _client.PutAsync("digitaltwins/a/relationships/r%201", """{"$targetId":"b","$relationshipName":"adjacentTo","doorCount":1}""");
        await Adt.OkAsync(created);
        var createdBody = await created.Content.ReadAsStringAsync();
        using var patched = await _client.PatchAsync("digitaltwins/a/relationships/r%201", """[{"op":"replace","path":"/doorCount","value":2}]""");
        await Adt.OkAsync(patched, HttpStatusCode.NoContent);
        using var replaced = await _client.PutAsync("digitaltwins/a/relationships/r%201", """{"$targetId":"b","$relationshipName":"adjacentTo"}""");
        await Adt.OkAsync(replaced);
        var lastBody = await replaced.Content.ReadAsStringAsync();
        using var deleted = await _client.DeleteAsync("digitaltwins/a/relationships/r%201");
        await Adt.OkAsync(deleted, HttpStatusCode.NoContent);
        using var floor = await _client.PutAsync("digitaltwins/f/relationships/c", """{"$targetId":"a","$relationshipName":"contains"}""");
        await Adt.OkAsync(floor);
        using var floorPatched = await _client.PatchAsync("digitaltwins/f/relationships/c", "[]");
        await Adt.OkAsync(floorPatched, HttpStatusCode.NoContent);

        var events = await _server.ReadEventsAsync(_instance, start);

        Assert.Equal(
            ["Microsoft.DigitalTwins.Relationship.Create", "Microsoft.DigitalTwins.Relationship.Update", "Microsoft.DigitalTwins.Relationship.Update", "Microsoft.DigitalTwins.Relationship.Delete",
             "Microsoft.DigitalTwins.Relationship.Create", "Microsoft.DigitalTwins.Relationship.Update"],
            events.Select(e => e.Event.Type));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => start + i), events.Select(e => e.Position));
        Assert.All(events.Take(4), e => Assert.Equal("a/relationships/r 1", e.Event.Subject));
        Assert.Equal(createdBody, events[0].Event.Data);
        AssertJson($$"""{"modelId":"{{Samples.RoomId}}","patch":[{"op":"replace","path":"/doorCount","value":2}]}""", events[1].Event.Data);
        AssertJson($$"""{"modelId":"{{Samples.RoomId}}","patch":[{"op":"remove","path":"/doorCount"}]}""", events[2].Event.Data);
        Assert.Equal(lastBody, events[3].Event.Data);
        Assert.Equal("f/relationships/c", events[4].Event.Subject);
        AssertJson($$"""{"modelId":"{{Samples.FloorId}}","patch":[]}""", events[5].Event.Data);
    }

    [Fact]
    public async Task Refused_requests_leave_no_event()
    {
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/a", Samples.RoomTwin()));
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/b", Samples.RoomTwin()));
        using var related = await _client.PutAsync("digitaltwins/a/relationships/r", """{"$targetId":"b","$relationshipName":"near"}""");
        await Adt.OkAsync(related);
        var etag = related.Headers.ETag!.ToString();
        var before = await _server.ReadEventsAsync(_instance);
        var star = new Dictionary<string, string> { ["If-None-Match"] = "*" };
        var stale = new Dictionary<string, string> { ["If-Match"] = "W/\"stale\"" };

        HttpResponseMessage[] refused =
        [
            await _client.PutAsync("digitaltwins/c", """{"$metadata":{"$model":"dtmi:doppel:test:Room;1"},"area":"big","thermostat":{"$metadata":{}}}"""),
            await _client.PutAsync("digitaltwins/c", """{"$metadata":{"$model":"dtmi:doppel:test:Nothing;1"}}"""),
            await _client.PutAsync("digitaltwins/a", Samples.RoomTwin(), star),
            await _client.PatchAsync("digitaltwins/a", """[{"op":"replace","path":"/area","value":1}]""", stale),
            await _client.PatchAsync("digitaltwins/a", """[{"op":"move","from":"/area","path":"/x"}]"""),
            await _client.PatchAsync("digitaltwins/a", """[{"op":"replace","path":"/area","value":"wide"}]"""),
            await _client.PatchAsync("digitaltwins/a/components/thermostat", """[{"op":"add","path":"/nothing","value":1}]"""),
            await _client.DeleteAsync("digitaltwins/a"),
            await _client.DeleteAsync("digitaltwins/b", stale),
            await _client.DeleteAsync("digitaltwins/ghost"),
            await _client.PutAsync("digitaltwins/a/relationships/r2", """{"$targetId":"ghost","$relationshipName":"near"}"""),
            await _client.PutAsync("digitaltwins/a/relationships/r2", """{"$targetId":"a","$relationshipName":"near"}"""),
            await _client.PutAsync("digitaltwins/a/relationships/r2", """{"$targetId":"b","$relationshipName":"owns"}"""),
            await _client.PutAsync("digitaltwins/a/relationships/r", """{"$targetId":"b","$relationshipName":"near"}""", star),
            await _client.PatchAsync("digitaltwins/a/relationships/r", """[{"op":"add","path":"/color","value":"red"}]"""),
            await _client.PatchAsync("digitaltwins/a/relationships/r", "[]", stale),
            await _client.DeleteAsync("digitaltwins/a/relationships/r", stale),
            await _client.DeleteAsync("digitaltwins/a/relationships/ghost"),
        ];

        Assert.All(refused, r => Assert.True((int)r.StatusCode >= 400 && (int)r.StatusCode < 500, $"{r.RequestMessage!.Method} {r.RequestMessage.RequestUri} answered {(int)r.StatusCode}"));
        Assert.Equal(before, await _server.ReadEventsAsync(_instance));
        using var stillThere = await _client.DeleteAsync("digitaltwins/a/relationships/r", new Dictionary<string, string> { ["If-Match"] = etag });
        await Adt.OkAsync(stillThere, HttpStatusCode.NoContent);
        Assert.Equal(before.Count + 1, (await _server.ReadEventsAsync(_instance)).Count);
        foreach (var response in refused)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Events_survive_a_restart_and_later_events_follow_them()
    {
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/a", Samples.RoomTwin()));
        var before = await _server.ReadEventsAsync(_instance);

        await _server.RestartAsync();
        using var client = _server.Client(_instance);
        await Adt.OkAsync(await client.DeleteAsync("digitaltwins/a"), HttpStatusCode.NoContent);
        var after = await _server.ReadEventsAsync(_instance);

        Assert.Equal(before, after.Take(before.Count));
        Assert.Equal(before[^1].Position + 1, after[^1].Position);
        Assert.Equal("Microsoft.DigitalTwins.Twin.Delete", after[^1].Event.Type);
    }

    private static void AssertJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"Expected {expected}\nActual   {actual}");
}
