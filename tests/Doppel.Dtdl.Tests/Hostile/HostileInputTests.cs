using System.Globalization;
using System.Text;
using Doppel.Diagnostics;

namespace Doppel.Dtdl.Tests.Hostile;

/// <summary>
/// Hostile uploads, built in code: each must come back as an invalid result with diagnostics, within a time
/// limit, and never as an exception (issue 2, "Hostile input never escapes as anything but a diagnostic").
/// </summary>
public sealed class HostileInputTests
{
    /// <summary>Generous on a 2-core machine; a hostile input that takes longer is a denial of service.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private const string V2 = "dtmi:dtdl:context;2";
    private const string V3 = "dtmi:dtdl:context;3";

    /// <summary>Each hostile upload by name; tests get the name so every input shows as its own test.</summary>
    private static readonly Dictionary<string, Func<IReadOnlyList<DtdlDocument>>> Uploads = new(StringComparer.Ordinal)
    {
        // Malformed JSON.
        ["json: truncated object"] = () => [Text("{\"@context\": \"dtmi:dtdl:context;2\", \"@id\": \"dtmi:com:example:A;1\", \"@type\": ")],
        ["json: trailing comma"] = () => [Text($"[{{\"@context\": \"{V2}\", \"@id\": \"dtmi:com:example:A;1\", \"@type\": \"Interface\", \"contents\": [],}}]")],
        ["json: unterminated string"] = () => [Text($"{{\"@context\": \"{V2}\", \"@id\": \"dtmi:com:example:A;1")],
        ["json: not JSON at all"] = () => [Text("this is not JSON")],
        ["json: two top-level values"] = () => [Text(Interface(V2, "dtmi:com:example:A;1") + Interface(V2, "dtmi:com:example:B;1"))],
        ["json: single-quoted strings"] = () => [Text("{'@context': 'dtmi:dtdl:context;2', '@id': 'dtmi:com:example:A;1', '@type': 'Interface'}")],
        ["json: invalid UTF-8"] = () => [new DtdlDocument("bad-utf8.json", new byte[] { 0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D })],
        ["json: empty document"] = () => [new DtdlDocument("empty.json", Array.Empty<byte>())],
        ["json: whitespace only"] = () => [Text("   \n\t  ")],
        ["json: null"] = () => [Text("null")],
        ["json: number"] = () => [Text("626")],

        // Non-string @type.
        ["@type: number"] = () => [Text($"{{\"@context\": \"{V2}\", \"@id\": \"dtmi:com:example:A;1\", \"@type\": 42}}")],
        ["@type: object"] = () => [Text($"{{\"@context\": \"{V2}\", \"@id\": \"dtmi:com:example:A;1\", \"@type\": {{\"Interface\": true}}}}")],
        ["@type: null"] = () => [Text($"{{\"@context\": \"{V3}\", \"@id\": \"dtmi:com:example:A;1\", \"@type\": null}}")],
        ["@type: array with a number"] = () => [Text($"{{\"@context\": \"{V3}\", \"@id\": \"dtmi:com:example:A;1\", \"@type\": [\"Interface\", 7]}}")],
        ["@type: empty array"] = () => [Text($"{{\"@context\": \"{V3}\", \"@id\": \"dtmi:com:example:A;1\", \"@type\": []}}")],
        ["@type: boolean on a content"] = () => [Text($"{{\"@context\": \"{V2}\", \"@id\": \"dtmi:com:example:A;1\", \"@type\": \"Interface\", \"contents\": [{{\"@type\": true, \"name\": \"p\", \"schema\": \"double\"}}]}}")],

        // Size.
        ["10 MB document"] = () => [Text($"{{\"@context\": \"{V3}\", \"@id\": \"dtmi:com:example:A;1\", \"@type\": \"Interface\", \"description\": \"{new string('x', 10 * 1024 * 1024)}\"}}")],
        ["100,000 contents (v3)"] = () => [Text(ManyContents(V3, 100_000))],
        ["100,000 contents (v2)"] = () => [Text(ManyContents(V2, 100_000))],

        // Depth.
        ["1,000-deep JSON arrays in a property value"] = () => [Text($"{{\"@context\": \"{V2}\", \"@id\": \"dtmi:com:example:A;1\", \"@type\": \"Interface\", \"comment\": {new string('[', 1000)}{new string(']', 1000)}}}")],
        ["1,000-deep JSON objects in an unknown property"] = () => [Text($"{{\"@context\": \"{V2}\", \"@id\": \"dtmi:com:example:A;1\", \"@type\": \"Interface\", \"comment\": {string.Concat(Enumerable.Repeat("{\"a\":", 1000))}1{new string('}', 1000)}}}")],
        ["1,000-deep Object schemas"] = () => [Text(DeepObjectSchema(1000))],
        ["1,000-deep JSON arrays at the top level"] = () => [Text(new string('[', 1000) + new string(']', 1000))],

        // Cycles.
        ["extends: itself"] = () => [Text(Interface(V2, "dtmi:com:example:A;1", extends: "dtmi:com:example:A;1"))],
        ["extends: two-Interface cycle"] = () =>
        [
            Text(Interface(V2, "dtmi:com:example:A;1", extends: "dtmi:com:example:B;1"), "a.json"),
            Text(Interface(V2, "dtmi:com:example:B;1", extends: "dtmi:com:example:A;1"), "b.json"),
        ],
        ["extends: three-Interface cycle in one document (v3)"] = () =>
        [
            Text("[" + string.Join(",",
                Interface(V3, "dtmi:com:example:A;1", extends: "dtmi:com:example:B;1"),
                Interface(V3, "dtmi:com:example:B;1", extends: "dtmi:com:example:C;1"),
                Interface(V3, "dtmi:com:example:C;1", extends: "dtmi:com:example:A;1")) + "]"),
        ],
        ["extends: cycle of 1,000 Interfaces"] = () =>
        [
            Text("[" + string.Join(",", Enumerable.Range(0, 1000).Select(i =>
                Interface(V3, $"dtmi:com:example:I{i};1", extends: $"dtmi:com:example:I{(i + 1) % 1000};1"))) + "]"),
        ],
        ["component: schema cycle"] = () =>
        [
            Text($"[{{\"@context\": \"{V3}\", \"@id\": \"dtmi:com:example:A;1\", \"@type\": \"Interface\", \"contents\": [{{\"@type\": \"Component\", \"name\": \"b\", \"schema\": \"dtmi:com:example:B;1\"}}]}}," +
                 $"{{\"@context\": \"{V3}\", \"@id\": \"dtmi:com:example:B;1\", \"@type\": \"Interface\", \"contents\": [{{\"@type\": \"Component\", \"name\": \"a\", \"schema\": \"dtmi:com:example:A;1\"}}]}}]"),
        ],

        // Empty and odd shapes.
        ["empty upload"] = () => [],
        ["empty array"] = () => [Text("[]")],
        ["array of strings"] = () => [Text("[\"dtmi:com:example:A;1\", \"Interface\", \"hello\"]")],
        ["array of arrays"] = () => [Text($"[[{Interface(V2, "dtmi:com:example:A;1")}]]")],
    };

    public static TheoryData<string> UploadNames() => [.. Uploads.Keys];

    [Theory]
    [MemberData(nameof(UploadNames))]
    public async Task Hostile_upload_is_rejected_with_diagnostics_and_never_throws(string upload)
    {
        var documents = Uploads[upload]();

        var result = await Task.Run(() => new DtdlParser().Parse(documents)).WaitAsync(Limit);

        Assert.False(result.IsValid, $"'{upload}' was accepted.");
        Assert.NotEmpty(result.Diagnostics);
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.All(result.Diagnostics, d => Assert.False(string.IsNullOrWhiteSpace(d.Code), $"A diagnostic of '{upload}' has no code: {d}"));
    }

    [Fact]
    public async Task Cancelled_parse_of_a_large_upload_stops_with_OperationCanceledException()
    {
        var documents = new[] { Text(ManyContents(V3, 100_000)) };
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var exception = await Record.ExceptionAsync(() => Task.Run(() => new DtdlParser().Parse(documents, cancellationToken: cancellation.Token)).WaitAsync(Limit));

        Assert.IsAssignableFrom<OperationCanceledException>(exception);
    }

    private static DtdlDocument Text(string json, string name = "hostile.json") => DtdlDocument.FromText(name, json);

    private static string Interface(string context, string id, string? extends = null) =>
        extends is null
            ? $"{{\"@context\": \"{context}\", \"@id\": \"{id}\", \"@type\": \"Interface\"}}"
            : $"{{\"@context\": \"{context}\", \"@id\": \"{id}\", \"@type\": \"Interface\", \"extends\": \"{extends}\"}}";

    private static string ManyContents(string context, int count)
    {
        var json = new StringBuilder(count * 64);
        json.Append(CultureInfo.InvariantCulture, $"{{\"@context\": \"{context}\", \"@id\": \"dtmi:com:example:Big;1\", \"@type\": \"Interface\", \"contents\": [");
        for (var i = 0; i < count; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("{\"@type\": \"Property\", \"name\": \"p").Append(i).Append("\", \"schema\": \"double\"}");
        }

        return json.Append("]}").ToString();
    }

    private static string DeepObjectSchema(int depth)
    {
        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $"{{\"@context\": \"{V3}\", \"@id\": \"dtmi:com:example:Deep;1\", \"@type\": \"Interface\", \"contents\": [{{\"@type\": \"Property\", \"name\": \"deep\", \"schema\": ");
        for (var i = 0; i < depth; i++)
        {
            json.Append("{\"@type\": \"Object\", \"fields\": [{\"name\": \"f\", \"schema\": ");
        }

        json.Append("\"double\"");
        for (var i = 0; i < depth; i++)
        {
            json.Append("}]}");
        }

        return json.Append("}]}").ToString();
    }
}
