using System.Text.Json;

namespace Doppel.Api.Tests.Compatibility;

/// <summary>Relationships through the official JavaScript SDK (<c>js/relationships.mjs</c>).</summary>
[Collection(OfficialSdk.Name)]
public sealed class SdkRelationshipsTests(SdkServer sdk)
{
    [SkippableFact]
    public async Task Relationships_in_both_directions_list_outgoing_by_name_and_incoming_in_the_SDKs_shape()
    {
        var result = await sdk.RunAsync("relationships.mjs", "both-directions");

        result.Succeeded("ab", 200, etag: true);
        var ab = result.At("ab.body");
        Assert.Equal(["$relationshipId", "$etag", "$sourceId", "$targetId", "$relationshipName", "doorCount"], ab.EnumerateObject().Select(p => p.Name));
        Assert.Equal(result.Text("ab.etag"), ab.Text("$etag"));
        Assert.Equal(("a-b", "room-a", "room-b", "adjacentTo", 1), (ab.Text("$relationshipId"), ab.Text("$sourceId"), ab.Text("$targetId"), ab.Text("$relationshipName"), ab.Number("doorCount")));
        result.Succeeded("ba", 200, etag: true);
        Assert.Equal(("room-b", "room-a"), (result.Text("ba.body.$sourceId"), result.Text("ba.body.$targetId")));
        result.Succeeded("got", 200, etag: true);
        Assert.Equal(result.Text("ab.etag"), result.Text("got.etag"));
        Assert.True(JsonElement.DeepEquals(ab, result.At("got.body")));

        Assert.Equal(["a-b", "a-near-floor"], Ids(result.At("outgoing"), "$relationshipId"));
        Assert.True(JsonElement.DeepEquals(ab, result.At("outgoing.0")), "listRelationships returns the relationships as GET does");
        Assert.Equal(["a-b"], Ids(result.At("named"), "$relationshipId"));
        Assert.EndsWith("/digitaltwins/room-a/relationships?api-version=2022-05-31&relationshipName=adjacentTo", result.Text("namedUrl"), StringComparison.Ordinal);

        Assert.Equal([("floor-has-a", "floor-1", "contains"), ("b-a", "room-b", "adjacentTo")], Incoming(result.At("incomingOfA")));
        Assert.Equal([("a-b", "room-a", "adjacentTo")], Incoming(result.At("incomingOfB")));
        Assert.Equal([("a-near-floor", "room-a", "near")], Incoming(result.At("incomingOfFloor")));
        Assert.Equal(["relationshipId", "sourceId", "relationshipName", "relationshipLink"], result.Names("incomingOfB.0"));
        Assert.Equal("/digitaltwins/room-a/relationships/a-b", result.Text("incomingOfB.0.relationshipLink"));
        Assert.EndsWith("/digitaltwins/floor-1/incomingrelationships?api-version=2022-05-31", result.Text("incomingUrl"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task UpdateRelationship_and_deleteRelationship_honour_ETags_and_leave_no_trace()
    {
        var result = await sdk.RunAsync("relationships.mjs", "update-and-delete");

        result.Succeeded("created", 200, etag: true);
        result.FailedWith("createOnly", 412, "PreconditionFailed");
        result.Succeeded("updated", 204, etag: true);
        Assert.NotEqual(result.Text("created.etag"), result.Text("updated.etag"));
        Assert.Equal(result.Text("created.etag"), result.Text("updateRequest.headers.if-match"));
        Assert.Equal("application/json-patch+json", result.Text("updateRequest.headers.content-type"));
        result.FailedWith("stale", 412, "PreconditionFailed");
        result.Succeeded("got", 200, etag: true);
        Assert.Equal(result.Text("updated.etag"), result.Text("got.etag"));
        Assert.Equal(3, result.Number("got.doorCount"));
        result.Succeeded("replaced", 200, etag: true);
        Assert.Equal(5, result.Number("replaced.doorCount"));
        result.FailedWith("staleDelete", 412, "PreconditionFailed");
        result.Succeeded("deleted", 204);
        Assert.Equal(result.Text("replaced.etag"), result.Text("deleteRequest.headers.if-match"));
        result.FailedWith("gone", 404, "RelationshipNotFound");
        result.FailedWith("deletedAgain", 404, "RelationshipNotFound");
        Assert.Equal(0, result.At("outgoingAfter").GetArrayLength());
        Assert.Equal(0, result.At("incomingAfter").GetArrayLength());
        result.Succeeded("wildcard", 204);
        result.Succeeded("targetDeleted", 204);
    }

    [SkippableFact]
    public async Task Relationship_and_twin_ids_that_need_percent_encoding_work_in_every_relationship_call()
    {
        var result = await sdk.RunAsync("relationships.mjs", "reserved-ids");

        var (source, target, id) = (result.Text("source")!, result.Text("target")!, result.Text("id")!);
        result.Succeeded("created", 200, etag: true);
        Assert.Equal((id, source, target), (result.Text("created.body.$relationshipId"), result.Text("created.body.$sourceId"), result.Text("created.body.$targetId")));
        result.Succeeded("got", 200, etag: true);
        Assert.Equal(id, result.Text("got.body.$relationshipId"));
        result.Succeeded("updated", 204, etag: true);
        Assert.Equal((id, source, target, 2), (result.Text("outgoing.0.id"), result.Text("outgoing.0.sourceId"), result.Text("outgoing.0.targetId"), result.Number("outgoing.0.doorCount")));
        Assert.Equal((id, source), (result.Text("incoming.0.relationshipId"), result.Text("incoming.0.sourceId")));
        Assert.Equal($"/digitaltwins/{Uri.EscapeDataString(source)}/relationships/{Uri.EscapeDataString(id)}", result.Text("incoming.0.relationshipLink"));
        result.Succeeded("deleted", 204);
        result.FailedWith("gone", 404, "RelationshipNotFound");
    }

    [SkippableFact]
    public async Task Relationship_checks_against_the_model_surface_with_ADTs_codes()
    {
        var result = await sdk.RunAsync("relationships.mjs", "model-checks");

        result.FailedWith("missingTarget", 404, "TargetTwinNotFound");
        result.FailedWith("missingSource", 404, "DigitalTwinNotFound");
        result.FailedWith("unknownName", 400, "InvalidRelationship");
        result.FailedWith("wrongTargetModel", 400, "InvalidRelationship");
        result.Succeeded("untargetedAcceptsAnyModel", 200, etag: true);
        result.FailedWith("self", 400, "OperationNotAllowed");
        result.FailedWith("badProperty", 400, "ValidationFailed");
        result.FailedWith("unknownProperty", 400, "ValidationFailed");
        Assert.Contains("color", result.Text("unknownProperty.details.0.message"), StringComparison.Ordinal);
        result.FailedWith("badPatch", 400, "JsonPatchInvalid");
        result.FailedWith("deleteSource", 400, "RelationshipsNotDeleted");
        result.FailedWith("deleteTarget", 400, "RelationshipsNotDeleted");
    }

    private static List<string> Ids(JsonElement items, string name) => [.. items.EnumerateArray().Select(r => r.Text(name)!)];

    private static List<(string?, string?, string?)> Incoming(JsonElement items) =>
        [.. items.EnumerateArray().Select(r => (r.Text("relationshipId"), r.Text("sourceId"), r.Text("relationshipName")))];
}
