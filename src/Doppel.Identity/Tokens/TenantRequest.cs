using Doppel.Identity.Directory;
using Microsoft.AspNetCore.Http;

namespace Doppel.Identity.Tokens;

/// <summary>The tenant a request to <c>/{tenant}/...</c> names, and the issuer of its tokens seen through the request's origin.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Origin">The scheme, host and port the client used (<c>https://localhost:5443</c>).</param>
public sealed record TenantRequest(Tenant Tenant, string Origin)
{
    /// <summary>The issuer: <c>{origin}/{tenant id}/v2.0</c>.</summary>
    public string Issuer => TokenKeyRing.IssuerOf(Origin, Tenant.Id);

    /// <summary>The origin of a request as the client typed it (scheme, host and port; MSAL compares it with the issuer).</summary>
    public static string OriginOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host.Value}";
    }
}
