using System.Runtime.Versioning;
using System.Security.Cryptography;
using Doppel.Management.Access;
using Doppel.Server.Hosting;
using Doppel.Server.Tests.Support;

namespace Doppel.Server.Tests.Hosting;

// File modes are checked as POSIX modes; on Windows the key file relies on the profile's ACLs instead.
[UnsupportedOSPlatform("windows")]
public sealed class SecretKeyFileTests
{
    [Fact]
    public void The_secrets_key_is_made_once_owner_only_and_decrypts_what_it_encrypted_after_a_restart()
    {
        using var data = new TemporaryDirectory();

        var first = SecretKeyFile.LoadOrCreate(data.Path);
        var protectedText = first.Protect("Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=b", "endpoint:s:i:hub");
        var second = SecretKeyFile.LoadOrCreate(data.Path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(data.Combine("secrets.key")));
        Assert.Equal("Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=b", second.Unprotect(protectedText, "endpoint:s:i:hub"));
        Assert.DoesNotContain("SharedAccessKey", protectedText, StringComparison.Ordinal);
    }

    [Fact]
    public void A_protected_secret_does_not_decrypt_for_another_resource_another_key_or_after_a_change()
    {
        var protector = SecretProtector.Ephemeral();
        var protectedText = protector.Protect("secret", "endpoint:s:i:hub");
        var changed = protectedText[..^4] + (protectedText[^4] == 'A' ? "B" : "A") + protectedText[^3..];

        Assert.Throws<AuthenticationTagMismatchException>(() => protector.Unprotect(protectedText, "endpoint:s:i:other"));
        Assert.Throws<AuthenticationTagMismatchException>(() => SecretProtector.Ephemeral().Unprotect(protectedText, "endpoint:s:i:hub"));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(changed, "endpoint:s:i:hub"));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect("v2.abc", "endpoint:s:i:hub"));
    }

    [Fact]
    public void A_secrets_key_of_the_wrong_length_stops_the_start_with_a_clear_reason()
    {
        using var data = new TemporaryDirectory();
        File.WriteAllBytes(data.Combine("secrets.key"), [1, 2, 3]);

        var failure = Assert.Throws<StartupException>(() => SecretKeyFile.LoadOrCreate(data.Path));

        Assert.Contains("is not a secrets key (3 bytes instead of 32)", failure.Message, StringComparison.Ordinal);
    }
}
