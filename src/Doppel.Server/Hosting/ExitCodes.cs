namespace Doppel.Server.Hosting;

/// <summary>The process exit codes of the server.</summary>
public static class ExitCodes
{
    /// <summary>The server ran and shut down cleanly (or printed help or its version).</summary>
    public const int Success = 0;

    /// <summary>Something unexpected went wrong; the message says what.</summary>
    public const int Unexpected = 1;

    /// <summary>The server could not start for a reason the user can fix; the message says which.</summary>
    public const int StartupFailed = 2;
}
