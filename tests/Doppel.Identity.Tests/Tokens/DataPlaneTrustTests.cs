using System.Net;
using System.Security.Cryptography;
using Doppel.Identity.Tests.Support;
using Doppel.Identity.Tokens;
using Doppel.Storage.Sqlite;
using Doppel.Storage.Sqlite.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Doppel.Identity.Tests.Tokens;

/// <summary>
/// The data plane trusts Doppel's own issuer with no configuration, and only tokens that are really its: signed with
/// its keys, for the data plane's audience, with its issuer's shape, and in their lifetime.
/// </summary>
public sealed class DataPlaneTrustTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    private async Task<RsaSecurityKey> ServerKeyAsync()
    {
        // The server's own signing key, read from its store through a second store on the file (as another server would).
        await using var store = new SqliteStore(SqliteStoreOptions.InDataDirectory(Server.Data.Path));
        var ring = new TokenKeyRing(new SqliteDirectoryStore(store), TimeProvider.System);
        await ring.LoadAsync(CancellationToken.None);
        return ring.SigningKeys[0];
    }

    private string Issuer => $"{Server.OriginText}/{Server.TenantId}/v2.0";

    private static string Mint(SecurityKey key, string issuer, string audience = "https://digitaltwins.azure.net", DateTime? expires = null, string algorithm = SecurityAlgorithms.RsaSha256, DateTime? notBefore = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            NotBefore = notBefore ?? (expires ?? now.AddHours(1)).AddHours(-2),
            IssuedAt = (expires ?? now.AddHours(1)).AddHours(-2),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(key, algorithm),
            Claims = new Dictionary<string, object> { ["tid"] = "t", ["oid"] = Guid.NewGuid().ToString() },
        });
    }

    [Fact]
    public async Task A_token_signed_with_the_servers_key_for_its_issuer_is_accepted()
    {
        var key = await ServerKeyAsync();

        using var response = await Server.ListModelsAsync(Mint(key, Issuer));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Expired_not_yet_valid_wrong_audience_and_foreign_issuer_tokens_are_refused_with_401()
    {
        var key = await ServerKeyAsync();

        using var expired = await Server.ListModelsAsync(Mint(key, Issuer, expires: DateTime.UtcNow.AddMinutes(-10)));
        using var notYet = await Server.ListModelsAsync(Mint(key, Issuer, notBefore: DateTime.UtcNow.AddMinutes(30), expires: DateTime.UtcNow.AddHours(2)));
        using var audience = await Server.ListModelsAsync(Mint(key, Issuer, audience: "https://management.azure.com/"));
        using var issuer = await Server.ListModelsAsync(Mint(key, "https://issuer.example/not-a-tenant"));

        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, notYet.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, audience.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, issuer.StatusCode);
    }

    [Fact]
    public async Task Tokens_claiming_the_servers_issuer_signed_with_another_key_HS256_over_its_public_key_or_unsigned_are_refused_with_401()
    {
        using var rsa = RSA.Create(2048);
        var serverKey = await ServerKeyAsync();
        var impostor = new RsaSecurityKey(rsa) { KeyId = serverKey.KeyId };
        // The classic confusion attack: HS256 keyed with the server's published public key.
        var symmetric = new SymmetricSecurityKey(serverKey.Rsa.ExportSubjectPublicKeyInfo());

        using var forged = await Server.ListModelsAsync(Mint(impostor, Issuer));
        using var hmac = await Server.ListModelsAsync(Mint(symmetric, Issuer, algorithm: SecurityAlgorithms.HmacSha256));
        using var unsigned = await Server.ListModelsAsync(new JsonWebTokenHandler().CreateToken(
            $$"""{"iss":"{{Issuer}}","aud":"https://digitaltwins.azure.net","exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}""")
            );

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, hmac.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
    }

    [Fact]
    public async Task A_token_of_another_tenant_from_an_issuer_the_server_does_not_trust_is_refused_with_401()
    {
        // Another directory's token, as a real Entra tenant (or another Doppel server) would issue it: its own issuer and key.
        using var rsa = RSA.Create(2048);
        var otherKey = new RsaSecurityKey(rsa) { KeyId = "other-tenant-key" };
        var otherTenant = Guid.NewGuid();

        using var entra = await Server.ListModelsAsync(Mint(otherKey, $"https://login.microsoftonline.com/{otherTenant}/v2.0"));
        using var otherServer = await Server.ListModelsAsync(Mint(otherKey, $"https://doppel.other.example/{otherTenant}/v2.0"));

        Assert.Equal(HttpStatusCode.Unauthorized, entra.StatusCode);
        Assert.Contains("invalid_token", entra.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, otherServer.StatusCode);
    }
}
