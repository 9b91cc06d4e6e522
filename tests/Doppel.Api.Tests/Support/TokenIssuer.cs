using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Doppel.Api.Tests.Support;

/// <summary>An issuer the tests control: an ECDSA P-256 key, its public PEM file, and tokens it signs.</summary>
internal sealed class TokenIssuer : IDisposable
{
    public const string DigitalTwinsAudience = "https://digitaltwins.azure.net";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TokenIssuer(string issuer, string directory)
    {
        Issuer = issuer;
        PublicKeyPath = Path.Combine(directory, $"issuer-{Guid.NewGuid():N}.pem");
        File.WriteAllText(PublicKeyPath, _key.ExportSubjectPublicKeyInfoPem());
        KeyId = Guid.NewGuid().ToString("N");
    }

    public string Issuer { get; }

    public string PublicKeyPath { get; }

    public string KeyId { get; }

    /// <summary>The public key as a JWKS document.</summary>
    public string Jwks()
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(_key) { KeyId = KeyId });
        jwk.Use = "sig";
        return $$"""{"keys":[{"kty":"EC","use":"sig","kid":"{{KeyId}}","crv":"{{jwk.Crv}}","x":"{{jwk.X}}","y":"{{jwk.Y}}","alg":"ES256"}]}""";
    }

    public string Mint(string? audience = DigitalTwinsAudience, DateTime? expires = null, string? issuer = null, DateTime? notBefore = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = (notBefore ?? now.AddMinutes(-1)),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object> { ["oid"] = "00000000-0000-0000-0000-000000000001", ["tid"] = "tenant" },
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>A token for <paramref name="audience"/> naming the caller <paramref name="objectId"/>, with optional group and tenant claims.</summary>
    public string MintFor(string audience, string objectId, IReadOnlyList<string>? groups = null, string tenant = "tenant")
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["oid"] = objectId, ["tid"] = tenant, ["upn"] = $"{objectId}@doppel.test" };
        if (groups is { Count: > 0 })
        {
            claims["groups"] = groups.ToArray();
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256),
            Claims = claims,
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public void Dispose() => _key.Dispose();
}
