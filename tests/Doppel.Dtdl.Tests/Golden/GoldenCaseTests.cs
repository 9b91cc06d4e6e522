using System.Globalization;
using System.Text;
using Doppel.Dtdl.Tests.Support;

namespace Doppel.Dtdl.Tests.Golden;

/// <summary>
/// Every DTDL v2 and v3 case of DTDLParser's golden data, one test each: Doppel must reach DTDLParser's verdict.
/// Cases that need settings Doppel does not have are skipped with the reason from <see cref="GoldenSkips"/>.
/// </summary>
public sealed class GoldenCaseTests
{
    public static TheoryData<string> CaseIds() => [.. GoldenCorpus.Cases.Keys];

    [CorpusTheory]
    [MemberData(nameof(CaseIds))]
    public void Golden_case_verdict_matches_DTDLParser(string caseId)
    {
        var golden = GoldenCorpus.Get(caseId);

        var result = GoldenRunner.Run(golden);

        Assert.True(result.IsValid == golden.Valid, Explain(golden, result));
    }

    [Fact]
    public void Golden_corpus_holds_v2_and_v3_cases_of_every_folder()
    {
        var cases = GoldenCorpus.Cases.Values;

        foreach (var folder in GoldenCorpus.Folders)
        {
            Assert.Contains(cases, c => c.Folder == folder && c.FileVersion == 2);
            Assert.Contains(cases, c => c.Folder == folder && c.FileVersion == 3);
        }

        Assert.True(cases.Count() > 1400, $"Only {cases.Count()} golden cases were found; is testdata/dtdl complete?");
    }

    [Fact]
    public void Every_skipped_case_exists_and_has_a_reason()
    {
        var dtmiCases = DtmiCorpus.Cases.Keys.ToHashSet(StringComparer.Ordinal);

        foreach (var (caseId, reason) in GoldenSkips.Reasons)
        {
            Assert.True(GoldenCorpus.Cases.ContainsKey(caseId) || dtmiCases.Contains(caseId), $"Skip list names '{caseId}', which is not a case.");
            Assert.False(string.IsNullOrWhiteSpace(reason), $"'{caseId}' is skipped without a reason.");
        }
    }

    internal static string Explain(GoldenCase golden, DtdlParseResult result)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{golden.Id}: DTDLParser says {Verdict(golden.Valid)}, Doppel says {Verdict(result.IsValid)}.");
        if (golden.ExpectedErrors.Count > 0)
        {
            text.AppendLine("DTDLParser's errors:");
            foreach (var error in golden.ExpectedErrors)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {error.ValidationId} (primary {error.PrimaryId ?? "-"}, property {error.Property ?? "-"}, value {error.Value ?? "-"})");
            }
        }

        if (result.Diagnostics.Count > 0)
        {
            text.AppendLine("Doppel's diagnostics:");
            foreach (var diagnostic in result.Diagnostics.Take(20))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {diagnostic}");
            }
        }

        return text.ToString();
    }

    private static string Verdict(bool valid) => valid ? "valid" : "invalid";
}
