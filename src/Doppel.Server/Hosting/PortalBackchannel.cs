using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Doppel.Server.Hosting;

/// <summary>
/// The handler the portal calls this server with: it accepts the system's trusted chains and, besides them, exactly
/// the certificate this server serves (pinned by its hash), so the generated local CA needs no trust store entry.
/// </summary>
internal static class PortalBackchannel
{
    public static HttpMessageHandler Create(X509Certificate2 serverCertificate)
    {
        var pinned = serverCertificate.GetCertHash();
        return new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    errors == SslPolicyErrors.None || (certificate is not null && certificate.GetCertHash().AsSpan().SequenceEqual(pinned)),
            },
        };
    }
}
