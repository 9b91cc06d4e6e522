using System.Globalization;
using System.Text;
using Doppel.Dtdl.Tests.Support;
using Xunit.Abstractions;

namespace Doppel.Dtdl.Tests.Corpus;

/// <summary>
/// The corpus uploads of <c>testdata/dtdl/manifest.json</c> (RealEstateCore v2/v3, samples) and
/// <c>testdata/dtdl/invalid/manifest.json</c> (hand-written cases), each parsed as ONE upload with ADT's default
/// options. Issue 2 asks for 100 % agreement with DTDLParser's verdict here. For invalid uploads DTDLParser's first
/// validation id must be among Doppel's codes; where DTDLParser has no id (the upload is not JSON, or an identifier
/// is undefined), the undefined identifiers must be named instead.
/// </summary>
public sealed class CorpusManifestTests(ITestOutputHelper output)
{
    /// <summary>Where the summary is written, relative to the repository root.</summary>
    public const string ReportPath = "artifacts/dtdl-corpus-report.txt";

    private static readonly DtdlParser Parser = new();

    public static TheoryData<string> SetIds() => [.. CorpusManifest.Sets.Keys];

    public static TheoryData<string> SetsWithPrimaryId() =>
        [.. CorpusManifest.Sets.Values.Where(s => s.PrimaryValidationId is not null).Select(s => s.Id)];

    public static TheoryData<string> SetsWithUndefinedIdentifiers() =>
        [.. CorpusManifest.Sets.Values.Where(s => s.UndefinedIdentifiers.Count > 0).Select(s => s.Id)];

    [CorpusTheory]
    [MemberData(nameof(SetIds))]
    public void Corpus_upload_verdict_matches_DTDLParser(string setId)
    {
        var set = CorpusManifest.Sets[setId];

        var result = Parser.Parse(set.LoadDocuments());

        Assert.True(Verdict(result.IsValid) == set.Verdict, Explain(set, result));
    }

    [CorpusTheory]
    [MemberData(nameof(SetsWithPrimaryId))]
    public void Invalid_corpus_upload_reports_DTDLParser_primary_validation_id(string setId)
    {
        var set = CorpusManifest.Sets[setId];

        var result = Parser.Parse(set.LoadDocuments());

        Assert.True(result.Diagnostics.Any(d => d.Code == set.PrimaryValidationId), Explain(set, result));
    }

    [CorpusTheory]
    [MemberData(nameof(SetsWithUndefinedIdentifiers))]
    public void Corpus_upload_with_undefined_reference_names_the_undefined_identifier(string setId)
    {
        var set = CorpusManifest.Sets[setId];

        var result = Parser.Parse(set.LoadDocuments());

        Assert.False(result.IsValid, Explain(set, result));
        foreach (var undefined in set.UndefinedIdentifiers)
        {
            Assert.True(result.Diagnostics.Any(d => Mentions(d, undefined)), $"No diagnostic names '{undefined}'.\n{Explain(set, result)}");
        }
    }

    [Fact]
    public void Corpus_manifests_list_every_upload_with_a_verdict()
    {
        var sets = CorpusManifest.Sets.Values.ToList();

        Assert.Equal(9, sets.Count(s => !s.Id.StartsWith("invalid/", StringComparison.Ordinal)));
        Assert.Equal(43, sets.Count(s => s.Id.StartsWith("invalid/", StringComparison.Ordinal)));
        Assert.All(sets, s => Assert.Contains(s.Verdict, new[] { "valid", "invalid" }));
        Assert.All(sets, s => Assert.All(s.Entries, e => Assert.True(File.Exists(e) || Directory.Exists(e), $"{s.Id}: {e} is missing.")));
    }

    [Fact]
    public void Corpus_agreement_with_DTDLParser_is_complete()
    {
        var rows = CorpusManifest.Sets.Values.Select(set => (Set: set, Result: Parser.Parse(set.LoadDocuments()))).ToList();

        var text = new StringBuilder();
        text.AppendLine("DTDL corpus agreement: Doppel.Dtdl vs DTDLParser 1.1.3 (testdata/dtdl manifests, one upload per entry)");
        text.AppendLine();
        text.AppendLine("upload | DTDLParser | Doppel | DTDLParser first id | Doppel has it | Doppel first code");
        foreach (var (set, result) in rows)
        {
            var hasId = set.PrimaryValidationId is null ? "n/a" : result.Diagnostics.Any(d => d.Code == set.PrimaryValidationId) ? "yes" : "NO";
            var agree = Verdict(result.IsValid) == set.Verdict ? "" : "  <-- verdict differs";
            text.AppendLine(CultureInfo.InvariantCulture, $"{set.Id} | {set.Verdict} | {Verdict(result.IsValid)} | {(set.OracleIds.Count > 0 ? set.OracleIds[0] : "-")} | {hasId} | {(result.Diagnostics.Count > 0 ? result.Diagnostics[0].Code : "-")}{agree}");
        }

        var verdictAgrees = rows.Count(r => Verdict(r.Result.IsValid) == r.Set.Verdict);
        var withId = rows.Where(r => r.Set.PrimaryValidationId is not null).ToList();
        var idAgrees = withId.Count(r => r.Result.Diagnostics.Any(d => d.Code == r.Set.PrimaryValidationId));
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"verdict agrees: {verdictAgrees}/{rows.Count}; DTDLParser's first id among Doppel's codes: {idAgrees}/{withId.Count}");
        output.WriteLine(text.ToString());
        Directory.CreateDirectory(RepoPaths.Artifacts);
        File.WriteAllText(Path.Combine(RepoPaths.Root, ReportPath), text.ToString());

        Assert.Equal(rows.Count, verdictAgrees);
        Assert.Equal(withId.Count, idAgrees);
    }

    private static bool Mentions(Doppel.Diagnostics.Diagnostic diagnostic, string identifier) =>
        diagnostic.Value == identifier
        || diagnostic.ElementId == identifier
        || diagnostic.SecondaryId == identifier
        || diagnostic.Message.Contains(identifier, StringComparison.Ordinal);

    private static string Verdict(bool valid) => valid ? "valid" : "invalid";

    private static string Explain(CorpusSet set, DtdlParseResult result)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{set.Id}: DTDLParser says {set.Verdict} ({string.Join(", ", set.OracleIds)}), Doppel says {Verdict(result.IsValid)}.");
        foreach (var diagnostic in result.Diagnostics.Take(20))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {diagnostic}");
        }

        return text.ToString();
    }
}
