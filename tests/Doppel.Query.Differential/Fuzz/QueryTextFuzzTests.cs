using System.Diagnostics;
using Doppel.Query.Differential.Oracle;
using Doppel.Query.Syntax;

namespace Doppel.Query.Differential.Fuzz;

/// <summary>
/// Mutated doc samples and token soups through the parser and, when it accepts them, the oracle: only a
/// diagnostic (from the parser) or an <see cref="OracleQueryException"/> (a refusal) may come out, never a crash,
/// and a query that parses once parses the same again. Bounded in time for the default run.
/// </summary>
public sealed class QueryTextFuzzTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(6);

    [Fact]
    public void Mutated_queries_give_a_parse_or_a_diagnostic_and_never_throw()
    {
        var mutator = new QueryMutator(4242);
        var parser = new QueryParser();
        var clock = Stopwatch.StartNew();
        var (parsed, refused) = (0, 0);

        while (clock.Elapsed < Budget && parsed + refused < 200_000)
        {
            var text = mutator.Next();
            var result = Guard(text, () => parser.Parse(text));

            if (result.Succeeded)
            {
                parsed++;
                Assert.Equal(result.Query!.ToSExpression(), Guard(text, () => parser.Parse(text)).Query!.ToSExpression());
            }
            else
            {
                refused++;
                Assert.StartsWith("QRY2", result.Error!.Code, StringComparison.Ordinal);
                Assert.NotNull(result.Error.Location);
            }
        }

        Assert.True(parsed > 100 && refused > 100, $"the fuzzer is not exploring: {parsed} parsed, {refused} refused");
    }

    [Fact]
    public void Queries_the_parser_accepts_run_on_the_oracle_or_are_refused_by_it_without_crashing()
    {
        var oracle = new QueryOracle(new OracleGraph(
            ["""{"$dtId":"A","$etag":"e","$metadata":{"$model":"dtmi:doppel:diff:Room;1"},"name":"x","code":1}""",
             """{"$dtId":"B","$etag":"e","$metadata":{"$model":"dtmi:doppel:diff:Other;1"},"tags":["x"]}"""],
            ["""{"$relationshipId":"r","$etag":"e","$sourceId":"A","$relationshipName":"contains","$targetId":"B"}"""],
            new Dictionary<string, IReadOnlyList<string>> { ["dtmi:doppel:diff:Room;1"] = ["dtmi:doppel:diff:Thing;1"] }));
        var mutator = new QueryMutator(777);
        var parser = new QueryParser();
        var clock = Stopwatch.StartNew();
        var ran = 0;

        while (clock.Elapsed < Budget && ran < 50_000)
        {
            var text = mutator.Next();
            if (parser.Parse(text).Query is not { } query)
            {
                continue;
            }

            ran++;
            try
            {
                oracle.Run(query);
            }
            catch (OracleQueryException)
            {
                // A refusal is an answer.
            }
            catch (Exception crash) when (crash is not OracleQueryException)
            {
                Assert.Fail($"the oracle crashed on {text}: {crash}");
            }
        }

        Assert.True(ran > 100, $"only {ran} queries parsed");
    }

    private static T Guard<T>(string text, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception crash)
        {
            Assert.Fail($"crashed on {Printable(text)}: {crash}");
            throw;
        }
    }

    private static string Printable(string text) => string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
