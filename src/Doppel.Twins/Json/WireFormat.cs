using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Twins.Errors;

namespace Doppel.Twins.Json;

/// <summary>Small helpers for ADT's wire format: ETags, timestamps, JSON parsing with limits.</summary>
public static class WireFormat
{
    /// <summary>
    /// How Doppel writes JSON: non-ASCII and HTML-sensitive characters as they are (UTF-8), not as <c>\uXXXX</c>,
    /// so stored documents and responses read like what the client sent. Bodies are always served as JSON.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A new weak ETag, <c>W/"uuid"</c>, as ADT makes them.</summary>
    public static string NewETag() => $"W/\"{Guid.NewGuid()}\"";

    /// <summary>A timestamp as ADT writes <c>lastUpdateTime</c>: UTC with seven fractional digits.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="text"/> is an RFC 3339 date-time (a 'T' between date and time, an offset or Z).</summary>
    public static bool IsDateTime(string? text) =>
        text is { Length: >= 20 } && text.Contains('T', StringComparison.OrdinalIgnoreCase)
        && (text.EndsWith('Z') || text.EndsWith('z') || text[^6] is '+' or '-')
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _);

    /// <summary>
    /// Whether an <c>If-Match</c> header value matches <paramref name="current"/>: <c>*</c>, or a comma-separated
    /// list of ETags one of which equals it (weak comparison: <c>W/</c> is ignored).
    /// </summary>
    public static bool IfMatchMatches(string ifMatch, string current)
    {
        var currentOpaque = Opaque(current);
        foreach (var part in ifMatch.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == "*" || string.Equals(Opaque(part), currentOpaque, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether an <c>If-Match</c> value is only <c>*</c> (which any existing entity matches).</summary>
    public static bool IsWildcard(string? ifMatch) => ifMatch is not null && ifMatch.Trim() == "*";

    /// <summary>Parses a request body as JSON, turning every reader error into <paramref name="code"/>.</summary>
    public static JsonNode ParseBody(ReadOnlyMemory<byte> body, int maxDepth, string code)
    {
        if (body.IsEmpty)
        {
            throw AdtErrors.MalformedJson(code, "the body is empty.");
        }

        try
        {
            return JsonNode.Parse(body.Span, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth })
                ?? throw AdtErrors.MalformedJson(code, "the body is the JSON literal null.");
        }
        catch (JsonException ex)
        {
            throw AdtErrors.MalformedJson(code, ex.Message);
        }
    }

    /// <summary>Checks that a body is valid JSON (any value), turning reader errors into <paramref name="code"/>.</summary>
    public static void CheckJson(ReadOnlyMemory<byte> body, int maxDepth, string code)
    {
        if (body.IsEmpty)
        {
            throw AdtErrors.MalformedJson(code, "the body is empty.");
        }

        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException ex)
        {
            throw AdtErrors.MalformedJson(code, ex.Message);
        }
    }

    private static string Opaque(string tag)
    {
        var t = tag.Trim();
        return t.StartsWith("W/", StringComparison.Ordinal) ? t[2..] : t;
    }
}
