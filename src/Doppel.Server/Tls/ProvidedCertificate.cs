using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Doppel.Server.Hosting;

namespace Doppel.Server.Tls;

/// <summary>A certificate the user brings with <c>--cert</c> and <c>--key</c>.</summary>
internal static class ProvidedCertificate
{
    public static TlsMaterial Load(string certificatePath, string keyPath)
    {
        foreach (var (option, path) in new[] { ("--cert", certificatePath), ("--key", keyPath) })
        {
            if (!File.Exists(path))
            {
                throw new StartupException($"{option} {path} does not exist");
            }
        }

        X509Certificate2 leaf;
        X509Certificate2Collection all = [];
        try
        {
            leaf = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            all.ImportFromPemFile(certificatePath);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // CryptographicException: not PEM, or not a certificate or key; ArgumentException: the key does not
            // belong to the certificate.
            throw new StartupException($"cannot use --cert {certificatePath} with --key {keyPath}: {ex.Message.TrimEnd('.')} (both must be PEM, and the key must belong to the first certificate)", ex);
        }

        // The file may hold the chain after the leaf; Kestrel sends it so that clients trusting only the root
        // can build the path.
        X509Certificate2Collection chain = [];
        foreach (var certificate in all)
        {
            if (certificate.Thumbprint != leaf.Thumbprint)
            {
                chain.Add(certificate);
            }
            else
            {
                certificate.Dispose();
            }
        }

        return new TlsMaterial(leaf, chain, null);
    }
}
