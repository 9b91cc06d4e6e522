namespace Doppel.Cli.Tests;

/// <summary>What one in-process run of the CLI produced.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    /// <summary>The non-empty lines written to standard output.</summary>
    public IReadOnlyList<string> OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The non-empty lines written to standard error.</summary>
    public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";
}

/// <summary>Runs <c>doppel</c> in-process through <see cref="DoppelCli.Run"/> with captured output.</summary>
internal static class CliRunner
{
    public static CliRun Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    /// <summary>Runs with environment variables that win over the process's (e.g. <c>DOPPEL_CONFIG_DIR</c>).</summary>
    public static CliRun RunWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = DoppelCli.Run(args, new CliConsole(output, error) { Environment = environment });

        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}

/// <summary>Finds <c>testdata/dtdl</c> by walking up from the test binaries to the folder holding <c>Doppel.slnx</c>.</summary>
internal static class TestData
{
    private static readonly Lazy<string> DtdlFolder = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Doppel.slnx")))
            {
                return Path.Combine(dir.FullName, "testdata", "dtdl");
            }
        }

        throw new InvalidOperationException($"No Doppel.slnx above {AppContext.BaseDirectory}.");
    });

    /// <summary>A path below <c>testdata/dtdl</c>, with '/' separators in <paramref name="relative"/>.</summary>
    public static string Dtdl(string relative) => Path.Combine(DtdlFolder.Value, relative.Replace('/', Path.DirectorySeparatorChar));
}
