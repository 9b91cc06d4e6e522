using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Doppel.Server.Tests.Support;

namespace Doppel.Server.Tests.Tls;

public sealed class ProvidedCertificateTests
{
    [Fact]
    public async Task Server_started_with_cert_and_key_serves_that_certificate_and_its_chain()
    {
        using var data = new TemporaryDirectory();
        var (rootPath, certificatePath, keyPath, leafThumbprint) = WriteRootIntermediateAndLeaf(data);

        await using var server = InProcessServer.Start(data.Path, null, "--cert", certificatePath, "--key", keyPath);
        await server.WaitUntilReadyAsync(rootPath);
        using var client = new TrustingClient(rootPath);
        using var response = await client.Http.GetAsync(new Uri(server.BaseAddress, "healthz"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(leafThumbprint, client.LastServerThumbprint);
        Assert.False(File.Exists(data.Combine("ca.crt")));
        Assert.DoesNotContain("NODE_EXTRA_CA_CERTS", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_that_does_not_belong_to_the_certificate_exits_with_code_2()
    {
        using var data = new TemporaryDirectory();
        var (_, certificatePath, _, _) = WriteRootIntermediateAndLeaf(data);
        var strangerPath = data.Combine("stranger.key");
        using (var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(strangerPath, stranger.ExportPkcs8PrivateKeyPem());
        }

        await using var server = InProcessServer.Start(data.Path, null, "--cert", certificatePath, "--key", strangerPath);
        var exitCode = await server.Run.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"doppel: cannot use --cert {certificatePath} with --key {strangerPath}: ", server.ErrorOutput, StringComparison.Ordinal);
        Assert.Single(server.ErrorOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>A root, an intermediate and a leaf for localhost; the certificate file holds leaf then intermediate.</summary>
    private static (string RootPath, string CertificatePath, string KeyPath, string LeafThumbprint) WriteRootIntermediateAndLeaf(TemporaryDirectory directory)
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForCertificateAuthority());
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, critical: true));
        using var root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest("CN=Test Intermediate", intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForCertificateAuthority());
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, critical: true));
        using var intermediatePublic = intermediateRequest.Create(root, now.AddDays(-1), now.AddDays(20), [0x01, 0x02]);
        using var intermediate = intermediatePublic.CopyWithPrivateKey(intermediateKey);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=localhost", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var leaf = leafRequest.Create(intermediate, now.AddDays(-1), now.AddDays(10), [0x03, 0x04]);

        var rootPath = directory.Combine("root.crt");
        var certificatePath = directory.Combine("chain.pem");
        var keyPath = directory.Combine("leaf.key");
        File.WriteAllText(rootPath, root.ExportCertificatePem());
        File.WriteAllText(certificatePath, leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, leafKey.ExportPkcs8PrivateKeyPem());
        return (rootPath, certificatePath, keyPath, leaf.Thumbprint);
    }
}
