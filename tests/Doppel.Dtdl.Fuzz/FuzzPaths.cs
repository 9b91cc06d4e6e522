namespace Doppel.Dtdl.Fuzz;

/// <summary>
/// Finds the repository from wherever the tests run: walks up from the test binaries to the folder that holds
/// <c>Doppel.slnx</c>, so the seeds are read in place and crashes land in the repository's <c>artifacts</c>.
/// </summary>
internal static class FuzzPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The repository root.</summary>
    public static string Root => RootPath.Value;

    /// <summary><c>testdata/dtdl</c>.</summary>
    public static string DtdlTestData => Path.Combine(Root, "testdata", "dtdl");

    /// <summary><c>testdata/dtdl/fuzz-regressions</c>: inputs that once crashed the parser, replayed by a test.</summary>
    public static string Regressions => Path.Combine(DtdlTestData, "fuzz-regressions");

    /// <summary><c>artifacts/fuzz-crashes</c>: where a run writes the inputs that failed (ignored by git).</summary>
    public static string Crashes => Path.Combine(Root, "artifacts", "fuzz-crashes");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Doppel.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Doppel.slnx above {AppContext.BaseDirectory}; the fuzzer must run from inside the repository.");
    }
}
