using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Doppel.Server.Hosting;

namespace Doppel.Server.Tls;

/// <summary>What <see cref="LocalCertificateAuthority.Ensure"/> did with the CA and the server certificate.</summary>
internal enum CertificateAction
{
    /// <summary>The files on disk were good and are used as they are.</summary>
    Reused,

    /// <summary>There were none; new ones were made.</summary>
    Created,

    /// <summary>The files were expired, about to expire, for other names, or unusable; new ones replaced them.</summary>
    Replaced,
}

/// <summary>The outcome of <see cref="LocalCertificateAuthority.Ensure"/>.</summary>
/// <param name="Material">What Kestrel serves.</param>
/// <param name="Authority">What happened to the CA.</param>
/// <param name="Server">What happened to the server certificate.</param>
/// <param name="Reason">Why a file was replaced; <see langword="null"/> otherwise.</param>
internal sealed record LocalTlsResult(TlsMaterial Material, CertificateAction Authority, CertificateAction Server, string? Reason);

/// <summary>
/// Doppel's own certificate authority: a root CA made once per data directory and a server certificate it
/// signs, both ECDSA P-256, kept as PEM files (<c>ca.crt</c>, <c>ca.key</c>, <c>server.crt</c>,
/// <c>server.key</c>). Users trust <c>ca.crt</c> once; the server certificate is renewed silently whenever it
/// nears expiry or the names it must cover change.
/// </summary>
internal static class LocalCertificateAuthority
{
    public const string CaCertificateFileName = "ca.crt";
    public const string CaKeyFileName = "ca.key";
    public const string ServerCertificateFileName = "server.crt";
    public const string ServerKeyFileName = "server.key";

    public static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3653);

    /// <summary>397 days: the longest that browsers accept for a server certificate.</summary>
    public static readonly TimeSpan ServerLifetime = TimeSpan.FromDays(397);

    /// <summary>A server certificate with less time left than this is replaced at start.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    // Backdating covers clients whose clock is a little behind ours.
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    /// <summary>The location instances live in until the control plane configures others.</summary>
    public const string DefaultLocation = "local";

    /// <summary>
    /// The DNS names the server certificate covers for a host-name suffix. Instance host names are
    /// <c>{name}.api.{location}.{suffix}</c>, and a wildcard covers one label only, so the default location's
    /// <c>*.api.local.{suffix}</c> is listed as well.
    /// </summary>
    public static IReadOnlyList<string> DnsNamesFor(string hostSuffix) =>
        [.. new[] { "localhost", "*.localhost", hostSuffix, "*." + hostSuffix, $"*.api.{DefaultLocation}.{hostSuffix}" }.Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The IP addresses the server certificate covers.</summary>
    public static IReadOnlyList<IPAddress> IpAddresses { get; } = [IPAddress.Loopback, IPAddress.IPv6Loopback];

    /// <summary>Loads the CA and server certificate from <paramref name="directory"/>, making or replacing what is missing or stale.</summary>
    public static LocalTlsResult Ensure(string directory, string hostSuffix, TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow();
        var dnsNames = DnsNamesFor(hostSuffix);
        var caCertificatePath = Path.Combine(directory, CaCertificateFileName);
        var caKeyPath = Path.Combine(directory, CaKeyFileName);
        var serverCertificatePath = Path.Combine(directory, ServerCertificateFileName);
        var serverKeyPath = Path.Combine(directory, ServerKeyFileName);

        var (ca, authority, reason) = LoadOrCreateAuthority(caCertificatePath, caKeyPath, now);
        using (ca)
        {
            PemFiles.RestrictToOwner(caKeyPath);
            X509Certificate2? server = null;
            CertificateAction serverAction;
            if (!File.Exists(serverCertificatePath) && !File.Exists(serverKeyPath))
            {
                serverAction = CertificateAction.Created;
            }
            else if (authority != CertificateAction.Reused)
            {
                serverAction = CertificateAction.Replaced;
                reason ??= "the CA is new";
            }
            else if (!File.Exists(serverCertificatePath) || !File.Exists(serverKeyPath))
            {
                serverAction = CertificateAction.Replaced;
                reason = "the server certificate or its key was missing";
            }
            else
            {
                string? problem;
                (server, problem) = LoadServer(serverCertificatePath, serverKeyPath, ca, dnsNames, now);
                serverAction = server is null ? CertificateAction.Replaced : CertificateAction.Reused;
                reason = problem;
            }

            if (server is null)
            {
                server = CreateServer(ca, dnsNames, now);
                using var key = server.GetECDsaPrivateKey()!;
                PemFiles.WritePrivateKey(serverKeyPath, key);
                PemFiles.WriteCertificate(serverCertificatePath, server);
            }
            else
            {
                PemFiles.RestrictToOwner(serverKeyPath);
            }

            return new LocalTlsResult(new TlsMaterial(server, [], caCertificatePath), authority, serverAction, reason);
        }
    }

    private static (X509Certificate2 Ca, CertificateAction Action, string? Reason) LoadOrCreateAuthority(
        string certificatePath,
        string keyPath,
        DateTimeOffset now)
    {
        var hasCertificate = File.Exists(certificatePath);
        var hasKey = File.Exists(keyPath);
        if (!hasCertificate && !hasKey)
        {
            return (CreateAuthority(certificatePath, keyPath, now), CertificateAction.Created, null);
        }

        if (hasCertificate != hasKey)
        {
            var (present, missing) = hasCertificate ? (certificatePath, keyPath) : (keyPath, certificatePath);
            throw new StartupException(
                $"{present} exists but {missing} does not; restore it, or delete {present} to make a new CA (clients must then trust the new one)");
        }

        X509Certificate2 ca;
        try
        {
            ca = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // CryptographicException: not PEM, or not a certificate or key; ArgumentException: the key does not
            // belong to the certificate.
            throw new StartupException(
                $"cannot read the local CA from {certificatePath} and {keyPath}: {ex.Message.TrimEnd('.')}; delete both to make a new CA (clients must then trust the new one)",
                ex);
        }

        if (ca.NotAfter.ToUniversalTime() <= now.UtcDateTime)
        {
            // An expired root is useless to every client, so replacing it loses nothing; the banner shows the
            // file to trust again.
            ca.Dispose();
            return (CreateAuthority(certificatePath, keyPath, now), CertificateAction.Replaced, "the CA had expired");
        }

        return (ca, CertificateAction.Reused, null);
    }

    private static X509Certificate2 CreateAuthority(string certificatePath, string keyPath, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("Doppel");
        subject.AddCommonName($"Doppel Local CA {Environment.MachineName} {now:yyyy-MM-dd}");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForCertificateAuthority(pathLengthConstraint: 0));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature,
            critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var ca = request.CreateSelfSigned(now - Backdate, now + CaLifetime);

        // Key first: a crash in between leaves a key without a certificate, which the next start reports.
        PemFiles.WritePrivateKey(keyPath, key);
        PemFiles.WriteCertificate(certificatePath, ca);
        return ca;
    }

    private static (X509Certificate2? Server, string? Problem) LoadServer(
        string certificatePath,
        string keyPath,
        X509Certificate2 ca,
        IReadOnlyList<string> dnsNames,
        DateTimeOffset now)
    {
        X509Certificate2 server;
        try
        {
            server = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // CryptographicException: not PEM, or not a certificate or key; ArgumentException: the key does not
            // belong to the certificate.
            return (null, $"the server certificate could not be read ({ex.Message.TrimEnd('.')})");
        }

        var problem = ProblemWith(server, ca, dnsNames, now);
        if (problem is not null)
        {
            server.Dispose();
            return (null, problem);
        }

        return (server, null);
    }

    private static string? ProblemWith(X509Certificate2 server, X509Certificate2 ca, IReadOnlyList<string> dnsNames, DateTimeOffset now)
    {
        if (server.NotAfter.ToUniversalTime() - RenewBefore <= now.UtcDateTime)
        {
            return $"the server certificate expires {server.NotAfter.ToUniversalTime():yyyy-MM-dd}";
        }

        if (server.NotBefore.ToUniversalTime() > now.UtcDateTime)
        {
            return "the server certificate is not valid yet";
        }

        var san = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null
            || !san.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(dnsNames)
            || !san.EnumerateIPAddresses().ToHashSet().SetEquals(IpAddresses))
        {
            return "the names the server certificate must cover have changed";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        return chain.Build(server) ? null : "the server certificate was not issued by the current CA";
    }

    private static X509Certificate2 CreateServer(X509Certificate2 ca, IReadOnlyList<string> dnsNames, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("Doppel");
        subject.AddCommonName("localhost");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForEndEntity(critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(
            ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dnsName in dnsNames)
        {
            names.AddDnsName(dnsName);
        }

        foreach (var address in IpAddresses)
        {
            names.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(names.Build(critical: false));

        var notAfter = now + ServerLifetime;
        var caNotAfter = new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        if (notAfter > caNotAfter)
        {
            notAfter = caNotAfter;
        }

        // A random 128-bit serial number (RFC 5280 allows up to 20 octets). The first byte is kept in 0x01..0x7F
        // so that the DER integer is positive and has no redundant leading zero.
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        using var signed = request.Create(ca, now - Backdate, notAfter, serial);
        return signed.CopyWithPrivateKey(key);
    }
}
