using System.Text.Json;

namespace Doppel.Api.Tests.Compatibility;

/// <summary>Twins through the official JavaScript SDK (<c>js/twins.mjs</c>).</summary>
[Collection(OfficialSdk.Name)]
public sealed class SdkTwinsTests(SdkServer sdk)
{
    private const string Time7 = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$";

    [SkippableFact]
    public async Task UpsertDigitalTwin_returns_the_twin_with_its_ETag_and_getDigitalTwin_returns_the_same()
    {
        var result = await sdk.RunAsync("twins.mjs", "upsert-and-get");

        result.Succeeded("created", 200, etag: true);
        Assert.Equal("application/json; charset=utf-8", result.Text("created.contentType"));
        var twin = result.At("created.body");
        Assert.Equal(result.Text("created.etag"), twin.Text("$etag"));
        Assert.Equal("room-1", twin.Text("$dtId"));
        Assert.Equal(["$dtId", "$etag", "area", "name", "thermostat", "$metadata"], twin.EnumerateObject().Select(p => p.Name));
        Assert.Equal("dtmi:compat:Room;1", twin.Text("$metadata.$model"));
        Assert.Matches(Time7, twin.Text("$metadata.$lastUpdateTime"));
        Assert.Matches(Time7, twin.Text("$metadata.area.lastUpdateTime"));
        Assert.Equal(20, twin.Number("thermostat.setpoint"));
        Assert.Matches(Time7, twin.Text("thermostat.$metadata.$lastUpdateTime"));
        Assert.Equal("2022-05-31T12:00:01.000125009Z", twin.Text("thermostat.$metadata.setpoint.sourceTime"));
        result.Succeeded("got", 200, etag: true);
        Assert.Equal(result.Text("created.etag"), result.Text("got.etag"));
        Assert.True(JsonElement.DeepEquals(twin, result.At("got.body")), $"GET differs from PUT: {result.At("got.body")}");
        result.Succeeded("replaced", 200, etag: true);
        Assert.NotEqual(result.Text("created.etag"), result.Text("replaced.etag"));
        Assert.Equal(20, result.Number("replaced.area"));
        result.FailedWith("createOnlyExisting", 412, "PreconditionFailed");
        result.Succeeded("createOnlyNew", 200, etag: true);
        Assert.All(result.At("createOnlyRequests").EnumerateArray(), r => Assert.Equal("*", r.Text("headers.if-none-match")));
        Assert.Equal("PreconditionFailed", result.Text("createOnlyRequests.0.responseHeaders.x-ms-error-code"));
    }

    [SkippableFact]
    public async Task UpdateDigitalTwin_with_ifMatch_sends_If_Match_and_a_stale_ETag_is_412_PreconditionFailed()
    {
        var result = await sdk.RunAsync("twins.mjs", "update-with-etag");

        var created = result.Text("created.etag");
        result.Succeeded("updated", 204, etag: true);
        Assert.NotEqual(created, result.Text("updated.etag"));
        var requests = result.At("conditionalRequests");
        Assert.All(requests.EnumerateArray(), r =>
        {
            Assert.Equal(created, r.Text("headers.if-match"));
            Assert.Equal("application/json-patch+json", r.Text("headers.content-type"));
        });
        Assert.Equal(result.Text("updated.etag"), requests.Text("0.responseHeaders.etag"));
        result.FailedWith("stale", 412, "PreconditionFailed");
        result.Succeeded("wildcard", 204, etag: true);
        // 1.1.0 knows ifMatch, not etag: with { etag } nothing guards the update. Callers must use ifMatch.
        result.Succeeded("misnamedOption", 204, etag: true);
        Assert.False(result.At("misnamedRequest.headers").Has("if-match"));
        result.Succeeded("after", 200, etag: true);
        Assert.Equal(result.Text("misnamedOption.etag"), result.Text("after.etag"));
        var twin = result.At("after.body");
        Assert.Equal(13, twin.Number("area"));
        Assert.Equal("b", twin.Text("name"));
        Assert.False(twin.Has("occupied"));
        Assert.False(twin.At("$metadata").Has("occupied"));
        Assert.Equal("2024-01-01T00:00:00Z", twin.Text("$metadata.area.sourceTime"));
    }

    [SkippableFact]
    public async Task DeleteDigitalTwin_with_a_stale_ETag_is_412_and_with_the_current_one_deletes()
    {
        var result = await sdk.RunAsync("twins.mjs", "delete-with-etag");

        result.FailedWith("stale", 412, "PreconditionFailed");
        result.Succeeded("stillThere", 200, etag: true);
        Assert.Equal(1, result.Number("stillThere.area"));
        result.Succeeded("deleted", 204);
        Assert.Equal([412, 204], result.At("requests").EnumerateArray().Select(r => r.Number("status")));
        Assert.Equal(result.Text("stillThere.etag"), result.Text("requests.1.headers.if-match"));
        result.FailedWith("gone", 404, "DigitalTwinNotFound");
        result.FailedWith("again", 404, "DigitalTwinNotFound");
        result.Succeeded("wildcard", 204);
    }

    [SkippableFact]
    public async Task Property_values_of_every_schema_round_trip_unchanged_through_upsert_get_and_patch()
    {
        var result = await sdk.RunAsync("twins.mjs", "property-values");

        Assert.True(JsonElement.DeepEquals(result.At("sent"), result.At("created")), $"PUT changed values: {result.At("created")}");
        Assert.True(JsonElement.DeepEquals(result.At("sent"), result.At("got")), $"GET changed values: {result.At("got")}");
        Assert.Equal("ünï \"quoted\" <tag> & 😀 \\ / \n", result.Text("got.s"));
        Assert.Equal(9007199254740991, result.At("got.l").GetInt64());
        Assert.Equal(1e-7, result.At("got.d").GetDouble());
        result.Succeeded("patched", 204, etag: true);
        Assert.Equal(-123456.789, result.At("after.d").GetDouble());
        Assert.Equal(["key with space", "ü", "new"], result.Names("after.tags"));
        Assert.Equal(("Side", -5), (result.Text("after.address.street"), result.Number("after.address.number")));
        Assert.Equal(0, result.At("after.readings").GetArrayLength());
    }

    [SkippableFact]
    public async Task Twenty_concurrent_updates_with_one_ETag_have_one_winner_and_nineteen_PreconditionFailed()
    {
        var result = await sdk.RunAsync("twins.mjs", "concurrent-if-match");

        var outcomes = result.At("outcomes").EnumerateArray().ToList();
        var winner = Assert.Single(outcomes, o => o.Number("status") == 204);
        Assert.Equal(19, outcomes.Count(o => o.Number("status") == 412 && o.Text("code") == "PreconditionFailed"));
        Assert.Equal(winner.Text("etag"), result.Text("after.etag"));
        Assert.Equal(winner.Number("value"), result.Number("after.area"));
    }

    [SkippableFact]
    public async Task Twin_ids_with_reserved_and_unicode_characters_round_trip_through_the_SDK()
    {
        var result = await sdk.RunAsync("twins.mjs", "reserved-ids");

        var ids = result.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(8, ids.Count);
        foreach (var id in ids)
        {
            var twin = result.GetProperty(id);
            Assert.True(twin.Text("created") == id && twin.Text("got") == id, $"{id}: {twin}");
            Assert.Equal(204, twin.Number("updated"));
            Assert.Equal(200, twin.Number("component"));
            Assert.Equal(2, twin.Number("area"));
            Assert.Equal(204, twin.Number("deleted"));
            Assert.Equal("DigitalTwinNotFound", twin.Text("gone"));
            Assert.Contains("/digitaltwins/" + Uri.EscapeDataString(id) + "?", twin.Text("urls.0"), StringComparison.Ordinal);
        }
    }
}
