using System.Text.Json;
using System.Text.RegularExpressions;
using Doppel.Dtdl.Tests.Support;

namespace Doppel.Dtdl.Tests.Golden;

/// <summary>
/// Loads DTDLParser's golden cases for DTDL v2 and v3 (file names ending in <c>V2</c> or <c>V3</c>; v4 is a
/// preview the project does not take on). Loaded once per test run; tests receive a case id and look it up here,
/// so theory data stays serialisable and every case shows as its own test.
/// </summary>
internal static partial class GoldenCorpus
{
    /// <summary>The folders holding upload cases (dtmis/ and phrases/ test other things).</summary>
    public static readonly IReadOnlyList<string> Folders = ["generated", "doc-examples", "solecisms"];

    private static readonly Lazy<IReadOnlyDictionary<string, GoldenCase>> AllCases = new(LoadAll);

    /// <summary>Keys of a case file this runner understands; any other key makes the case skipped.</summary>
    private static readonly HashSet<string> KnownKeys =
    [
        "valid", "options", "quirks", "input", "expect", "maxDtdlVersion",
        // Informational: contexts the case needs the parser to know, and instance values for schema checks.
        "requiredContexts", "instances",
    ];

    /// <summary>Every v2 and v3 case by id, in file order.</summary>
    public static IReadOnlyDictionary<string, GoldenCase> Cases => AllCases.Value;

    /// <summary>Looks a case up by id.</summary>
    public static GoldenCase Get(string id) =>
        Cases.TryGetValue(id, out var golden) ? golden : throw new KeyNotFoundException($"No golden case '{id}'.");

    private static Dictionary<string, GoldenCase> LoadAll()
    {
        var cases = new Dictionary<string, GoldenCase>(StringComparer.Ordinal);
        foreach (var folder in Folders)
        {
            var files = Directory.EnumerateFiles(Path.Combine(RepoPaths.GoldenCases, folder), "*.json", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                var match = FileVersionPattern().Match(Path.GetFileName(file));
                if (!match.Success || match.Groups[1].Value is not ("2" or "3"))
                {
                    continue;
                }

                var relative = Path.GetRelativePath(RepoPaths.GoldenCases, file).Replace('\\', '/');
                var fileVersion = match.Groups[1].Value[0] - '0';

                // File.ReadAllText drops the UTF-8 BOM every case file starts with.
                using var json = JsonDocument.Parse(File.ReadAllText(file));
                if (json.RootElement.ValueKind == JsonValueKind.Array)
                {
                    var index = 0;
                    foreach (var element in json.RootElement.EnumerateArray())
                    {
                        var id = $"{relative}[{index++}]";
                        cases.Add(id, Read(id, folder, fileVersion, element));
                    }
                }
                else
                {
                    cases.Add(relative, Read(relative, folder, fileVersion, json.RootElement));
                }
            }
        }

        return cases;
    }

    private static GoldenCase Read(string id, string folder, int fileVersion, JsonElement root)
    {
        var inputs = root.GetProperty("input").EnumerateArray().Select(e => e.GetRawText()).ToArray();
        var contextVersions = new SortedSet<int>();
        foreach (var input in root.GetProperty("input").EnumerateArray())
        {
            CollectDtdlContextVersions(input, contextVersions);
        }

        var unsupported = root.EnumerateObject()
            .Select(p => p.Name)
            .Where(name => !KnownKeys.Contains(name))
            .ToArray();

        int? maxDtdlVersion = root.TryGetProperty("maxDtdlVersion", out var max) ? max.GetInt32() : null;

        return new GoldenCase(
            Id: id,
            Folder: folder,
            FileVersion: fileVersion,
            DtdlVersion: contextVersions.Count == 1 ? contextVersions.Min : fileVersion,
            Valid: root.GetProperty("valid").GetBoolean(),
            Options: Strings(root, "options"),
            Quirks: Strings(root, "quirks"),
            MaxDtdlVersion: maxDtdlVersion,
            UnsupportedSettings: unsupported,
            Inputs: inputs,
            ExpectedErrors: ExpectedErrors(root));
    }

    private static string[] Strings(JsonElement root, string name) =>
        root.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray().Select(e => e.GetString()!)]
            : [];

    private static ExpectedError[] ExpectedErrors(JsonElement root)
    {
        if (!root.TryGetProperty("expect", out var expect)
            || expect.ValueKind != JsonValueKind.Object
            || !expect.TryGetProperty("parsingErrors", out var errors))
        {
            return [];
        }

        return [.. errors.EnumerateArray().Select(e => new ExpectedError(
            e.GetProperty("ValidationID").GetString()!,
            OptionalString(e, "PrimaryID"),
            OptionalString(e, "SecondaryID"),
            OptionalString(e, "Property"),
            OptionalString(e, "Value")))];
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void CollectDtdlContextVersions(JsonElement element, SortedSet<int> versions)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.NameEquals("@context"))
                    {
                        var specifiers = property.Value.ValueKind == JsonValueKind.Array
                            ? property.Value.EnumerateArray().ToArray()
                            : [property.Value];
                        foreach (var specifier in specifiers.Where(s => s.ValueKind == JsonValueKind.String))
                        {
                            var match = DtdlContextPattern().Match(specifier.GetString()!);
                            if (match.Success)
                            {
                                versions.Add(int.Parse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture));
                            }
                        }
                    }
                    else
                    {
                        CollectDtdlContextVersions(property.Value, versions);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectDtdlContextVersions(item, versions);
                }

                break;
        }
    }

    [GeneratedRegex(@"V(\d+)\.json$", RegexOptions.CultureInvariant)]
    private static partial Regex FileVersionPattern();

    [GeneratedRegex(@"^dtmi:dtdl:context;(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DtdlContextPattern();
}
