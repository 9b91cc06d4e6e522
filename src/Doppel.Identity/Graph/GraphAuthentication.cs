using Doppel.Identity.Directory;
using Doppel.Identity.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Doppel.Identity.Graph;

/// <summary>Who calls Graph: a user (delegated scopes) or an app (app roles), in a tenant.</summary>
/// <param name="TenantId">The tenant (<c>tid</c>).</param>
/// <param name="ObjectId">The user's or service principal's object id (<c>oid</c>).</param>
/// <param name="IsApp">Whether the token is app-only.</param>
/// <param name="Permissions">The delegated scopes or app roles.</param>
/// <param name="User">The signed-in user, for delegated tokens.</param>
public sealed record GraphCaller(string TenantId, string ObjectId, bool IsApp, IReadOnlySet<string> Permissions, User? User)
{
    /// <summary>Whether the caller may read the directory beyond itself.</summary>
    public bool CanRead(string family) => IsApp
        ? Permissions.Overlaps(["Directory.Read.All", "Directory.ReadWrite.All", $"{family}.ReadWrite.All"])
        : Permissions.Overlaps(["Directory.Read.All", "Directory.AccessAsUser.All"]);

    /// <summary>Whether the caller may change objects of <paramref name="family"/> (Application, User, Group).</summary>
    public bool CanWrite(string family) => IsApp
        ? Permissions.Overlaps(["Directory.ReadWrite.All", $"{family}.ReadWrite.All"])
        : Permissions.Contains("Directory.AccessAsUser.All") && User?.IsAdministrator == true;
}

/// <summary>Validates Graph bearer tokens: signed by this token service, for Microsoft Graph, not expired.</summary>
public sealed class GraphAuthentication(TokenKeyRing keys, DirectoryService directory)
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    /// <summary>The caller, or the reason the token is refused (for a 401).</summary>
    public async Task<(GraphCaller? Caller, string? Problem)> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.FirstOrDefault();
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "Access token is empty.");
        }

        var parameters = new TokenValidationParameters
        {
            ValidAudiences = [.. BuiltInApis.Graph.IdentifierUris, BuiltInApis.Graph.IdentifierUris[0] + "/", BuiltInApis.Graph.AppId],
            IssuerValidator = (issuer, _, _) => TokenKeyRing.IsOwnIssuerShape(issuer) ? issuer : throw new SecurityTokenInvalidIssuerException("The issuer is not this server's."),
            IssuerSigningKeys = keys.SigningKeys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromMinutes(5),
        };
        var result = await Handler.ValidateTokenAsync(header["Bearer ".Length..].Trim(), parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return (null, result.Exception switch
            {
                SecurityTokenExpiredException => "Lifetime validation failed, the token is expired.",
                SecurityTokenInvalidAudienceException => "Invalid audience: the token is not for Microsoft Graph.",
                _ => "Access token validation failure. Invalid audience, issuer or signature.",
            });
        }

        var claims = result.ClaimsIdentity;
        var tenantId = claims.FindFirst("tid")?.Value;
        var oid = claims.FindFirst("oid")?.Value;
        if (tenantId is null || oid is null || TokenKeyRing.TenantOf(result.Issuer) != tenantId)
        {
            return (null, "Access token validation failure: the token has no tenant or object id.");
        }

        var isApp = claims.FindFirst("idtyp")?.Value == "app";
        var permissions = isApp
            ? claims.FindAll("roles").Select(c => c.Value).ToHashSet(StringComparer.Ordinal)
            : (claims.FindFirst("scp")?.Value ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        User? user = null;
        if (!isApp)
        {
            user = await directory.FindUserAsync(tenantId, oid, cancellationToken).ConfigureAwait(false);
            if (user is null || !user.AccountEnabled)
            {
                return (null, "The signed-in user no longer exists or is disabled.");
            }
        }

        return (new GraphCaller(tenantId, oid, isApp, permissions, user), null);
    }
}
