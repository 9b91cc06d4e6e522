using System.Text.Json;
using Doppel.Dtdl.Tests.Support;

namespace Doppel.Dtdl.Tests.Golden;

/// <summary>What DTDLParser's Dtmi class reports for a valid identifier (<c>expect</c> of a dtmis/ case).</summary>
internal sealed record DtmiExpectation(
    int MajorVersion,
    int MinorVersion,
    double CompleteVersion,
    string Versionless,
    IReadOnlyList<string> Labels,
    bool IsReserved,
    string Fragment);

/// <summary>One case of <c>dtdlparser-testcases/dtmis/</c>: an identifier text, whether it is a DTMI, and its parts.</summary>
internal sealed record DtmiCase(string Id, string IdText, bool Valid, DtmiExpectation? Expect);

/// <summary>Loads DTDLParser's DTMI syntax cases.</summary>
internal static class DtmiCorpus
{
    private static readonly Lazy<IReadOnlyDictionary<string, DtmiCase>> AllCases = new(LoadAll);

    /// <summary>Every DTMI case by id (<c>dtmis/DtmiFragment.json</c>).</summary>
    public static IReadOnlyDictionary<string, DtmiCase> Cases => AllCases.Value;

    private static Dictionary<string, DtmiCase> LoadAll()
    {
        var cases = new Dictionary<string, DtmiCase>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.GoldenCases, "dtmis"), "*.json").Order(StringComparer.Ordinal))
        {
            var id = "dtmis/" + Path.GetFileName(file);
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var root = json.RootElement;
            DtmiExpectation? expect = null;
            if (root.TryGetProperty("expect", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                expect = new DtmiExpectation(
                    e.GetProperty("MajorVersion").GetInt32(),
                    e.GetProperty("MinorVersion").GetInt32(),
                    e.GetProperty("CompleteVersion").GetDouble(),
                    e.GetProperty("Versionless").GetString()!,
                    [.. e.GetProperty("Labels").EnumerateArray().Select(l => l.GetString()!)],
                    e.GetProperty("IsReserved").GetBoolean(),
                    e.GetProperty("Fragment").GetString()!);
            }

            cases.Add(id, new DtmiCase(id, root.GetProperty("idText").GetString()!, root.GetProperty("valid").GetBoolean(), expect));
        }

        return cases;
    }
}
