using Doppel.Api.Hosting;
using Doppel.Twins.Telemetry;
using Doppel.Twins.Twins;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Doppel.Api;

/// <summary>The digital twins API: twins, their components and telemetry.</summary>
public static class DigitalTwinsApi
{
    /// <summary>Maps the twin, component and telemetry endpoints on a data-plane group.</summary>
    public static RouteGroupBuilder MapDigitalTwinsApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var twins = group.MapGroup("/digitaltwins").WithTags("DigitalTwins");
        twins.MapGet("/{id}", GetAsync).WithName("DigitalTwins_GetById").WithSummary("Gets a twin.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound);
        twins.MapPut("/{id}", PutAsync).WithName("DigitalTwins_Add").WithSummary("Creates or replaces a twin.")
            .ProducesAdtErrors(StatusCodes.Status412PreconditionFailed, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        twins.MapPatch("/{id}", PatchAsync).WithName("DigitalTwins_Update").WithSummary("Updates a twin with JSON Patch.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound, StatusCodes.Status412PreconditionFailed, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        twins.MapDelete("/{id}", DeleteAsync).WithName("DigitalTwins_Delete").WithSummary("Deletes a twin without relationships.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound, StatusCodes.Status412PreconditionFailed);
        twins.MapGet("/{id}/components/{componentPath}", GetComponentAsync).WithName("DigitalTwins_GetComponent").WithSummary("Gets a component of a twin.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound);
        twins.MapPatch("/{id}/components/{componentPath}", PatchComponentAsync).WithName("DigitalTwins_UpdateComponent").WithSummary("Updates a component with JSON Patch.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound, StatusCodes.Status412PreconditionFailed, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        twins.MapPost("/{id}/telemetry", TelemetryAsync).WithName("DigitalTwins_SendTelemetry").WithSummary("Sends telemetry on behalf of a twin.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        twins.MapPost("/{id}/components/{componentPath}/telemetry", ComponentTelemetryAsync).WithName("DigitalTwins_SendComponentTelemetry").WithSummary("Sends telemetry on behalf of a component.")
            .ProducesAdtErrors(StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        return group;
    }

    private static Task<Results<AdtJson, AdtError>> GetAsync(HttpContext context, TwinService twins) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        var twin = await twins.GetAsync(request.Instance.Id, request.Segment(1), context.RequestAborted);
        return AdtResults.Json(twin.Document, twin.ETag);
    });

    private static Task<Results<AdtJson, AdtError>> PutAsync(HttpContext context, TwinService twins) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        var body = await RequestBody.ReadAsync(context, twins.Limits.MaxTwinBytes, RequestBody.Json);
        var twin = await twins.PutAsync(request.Instance.Id, request.Segment(1), body, Header(context, "If-None-Match"), context.RequestAborted);
        return AdtResults.Json(twin.Document, twin.ETag);
    });

    private static Task<Results<AdtNoContent, AdtError>> PatchAsync(HttpContext context, TwinService twins) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        var body = await RequestBody.ReadAsync(context, twins.Limits.MaxTwinBytes, RequestBody.JsonPatch);
        var twin = await twins.PatchAsync(request.Instance.Id, request.Segment(1), body, Header(context, "If-Match"), context.RequestAborted);
        return AdtResults.NoContent(twin.ETag);
    });

    private static Task<Results<AdtNoContent, AdtError>> DeleteAsync(HttpContext context, TwinService twins) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        await twins.DeleteAsync(request.Instance.Id, request.Segment(1), Header(context, "If-Match"), context.RequestAborted);
        return AdtResults.NoContent();
    });

    private static Task<Results<AdtJson, AdtError>> GetComponentAsync(HttpContext context, TwinService twins) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        var component = await twins.GetComponentAsync(request.Instance.Id, request.Segment(1), request.Segment(3), context.RequestAborted);
        return AdtResults.Json(component.Document, component.ETag);
    });

    private static Task<Results<AdtNoContent, AdtError>> PatchComponentAsync(HttpContext context, TwinService twins) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        var body = await RequestBody.ReadAsync(context, twins.Limits.MaxTwinBytes, RequestBody.JsonPatch);
        var twin = await twins.PatchAsync(request.Instance.Id, request.Segment(1), body, Header(context, "If-Match"), context.RequestAborted, request.Segment(3));
        return AdtResults.NoContent(twin.ETag);
    });

    private static Task<Results<AdtNoContent, AdtError>> TelemetryAsync(HttpContext context, TwinService twins, TelemetryService telemetry) =>
        AcceptTelemetryAsync(context, twins, telemetry, component: false);

    private static Task<Results<AdtNoContent, AdtError>> ComponentTelemetryAsync(HttpContext context, TwinService twins, TelemetryService telemetry) =>
        AcceptTelemetryAsync(context, twins, telemetry, component: true);

    private static Task<Results<AdtNoContent, AdtError>> AcceptTelemetryAsync(HttpContext context, TwinService twins, TelemetryService telemetry, bool component) =>
        AdtResults.Run(async () =>
        {
            var request = DataPlaneRequest.Of(context);
            var body = await RequestBody.ReadAsync(context, twins.Limits.MaxTwinBytes, RequestBody.Json);
            await telemetry.AcceptAsync(request.Instance.Id, request.Segment(1), component ? request.Segment(3) : null,
                Header(context, "Message-Id"), Header(context, "Telemetry-Source-Time"), body, context.RequestAborted);
            return AdtResults.NoContent();
        });

    internal static string? Header(HttpContext context, string name)
    {
        var values = context.Request.Headers[name];
        return values.Count == 0 ? null : string.Join(", ", values.Where(v => v is not null));
    }
}
