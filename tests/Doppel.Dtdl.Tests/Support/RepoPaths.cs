namespace Doppel.Dtdl.Tests.Support;

/// <summary>
/// Finds the repository from wherever the tests run: walks up from the test binaries to the folder that holds
/// <c>Doppel.slnx</c>, so test data is read in place and never copied to the output folder.
/// </summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The repository root (the folder holding <c>Doppel.slnx</c>).</summary>
    public static string Root => RootPath.Value;

    /// <summary><c>testdata/dtdl</c>.</summary>
    public static string DtdlTestData => Path.Combine(Root, "testdata", "dtdl");

    /// <summary><c>testdata/dtdl/dtdlparser-testcases</c>: DTDLParser's golden cases.</summary>
    public static string GoldenCases => Path.Combine(DtdlTestData, "dtdlparser-testcases");

    /// <summary><c>artifacts</c>: where reports go (ignored by git).</summary>
    public static string Artifacts => Path.Combine(Root, "artifacts");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Doppel.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Doppel.slnx above {AppContext.BaseDirectory}; the tests must run from inside the repository.");
    }
}
