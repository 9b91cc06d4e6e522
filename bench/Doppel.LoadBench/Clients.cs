using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Doppel.LoadBench;

/// <summary>HttpClients for the benchmark: HTTP/1.1 only, over TLS, trusting Doppel's generated CA and nothing else.</summary>
internal static class Clients
{
    public static HttpClient Create(string caPath, int connections)
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(caPath);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { ca },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
        return new HttpClient(handler)
        {
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }
}
