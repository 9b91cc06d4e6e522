using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Doppel.Server.Tls;

/// <summary>Writes certificates and keys as PEM files, atomically, with keys readable by the owner only.</summary>
internal static class PemFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Public = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void WriteCertificate(string path, X509Certificate2 certificate) =>
        WriteAtomically(path, certificate.ExportCertificatePem() + "\n", Public);

    public static void WritePrivateKey(string path, ECDsa key) =>
        WriteAtomically(path, key.ExportPkcs8PrivateKeyPem() + "\n", OwnerOnly);

    /// <summary>Narrows a key file that has been made readable by others back to owner-only.</summary>
    public static bool RestrictToOwner(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & ~OwnerOnly) == 0)
        {
            return false;
        }

        File.SetUnixFileMode(path, mode & OwnerOnly);
        return true;
    }

    private static void WriteAtomically(string path, string text, UnixFileMode mode)
    {
        // Write a fresh temporary file (created with its final mode, so a key is never readable by others, not
        // even for a moment) and rename it over the target: a crash leaves the old file or the new one.
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(text);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
