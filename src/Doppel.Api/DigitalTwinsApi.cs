using Doppel.Api.Hosting;
using Doppel.Twins.Telemetry;
using Doppel.Twins.Twins;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
        twins.MapGet("/{id}", GetAsync).WithName("DigitalTwins_GetById").WithSummary("Gets a twin.");
        twins.MapPut("/{id}", PutAsync).WithName("DigitalTwins_Add").WithSummary("Creates or replaces a twin.");
        twins.MapPatch("/{id}", PatchAsync).WithName("DigitalTwins_Update").WithSummary("Updates a twin with JSON Patch.");
        twins.MapDelete("/{id}", DeleteAsync).WithName("DigitalTwins_Delete").WithSummary("Deletes a twin without relationships.");
        twins.MapGet("/{id}/components/{componentPath}", GetComponentAsync).WithName("DigitalTwins_GetComponent").WithSummary("Gets a component of a twin.");
        twins.MapPatch("/{id}/components/{componentPath}", PatchComponentAsync).WithName("DigitalTwins_UpdateComponent").WithSummary("Updates a component with JSON Patch.");
        twins.MapPost("/{id}/telemetry", TelemetryAsync).WithName("DigitalTwins_SendTelemetry").WithSummary("Sends telemetry on behalf of a twin.");
        twins.MapPost("/{id}/components/{componentPath}/telemetry", ComponentTelemetryAsync).WithName("DigitalTwins_SendComponentTelemetry").WithSummary("Sends telemetry on behalf of a component.");
        return group;
    }

    private static async Task<IResult> GetAsync(HttpContext context, TwinService twins)
    {
        var request = DataPlaneRequest.Of(context);
        var twin = await twins.GetAsync(request.Instance.Id, request.Segment(1), context.RequestAborted);
        return AdtResponses.Json(twin.Document, twin.ETag);
    }

    private static async Task<IResult> PutAsync(HttpContext context, TwinService twins)
    {
        var request = DataPlaneRequest.Of(context);
        var body = await RequestBody.ReadAsync(context, twins.Limits.MaxTwinBytes, RequestBody.Json);
        var twin = await twins.PutAsync(request.Instance.Id, request.Segment(1), body, Header(context, "If-None-Match"), context.RequestAborted);
        return AdtResponses.Json(twin.Document, twin.ETag);
    }

    private static async Task<IResult> PatchAsync(HttpContext context, TwinService twins)
    {
        var request = DataPlaneRequest.Of(context);
        var body = await RequestBody.ReadAsync(context, twins.Limits.MaxTwinBytes, RequestBody.JsonPatch);
        var twin = await twins.PatchAsync(request.Instance.Id, request.Segment(1), body, Header(context, "If-Match"), context.RequestAborted);
        return AdtResponses.NoContent(twin.ETag);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, TwinService twins)
    {
        var request = DataPlaneRequest.Of(context);
        await twins.DeleteAsync(request.Instance.Id, request.Segment(1), Header(context, "If-Match"), context.RequestAborted);
        return AdtResponses.NoContent();
    }

    private static async Task<IResult> GetComponentAsync(HttpContext context, TwinService twins)
    {
        var request = DataPlaneRequest.Of(context);
        var component = await twins.GetComponentAsync(request.Instance.Id, request.Segment(1), request.Segment(3), context.RequestAborted);
        return AdtResponses.Json(component.Document, component.ETag);
    }

    private static async Task<IResult> PatchComponentAsync(HttpContext context, TwinService twins)
    {
        var request = DataPlaneRequest.Of(context);
        var body = await RequestBody.ReadAsync(context, twins.Limits.MaxTwinBytes, RequestBody.JsonPatch);
        var twin = await twins.PatchAsync(request.Instance.Id, request.Segment(1), body, Header(context, "If-Match"), context.RequestAborted, request.Segment(3));
        return AdtResponses.NoContent(twin.ETag);
    }

    private static Task<IResult> TelemetryAsync(HttpContext context, TwinService twins, TelemetryService telemetry) =>
        AcceptTelemetryAsync(context, twins, telemetry, component: false);

    private static Task<IResult> ComponentTelemetryAsync(HttpContext context, TwinService twins, TelemetryService telemetry) =>
        AcceptTelemetryAsync(context, twins, telemetry, component: true);

    private static async Task<IResult> AcceptTelemetryAsync(HttpContext context, TwinService twins, TelemetryService telemetry, bool component)
    {
        var request = DataPlaneRequest.Of(context);
        var body = await RequestBody.ReadAsync(context, twins.Limits.MaxTwinBytes, RequestBody.Json);
        await telemetry.AcceptAsync(request.Instance.Id, request.Segment(1), component ? request.Segment(3) : null,
            Header(context, "Message-Id"), Header(context, "Telemetry-Source-Time"), body, context.RequestAborted);
        return AdtResponses.NoContent();
    }

    internal static string? Header(HttpContext context, string name)
    {
        var values = context.Request.Headers[name];
        return values.Count == 0 ? null : string.Join(", ", values.Where(v => v is not null));
    }
}
