using System.Security.Cryptography.X509Certificates;

namespace Doppel.Server.Tls;

/// <summary>What Kestrel serves: the server certificate with its key, and the certificates between it and a root.</summary>
/// <param name="ServerCertificate">The leaf certificate, with its private key.</param>
/// <param name="Chain">Intermediate certificates to send after the leaf; empty for the generated certificate.</param>
/// <param name="CaCertificatePath">The CA file clients must trust, when Doppel generated the certificate.</param>
internal sealed record TlsMaterial(
    X509Certificate2 ServerCertificate,
    X509Certificate2Collection Chain,
    string? CaCertificatePath);
