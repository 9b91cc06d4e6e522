using System.Diagnostics;
using Doppel.Query.Differential.Differential;
using Doppel.Query.Differential.Fuzz;
using Doppel.Twins.Errors;
using Doppel.Twins.Query;

namespace Doppel.Query.Differential.Service;

/// <summary>
/// Fuzzed query texts, page sizes and continuation tokens through the query service on the seeded SQLite
/// database: a page or an <see cref="AdtException"/> of the 400 kind may come out, never another exception.
/// Bounded in time for the default run; every query also has a short deadline of its own.
/// </summary>
[Collection(SeededSqlite.Name)]
public sealed class ServiceFuzzTests(SqliteEngine engine)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task Mutated_queries_give_rows_or_a_bad_request_and_never_crash()
    {
        var mutator = new QueryMutator(99);
        var clock = Stopwatch.StartNew();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);

        while (clock.Elapsed < Budget)
        {
            var text = mutator.Next();
            var outcome = await RunAsync(new QueryRequest(text, null, 50), text);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        Assert.True(outcomes.GetValueOrDefault("rows") > 20 && outcomes.GetValueOrDefault("SqlQueryError") > 20,
            "the fuzzer is not exploring: " + string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}")));
    }

    [Fact]
    public async Task Odd_page_sizes_and_forged_continuation_tokens_give_a_page_or_a_bad_request()
    {
        var first = await engine.Query.QueryAsync(engine.InstanceId, new QueryRequest("SELECT * FROM DIGITALTWINS", null, 10), CancellationToken.None);
        var token = first.ContinuationToken!;
        var random = new Random(5);
        var forged = new List<string> { "", " ", "null", "{}", "x", token + "x", token[..^1], new string('A', 10_000), "\0", "'; DROP TABLE twins; --" };
        for (var i = 0; i < 40; i++)
        {
            var chars = token.ToCharArray();
            chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
            forged.Add(new string(chars));
        }

        foreach (var size in new int?[] { -1, 0, 1, 1000, 1001, int.MaxValue, int.MinValue })
        {
            await RunAsync(new QueryRequest("SELECT * FROM DIGITALTWINS", null, size), $"page size {size}");
        }

        foreach (var candidate in forged)
        {
            await RunAsync(new QueryRequest(null, candidate, 10), $"token {candidate}");
            await RunAsync(new QueryRequest("SELECT * FROM RELATIONSHIPS", candidate, 10), $"token {candidate} with another query");
        }

        Assert.NotNull(token);
    }

    /// <summary>
    /// The long fuzz, off by default: for <c>DOPPEL_QUERY_FUZZ_SECONDS</c> seconds, every fuzzed query the oracle can
    /// afford (no variable-length MATCH, at most three JOINs) must get the oracle's answer from the service, or a
    /// refusal where the oracle refuses, apart from the disagreements already listed.
    /// </summary>
    [SkippableFact]
    public async Task Mutated_queries_get_the_oracles_answer_when_fuzzing_for_longer()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("DOPPEL_QUERY_FUZZ_SECONDS"), out var value) ? value : 0;
        Skip.If(seconds <= 0, "set DOPPEL_QUERY_FUZZ_SECONDS to compare fuzzed queries with the oracle for that many seconds");
        var mutator = new QueryMutator((ulong)Environment.TickCount64);
        var parser = new Doppel.Query.Syntax.QueryParser();
        var clock = Stopwatch.StartNew();
        var found = new List<string>();
        var compared = 0;

        while (clock.Elapsed < TimeSpan.FromSeconds(seconds) && found.Count < 30)
        {
            var text = mutator.Next();
            if (parser.Parse(text).Query is { } parsed
                && (parsed.Joins.Count > 3 || parsed.Match?.Edges.Any(e => e.MinHops is not null || e.MaxHops is not null) == true))
            {
                continue;
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var disagreement = await DifferentialRunner.CompareAsync(engine, text, deadline.Token);
            compared++;
            if (disagreement is null || KnownDisagreements.Explain(engine.Name, text, disagreement) is not null
                || disagreement.Contains("OperationCanceledException", StringComparison.Ordinal)
                || disagreement.Contains("TaskCanceledException", StringComparison.Ordinal))
            {
                continue;
            }

            found.Add($"{text}\n    {disagreement}");
        }

        Assert.True(found.Count == 0, $"{found.Count} new disagreements in {compared} queries:\n" + string.Join("\n", found));
    }

    private async Task<string> RunAsync(QueryRequest request, string what)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await engine.Query.QueryAsync(engine.InstanceId, request, deadline.Token);
            return "rows";
        }
        catch (AdtException error)
        {
            Assert.True(error.Kind == AdtErrorKind.BadRequest, $"{what}: {error.Kind} {error.Code}: {error.Message}");
            return error.Code;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return "slow";
        }
        catch (Exception crash) when (crash is not Xunit.Sdk.XunitException)
        {
            Assert.True(KnownDisagreements.CrashReason(crash.Message) is not null, $"{what}: crashed with {crash}");
            return "known crash";
        }
    }
}
