namespace Doppel.Benchmarks;

/// <summary>Reads the test corpora from the repository, wherever BenchmarkDotNet runs the benchmark process from.</summary>
internal static class Corpus
{
    /// <summary><c>testdata/dtdl/ontologies/realestatecore-v3</c>: 768 DTDL v3 Interfaces.</summary>
    public static string RealEstateCoreV3 => Path.Combine(Root(), "testdata", "dtdl", "ontologies", "realestatecore-v3");

    /// <summary><c>testdata/dtdl/ontologies/realestatecore-v2</c>: the same ontology in DTDL v2.</summary>
    public static string RealEstateCoreV2 => Path.Combine(Root(), "testdata", "dtdl", "ontologies", "realestatecore-v2");

    /// <summary>Every <c>*.json</c> file below <paramref name="folder"/>, in ordinal order, read into memory.</summary>
    public static (string Path, byte[] Utf8)[] ReadAll(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(path => (path, File.ReadAllBytes(path)))];

    /// <summary>
    /// The folder that holds <c>Doppel.slnx</c>. BenchmarkDotNet runs each benchmark in a process of its own,
    /// built below this project's output folder, so walking up always finds it.
    /// </summary>
    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Doppel.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Doppel.slnx above {AppContext.BaseDirectory}; run the benchmarks from inside the repository.");
    }
}
