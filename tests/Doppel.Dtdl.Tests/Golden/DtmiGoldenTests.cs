using Doppel.Dtdl.Tests.Support;

namespace Doppel.Dtdl.Tests.Golden;

/// <summary>
/// DTDLParser's DTMI syntax cases against <see cref="Dtmi.TryParse"/>. Compared where Doppel.Dtmi has a
/// counterpart: the verdict, MajorVersion and MinorVersion (DTDLParser's 0 is Doppel's null), Versionless, and
/// Labels (the segments of <see cref="Dtmi.Path"/>). CompleteVersion, IsReserved and Fragment have no counterpart.
/// </summary>
public sealed class DtmiGoldenTests
{
    public static TheoryData<string> CaseIds() => [.. DtmiCorpus.Cases.Keys];

    [CorpusTheory]
    [MemberData(nameof(CaseIds))]
    public void Dtmi_TryParse_matches_DTDLParser(string caseId)
    {
        var golden = DtmiCorpus.Cases[caseId];

        var parsed = Dtmi.TryParse(golden.IdText, out var dtmi);

        Assert.True(parsed == golden.Valid, $"DTDLParser says '{golden.IdText}' is {(golden.Valid ? "" : "not ")}a DTMI; Doppel.Dtmi.TryParse returned {parsed}.");
        if (golden.Expect is { } expect)
        {
            Assert.NotNull(dtmi);
            Assert.Equal(golden.IdText, dtmi.Value);
            Assert.Equal(expect.MajorVersion, dtmi.MajorVersion ?? 0);
            Assert.Equal(expect.MinorVersion, dtmi.MinorVersion ?? 0);
            Assert.Equal(expect.Versionless, dtmi.Versionless);
            Assert.Equal(expect.Labels, dtmi.Path.Split(':'));
        }
    }
}
