using System.Text.Json;
using Doppel.Dtdl.Tests.Support;

namespace Doppel.Dtdl.Tests.Corpus;

/// <summary>
/// One upload of a corpus manifest (<c>testdata/dtdl/manifest.json</c>, <c>testdata/dtdl/invalid/manifest.json</c>)
/// with DTDLParser's verdict on it from the <c>verdicts.json</c> beside the manifest.
/// </summary>
/// <param name="Id">The entry's file(s) relative to <c>testdata/dtdl</c>, joined with <c> + </c> when the entry lists several.</param>
/// <param name="Entries">The entry's files and folders, as absolute paths.</param>
/// <param name="Verdict">DTDLParser's verdict: <c>valid</c> or <c>invalid</c>.</param>
/// <param name="OracleKind">How DTDLParser failed: <c>parsing</c>, <c>resolution</c> (undefined identifiers) or <c>json</c> (not JSON); null when valid.</param>
/// <param name="OracleIds">DTDLParser's validation ids in its order; <c>resolution</c> and <c>json</c> stand for failures that have no id.</param>
/// <param name="UndefinedIdentifiers">For resolution failures, the DTMIs DTDLParser could not resolve.</param>
internal sealed record CorpusSet(
    string Id,
    IReadOnlyList<string> Entries,
    string Verdict,
    string? OracleKind,
    IReadOnlyList<string> OracleIds,
    IReadOnlyList<string> UndefinedIdentifiers)
{
    /// <summary>DTDLParser's first validation id, when its failure has one.</summary>
    public string? PrimaryValidationId => OracleKind == "parsing" && OracleIds.Count > 0 ? OracleIds[0] : null;

    /// <summary>Every file of the upload: each listed file, and every <c>*.json</c> below each listed folder.</summary>
    public IReadOnlyList<DtdlDocument> LoadDocuments()
    {
        var files = Entries.SelectMany(entry => Directory.Exists(entry)
            ? Directory.EnumerateFiles(entry, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : Enumerable.Repeat(entry, 1));
        return [.. files.Select(file => new DtdlDocument(
            Path.GetRelativePath(RepoPaths.DtdlTestData, file).Replace('\\', '/'),
            File.ReadAllBytes(file)))];
    }
}

/// <summary>Reads the corpus manifests and their verdicts.</summary>
internal static class CorpusManifest
{
    /// <summary>The manifests, relative to <c>testdata/dtdl</c>.</summary>
    public static readonly IReadOnlyList<string> Manifests = ["manifest.json", "invalid/manifest.json"];

    private static readonly Lazy<IReadOnlyDictionary<string, CorpusSet>> AllSets = new(LoadAll);

    /// <summary>Every upload of every manifest, by id.</summary>
    public static IReadOnlyDictionary<string, CorpusSet> Sets => AllSets.Value;

    private static Dictionary<string, CorpusSet> LoadAll()
    {
        var sets = new Dictionary<string, CorpusSet>(StringComparer.Ordinal);
        foreach (var manifest in Manifests)
        {
            var manifestPath = Path.Combine(RepoPaths.DtdlTestData, manifest);
            var folder = Path.GetDirectoryName(manifestPath)!;
            using var entries = JsonDocument.Parse(File.ReadAllText(manifestPath));
            using var verdicts = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "verdicts.json")));
            var verdictSets = verdicts.RootElement.GetProperty("sets").EnumerateArray().ToList();

            var index = 0;
            foreach (var entry in entries.RootElement.EnumerateArray())
            {
                var file = entry.GetProperty("file");
                string[] relative = file.ValueKind == JsonValueKind.Array
                    ? [.. file.EnumerateArray().Select(f => f.GetString()!)]
                    : [file.GetString()!];
                var setName = string.Join(" + ", relative);
                var verdict = verdictSets.FirstOrDefault(s => s.GetProperty("set").GetString() == setName);
                if (verdict.ValueKind == JsonValueKind.Undefined)
                {
                    // A set that lists several files may be named differently in verdicts.json; the order is the manifest's.
                    verdict = verdictSets[index];
                }

                var oracle = verdict.GetProperty("oracles").GetProperty("dtdlparser");
                var id = string.Join(" + ", relative.Select(r => Path.GetRelativePath(RepoPaths.DtdlTestData, Path.Combine(folder, r)).Replace('\\', '/')));
                sets.Add(id, new CorpusSet(
                    id,
                    [.. relative.Select(r => Path.GetFullPath(Path.Combine(folder, r)))],
                    verdict.GetProperty("verdict").GetString()!,
                    oracle.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String ? kind.GetString() : null,
                    [.. oracle.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("validationId").GetString()!)],
                    oracle.TryGetProperty("undefinedIdentifiers", out var undefined)
                        ? [.. undefined.EnumerateArray().Select(u => u.GetString()!)]
                        : []));
                index++;
            }
        }

        return sets;
    }
}
