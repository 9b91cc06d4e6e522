using System.Globalization;
using Doppel.Query.Differential.Oracle;
using Doppel.Query.Syntax;
using Doppel.Twins.Errors;
using Doppel.Twins.Query;

namespace Doppel.Query.Differential.Differential;

/// <summary>Runs one query on an engine and on its oracle, and says how they differ (null when they agree).</summary>
public static class DifferentialRunner
{
    /// <summary>The page size most cases are read with: small and odd, so that most results span several pages.</summary>
    public const int PageSize = 37;

    /// <summary>Collects every page of a query; each page respects the page size, the last has no token.</summary>
    public static async Task<List<string>> AllPagesAsync(QueryService service, string instanceId, string query, int? pageSize, CancellationToken cancellationToken = default)
    {
        var rows = new List<string>();
        string? token = null;
        for (var page = 0; page < 10_000; page++)
        {
            var result = await service.QueryAsync(instanceId, new QueryRequest(token is null ? query : null, token, pageSize), cancellationToken);
            if (pageSize is { } size && result.Items.Count > size)
            {
                throw new InvalidOperationException($"page {page + 1} holds {result.Items.Count} rows, more than the {size} asked for");
            }

            rows.AddRange(result.Items);
            token = result.ContinuationToken;
            if (token is null)
            {
                return rows;
            }
        }

        throw new InvalidOperationException("more than 10,000 pages: the continuation never ends");
    }

    /// <summary>The difference between the oracle's and the service's answers to <paramref name="query"/>, or null.</summary>
    public static async Task<string?> CompareAsync(Engine engine, string query, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string>? expected = null;
        string? refusal = null;
        var parsed = new QueryParser().Parse(query).Query;
        var top = parsed?.Select.Top;
        try
        {
            // With TOP the order among rows is not all fixed, so the service may keep any n of the full answer.
            expected = top is null || parsed is null ? engine.Oracle.Run(query) : engine.Oracle.Run(parsed with { Select = parsed.Select with { Top = null } });
        }
        catch (OracleQueryException error)
        {
            refusal = error.Message;
        }

        List<string>? rows = null;
        Exception? failure = null;
        try
        {
            var pageSize = top is { } n ? Math.Max(1, Math.Min(n / 3, 1000)) : PageSize;
            rows = await AllPagesAsync(engine.Query, engine.InstanceId, query, pageSize, cancellationToken);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            failure = error;
        }

        if (refusal is not null)
        {
            return failure is AdtException { Code: "SqlQueryError" }
                ? null
                : $"the oracle refuses it ({refusal}) but the service {Describe(rows, failure)}";
        }

        if (failure is not null)
        {
            return $"the oracle returns {expected!.Count} rows but the service {Describe(rows, failure)}";
        }

        var want = Canonical(expected!);
        var got = Canonical(rows!);
        if (top is { } limit)
        {
            var count = Math.Min(limit, want.Count);
            if (got.Count != count)
            {
                return $"TOP({limit}): expected {count} rows over all pages, got {got.Count}";
            }

            var extra = Subtract(got, want);
            return extra.Count == 0 ? null : $"TOP({limit}): rows not in the full answer: {Show(extra)}";
        }

        var missing = Subtract(want, got);
        var unexpected = Subtract(got, want);
        if (missing.Count == 0 && unexpected.Count == 0)
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"expected {want.Count} rows, got {got.Count}; missing {missing.Count}: {Show(missing)}; unexpected {unexpected.Count}: {Show(unexpected)}");
    }

    private static string Describe(List<string>? rows, Exception? failure) => failure switch
    {
        null => $"returns {rows!.Count} rows",
        AdtException adt => $"throws {adt.Code}: {adt.Message}",
        _ => $"crashes with {failure.GetType().Name}: {failure.Message}",
    };

    private static List<string> Canonical(IEnumerable<string> rows) => [.. rows.Select(CanonicalJson.Of)];

    /// <summary>The multiset difference <paramref name="left"/> minus <paramref name="right"/>.</summary>
    private static List<string> Subtract(List<string> left, List<string> right)
    {
        var counts = right.GroupBy(r => r, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var rest = new List<string>();
        foreach (var row in left)
        {
            if (counts.TryGetValue(row, out var n) && n > 0)
            {
                counts[row] = n - 1;
            }
            else
            {
                rest.Add(row);
            }
        }

        return rest;
    }

    private static string Show(List<string> rows) =>
        rows.Count == 0 ? "none" : string.Join(" | ", rows.Take(3).Select(r => r.Length > 300 ? r[..300] + "…" : r)) + (rows.Count > 3 ? " | …" : "");
}
