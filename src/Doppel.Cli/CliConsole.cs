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
    public static CliConsole Standard { get; } = new(Console.Out, Console.Error) { IsTerminal = !Console.IsOutputRedirected && !Console.IsErrorRedirected };

    /// <summary>
    /// Environment variables that win over the process's (tests set <c>DOPPEL_CONFIG_DIR</c> here, since tests run
    /// in parallel in one process).
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>True when standard output is a terminal: colours and progress are shown only then.</summary>
    public bool IsTerminal { get; init; }

    /// <summary>The value of an environment variable, from <see cref="Environment"/> first.</summary>
    public string? Variable(string name) =>
        Environment.TryGetValue(name, out var value) ? value : System.Environment.GetEnvironmentVariable(name);
}
