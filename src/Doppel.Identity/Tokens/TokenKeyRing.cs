using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Doppel.Identity.Directory;
using Doppel.Storage.DataPlane;
using Doppel.Storage.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Doppel.Identity.Tokens;

/// <summary>
/// The token service's keys, kept in the store so that every server on one database signs and verifies alike:
/// RSA signing keys (the newest signs; all are published in the JWKS, so tokens signed before a rotation stay
/// valid until they expire) and one AES key that protects refresh tokens. Created on the first start.
/// </summary>
public sealed class TokenKeyRing(IDirectoryStore store, TimeProvider time)
{
    private volatile IReadOnlyList<RsaSecurityKey> _signingKeys = [];
    private SymmetricSecurityKey? _encryptionKey;

    /// <summary>The signing keys, newest first. Empty until <see cref="LoadAsync"/>.</summary>
    public IReadOnlyList<RsaSecurityKey> SigningKeys => _signingKeys;

    /// <summary>The key that encrypts refresh tokens.</summary>
    public SymmetricSecurityKey EncryptionKey => _encryptionKey ?? throw new InvalidOperationException("The key ring is not loaded.");

    /// <summary>Reads the keys, creating the first ones when the store has none.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var signing = await store.ListAsync(DirectoryObject.ServerScope, DirectoryKinds.SigningKey, cancellationToken).ConfigureAwait(false);
        if (signing.Count == 0)
        {
            using var rsa = RSA.Create(2048);
            var document = new JsonObject
            {
                ["kid"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
                ["createdDateTime"] = time.GetUtcNow(),
                ["pkcs8"] = Convert.ToBase64String(rsa.ExportPkcs8PrivateKey()),
            };
            // A fixed id: two servers starting together on one database keep the one that was first.
            await store.CreateAsync(new DirectoryObject(DirectoryObject.ServerScope, DirectoryKinds.SigningKey, "0001", null, document.ToJsonString()), cancellationToken).ConfigureAwait(false);
            signing = await store.ListAsync(DirectoryObject.ServerScope, DirectoryKinds.SigningKey, cancellationToken).ConfigureAwait(false);
        }

        var keys = new List<(DateTimeOffset Created, RsaSecurityKey Key)>();
        foreach (var stored in signing)
        {
            var node = JsonNode.Parse(stored.Document)!;
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(Convert.FromBase64String((string)node["pkcs8"]!), out _);
            keys.Add(((DateTimeOffset)node["createdDateTime"]!, new RsaSecurityKey(rsa) { KeyId = (string)node["kid"]! }));
        }

        _signingKeys = [.. keys.OrderByDescending(k => k.Created).Select(k => k.Key)];

        var encryption = await store.FindAsync(DirectoryObject.ServerScope, DirectoryKinds.EncryptionKey, "0001", cancellationToken).ConfigureAwait(false);
        if (encryption is null)
        {
            var document = new JsonObject { ["key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), ["createdDateTime"] = time.GetUtcNow() };
            var outcome = await store.CreateAsync(new DirectoryObject(DirectoryObject.ServerScope, DirectoryKinds.EncryptionKey, "0001", null, document.ToJsonString()), cancellationToken).ConfigureAwait(false);
            _ = outcome == StoreWriteOutcome.Written;
            encryption = await store.FindAsync(DirectoryObject.ServerScope, DirectoryKinds.EncryptionKey, "0001", cancellationToken).ConfigureAwait(false);
        }

        _encryptionKey = new SymmetricSecurityKey(Convert.FromBase64String((string)JsonNode.Parse(encryption!.Document)!["key"]!));
    }

    /// <summary>The issuer of a tenant's tokens as seen through <paramref name="origin"/> (<c>https://host[:port]</c>): <c>{origin}/{tenantId}/v2.0</c>.</summary>
    public static string IssuerOf(string origin, string tenantId) => $"{origin.TrimEnd('/')}/{tenantId}/v2.0";

    /// <summary>
    /// Whether <paramref name="issuer"/> has the shape of this token service's issuers (<c>https://{host}/{tenant id}/v2.0</c>).
    /// Only tokens signed with this ring's keys are checked against it, so the shape is all that needs checking.
    /// </summary>
    public static bool IsOwnIssuerShape(string? issuer) =>
        Uri.TryCreate(issuer, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
        && uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) is [var tenant, "v2.0"] && Guid.TryParse(tenant, out _)
        && uri.Query.Length == 0 && uri.Fragment.Length == 0;

    /// <summary>The tenant id in an issuer of <see cref="IsOwnIssuerShape"/>.</summary>
    public static string? TenantOf(string? issuer) =>
        IsOwnIssuerShape(issuer) ? new Uri(issuer!).AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[0] : null;
}
