using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Management;
using Microsoft.AspNetCore.Http;

namespace Doppel.Api.Management;

/// <summary>Writes ARM's wire shapes: the error envelope (the one place control-plane errors become HTTP) and JSON bodies.</summary>
public static class ArmResponses
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>The status of each error kind.</summary>
    public static int StatusOf(ManagementErrorKind kind) => kind switch
    {
        ManagementErrorKind.BadRequest => StatusCodes.Status400BadRequest,
        ManagementErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ManagementErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ManagementErrorKind.NotFound => StatusCodes.Status404NotFound,
        ManagementErrorKind.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Writes <c>{"error":{"code","message"}}</c> with the <c>x-ms-failure-cause</c>-free ARM headers.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        context.Response.Headers["x-ms-error-code"] = code;
        return WriteJsonAsync(context, ErrorBody(code, message));
    }

    /// <summary>The error envelope as a JSON node.</summary>
    public static JsonObject ErrorBody(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    /// <summary>Writes a JSON body with ARM's content type.</summary>
    public static Task WriteJsonAsync(HttpContext context, JsonNode body)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString(Compact), context.RequestAborted);
    }

    /// <summary>A result that writes <paramref name="body"/> (none when null) with <paramref name="status"/> and headers.</summary>
    public static IResult Json(JsonNode? body, int status = StatusCodes.Status200OK, IReadOnlyDictionary<string, string>? headers = null) => new ArmResult(body, status, headers);

    /// <summary>The origin and path base the client used, for absolute URLs (polling and next links).</summary>
    public static string BaseUrl(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        return $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}";
    }

    private sealed class ArmResult(JsonNode? body, int status, IReadOnlyDictionary<string, string>? headers) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                httpContext.Response.Headers[name] = value;
            }

            if (body is null)
            {
                httpContext.Response.ContentLength = 0;
                return Task.CompletedTask;
            }

            return WriteJsonAsync(httpContext, body);
        }
    }
}
