using System.Text.Json;
using Doppel.Dtdl.Tests.Support;

namespace Doppel.Dtdl.Tests.Golden;

/// <summary>
/// DTDLParser's golden cases also say which JSON values conform to a schema (<c>instances</c>: subject schema,
/// submitted text, verdict). The data plane validates twin properties with <see cref="Resolution.SchemaInfo.Accepts"/>,
/// so it must give the same verdicts.
/// </summary>
public sealed class GoldenInstanceTests
{
    public static TheoryData<string> CasesWithInstances()
    {
        var data = new TheoryData<string>();
        foreach (var (id, golden) in GoldenCorpus.Cases)
        {
            if (golden.Valid && GoldenSkips.IsJudged(id) && Instances(golden).Count > 0)
            {
                data.Add(id);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CasesWithInstances))]
    public void Schema_accepts_exactly_the_values_DTDLParser_says_conform(string caseId)
    {
        var golden = GoldenCorpus.Get(caseId);
        var models = GoldenRunner.Run(golden).Models;
        Assert.NotNull(models);
        var mismatches = new List<string>();

        foreach (var (subject, submit, conforms) in Instances(golden))
        {
            Assert.True(models.TryGetSchema(subject, out var schema), $"No schema {subject}");
            var accepted = TryParse(submit, out var value) && schema.Accepts(value, out _);
            if (accepted != conforms)
            {
                mismatches.Add($"{subject} {(conforms ? "should accept" : "should reject")} {submit}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    private static bool TryParse(string text, out JsonElement value)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            value = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            value = default;
            return false;
        }
    }

    private static List<(string Subject, string Submit, bool Conforms)> Instances(GoldenCase golden)
    {
        var file = Path.Combine(RepoPaths.GoldenCases, golden.Id.Split('[')[0]);
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var root = json.RootElement;
        if (golden.Id.EndsWith(']'))
        {
            var index = int.Parse(golden.Id[(golden.Id.LastIndexOf('[') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
            root = root[index];
        }

        if (!root.TryGetProperty("instances", out var instances))
        {
            return [];
        }

        // Entries with "throws" instead of "conforms" name a subject that is no schema; they test DTDLParser's API.
        return [.. instances.EnumerateArray()
            .Where(i => i.TryGetProperty("conforms", out _))
            .Select(i => (i.GetProperty("subject").GetString()!, i.GetProperty("submit").GetString()!, i.GetProperty("conforms").GetBoolean()))];
    }
}
