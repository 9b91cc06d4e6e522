using System.Text.Json;
using System.Text.RegularExpressions;
using Doppel.Api.Authentication;
using Doppel.Api.Tests.Support;
using Doppel.Storage.Sqlite;
using Doppel.Storage.Sqlite.DataPlane;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Doppel.Api.Tests.OpenApi;

/// <summary>
/// The committed OpenAPI document of the data plane (<c>docs/openapi/dataplane.json</c>) is what the endpoints generate,
/// and its operations are ADT's (method, path, success status, documented errors) apart from the differences listed in
/// <c>docs/differences-from-adt.md</c> (CONVENTIONS D16): any drift fails here.
/// </summary>
public sealed partial class DataPlaneOpenApiTests
{
    private static readonly string Committed = Path.Combine(RepoPaths.Docs, "openapi", "dataplane.json");
    private static readonly string AdtOperations = Path.Combine(RepoPaths.Docs, "openapi", "adt-dataplane-operations.json");
    private static readonly string Differences = Path.Combine(RepoPaths.Docs, "differences-from-adt.md");

    [Fact]
    public async Task Committed_document_is_the_one_the_endpoints_generate()
    {
        var generated = await GenerateAsync();
        if (Environment.GetEnvironmentVariable("DOPPEL_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(Committed, generated);
        }

        var committed = File.Exists(Committed) ? (await File.ReadAllTextAsync(Committed)).ReplaceLineEndings("\n") : string.Empty;

        Assert.True(committed == generated,
            "docs/openapi/dataplane.json differs from the generated document; review the change and regenerate it with DOPPEL_UPDATE_OPENAPI=1 dotnet test tests/Doppel.Api.Tests --filter DataPlaneOpenApiTests");
    }

    [Fact]
    public async Task Every_ADT_operation_is_served_with_ADTs_statuses_or_listed_as_a_difference()
    {
        var doppel = Operations(JsonDocument.Parse(await GenerateAsync()));
        var known = KnownDifferences();

        var problems = new List<string>();
        foreach (var adt in AdtOperationList())
        {
            if (known.Contains(adt.Key))
            {
                continue;
            }

            if (!doppel.TryGetValue(adt.Key, out var served))
            {
                problems.Add($"{adt.Key}: not served and not listed in docs/differences-from-adt.md");
                continue;
            }

            var adtSuccess = adt.Statuses.Where(s => s.StartsWith('2')).Order(StringComparer.Ordinal);
            var doppelSuccess = served.Where(s => s.StartsWith('2')).Order(StringComparer.Ordinal);
            if (!adtSuccess.SequenceEqual(doppelSuccess, StringComparer.Ordinal))
            {
                problems.Add($"{adt.Key}: ADT answers {string.Join("/", adtSuccess)}, Doppel documents {string.Join("/", doppelSuccess)}");
            }

            if (adt.Statuses.Contains("default") && !served.Any(s => s[0] is '4' or '5'))
            {
                problems.Add($"{adt.Key}: ADT documents errors, Doppel documents none");
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public async Task Doppel_serves_no_operation_ADT_does_not_have()
    {
        var adt = AdtOperationList().Select(o => o.Key).ToHashSet(StringComparer.Ordinal);

        var extra = Operations(JsonDocument.Parse(await GenerateAsync())).Keys.Where(key => !adt.Contains(key)).ToList();

        Assert.Empty(extra);
    }

    [Fact]
    public async Task Every_listed_difference_is_still_a_difference()
    {
        var doppel = Operations(JsonDocument.Parse(await GenerateAsync()));
        var adt = AdtOperationList().Select(o => o.Key).ToHashSet(StringComparer.Ordinal);

        var stale = KnownDifferences().Where(key => doppel.ContainsKey(key) || !adt.Contains(key)).ToList();

        Assert.Empty(stale);
    }

    [SkippableFact]
    public void Checked_in_ADT_operation_list_matches_the_specification_when_it_is_at_hand()
    {
        var reference = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "reference", "openapi", "dataplane", "digitaltwins.json"));
        Skip.IfNot(File.Exists(reference), $"ADT's specification is not at {reference}.");
        using var specification = JsonDocument.Parse(File.ReadAllText(reference));
        var expected = new List<string>();
        foreach (var path in specification.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name != "parameters"))
            {
                var statuses = operation.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal);
                expected.Add($"{operation.Name.ToUpperInvariant()} {path.Name} {string.Join(",", statuses)}");
            }
        }

        var checkedIn = AdtOperationList().Select(o => $"{o.Key} {string.Join(",", o.Statuses.Order(StringComparer.Ordinal))}");

        Assert.Equal(expected.Order(StringComparer.Ordinal), checkedIn.Order(StringComparer.Ordinal));
    }

    private static async Task<string> GenerateAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var directory = Path.Combine(Path.GetTempPath(), "doppel-openapi-" + Guid.NewGuid().ToString("N"));
        // The store is never opened: generating the document only inspects the endpoints.
        var store = new SqliteStore(new SqliteStoreOptions(Path.Combine(directory, SqliteStoreOptions.DefaultFileName)));
        using var keys = new TrustedIssuerKeys([], TimeProvider.System);
        builder.Services.AddDoppelDataPlane(new DataPlaneOptions { HostSuffix = "digitaltwins.localhost" }, new SqliteDataPlaneStore(store), keys);
        await using var app = builder.Build();
        app.UseRouting();
        app.MapDoppelDataPlane();
        // The host hands the endpoints to routing (and so to the OpenAPI generator) when it starts; port 0 binds nothing fixed.
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();

        var provider = app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>(DataPlaneExtensions.OpenApiDocumentName);
        var document = await provider.GetOpenApiDocumentAsync();
        var json = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1);
        await app.StopAsync();
        return json.ReplaceLineEndings("\n").TrimEnd() + "\n";
    }

    private static Dictionary<string, List<string>> Operations(JsonDocument document)
    {
        var operations = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name != "parameters"))
            {
                var statuses = operation.Value.TryGetProperty("responses", out var responses)
                    ? responses.EnumerateObject().Select(r => r.Name).ToList()
                    : [];
                operations[$"{operation.Name.ToUpperInvariant()} {path.Name}"] = statuses;
            }
        }

        return operations;
    }

    private static IEnumerable<(string Key, List<string> Statuses)> AdtOperationList()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(AdtOperations));
        return [.. document.RootElement.GetProperty("operations").EnumerateArray().Select(o => (
            $"{o.GetProperty("method").GetString()} {o.GetProperty("path").GetString()}",
            o.GetProperty("responses").EnumerateArray().Select(r => r.GetString()!).ToList()))];
    }

    private static HashSet<string> KnownDifferences()
    {
        var text = File.ReadAllText(Differences);
        var section = text[text.IndexOf("### Operations", StringComparison.Ordinal)..];
        return [.. DifferenceRow().Matches(section).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}")];
    }

    [GeneratedRegex(@"^\| (GET|PUT|POST|PATCH|DELETE) \| `(/[^`]*)` \|", RegexOptions.Multiline)]
    private static partial Regex DifferenceRow();
}
