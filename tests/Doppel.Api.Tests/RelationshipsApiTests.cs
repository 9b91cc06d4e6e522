using System.Net;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests;

public sealed class RelationshipsApiTests : IAsyncLifetime
{
    private DataPlaneServer _server = null!;
    private InstanceClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await DataPlaneServer.StartAsync();
        _client = _server.Client(await _server.NewInstanceAsync());
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
        foreach (var id in new[] { "r1", "r2", "r3", "r4" })
        {
            await Adt.OkAsync(await _client.PutAsync("digitaltwins/" + id, Samples.RoomTwin()));
        }

        await Adt.OkAsync(await _client.PutAsync("digitaltwins/f1", Samples.FloorTwin()));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static string Adjacent(string target, int doors = 1) =>
        $$"""{"$targetId":"{{target}}","$relationshipName":"adjacentTo","doorCount":{{doors}}}""";

    [Fact]
    public async Task Put_answers_200_with_the_relationship_and_its_ETag_and_get_returns_it()
    {
        using var put = await _client.PutAsync("digitaltwins/r1/relationships/a", Adjacent("r2"));
        using var get = await _client.GetAsync("digitaltwins/r1/relationships/a");

        await Adt.OkAsync(put);
        var relationship = await Adt.JsonAsync(put);
        Assert.Equal(["$relationshipId", "$etag", "$sourceId", "$targetId", "$relationshipName", "doorCount"], relationship.EnumerateObject().Select(p => p.Name));
        Assert.Equal(put.Headers.ETag!.ToString(), relationship.GetProperty("$etag").GetString());
        await Adt.OkAsync(get);
        Assert.Equal(put.Headers.ETag, get.Headers.ETag);
        Assert.Equal("r2", (await Adt.JsonAsync(get)).GetProperty("$targetId").GetString());
    }

    [Fact]
    public async Task Relationship_checks_follow_the_source_model()
    {
        using var unknownName = await _client.PutAsync("digitaltwins/r1/relationships/x1", """{"$targetId":"r2","$relationshipName":"owns"}""");
        using var wrongTarget = await _client.PutAsync("digitaltwins/r1/relationships/x2", """{"$targetId":"f1","$relationshipName":"adjacentTo"}""");
        using var anyTarget = await _client.PutAsync("digitaltwins/r1/relationships/x3", """{"$targetId":"f1","$relationshipName":"near"}""");
        using var missingTarget = await _client.PutAsync("digitaltwins/r1/relationships/x4", Adjacent("ghost"));
        using var self = await _client.PutAsync("digitaltwins/r1/relationships/x5", Adjacent("r1"));
        using var badProperty = await _client.PutAsync("digitaltwins/r1/relationships/x6", """{"$targetId":"r2","$relationshipName":"adjacentTo","doorCount":"two"}""");
        using var unknownProperty = await _client.PutAsync("digitaltwins/r1/relationships/x7", """{"$targetId":"r2","$relationshipName":"adjacentTo","color":"red"}""");
        using var noTarget = await _client.PutAsync("digitaltwins/r1/relationships/x8", """{"$relationshipName":"adjacentTo"}""");
        using var missingSource = await _client.PutAsync("digitaltwins/ghost/relationships/x9", Adjacent("r2"));

        await Adt.ErrorAsync(unknownName, HttpStatusCode.BadRequest, "InvalidRelationship");
        await Adt.ErrorAsync(wrongTarget, HttpStatusCode.BadRequest, "InvalidRelationship");
        await Adt.OkAsync(anyTarget);
        await Adt.ErrorAsync(missingTarget, HttpStatusCode.NotFound, "TargetTwinNotFound");
        await Adt.ErrorAsync(self, HttpStatusCode.BadRequest, "OperationNotAllowed");
        await Adt.ErrorAsync(badProperty, HttpStatusCode.BadRequest, "ValidationFailed");
        await Adt.ErrorAsync(unknownProperty, HttpStatusCode.BadRequest, "ValidationFailed");
        await Adt.ErrorAsync(noTarget, HttpStatusCode.BadRequest, "ValidationFailed");
        await Adt.ErrorAsync(missingSource, HttpStatusCode.NotFound, "DigitalTwinNotFound");
    }

    [Fact]
    public async Task MaxMultiplicity_of_the_model_is_enforced()
    {
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/r2/relationships/m1", Adjacent("r1")));
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/r2/relationships/m2", Adjacent("r3")));

        using var third = await _client.PutAsync("digitaltwins/r2/relationships/m3", Adjacent("r4"));
        using var replace = await _client.PutAsync("digitaltwins/r2/relationships/m2", Adjacent("r4"));

        await Adt.ErrorAsync(third, HttpStatusCode.BadRequest, "InvalidRelationship");
        await Adt.OkAsync(replace);
    }

    [Fact]
    public async Task If_None_Match_and_If_Match_guard_relationship_writes()
    {
        var star = new Dictionary<string, string> { ["If-None-Match"] = "*" };
        using var created = await _client.PutAsync("digitaltwins/r3/relationships/e", Adjacent("r4"), star);
        using var again = await _client.PutAsync("digitaltwins/r3/relationships/e", Adjacent("r4"), star);
        var etag = created.Headers.ETag!.ToString();

        using var patched = await _client.PatchAsync("digitaltwins/r3/relationships/e", """[{"op":"replace","path":"/doorCount","value":3}]""", new Dictionary<string, string> { ["If-Match"] = etag });
        using var stalePatch = await _client.PatchAsync("digitaltwins/r3/relationships/e", """[{"op":"replace","path":"/doorCount","value":4}]""", new Dictionary<string, string> { ["If-Match"] = etag });
        using var staleDelete = await _client.DeleteAsync("digitaltwins/r3/relationships/e", new Dictionary<string, string> { ["If-Match"] = etag });

        await Adt.OkAsync(created);
        await Adt.ErrorAsync(again, HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        await Adt.OkAsync(patched, HttpStatusCode.NoContent);
        Assert.NotEqual(etag, patched.Headers.ETag!.ToString());
        await Adt.ErrorAsync(stalePatch, HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        await Adt.ErrorAsync(staleDelete, HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        using var get = await _client.GetAsync("digitaltwins/r3/relationships/e");
        Assert.Equal(3, (await Adt.JsonAsync(get)).GetProperty("doorCount").GetInt32());
    }

    [Theory]
    [InlineData("""[{"op":"replace","path":"/$targetId","value":"r1"}]""", "JsonPatchInvalid")]
    [InlineData("""[{"op":"copy","from":"/doorCount","path":"/x"}]""", "JsonPatchInvalid")]
    [InlineData("""[{"op":"replace","path":"/doorCount","value":"many"}]""", "ValidationFailed")]
    public async Task Invalid_relationship_patches_are_400(string patch, string code)
    {
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/r4/relationships/p", Adjacent("r1")));

        using var response = await _client.PatchAsync("digitaltwins/r4/relationships/p", patch);

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task Missing_relationship_is_404_RelationshipNotFound_with_ADTs_message()
    {
        using var get = await _client.GetAsync("digitaltwins/r1/relationships/none");
        using var delete = await _client.DeleteAsync("digitaltwins/r1/relationships/none");

        var error = await Adt.ErrorAsync(get, HttpStatusCode.NotFound, "RelationshipNotFound");
        Assert.StartsWith("Relationship none not found on twin r1.", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await Adt.ErrorAsync(delete, HttpStatusCode.NotFound, "RelationshipNotFound");
    }

    [Fact]
    public async Task Listing_outgoing_pages_filters_by_name_and_incoming_uses_ADTs_item_shape()
    {
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/r4/relationships/l1", Adjacent("r1")));
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/r4/relationships/l2", Adjacent("r2")));
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/r4/relationships/l3", """{"$targetId":"f1","$relationshipName":"near"}"""));

        var all = new List<string>();
        var url = _client.Url("digitaltwins/r4/relationships").ToString();
        var pages = 0;
        while (url is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("max-items-per-page", "2");
            using var response = await _client.Http.SendAsync(request);
            await Adt.OkAsync(response);
            var page = await Adt.JsonAsync(response);
            all.AddRange(page.GetProperty("value").EnumerateArray().Select(r => r.GetProperty("$relationshipId").GetString()!));
            url = page.TryGetProperty("nextLink", out var next) ? next.GetString() : null;
            pages++;
        }

        using var named = await _client.GetAsync("digitaltwins/r4/relationships?relationshipName=near");
        using var incoming = await _client.GetAsync("digitaltwins/f1/incomingrelationships");

        Assert.Equal(["l1", "l2", "l3"], all);
        Assert.Equal(2, pages);
        Assert.Equal(["l3"], (await Adt.JsonAsync(named)).GetProperty("value").EnumerateArray().Select(r => r.GetProperty("$relationshipId").GetString()));
        var item = (await Adt.JsonAsync(incoming)).GetProperty("value").EnumerateArray().Single();
        Assert.Equal(["$relationshipId", "$sourceId", "$relationshipName", "$relationshipLink"], item.EnumerateObject().Select(p => p.Name));
        Assert.Equal("/digitaltwins/r4/relationships/l3", item.GetProperty("$relationshipLink").GetString());
    }

    [Fact]
    public async Task Twin_with_relationships_cannot_be_deleted_until_they_are()
    {
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/r1/relationships/d", Adjacent("r3")));

        using var source = await _client.DeleteAsync("digitaltwins/r1");
        using var target = await _client.DeleteAsync("digitaltwins/r3");
        await Adt.OkAsync(await _client.DeleteAsync("digitaltwins/r1/relationships/d"), HttpStatusCode.NoContent);
        using var after = await _client.DeleteAsync("digitaltwins/r3");

        await Adt.ErrorAsync(source, HttpStatusCode.BadRequest, "RelationshipsNotDeleted");
        await Adt.ErrorAsync(target, HttpStatusCode.BadRequest, "RelationshipsNotDeleted");
        await Adt.OkAsync(after, HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Lists_of_a_missing_twin_are_404()
    {
        using var outgoing = await _client.GetAsync("digitaltwins/ghost/relationships");
        using var incoming = await _client.GetAsync("digitaltwins/ghost/incomingrelationships");

        await Adt.ErrorAsync(outgoing, HttpStatusCode.NotFound, "DigitalTwinNotFound");
        await Adt.ErrorAsync(incoming, HttpStatusCode.NotFound, "DigitalTwinNotFound");
    }

    [Fact]
    public async Task Garbage_continuation_token_is_400()
    {
        using var response = await _client.GetAsync("digitaltwins/r1/incomingrelationships?continuationToken=%21%21%21");

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "BadRequest");
    }
}
