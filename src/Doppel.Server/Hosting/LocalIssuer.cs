using Doppel.Api.Authentication;
using Doppel.Identity.Tokens;
using Microsoft.IdentityModel.Tokens;

namespace Doppel.Server.Hosting;

/// <summary>The identity plane's token service, as the data plane trusts it.</summary>
internal sealed class LocalIssuer(TokenKeyRing ring) : ILocalIssuer
{
    public IReadOnlyList<SecurityKey> SigningKeys => ring.SigningKeys;

    public bool IsIssuer(string issuer) => TokenKeyRing.IsOwnIssuerShape(issuer);
}
