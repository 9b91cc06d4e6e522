using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Doppel.Server.Hosting;
using Doppel.Server.Tests.Support;
using Doppel.Server.Tls;

namespace Doppel.Server.Tests.Tls;

// File modes are checked as POSIX modes; on Windows the key files rely on the profile's ACLs instead.
[UnsupportedOSPlatform("windows")]
public sealed class LocalCertificateAuthorityTests
{
    private const string Suffix = "digitaltwins.localhost";
    private static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void First_run_creates_a_ten_year_CA_and_a_server_certificate_for_the_loopback_names()
    {
        using var data = new TemporaryDirectory();

        var result = LocalCertificateAuthority.Ensure(data.Path, Suffix, new ManualTimeProvider(Start));
        using var server = result.Material.ServerCertificate;
        using var ca = X509CertificateLoader.LoadCertificateFromFile(data.Combine("ca.crt"));

        Assert.Equal(CertificateAction.Created, result.Authority);
        Assert.Equal(CertificateAction.Created, result.Server);
        Assert.Equal(data.Combine("ca.crt"), result.Material.CaCertificatePath);
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.InRange((ca.NotAfter - ca.NotBefore).TotalDays, 3650, 3660);
        Assert.Equal("1.2.840.10045.2.1", ca.PublicKey.Oid.Value); // id-ecPublicKey (P-256)
        Assert.False(server.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal("1.3.6.1.5.5.7.3.1", Assert.Single(server.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>()).Value);
        var names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost", "*.localhost", Suffix, "*." + Suffix, "*.api.local." + Suffix], names.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], names.EnumerateIPAddresses());
        Assert.True(server.HasPrivateKey);
        Assert.True(BuildsTo(ca, server, Start));
    }

    [Theory]
    [InlineData("plant-1.api.local.", true)]
    [InlineData("", true)]
    [InlineData("plant-1.api.westeurope.", false)]
    public void Server_certificate_covers_instance_host_names_of_the_default_location(string prefix, bool covered)
    {
        using var data = new TemporaryDirectory();

        var result = LocalCertificateAuthority.Ensure(data.Path, Suffix, new ManualTimeProvider(Start));
        using var server = result.Material.ServerCertificate;

        Assert.Equal(covered, server.MatchesHostname(prefix + Suffix));
    }

    [Fact]
    public void Private_keys_are_written_readable_by_the_owner_only()
    {
        using var data = new TemporaryDirectory();

        LocalCertificateAuthority.Ensure(data.Path, Suffix, new ManualTimeProvider(Start)).Material.ServerCertificate.Dispose();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(data.Combine("server.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(data.Combine("ca.key")));
        Assert.True(File.GetUnixFileMode(data.Combine("ca.crt")).HasFlag(UnixFileMode.OtherRead));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(data.Combine("server.key")), StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(data.Combine("server.crt")), StringComparison.Ordinal);
    }

    [Fact]
    public void Key_file_made_readable_by_others_is_narrowed_back_to_the_owner()
    {
        using var data = new TemporaryDirectory();
        LocalCertificateAuthority.Ensure(data.Path, Suffix, new ManualTimeProvider(Start)).Material.ServerCertificate.Dispose();
        File.SetUnixFileMode(data.Combine("server.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        LocalCertificateAuthority.Ensure(data.Path, Suffix, new ManualTimeProvider(Start)).Material.ServerCertificate.Dispose();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(data.Combine("server.key")));
    }

    [Fact]
    public void Second_run_reuses_both_certificates()
    {
        using var data = new TemporaryDirectory();
        var clock = new ManualTimeProvider(Start);
        using var first = LocalCertificateAuthority.Ensure(data.Path, Suffix, clock).Material.ServerCertificate;
        clock.Now = Start.AddDays(100);

        var second = LocalCertificateAuthority.Ensure(data.Path, Suffix, clock);
        using var server = second.Material.ServerCertificate;

        Assert.Equal(CertificateAction.Reused, second.Authority);
        Assert.Equal(CertificateAction.Reused, second.Server);
        Assert.Equal(first.Thumbprint, server.Thumbprint);
    }

    [Fact]
    public void Server_certificate_within_30_days_of_expiry_is_replaced_and_the_CA_kept()
    {
        using var data = new TemporaryDirectory();
        var clock = new ManualTimeProvider(Start);
        using var first = LocalCertificateAuthority.Ensure(data.Path, Suffix, clock).Material.ServerCertificate;
        var ca = File.ReadAllBytes(data.Combine("ca.crt"));
        clock.Now = Start.AddDays(380);

        var renewed = LocalCertificateAuthority.Ensure(data.Path, Suffix, clock);
        using var server = renewed.Material.ServerCertificate;

        Assert.Equal(CertificateAction.Reused, renewed.Authority);
        Assert.Equal(CertificateAction.Replaced, renewed.Server);
        Assert.StartsWith("the server certificate expires", renewed.Reason, StringComparison.Ordinal);
        Assert.NotEqual(first.Thumbprint, server.Thumbprint);
        Assert.Equal(ca, File.ReadAllBytes(data.Combine("ca.crt")));
        Assert.True(server.NotAfter.ToUniversalTime() > clock.Now.UtcDateTime.AddDays(300));
    }

    [Fact]
    public void Changed_host_suffix_replaces_the_server_certificate()
    {
        using var data = new TemporaryDirectory();
        var clock = new ManualTimeProvider(Start);
        LocalCertificateAuthority.Ensure(data.Path, Suffix, clock).Material.ServerCertificate.Dispose();

        var changed = LocalCertificateAuthority.Ensure(data.Path, "twins.test.localhost", clock);
        using var server = changed.Material.ServerCertificate;

        Assert.Equal(CertificateAction.Replaced, changed.Server);
        Assert.Equal("the names the server certificate must cover have changed", changed.Reason);
        Assert.Contains("*.twins.test.localhost", server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
    }

    [Fact]
    public void Expired_CA_is_replaced_together_with_the_server_certificate()
    {
        using var data = new TemporaryDirectory();
        var clock = new ManualTimeProvider(Start);
        LocalCertificateAuthority.Ensure(data.Path, Suffix, clock).Material.ServerCertificate.Dispose();
        var oldCa = File.ReadAllBytes(data.Combine("ca.crt"));
        clock.Now = Start.AddYears(11);

        var result = LocalCertificateAuthority.Ensure(data.Path, Suffix, clock);
        using var server = result.Material.ServerCertificate;
        using var ca = X509CertificateLoader.LoadCertificateFromFile(data.Combine("ca.crt"));

        Assert.Equal(CertificateAction.Replaced, result.Authority);
        Assert.Equal(CertificateAction.Replaced, result.Server);
        Assert.NotEqual(oldCa, File.ReadAllBytes(data.Combine("ca.crt")));
        Assert.True(BuildsTo(ca, server, clock.Now));
    }

    [Fact]
    public void Server_certificate_issued_by_another_CA_is_replaced()
    {
        using var data = new TemporaryDirectory();
        using var other = new TemporaryDirectory();
        var clock = new ManualTimeProvider(Start);
        LocalCertificateAuthority.Ensure(data.Path, Suffix, clock).Material.ServerCertificate.Dispose();
        LocalCertificateAuthority.Ensure(other.Path, Suffix, clock).Material.ServerCertificate.Dispose();
        File.Copy(other.Combine("server.crt"), data.Combine("server.crt"), overwrite: true);
        File.Copy(other.Combine("server.key"), data.Combine("server.key"), overwrite: true);

        var result = LocalCertificateAuthority.Ensure(data.Path, Suffix, clock);
        using var server = result.Material.ServerCertificate;
        using var ca = X509CertificateLoader.LoadCertificateFromFile(data.Combine("ca.crt"));

        Assert.Equal(CertificateAction.Replaced, result.Server);
        Assert.Equal("the server certificate was not issued by the current CA", result.Reason);
        Assert.True(BuildsTo(ca, server, clock.Now));
    }

    [Fact]
    public void Server_key_that_does_not_match_its_certificate_is_replaced()
    {
        using var data = new TemporaryDirectory();
        var clock = new ManualTimeProvider(Start);
        LocalCertificateAuthority.Ensure(data.Path, Suffix, clock).Material.ServerCertificate.Dispose();
        using (var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            File.WriteAllText(data.Combine("server.key"), stranger.ExportPkcs8PrivateKeyPem());
        }

        var result = LocalCertificateAuthority.Ensure(data.Path, Suffix, clock);
        result.Material.ServerCertificate.Dispose();

        Assert.Equal(CertificateAction.Replaced, result.Server);
        Assert.StartsWith("the server certificate could not be read", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_CA_is_a_startup_error_rather_than_a_silent_new_CA()
    {
        using var data = new TemporaryDirectory();
        File.WriteAllText(data.Combine("ca.crt"), "not a certificate");
        File.WriteAllText(data.Combine("ca.key"), "not a key");

        var error = Assert.Throws<StartupException>(() => LocalCertificateAuthority.Ensure(data.Path, Suffix, new ManualTimeProvider(Start)));

        Assert.StartsWith($"cannot read the local CA from {data.Combine("ca.crt")}", error.Message, StringComparison.Ordinal);
        Assert.Equal("not a certificate", File.ReadAllText(data.Combine("ca.crt")));
    }

    private static bool BuildsTo(X509Certificate2 root, X509Certificate2 leaf, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        return chain.Build(leaf);
    }
}
