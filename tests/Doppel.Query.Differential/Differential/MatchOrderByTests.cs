using System.Globalization;
using System.Text.Json;
using Doppel.Dtdl;
using Doppel.Query.Binding;
using Doppel.Twins;
using Doppel.Twins.Models;
using Doppel.Twins.Query;

namespace Doppel.Query.Differential.Differential;

/// <summary>
/// MATCH with ORDER BY (a Doppel extension the oracle does not speak), paged by position, where the rows are made
/// distinct by grouping on their keys and the ORDER BY reads document members: each engine returns the
/// oracle's distinct rows of the query without ORDER BY, each once across small pages, in the order asked. The
/// seed graph has thing-0 →relatesTo thing-1 twice, so an unnamed relationship gives a duplicate binding to drop.
/// </summary>
public abstract class MatchOrderByTests<TEngine>(TEngine engine)
    where TEngine : Engine
{
    private const string Hop = "SELECT a.$dtId AS a, b.$dtId AS b FROM DIGITALTWINS MATCH (a)-[:relatesTo]->(b) WHERE a.$dtId IN ['thing-0', 'thing-1', 'thing-2']";

    private const string Weighted = "SELECT r.$relationshipId AS r, r.weight AS w, b FROM DIGITALTWINS MATCH (a)-[r:relatesTo]->(b) WHERE IS_NUMBER(r.weight)";

    [SkippableFact]
    public async Task Ordered_by_a_twin_id_each_distinct_binding_comes_once_in_that_order()
    {
        engine.SkipIfUnavailable();

        var rows = await OrderedAsync(Hop + " ORDER BY b.$dtId DESC", pageSize: 2);

        var expected = engine.Oracle.Run(Hop).Select(r => (A: Text(r, "a"), B: Text(r, "b")))
            .OrderByDescending(r => r.B, StringComparer.Ordinal).ThenBy(r => r.A, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, rows.Select(r => (A: Text(r, "a"), B: Text(r, "b"))).ToList());
        Assert.Single(expected, r => r == ("thing-0", "thing-1"));
    }

    [SkippableTheory]
    [InlineData("", 1)]
    [InlineData(" DESC", -1)]
    public async Task Ordered_by_a_relationship_property_rows_match_the_oracle_and_follow_the_property(string direction, int sign)
    {
        engine.SkipIfUnavailable();

        var rows = await OrderedAsync(Weighted + " ORDER BY r.weight" + direction, pageSize: 7);

        Assert.Equal(engine.Oracle.Run(Weighted).Select(Canonical).Order(StringComparer.Ordinal), rows.Select(Canonical).Order(StringComparer.Ordinal));
        var weights = rows.Select(r => JsonDocument.Parse(r).RootElement.GetProperty("w").GetDouble()).ToList();
        Assert.True(weights.Count > 7, "the seed graph should give several pages of weighted relationships");
        Assert.All(weights.Zip(weights.Skip(1)), pair => Assert.True(sign * pair.First.CompareTo(pair.Second) <= 0, $"{pair.First} then {pair.Second}"));
    }

    /// <summary>Every page of <paramref name="query"/> from a query service that allows ORDER BY.</summary>
    private async Task<List<string>> OrderedAsync(string query, int pageSize)
    {
        var limits = DataPlaneLimits.Default with { QueryRequestsPerSecond = 0, QueryShape = QueryLimits.Default with { AllowOrderBy = true } };
        using var service = new QueryService(engine.Data, new ModelService(engine.Data, new DtdlParser(), TimeProvider.System, limits), limits);
        return await DifferentialRunner.AllPagesAsync(service, engine.InstanceId, query, pageSize);
    }

    private static string Text(string row, string name) => JsonDocument.Parse(row).RootElement.GetProperty(name).GetString()!;

    /// <summary>A row's JSON with its members in name order and numbers as doubles, to compare rows as values.</summary>
    private static string Canonical(string row)
    {
        var root = JsonDocument.Parse(row).RootElement;
        return string.Join(",", root.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Name + "=" + (p.Value.ValueKind == JsonValueKind.Number
            ? p.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture)
            : p.Value.ValueKind == JsonValueKind.Object ? p.Value.GetProperty("$dtId").GetString() : p.Value.GetRawText())));
    }
}

/// <summary>MATCH with ORDER BY on SQLite.</summary>
[Collection(SeededSqlite.Name)]
public sealed class SqliteMatchOrderByTests(SqliteEngine engine) : MatchOrderByTests<SqliteEngine>(engine);

/// <summary>MATCH with ORDER BY on PostgreSQL (skipped without DOPPEL_TEST_POSTGRES, failed without it under CI=true).</summary>
[Collection(SeededPostgreSql.Name)]
public sealed class PostgreSqlMatchOrderByTests(PostgreSqlEngine engine) : MatchOrderByTests<PostgreSqlEngine>(engine);
