using Doppel.Query.Differential.Corpus;
using Doppel.Query.Differential.Differential;
using Doppel.Twins.Errors;

namespace Doppel.Query.Differential.Service;

/// <summary>
/// Queries built to break out of string literals and names — quotes, backslashes, SQL comments, statement
/// separators, <c>]]</c> inside escaped names, look-alike quotes (U+2019, U+FF07, U+02BC), NUL — answer with a
/// <c>SqlQueryError</c> or with exactly the oracle's rows, and leave the database as it was: every table with its row
/// count (and, on SQLite, <c>PRAGMA integrity_check</c>) read past the store, and every document.
/// </summary>
public static class AttackQueries
{
    private static readonly string[] Payloads =
    [
        "'", "\\'", "\\\\'", "' OR '1'='1", "' OR 1=1 --", "'; DROP TABLE twins; --", "\"; DROP TABLE twins; --", "x' /*", "*/ OR '1'='1",
        "\u2019 OR 1=1 --", "\uFF07 OR \uFF071\uFF07=\uFF071", "\u02BC OR 1=1 --", "\0", "a\0b", "]]; DROP TABLE twins; --", "]] = 1 OR [[x",
        "\" OR \"\"=\"", "`", "$1", "?", ":p", "@p", "%' OR name LIKE '%", "\\", "'))--", "') OR ('1'='1", "json_extract(document, '$')",
        "$.name", "name\" --", "x\"; DELETE FROM relationships; --", "'||(SELECT id FROM twins LIMIT 1)||'", "\n; DROP TABLE twins",
    ];

    /// <summary>Every attack query: each payload escaped and raw, in literals, names, aliases and relationship names.</summary>
    public static IReadOnlyList<string> All { get; } = Build();

    /// <summary>The attack queries as theory data.</summary>
    public static TheoryData<string> Data() => [.. All];

    private static List<string> Build()
    {
        var data = new List<string>();
        foreach (var payload in Payloads)
        {
            var escaped = payload.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
            string[] queries =
            [
                $"SELECT * FROM DIGITALTWINS WHERE name = '{escaped}'",
                $"SELECT * FROM DIGITALTWINS T WHERE T.$dtId = '{escaped}'",
                $"SELECT * FROM DIGITALTWINS WHERE STARTSWITH(name, '{escaped}') OR CONTAINS(note, '{escaped}')",
                $"SELECT * FROM DIGITALTWINS WHERE IS_OF_MODEL('{escaped}')",
                $"SELECT * FROM DIGITALTWINS WHERE name IN ['{escaped}', 'Alpha'] OR ARRAY_CONTAINS(tags, '{escaped}')",
                $"SELECT * FROM DIGITALTWINS WHERE name = '{payload}'",
                $"SELECT * FROM DIGITALTWINS WHERE name = \"{payload}\"",
                $"SELECT * FROM DIGITALTWINS WHERE [[{payload}]] = 1",
                $"SELECT T.[[{payload}]] FROM DIGITALTWINS T WHERE T.$dtId = 'floor-1'",
                $"SELECT T.name AS [[{payload}]] FROM DIGITALTWINS T WHERE T.$dtId = 'floor-1'",
                $"SELECT [[{payload}]] FROM DIGITALTWINS [[{payload}]] WHERE [[{payload}]].$dtId = 'floor-1'",
                $"SELECT A, B FROM DIGITALTWINS A JOIN B RELATED A.[[{payload}]] WHERE A.$dtId = 'floor-1'",
                $"SELECT a, b FROM DIGITALTWINS MATCH (a)-[:[[{payload}]]]->(b) WHERE a.$dtId = 'floor-1'",
            ];
            foreach (var query in queries)
            {
                data.Add(query);
            }
        }

        return data;
    }
}

/// <summary>
/// The attack queries on one engine: each refused or answered with exactly the oracle's rows, and the data intact.
/// </summary>
public abstract class InjectionTests<TEngine>(TEngine engine)
    where TEngine : Engine
{
    [SkippableTheory]
    [MemberData(nameof(AttackQueries.Data), MemberType = typeof(AttackQueries))]
    public async Task Attack_query_is_refused_or_answers_exactly_the_oracles_rows(string query)
    {
        engine.SkipIfUnavailable();

        var disagreement = await DifferentialRunner.CompareAsync(engine, query);

        // A refusal is always safe; other rows than the oracle's are not, nor is a crash not yet reported.
        if (disagreement is not null && !disagreement.Contains("throws SqlQueryError", StringComparison.Ordinal))
        {
            var known = KnownDisagreements.Reason(engine.Name, query)
                ?? (disagreement.Contains("crashes with", StringComparison.Ordinal) ? KnownDisagreements.CrashReason(disagreement) : null);
            Assert.True(known is not null, $"{Printable(query)}\n{disagreement}");
        }
    }

    [SkippableFact]
    public async Task Every_document_is_unchanged_after_all_attack_queries()
    {
        engine.SkipIfUnavailable();
        var before = await engine.FingerprintAsync();
        foreach (var query in AttackQueries.All)
        {
            try
            {
                await DifferentialRunner.AllPagesAsync(engine.Query, engine.InstanceId, query, 1000);
            }
            catch (Exception refusedOrCrashed) when (refusedOrCrashed is AdtException || KnownDisagreements.CrashReason(refusedOrCrashed.Message) is not null)
            {
                // Refused, or a crash reported elsewhere: the point here is what is left afterwards.
            }
        }

        Assert.Equal(before, await engine.FingerprintAsync());
        Assert.Contains(before, line => line.StartsWith("twins ", StringComparison.Ordinal));
        Assert.Null(await DifferentialRunner.CompareAsync(engine, "SELECT * FROM DIGITALTWINS"));
        Assert.Null(await DifferentialRunner.CompareAsync(engine, "SELECT * FROM RELATIONSHIPS"));
        Assert.NotNull(await engine.Data.Twins.GetAsync(engine.InstanceId, "floor-1", CancellationToken.None));
        var first = QueryCorpus.Graph.Relationships[0];
        Assert.NotNull(await engine.Data.Relationships.GetAsync(engine.InstanceId, first.SourceId, first.Id, CancellationToken.None));
    }

    private static string Printable(string text) => string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}

/// <summary>The attacks on SQLite.</summary>
[Collection(SeededSqlite.Name)]
public sealed class SqliteInjectionTests(SqliteEngine engine) : InjectionTests<SqliteEngine>(engine);

/// <summary>The attacks on PostgreSQL.</summary>
[Collection(SeededPostgreSql.Name)]
public sealed class PostgreSqlInjectionTests(PostgreSqlEngine engine) : InjectionTests<PostgreSqlEngine>(engine);
