using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Doppel.Twins.Query;

/// <summary>
/// Where a query continues: its text (ADT ignores the query of a request that carries a token), the key of the
/// last row returned, and how many rows a TOP still allows. Opaque to clients and tamper-evident: the payload is
/// signed with HMAC-SHA256 under a key derived from the instance's internal id, so a token edited, truncated or
/// taken to another instance is refused.
/// </summary>
internal sealed record ContinuationToken(string Query, IReadOnlyList<string> After, int? Remaining, long Offset = 0)
{
    private const int Version = 1;

    public string Encode(string instanceId)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new ContinuationPayload(Version, Query, [.. After], Remaining, Offset), ContinuationJson.Default.ContinuationPayload);
        return Base64Url(payload) + "." + Base64Url(Sign(instanceId, payload));
    }

    /// <summary>The token, or null when it is malformed, altered or not this instance's.</summary>
    public static ContinuationToken? Decode(string instanceId, string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !TryBase64Url(token.AsSpan(0, dot), out var payload) || !TryBase64Url(token.AsSpan(dot + 1), out var signature))
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, Sign(instanceId, payload)))
        {
            return null;
        }

        try
        {
            var value = JsonSerializer.Deserialize(payload, ContinuationJson.Default.ContinuationPayload);
            return value is { V: Version, Q: not null, K: not null, O: >= 0 } && value.K.All(k => k is not null)
                ? new ContinuationToken(value.Q, value.K, value.R, value.O)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Every page signs (and every later page checks) a token: the key of each instance is derived once.
    private static readonly ConcurrentDictionary<string, byte[]> Keys = new(StringComparer.Ordinal);

    private static byte[] Sign(string instanceId, byte[] payload)
    {
        var key = Keys.GetOrAdd(instanceId, id => SHA256.HashData(Encoding.UTF8.GetBytes("doppel/query-continuation/" + id)));
        return HMACSHA256.HashData(key, payload);
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    // Base64Url's decoder throws on a character outside the alphabet or a bad length, so the text is checked
    // first: a malformed token is refused, never a 500.
    private static bool TryBase64Url(ReadOnlySpan<char> text, out byte[] bytes)
    {
        var valid = System.Buffers.Text.Base64Url.IsValid(text);
        bytes = valid ? System.Buffers.Text.Base64Url.DecodeFromChars(text) : [];
        return valid;
    }
}

/// <summary>A continuation token's signed content, in short names to keep tokens short.</summary>
internal sealed record ContinuationPayload(int V, string Q, string[] K, int? R, long O);

/// <summary>The token's JSON, written by the source generator (no reflection on each page).</summary>
[JsonSerializable(typeof(ContinuationPayload))]
internal sealed partial class ContinuationJson : JsonSerializerContext;
