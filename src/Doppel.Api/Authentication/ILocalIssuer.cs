using Microsoft.IdentityModel.Tokens;

namespace Doppel.Api.Authentication;

/// <summary>
/// Doppel's own token service, trusted by the data plane without configuration: its signing keys, and which
/// <c>iss</c> values are its (one per tenant and origin, so not a fixed list). A token is accepted from it only when
/// signed with one of these keys and its issuer passes <see cref="IsIssuer"/>.
/// </summary>
public interface ILocalIssuer
{
    /// <summary>The current signing keys (the newest signs; older ones verify tokens issued before a rotation).</summary>
    IReadOnlyList<SecurityKey> SigningKeys { get; }

    /// <summary>Whether <paramref name="issuer"/> is one of this token service's issuers.</summary>
    bool IsIssuer(string issuer);
}
