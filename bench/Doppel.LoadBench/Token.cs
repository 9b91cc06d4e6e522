using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Doppel.LoadBench;

/// <summary>The benchmark's own token issuer: an ECDSA P-256 key pair, its public PEM file for Doppel's --trusted-key, and one ES256 token.</summary>
internal sealed class Token : IDisposable
{
    public const string Issuer = "https://loadbench.doppel.test/";
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public Token(string directory)
    {
        PublicKeyPath = Path.Combine(directory, "issuer.pub.pem");
        File.WriteAllText(PublicKeyPath, _key.ExportSubjectPublicKeyInfoPem());
    }

    public string PublicKeyPath { get; }

    /// <summary>A bearer token valid for <paramref name="lifetime"/>, accepted by Doppel's data plane.</summary>
    public string Mint(TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["alg"] = "ES256", ["typ"] = "JWT" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = "https://digitaltwins.azure.net",
            ["sub"] = "loadbench",
            ["iat"] = now,
            ["nbf"] = now - 60,
            ["exp"] = now + (long)lifetime.TotalSeconds,
        }));
        // JWTs carry ECDSA signatures as r||s (IEEE P1363), which is .NET's default format for SignData.
        var signature = _key.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{header}.{payload}.{Base64Url(signature)}";
    }

    public void Dispose() => _key.Dispose();

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
