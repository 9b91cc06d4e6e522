using System.Security.Cryptography;
using Doppel.Management.Access;

namespace Doppel.Server.Hosting;

/// <summary>
/// The key that encrypts the secrets the control plane stores (endpoint connection strings and access keys):
/// <c>{data dir}/secrets.key</c>, 32 random bytes made on first start, readable by the owner only. Servers sharing one
/// PostgreSQL database need the same file; without it they cannot read each other's endpoint secrets.
/// </summary>
internal static class SecretKeyFile
{
    public const string FileName = "secrets.key";

    public static SecretProtector LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            if (File.Exists(path))
            {
                var key = File.ReadAllBytes(path);
                return key.Length == SecretProtector.KeyLength
                    ? new SecretProtector(key)
                    : throw new StartupException($"{path} is not a secrets key ({key.Length} bytes instead of {SecretProtector.KeyLength}); restore it from a backup, or delete it to make a new one (endpoint secrets stored under the old key are then lost)");
            }

            var created = RandomNumberGenerator.GetBytes(SecretProtector.KeyLength);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, options))
            {
                stream.Write(created);
                stream.Flush(flushToDisk: true);
            }

            return new SecretProtector(created);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"cannot read or write the secrets key {path}: {ex.Message}", ex);
        }
    }
}
