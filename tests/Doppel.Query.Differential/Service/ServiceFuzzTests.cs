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
