using Doppel.Dtdl.Tests.Support;

namespace Doppel.Dtdl.Tests.Regressions;

/// <summary>Inputs the fuzzer (tests/Doppel.Dtdl.Fuzz) once crashed the parser with; each must now end as diagnostics.</summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string> Inputs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.DtdlTestData, "fuzz-regressions"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Input_that_once_crashed_the_parser_is_rejected_with_diagnostics(string file)
    {
        var document = DtdlDocument.FromFile(Path.Combine(RepoPaths.DtdlTestData, "fuzz-regressions", file));

        var result = new DtdlParser().Parse([document]);

        Assert.False(result.IsValid);
        Assert.All(result.Diagnostics, d => Assert.False(string.IsNullOrEmpty(d.Code) || string.IsNullOrEmpty(d.Message)));
    }
}
