namespace Doppel.Cli;

/// <summary>The CLI's exit codes, shared by every command.</summary>
public static class ExitCodes
{
    /// <summary>The command succeeded; for <c>dtdl validate</c>, the upload is valid.</summary>
    public const int Success = 0;

    /// <summary>The command failed (for <c>dtdl validate</c>: the input has at least one error; otherwise the server refused).</summary>
    public const int Invalid = 1;

    /// <summary>The command line itself is wrong: unknown option, no path, a path that does not exist or cannot be read.</summary>
    public const int UsageError = 2;

    /// <summary>The thing asked for does not exist (the server answered 404).</summary>
    public const int NotFound = 3;
}
