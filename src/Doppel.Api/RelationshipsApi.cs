using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Api.Hosting;
using Doppel.Storage.DataPlane;
using Doppel.Twins.Errors;
using Doppel.Twins.Relationships;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Doppel.Api;

/// <summary>The relationships API: outgoing relationships of a twin and the list of incoming ones.</summary>
public static class RelationshipsApi
{
    /// <summary>Maps the relationship endpoints on a data-plane group.</summary>
    public static RouteGroupBuilder MapRelationshipsApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var relationships = group.MapGroup("/digitaltwins/{id}").WithTags("Relationships");
        relationships.MapGet("/relationships/{relationshipId}", GetAsync).WithName("DigitalTwins_GetRelationshipById").WithSummary("Gets a relationship.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound);
        relationships.MapPut("/relationships/{relationshipId}", PutAsync).WithName("DigitalTwins_AddRelationship").WithSummary("Creates or replaces a relationship.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound, StatusCodes.Status412PreconditionFailed, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        relationships.MapPatch("/relationships/{relationshipId}", PatchAsync).WithName("DigitalTwins_UpdateRelationship").WithSummary("Updates a relationship with JSON Patch.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound, StatusCodes.Status412PreconditionFailed, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        relationships.MapDelete("/relationships/{relationshipId}", DeleteAsync).WithName("DigitalTwins_DeleteRelationship").WithSummary("Deletes a relationship.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound, StatusCodes.Status412PreconditionFailed);
        relationships.MapGet("/relationships", ListAsync).WithName("DigitalTwins_ListRelationships").WithSummary("Lists a twin's outgoing relationships.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound);
        relationships.MapGet("/incomingrelationships", ListIncomingAsync).WithName("DigitalTwins_ListIncomingRelationships").WithSummary("Lists a twin's incoming relationships.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound);
        return group;
    }

    private static Task<Results<AdtJson, AdtError>> GetAsync(HttpContext context, RelationshipService relationships) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        var relationship = await relationships.GetAsync(request.Instance.Id, request.Segment(1), request.Segment(3), context.RequestAborted);
        return AdtResults.Json(relationship.Document, relationship.ETag);
    });

    private static Task<Results<AdtJson, AdtError>> PutAsync(HttpContext context, RelationshipService relationships) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        var body = await RequestBody.ReadAsync(context, relationships.Limits.MaxTwinBytes, RequestBody.Json);
        var relationship = await relationships.PutAsync(request.Instance.Id, request.Segment(1), request.Segment(3), body,
            DigitalTwinsApi.Header(context, "If-None-Match"), context.RequestAborted);
        return AdtResults.Json(relationship.Document, relationship.ETag);
    });

    private static Task<Results<AdtNoContent, AdtError>> PatchAsync(HttpContext context, RelationshipService relationships) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        var body = await RequestBody.ReadAsync(context, relationships.Limits.MaxTwinBytes, RequestBody.JsonPatch);
        var relationship = await relationships.PatchAsync(request.Instance.Id, request.Segment(1), request.Segment(3), body,
            DigitalTwinsApi.Header(context, "If-Match"), context.RequestAborted);
        return AdtResults.NoContent(relationship.ETag);
    });

    private static Task<Results<AdtNoContent, AdtError>> DeleteAsync(HttpContext context, RelationshipService relationships) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        await relationships.DeleteAsync(request.Instance.Id, request.Segment(1), request.Segment(3), DigitalTwinsApi.Header(context, "If-Match"), context.RequestAborted);
        return AdtResults.NoContent();
    });

    private static Task<Results<AdtJson, AdtError>> ListAsync(HttpContext context, RelationshipService relationships) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        var name = context.Request.Query["relationshipName"].FirstOrDefault();
        var page = await relationships.ListOutgoingAsync(request.Instance.Id, request.Segment(1), string.IsNullOrEmpty(name) ? null : name,
            Paging.Token(context), Paging.MaxItems(context), context.RequestAborted);
        var json = new JsonObject { ["value"] = new JsonArray([.. page.Items.Select(r => JsonNode.Parse(r.Document))]) };
        if (page.Next is { } next)
        {
            json["nextLink"] = Paging.NextLink(context, next.Id);
        }

        return AdtResults.Json(json.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions));
    });

    private static Task<Results<AdtJson, AdtError>> ListIncomingAsync(HttpContext context, RelationshipService relationships) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        RelationshipKey? after = null;
        if (Paging.Token(context) is { } token)
        {
            after = JsonSerializer.Deserialize<string[]>(TryJson(token)) is [var source, var id]
                ? new RelationshipKey(source, id)
                : throw new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.BadRequest, "The continuation token is invalid.");
        }

        var page = await relationships.ListIncomingAsync(request.Instance.Id, request.Segment(1), after, Paging.MaxItems(context), context.RequestAborted);
        var items = page.Items.Select(r => (JsonNode)new JsonObject
        {
            ["$relationshipId"] = r.Id,
            ["$sourceId"] = r.SourceId,
            ["$relationshipName"] = r.Name,
            ["$relationshipLink"] = $"/digitaltwins/{Uri.EscapeDataString(r.SourceId)}/relationships/{Uri.EscapeDataString(r.Id)}",
        });
        var json = new JsonObject { ["value"] = new JsonArray([.. items]) };
        if (page.Next is { } next)
        {
            json["nextLink"] = Paging.NextLink(context, JsonSerializer.Serialize(new[] { next.SourceId, next.Id }));
        }

        return AdtResults.Json(json.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions));
    });

    private static string TryJson(string token)
    {
        try
        {
            using var _ = JsonDocument.Parse(token);
            return token;
        }
        catch (JsonException)
        {
            throw new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.BadRequest, "The continuation token is invalid.");
        }
    }
}
