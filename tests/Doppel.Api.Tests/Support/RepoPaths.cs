namespace Doppel.Api.Tests.Support;

/// <summary>Finds the repository (the folder holding <c>Doppel.slnx</c>) from the test binaries, so docs are read in place.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The repository root.</summary>
    public static string Root => RootPath.Value;

    /// <summary><c>docs</c>.</summary>
    public static string Docs => Path.Combine(Root, "docs");

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
