using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Doppel.Server.Tests.Support;

/// <summary>
/// An HTTPS client that trusts exactly one root: the CA file the server wrote (or one a test made). The chain
/// is built against that root alone and the host name must match; nothing is accepted blindly.
/// </summary>
internal sealed class TrustingClient : IDisposable
{
    private readonly X509Certificate2 _root;

    public TrustingClient(string caCertificatePath, bool followRedirects = true)
    {
        _root = X509CertificateLoader.LoadCertificateFromFile(caCertificatePath);
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = Validate,
            AllowAutoRedirect = followRedirects,
        };
        Http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    public HttpClient Http { get; }

    /// <summary>
    /// Whether a server starting with its CA at <paramref name="caCertificatePath"/> answers 200 on <c>/readyz</c>
    /// yet: false while the CA file is not written or nothing listens. The fixtures' start-up loops poll this.
    /// </summary>
    public static async Task<bool> IsReadyAsync(Uri origin, string caCertificatePath)
    {
        if (!File.Exists(caCertificatePath))
        {
            return false;
        }

        using var client = new TrustingClient(caCertificatePath);
        try
        {
            using var response = await client.Http.GetAsync(new Uri(origin, "readyz"));
            return response.StatusCode == System.Net.HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
            return false;
        }
    }

    /// <summary>The thumbprint of the last server certificate this client accepted.</summary>
    public string? LastServerThumbprint { get; private set; }

    public void Dispose()
    {
        Http.Dispose();
        _root.Dispose();
    }

    private bool Validate(HttpRequestMessage request, X509Certificate2? certificate, X509Chain? platformChain, SslPolicyErrors errors)
    {
        // Name mismatch or no certificate is never acceptable; chain errors are expected (the platform does
        // not know our root) and are decided below.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (platformChain is not null)
        {
            // Intermediates the server sent.
            foreach (var element in platformChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (!chain.Build(certificate))
        {
            return false;
        }

        LastServerThumbprint = certificate.Thumbprint;
        return true;
    }
}
