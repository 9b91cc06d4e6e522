using System.Text.RegularExpressions;

namespace Doppel.Dtdl.Tests.Golden;

/// <summary>Messages are what a user reads first: over every judged golden case, none may show an unfilled placeholder.</summary>
public sealed partial class DiagnosticMessageTests
{
    [Fact]
    public void No_diagnostic_message_has_an_unfilled_placeholder()
    {
        var offenders = new List<string>();
        foreach (var golden in GoldenCorpus.Cases.Values.Where(c => !c.Valid && GoldenSkips.IsJudged(c.Id)))
        {
            foreach (var diagnostic in GoldenRunner.Run(golden).Diagnostics)
            {
                // An empty quoted value is a gap unless the model's value really is empty.
                var message = diagnostic.Value == "" ? diagnostic.Message.Replace("''", "'(empty)'", StringComparison.Ordinal) : diagnostic.Message;
                if (Unfilled().IsMatch(message))
                {
                    offenders.Add($"{golden.Id}: {diagnostic.Code}: {diagnostic.Message}");
                }
            }
        }

        Assert.True(offenders.Count == 0, $"{offenders.Count} messages with gaps, e.g.:{Environment.NewLine}{string.Join(Environment.NewLine, offenders.Take(15))}");
    }

    // A version, quote or value left empty: "DTDL v.", "version  .", "''", or a double space where a word is missing.
    [GeneratedRegex(@"DTDL v[ .,]|version [ .,-]|''|  ")]
    private static partial Regex Unfilled();
}
