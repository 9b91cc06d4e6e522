using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Twins.Errors;
using Microsoft.AspNetCore.Http;

namespace Doppel.Api.Hosting;

/// <summary>Writes ADT's wire shapes: the error envelope (the one place errors become HTTP) and raw JSON bodies.</summary>
public static class AdtResponses
{
    /// <summary>The content type of every JSON body of the data plane.</summary>
    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>The status of each error kind.</summary>
    public static int StatusOf(AdtErrorKind kind) => kind switch
    {
        AdtErrorKind.BadRequest => StatusCodes.Status400BadRequest,
        AdtErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        AdtErrorKind.NotFound => StatusCodes.Status404NotFound,
        AdtErrorKind.Conflict => StatusCodes.Status409Conflict,
        AdtErrorKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        AdtErrorKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        AdtErrorKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        AdtErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        AdtErrorKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        AdtErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Writes <c>{"error":{"code","message","details"?}}</c> with the <c>x-ms-error-code</c> header.</summary>
    public static Task WriteErrorAsync(HttpContext context, AdtException error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        var body = new JsonObject { ["code"] = error.Code, ["message"] = error.Message };
        if (error.Details.Count > 0)
        {
            body["details"] = new JsonArray([.. error.Details.Select(d => (JsonNode)new JsonObject { ["code"] = d.Code, ["message"] = d.Message })]);
        }

        context.Response.StatusCode = StatusOf(error.Kind);
        context.Response.Headers["x-ms-error-code"] = error.Code;
        if (error.Kind == AdtErrorKind.TooManyRequests)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        return WriteJsonAsync(context, new JsonObject { ["error"] = body }.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions));
    }

    /// <summary>Writes a JSON text as the body with ADT's content type.</summary>
    public static Task WriteJsonAsync(HttpContext context, string json)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.ContentType = JsonContentType;
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>Serialises a node as compact JSON.</summary>
    public static string Serialize(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    /// <summary>Writes a status, an optional <c>ETag</c> header and an optional JSON body (none: an empty body).</summary>
    public static Task WriteAsync(HttpContext context, int status, string? etag, string? json)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        if (etag is not null)
        {
            context.Response.Headers.ETag = etag;
        }

        if (json is null)
        {
            context.Response.ContentLength = 0;
            return Task.CompletedTask;
        }

        return WriteJsonAsync(context, json);
    }
}
