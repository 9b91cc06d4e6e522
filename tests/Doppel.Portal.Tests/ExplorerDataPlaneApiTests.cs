using System.Net;
using System.Text.Json.Nodes;
using Bunit;
using Doppel.Portal.Services;
using Microsoft.Extensions.DependencyInjection;

namespace Doppel.Portal.Tests;

public sealed class ExplorerDataPlaneApiTests : BunitContext
{
    private readonly ExplorerFakeApi api;

    public ExplorerDataPlaneApiTests() => api = this.UsePortal();

    private DataPlaneApi Data => Services.GetRequiredService<DataPlaneApi>();

    [Fact]
    public async Task Models_are_read_with_their_definitions_across_every_page()
    {
        api.On(HttpMethod.Get, "/instances/inst/models", (request, _) => request.RequestUri!.Query.Contains("continuationToken", StringComparison.Ordinal)
            ? ExplorerFakeApi.Json(HttpStatusCode.OK, """{"value":[{"id":"dtmi:ex:B;1","uploadTime":"2026-12-01T10:00:00Z","decommissioned":true,"model":{"@id":"dtmi:ex:B;1"}}]}""")
            : ExplorerFakeApi.Json(HttpStatusCode.OK, """{"value":[{"id":"dtmi:ex:A;1","displayName":{"de":"Raum","en":"Room"},"decommissioned":false}],"nextLink":"https://doppel.test/instances/inst/models?api-version=2023-10-31&includeModelDefinition=true&continuationToken=2"}"""));

        var models = await Data.ModelsAsync("inst");

        Assert.Equal(["dtmi:ex:A;1", "dtmi:ex:B;1"], models.Select(m => m.Id));
        Assert.Equal("Room", models[0].DisplayName);
        Assert.True(models[1].Decommissioned);
        Assert.Equal("dtmi:ex:B;1", (string?)models[1].Definition?["@id"]);
        Assert.Equal("?api-version=2023-10-31&includeModelDefinition=true", api.Requests[0].Request.RequestUri!.Query);
        Assert.Equal("Bearer test-token", api.Requests[0].Request.Headers.Authorization!.ToString());
    }

    [Fact]
    public async Task Decommission_sends_a_JSON_Patch_that_replaces_decommissioned_with_true()
    {
        api.On(HttpMethod.Patch, "/instances/inst/models/", HttpStatusCode.NoContent, "");

        await Data.DecommissionModelAsync("inst", "dtmi:ex:A;1");

        var (request, body) = api.Requests.Single();
        Assert.Equal("/instances/inst/models/dtmi%3Aex%3AA%3B1", request.RequestUri!.AbsolutePath);
        Assert.Equal("application/json-patch+json", request.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("""[{"op":"replace","path":"/decommissioned","value":true}]""", body);
    }

    [Fact]
    public async Task Relationship_create_puts_the_target_and_name_under_the_source_twin()
    {
        api.On(HttpMethod.Put, "/instances/inst/digitaltwins/room%201/relationships/r1", HttpStatusCode.OK, "{}");

        await Data.CreateRelationshipAsync("inst", "room 1", "r1", "contains", "dev1");

        Assert.Equal("""{"$targetId":"dev1","$relationshipName":"contains"}""", api.Requests.Single().Body);
    }

    [Fact]
    public async Task Twin_patch_is_sent_as_json_patch_and_a_refusal_keeps_the_services_code()
    {
        api.On(HttpMethod.Patch, "/instances/inst/digitaltwins/t1", HttpStatusCode.Forbidden,
            """{"error":{"code":"AuthorizationFailed","message":"Data Reader cannot write."}}""");

        var refusal = await Assert.ThrowsAsync<PortalApiException>(() => Data.PatchTwinAsync("inst", "t1", [new JsonObject { ["op"] = "add", ["path"] = "/a", ["value"] = 1 }]));

        Assert.Equal(HttpStatusCode.Forbidden, refusal.Status);
        Assert.Equal("AuthorizationFailed", refusal.Code);
        Assert.Equal("application/json-patch+json", api.Requests.Single().Request.Content!.Headers.ContentType!.MediaType);
    }

    [Fact]
    public void Graph_builder_finds_twins_and_relationships_in_joined_rows_and_packs_them_by_index()
    {
        var graph = new GraphBuilder();

        graph.Add([JsonNode.Parse("""{"T":{"$dtId":"r1","$metadata":{"$model":"dtmi:ex:Room;1"}},"R":{"$relationshipId":"c1","$sourceId":"r1","$targetId":"d1","$relationshipName":"contains"}}""")]);
        var payload = GraphPayload.From(graph.Nodes, graph.Edges);

        Assert.Equal(["r1", "d1"], payload.Ids);
        Assert.Equal([0, 1], payload.Groups);
        Assert.Equal([0, 1], payload.Edges);
    }
}
