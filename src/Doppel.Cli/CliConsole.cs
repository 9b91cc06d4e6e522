namespace Doppel.Cli;

/// <summary>
/// Where the CLI writes: results to <see cref="Out"/> (standard output), summaries and usage errors to
/// <see cref="Error"/> (standard error). The process passes <see cref="Standard"/>; tests pass string writers and
/// run the CLI in-process.
/// </summary>
/// <param name="Out">Receives results: one line per problem, or the JSON document.</param>
/// <param name="Error">Receives the summary line and usage errors.</param>
public sealed record CliConsole(TextWriter Out, TextWriter Error)
{
    /// <summary>The process's standard output and standard error.</summary>
    public static CliConsole Standard { get; } = new(Console.Out, Console.Error);
}
