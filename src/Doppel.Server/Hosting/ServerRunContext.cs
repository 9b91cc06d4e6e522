using Microsoft.Extensions.Logging;

namespace Doppel.Server.Hosting;

/// <summary>
/// What the server takes from the process around it. <c>Program</c> uses the defaults; tests replace the
/// writers, the environment and the log sink so that several servers can run inside one test process.
/// </summary>
public sealed class ServerRunContext
{
    /// <summary>Where the start-up banner (addresses, how to trust the CA) goes.</summary>
    public TextWriter Out { get; init; } = Console.Out;

    /// <summary>Where the one-line reason for a failed start goes.</summary>
    public TextWriter Error { get; init; } = Console.Error;

    /// <summary>Reads an environment variable, such as <c>DOPPEL_DATA_DIR</c>.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>When set, replaces the console loggers.</summary>
    public ILoggerProvider? LoggerProvider { get; init; }

    /// <summary>The clock for certificate lifetimes and timestamps.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
