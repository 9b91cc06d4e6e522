using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Doppel.Management;
using Doppel.Management.Access;
using Microsoft.AspNetCore.Http;

namespace Doppel.Api.Management;

/// <summary>Reading ARM requests: the caller, the api-version, and JSON bodies, each refusing bad input with a 400.</summary>
public static partial class ArmRequest
{
    /// <summary>The largest request body the control plane reads.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The caller the middleware authenticated.</summary>
    public static Principal Caller(HttpContext context) =>
        context?.Features.Get<Principal>() ?? throw new InvalidOperationException("Not an authenticated control-plane request.");

    /// <summary>
    /// Requires <c>api-version</c>: exactly <paramref name="exact"/> when given, else any well-formed version (the
    /// shapes Doppel serves for subscriptions, groups and authorization agree across versions).
    /// </summary>
    public static void RequireApiVersion(HttpContext context, string? exact, bool skipCheck)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (skipCheck)
        {
            return;
        }

        var values = context.Request.Query["api-version"];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.MissingApiVersionParameter,
                "The api-version query parameter (?api-version=) is required for all requests.");
        }

        var value = values[0]!;
        if (values.Count > 1 || (exact is not null ? !string.Equals(value, exact, StringComparison.Ordinal) : !VersionPattern().IsMatch(value)))
        {
            throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidApiVersionParameter,
                exact is null
                    ? $"The api-version '{value}' is invalid. The api-version has the form YYYY-MM-DD or YYYY-MM-DD-preview."
                    : $"The api-version '{value}' is invalid. The supported versions are '{exact}'.");
        }
    }

    /// <summary>Reads the body as a JSON object; an empty body is an empty object only when <paramref name="allowEmpty"/>.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpContext context, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            throw Invalid($"The request body is larger than {MaxBodyBytes} bytes.");
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length > MaxBodyBytes)
        {
            throw Invalid($"The request body is larger than {MaxBodyBytes} bytes.");
        }

        if (buffer.Length == 0)
        {
            return allowEmpty ? [] : throw Invalid("The request content was null or empty.");
        }

        try
        {
            return JsonNode.Parse(buffer.ToArray()) as JsonObject ?? throw Invalid("The request content must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw Invalid($"The request content is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>A string property, or <see langword="null"/> when absent or JSON null; anything else is refused.</summary>
    public static string? String(JsonObject body, string name)
    {
        ArgumentNullException.ThrowIfNull(body);
        var node = body[name];
        if (node is null)
        {
            return null;
        }

        return node is JsonValue value && value.TryGetValue<string>(out var text) ? text : throw Invalid($"The property '{name}' must be a string.");
    }

    /// <summary>A nested object, or <see langword="null"/>.</summary>
    public static JsonObject? Object(JsonObject body, string name)
    {
        ArgumentNullException.ThrowIfNull(body);
        var node = body[name];
        return node switch
        {
            null => null,
            JsonObject o => o,
            _ => throw Invalid($"The property '{name}' must be an object."),
        };
    }

    /// <summary>The <c>tags</c> as compact JSON: an object of at most 50 string values, names up to 512 and values up to 256 characters.</summary>
    public static string? Tags(JsonObject body)
    {
        var tags = Object(body, "tags");
        if (tags is null)
        {
            return body.ContainsKey("tags") ? "{}" : null;
        }

        if (tags.Count > 50)
        {
            throw Invalid("A resource may have at most 50 tags.");
        }

        foreach (var (name, value) in tags)
        {
            if (name.Length is 0 or > 512 || value is not JsonValue v || !v.TryGetValue<string>(out var text) || text.Length > 256)
            {
                throw Invalid($"The tag '{name}' is invalid: tag names have 1 to 512 characters and values are strings of at most 256 characters.");
            }
        }

        return tags.ToJsonString();
    }

    /// <summary>Checks <c>properties.publicNetworkAccess</c> and returns it.</summary>
    public static string? PublicNetworkAccess(JsonObject body)
    {
        var properties = Object(body, "properties");
        var access = properties is null ? null : String(properties, "publicNetworkAccess");
        return access switch
        {
            null => null,
            _ when string.Equals(access, "Enabled", StringComparison.OrdinalIgnoreCase) => "Enabled",
            _ when string.Equals(access, "Disabled", StringComparison.OrdinalIgnoreCase) => "Disabled",
            _ => throw Invalid($"The value '{access}' of properties.publicNetworkAccess is invalid; use Enabled or Disabled."),
        };
    }

    /// <summary>The scope of a role-assignment route from its route values.</summary>
    public static ResourceScope Scope(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = context.Request.RouteValues;
        var subscription = (string)values["subscriptionId"]!;
        return (values["resourceGroupName"] as string, values["resourceName"] as string) switch
        {
            (null, _) => ResourceScope.Subscription(subscription),
            ({ } group, null) => ResourceScope.Group(subscription, group),
            ({ } group, { } name) => ResourceScope.DigitalTwins(subscription, group, name),
        };
    }

    private static ManagementException Invalid(string message) => new(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidRequestContent, message);

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
