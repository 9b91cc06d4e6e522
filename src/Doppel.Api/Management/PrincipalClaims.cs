using System.Security.Claims;
using Doppel.Management.Access;

namespace Doppel.Api.Management;

/// <summary>Reads the caller from a validated token's claims, as Entra ID issues them.</summary>
public static class PrincipalClaims
{
    /// <summary>The caller, or <see langword="null"/> when the token has neither <c>oid</c> nor <c>sub</c>.</summary>
    public static Principal? From(ClaimsPrincipal? user)
    {
        if (user is null)
        {
            return null;
        }

        var objectId = user.FindFirst("oid")?.Value ?? user.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(objectId))
        {
            return null;
        }

        var userName = user.FindFirst("upn")?.Value ?? user.FindFirst("preferred_username")?.Value ?? user.FindFirst("unique_name")?.Value;
        var clientId = user.FindFirst("appid")?.Value ?? user.FindFirst("azp")?.Value;
        var isApplication = string.Equals(user.FindFirst("idtyp")?.Value, "app", StringComparison.OrdinalIgnoreCase) || (userName is null && clientId is not null);
        var groups = user.FindAll("groups").Select(c => c.Value).Where(v => v.Length > 0).ToArray();
        var name = (isApplication ? clientId : userName) ?? userName ?? clientId ?? objectId;
        return new Principal(objectId.ToLowerInvariant(), user.FindFirst("tid")?.Value, groups, name, isApplication);
    }
}
