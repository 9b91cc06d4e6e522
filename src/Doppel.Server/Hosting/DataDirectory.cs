namespace Doppel.Server.Hosting;

/// <summary>
/// The data directory: created on first start (owner-only, since it holds private keys), checked for writing,
/// and locked for as long as the server runs, so that two servers never share one SQLite file and one CA.
/// </summary>
internal sealed class DataDirectory : IDisposable
{
    private const string LockFileName = "server.lock";
    private readonly FileStream _lock;

    private DataDirectory(string path, FileStream lockFile)
    {
        Path = path;
        _lock = lockFile;
    }

    public string Path { get; }

    public static DataDirectory Open(string path)
    {
        if (File.Exists(path))
        {
            throw new StartupException($"the data directory {path} is a file, not a directory; choose another --data-dir");
        }

        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
            }
            else
            {
                Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"cannot create the data directory {path}: {ex.Message}", ex);
        }

        var probe = System.IO.Path.Combine(path, $".write-test-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"the data directory {path} is not writable: {ex.Message}", ex);
        }

        FileStream lockFile;
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock on Unix), released when the process ends,
            // however it ends.
            lockFile = new FileStream(System.IO.Path.Combine(path, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new StartupException($"the data directory {path} is in use by another Doppel server; stop that one or choose another --data-dir", ex);
        }

        return new DataDirectory(path, lockFile);
    }

    public void Dispose() => _lock.Dispose();
}
