using System.Text;
using System.Text.Json;

namespace Doppel.Dtdl.Fuzz;

/// <summary>One starting input: a name for the log and the bytes of one document.</summary>
internal sealed record FuzzSeed(string Name, byte[] Utf8);

/// <summary>
/// The seeds the mutator starts from, all read from <c>testdata/dtdl</c>: every JSON file under <c>invalid/</c> and
/// <c>samples/</c>, each sample folder joined into one array document (so references between its files resolve),
/// and the inputs of 100 golden cases spread evenly over DTDLParser's v2 and v3 cases.
/// </summary>
internal static class FuzzSeeds
{
    /// <summary>How many golden cases become seeds.</summary>
    public const int GoldenCaseCount = 100;

    /// <summary>Loads every seed, in a fixed order so that a seed number means the same input on every machine.</summary>
    public static IReadOnlyList<FuzzSeed> Load()
    {
        var seeds = new List<FuzzSeed>();
        var data = FuzzPaths.DtdlTestData;

        foreach (var path in JsonFiles(Path.Combine(data, "invalid")).Concat(JsonFiles(Path.Combine(data, "samples"))))
        {
            seeds.Add(new FuzzSeed(Path.GetRelativePath(data, path), File.ReadAllBytes(path)));
        }

        foreach (var folder in Directory.GetDirectories(Path.Combine(data, "samples")).Order(StringComparer.Ordinal))
        {
            if (JoinedUpload(folder) is { } joined)
            {
                seeds.Add(new FuzzSeed(Path.GetRelativePath(data, folder) + " (joined)", joined));
            }
        }

        seeds.AddRange(GoldenInputs(Path.Combine(data, "dtdlparser-testcases", "generated")));
        return seeds;
    }

    private static IEnumerable<string> JsonFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>Every Interface of a folder's files as one JSON array, as one upload would carry them.</summary>
    private static byte[]? JoinedUpload(string folder)
    {
        var elements = new List<string>();
        foreach (var path in JsonFiles(folder))
        {
            // ReadAllText drops a byte order mark, which JsonDocument would reject.
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind == JsonValueKind.Array)
            {
                elements.AddRange(document.RootElement.EnumerateArray().Select(e => e.GetRawText()));
            }
            else
            {
                elements.Add(document.RootElement.GetRawText());
            }
        }

        return elements.Count < 2 ? null : Encoding.UTF8.GetBytes("[" + string.Join(",\n", elements) + "]");
    }

    /// <summary>
    /// The <c>input</c> array of <see cref="GoldenCaseCount"/> golden cases (v2 and v3 only; v4 is a preview ADT
    /// does not take), picked at an even stride over the ordinally sorted file names. The array becomes one
    /// document: an array of Interfaces is a valid document, and the fuzz target also parses its elements as
    /// separate documents.
    /// </summary>
    private static IEnumerable<FuzzSeed> GoldenInputs(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*.json")
            .Where(f => f.EndsWith("V2.json", StringComparison.Ordinal) || f.EndsWith("V3.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var stride = Math.Max(1, files.Length / GoldenCaseCount);
        for (var i = 0; i < files.Length && i / stride < GoldenCaseCount; i += stride)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(files[i]));
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("input", out var input))
            {
                yield return new FuzzSeed("golden/" + Path.GetFileName(files[i]), Encoding.UTF8.GetBytes(input.GetRawText()));
            }
        }
    }
}
