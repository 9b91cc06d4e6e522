using System.Security.Claims;
using Doppel.Management.Access;
using Microsoft.IdentityModel.Tokens;

namespace Doppel.Api.Management;

/// <summary>Reads the caller from a validated token's claims, as Entra ID issues them.</summary>
public static class PrincipalClaims
{
    // The single-valued claims read, in the order of the slots below.
    private static readonly string[] ClaimTypes = ["oid", "sub", "upn", "preferred_username", "unique_name", "appid", "azp", "idtyp", "tid"];

    /// <summary>The caller, or <see langword="null"/> when the token has neither <c>oid</c> nor <c>sub</c>.</summary>
    /// <remarks>
    /// Every data-plane request runs this (the access check), so the claims are read in one pass instead of one
    /// <see cref="ClaimsPrincipal.FindFirst(string)"/> scan (and enumerator) per claim type. The answer is the same:
    /// for each type the first claim in identity order wins, compared as the identity's own <c>FindFirst</c> compares
    /// types (ordinal for IdentityModel's <see cref="CaseSensitiveClaimsIdentity"/>, ignoring case otherwise).
    /// </remarks>
    public static Principal? From(ClaimsPrincipal? user)
    {
        if (user is null)
        {
            return null;
        }

        var found = new string?[ClaimTypes.Length];
        List<string>? groups = null;
        foreach (var identity in user.Identities)
        {
            if (identity is null)
            {
                continue;
            }

            var comparison = identity is CaseSensitiveClaimsIdentity ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
            foreach (var claim in identity.Claims)
            {
                if (string.Equals(claim.Type, "groups", comparison))
                {
                    if (claim.Value.Length > 0)
                    {
                        (groups ??= []).Add(claim.Value);
                    }

                    continue;
                }

                for (var i = 0; i < ClaimTypes.Length; i++)
                {
                    if (string.Equals(claim.Type, ClaimTypes[i], comparison))
                    {
                        found[i] ??= claim.Value;
                        break;
                    }
                }
            }
        }

        var (oid, sub, upn, preferredUserName, uniqueName) = (found[0], found[1], found[2], found[3], found[4]);
        var (appId, azp, idType, tenant) = (found[5], found[6], found[7], found[8]);
        var objectId = oid ?? sub;
        if (string.IsNullOrEmpty(objectId))
        {
            return null;
        }

        var userName = upn ?? preferredUserName ?? uniqueName;
        var clientId = appId ?? azp;
        var isApplication = string.Equals(idType, "app", StringComparison.OrdinalIgnoreCase) || (userName is null && clientId is not null);
        var name = (isApplication ? clientId : userName) ?? userName ?? clientId ?? objectId;
        return new Principal(objectId.ToLowerInvariant(), tenant, groups is null ? [] : groups.ToArray(), name, isApplication);
    }
}
