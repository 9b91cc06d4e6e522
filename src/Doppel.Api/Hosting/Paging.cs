using System.Globalization;
using System.Text;
using Doppel.Twins.Errors;
using Microsoft.AspNetCore.Http;

namespace Doppel.Api.Hosting;

/// <summary>Page sizes, opaque continuation tokens and absolute <c>nextLink</c> URLs.</summary>
public static class Paging
{
    /// <summary>The query parameter that carries the continuation token in a <c>nextLink</c>.</summary>
    public const string TokenParameter = "continuationToken";

    /// <summary>The page size the client asked for with <c>max-items-per-page</c> (or the older <c>x-ms-max-item-count</c>).</summary>
    public static int? MaxItems(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var text = context.Request.Headers["max-items-per-page"].FirstOrDefault() ?? context.Request.Headers["x-ms-max-item-count"].FirstOrDefault();
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1
            ? value
            : throw AdtErrors.InvalidArgument($"The max-items-per-page header '{text}' is not a positive integer.");
    }

    /// <summary>The continuation token of the request, decoded, or null.</summary>
    public static string? Token(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var token = context.Request.Query[TokenParameter].FirstOrDefault();
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            return Encoding.UTF8.GetString(Convert.FromBase64String(padded));
        }
        catch (FormatException)
        {
            throw new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.BadRequest, "The continuation token is invalid.");
        }
    }

    /// <summary>Encodes a token as base64url.</summary>
    public static string Encode(string token) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(token)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The absolute URL of the next page: the request's own URL (scheme, host, instance prefix, path, query) with the
    /// continuation token replaced. Absolute, because the SDK resolves a relative one against its endpoint and
    /// would double the instance prefix. The path is re-encoded from the decoded segments, not taken from the routed
    /// path: that one is partly decoded (an id <c>a%2Fb</c>, sent as <c>a%252Fb</c>, reads <c>a%2Fb</c> there) and
    /// would lead the next request to another id.
    /// </summary>
    public static string NextLink(HttpContext context, string token)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var query = new StringBuilder();
        foreach (var (key, values) in request.Query)
        {
            if (string.Equals(key, TokenParameter, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var value in values)
            {
                query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value ?? string.Empty));
            }
        }

        query.Append(query.Length == 0 ? '?' : '&').Append(TokenParameter).Append('=').Append(Encode(token));
        var path = context.Features.Get<DataPlaneRequest>() is { } dataPlane
            ? string.Concat(dataPlane.Segments.Select(segment => "/" + Uri.EscapeDataString(segment)))
            : request.Path.ToUriComponent();
        return $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}{path}{query}";
    }
}
