using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

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
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload(Version, Query, [.. After], Remaining, Offset));
        return Base64Url(payload) + "." + Base64Url(Sign(instanceId, payload));
    }

    /// <summary>The token, or null when it is malformed, altered or not this instance's.</summary>
    public static ContinuationToken? Decode(string instanceId, string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !TryBase64Url(token[..dot], out var payload) || !TryBase64Url(token[(dot + 1)..], out var signature))
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, Sign(instanceId, payload)))
        {
            return null;
        }

        try
        {
            var value = JsonSerializer.Deserialize<Payload>(payload);
            return value is { V: Version, Q: not null, K: not null, O: >= 0 } && value.K.All(k => k is not null)
                ? new ContinuationToken(value.Q, value.K, value.R, value.O)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[] Sign(string instanceId, byte[] payload)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes("doppel/query-continuation/" + instanceId));
        return HMACSHA256.HashData(key, payload);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryBase64Url(string text, out byte[] bytes)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        bytes = new byte[padded.Length];
        if (Convert.TryFromBase64String(padded, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }

    private sealed record Payload(int V, string Q, string[] K, int? R, long O);
}
