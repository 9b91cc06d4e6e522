using System.Globalization;
using System.Text.Json.Nodes;
using Doppel.Api.Hosting;
using Doppel.Twins.Errors;
using Doppel.Twins.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Doppel.Api;

/// <summary>The models API: <c>/models</c> and <c>/models/{id}</c>.</summary>
public static class ModelsApi
{
    /// <summary>Maps the models endpoints on a data-plane group.</summary>
    public static RouteGroupBuilder MapModelsApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var models = group.MapGroup("/models").WithTags("Models");
        models.MapPost("/", AddAsync).WithName("DigitalTwinModels_Add").WithSummary("Uploads one or more models as one validated set.")
            .ProducesAdtErrors(StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        models.MapGet("/", ListAsync).WithName("DigitalTwinModels_List").WithSummary("Lists models, optionally the dependencies of some.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound);
        models.MapGet("/{id}", GetAsync).WithName("DigitalTwinModels_GetById").WithSummary("Gets one model.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound);
        models.MapPatch("/{id}", UpdateAsync).WithName("DigitalTwinModels_Update").WithSummary("Decommissions a model.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status415UnsupportedMediaType);
        models.MapDelete("/{id}", DeleteAsync).WithName("DigitalTwinModels_Delete").WithSummary("Deletes a model no other model references.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return group;
    }

    private static Task<Results<AdtCreatedJson, AdtError>> AddAsync(HttpContext context, ModelService models, DataPlaneOptions options) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        var body = await RequestBody.ReadAsync(context, options.MaxModelsRequestBytes, RequestBody.Json);
        var added = await models.AddAsync(request.Instance.Id, body, context.RequestAborted);
        var json = new JsonArray([.. added.Select(m => (JsonNode)ModelService.ToJson(m, includeDefinition: false))]);
        return AdtResults.Created(json.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions));
    });

    private static Task<Results<AdtJson, AdtError>> ListAsync(HttpContext context, ModelService models) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        var include = IncludeDefinition(context);
        var dependencies = context.Request.Query["dependenciesFor"]
            .SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        long? after = null;
        if (Paging.Token(context) is { } token)
        {
            after = long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                ? seq
                : throw new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.BadRequest, "The continuation token is invalid.");
        }

        var page = await models.ListAsync(request.Instance.Id, dependencies, after, Paging.MaxItems(context), context.RequestAborted);
        var json = new JsonObject { ["value"] = new JsonArray([.. page.Items.Select(m => (JsonNode)ModelService.ToJson(m, include))]) };
        if (page.NextAfter is { } next)
        {
            json["nextLink"] = Paging.NextLink(context, next.ToString(CultureInfo.InvariantCulture));
        }

        return AdtResults.Json(json.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions));
    });

    private static Task<Results<AdtJson, AdtError>> GetAsync(HttpContext context, ModelService models) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        var model = await models.GetAsync(request.Instance.Id, request.Segment(1), context.RequestAborted);
        return AdtResults.Json(ModelService.ToJson(model, IncludeDefinition(context)).ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions));
    });

    private static Task<Results<AdtNoContent, AdtError>> UpdateAsync(HttpContext context, ModelService models) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        var body = await RequestBody.ReadAsync(context, models.Limits.MaxTwinBytes, RequestBody.JsonPatch);
        await models.UpdateAsync(request.Instance.Id, request.Segment(1), body, context.RequestAborted);
        return AdtResults.NoContent();
    });

    private static Task<Results<AdtNoContent, AdtError>> DeleteAsync(HttpContext context, ModelService models) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        await models.DeleteAsync(request.Instance.Id, request.Segment(1), context.RequestAborted);
        return AdtResults.NoContent();
    });

    private static bool IncludeDefinition(HttpContext context)
    {
        var text = context.Request.Query["includeModelDefinition"].FirstOrDefault();
        return text switch
        {
            null or "" => false,
            _ when bool.TryParse(text, out var value) => value,
            _ => throw AdtErrors.InvalidArgument($"includeModelDefinition '{text}' is not true or false."),
        };
    }
}
