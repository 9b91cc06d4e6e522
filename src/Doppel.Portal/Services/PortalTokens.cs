using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Authorization;

namespace Doppel.Portal.Services;

/// <summary>
/// The signed-in person's access tokens, one per API, redeemed from the refresh token the sign-in returned (as
/// Entra's refresh tokens work for every resource the client may use). One per circuit; tokens are kept in memory
/// until five minutes before they expire.
/// </summary>
public sealed class PortalTokens(AuthenticationStateProvider authentication, PortalOptions options, PortalHttp http, TimeProvider time)
{
    /// <summary>The claim that carries the refresh token inside the portal's (encrypted) cookie.</summary>
    public const string RefreshTokenClaim = "doppel_rt";

    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset ExpiresOn)> cache = new(StringComparer.Ordinal);

    /// <summary>The signed-in person.</summary>
    public async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync().ConfigureAwait(false)).User;

    /// <summary>An access token for <paramref name="resource"/> (such as <c>https://management.azure.com/</c>).</summary>
    public async Task<string> GetAsync(string resource, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(resource, out var cached) && cached.ExpiresOn > time.GetUtcNow().AddMinutes(5))
        {
            return cached.Token;
        }

        var user = await UserAsync().ConfigureAwait(false);
        var refreshToken = user.FindFirst(RefreshTokenClaim)?.Value
            ?? throw new PortalApiException(System.Net.HttpStatusCode.Unauthorized, "SignInRequired", "Your session has ended; sign in again.");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{options.ApiOrigin}/{options.TenantId}/oauth2/v2.0/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["client_id"] = options.ClientId,
                ["refresh_token"] = refreshToken,
                ["scope"] = resource.TrimEnd('/') + "/.default",
            }),
        };
        using var response = await http.Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        if (!response.IsSuccessStatusCode || !body.RootElement.TryGetProperty("access_token", out var token))
        {
            var description = body.RootElement.TryGetProperty("error_description", out var d) ? d.GetString() : null;
            throw new PortalApiException(response.StatusCode, body.RootElement.TryGetProperty("error", out var e) ? e.GetString() ?? "invalid_grant" : "invalid_grant",
                description ?? "The identity plane refused to issue a token.");
        }

        var lifetime = body.RootElement.TryGetProperty("expires_in", out var seconds) && seconds.TryGetInt32(out var s) ? s : 3600;
        var value = token.GetString()!;
        cache[resource] = (value, time.GetUtcNow().AddSeconds(lifetime));
        return value;
    }
}
