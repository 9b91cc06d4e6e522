namespace Doppel.Query.Differential.Differential;

/// <summary>
/// Cases where the SQL side answers differently from the oracle, each with its reason — where the SQL side is
/// wrong by docs/query-semantics.md, stricter than it, or where the page can be read both ways — per engine
/// (<c>*</c> for both). A listed case that starts to agree fails, so that the list only ever holds live
/// disagreements (CONVENTIONS E20: skips in one dictionary, each with a reason).
/// </summary>
public static class KnownDisagreements
{
    private const string SingleAliasShape =
        "SPEC AMBIGUOUS, not settled here: docs/query-semantics.md says \"SELECT a over one collection: the document itself\"; the oracle reads 'one collection' as a query that binds one collection and so returns {\"a\": {...}} when JOIN or MATCH bind more, the compiler returns the bare document whenever one alias is selected. The page should say which (ADT's own docs show both shapes).";

    private const string VariableLengthAfterFirstCondition =
        "SQL side wrong: after an aliased single hop, a variable-length condition returns 20 rows more than the oracle's 545 (none missing): the same binding of a, r, b, c reached by two walks, or a walk that takes a relationship twice; the spec wants distinct bindings and no relationship twice on a path. (Before 3b0d6b1 this query failed with 'no such column: sd.id'.)";

    private const string AliasAsValueRefused =
        "SQL side stricter than the spec: a collection alias used as a value (WHERE T, T = 'x', T IN [...], STARTSWITH(T, ...)) is refused with SqlQueryError; the spec makes a path naming an alias the whole document, an object, which compares to nothing (no rows, and no error). A sensible refusal, but the page should say so.";

    private const string AliasInTypeTest =
        "SQL side wrong: a type test on a collection alias (IS_DEFINED(T), IS_OBJECT(T), IS_NULL(T), IS_PRIMITIVE(T), ARRAY_CONTAINS(T, ...)) throws InvalidOperationException 'A whole collection is not a value.' from the compiler, a 500; the spec gives true/false (the document is a defined object) or, refused like the comparisons, a SqlQueryError.";

    private const string PostgresSlowFiveJoins =
        "PostgreSQL, intermittent: the five-JOIN COUNT from floor-0 runs for more than 30 s, CPU-bound (pg_stat_activity: active, no wait event), when it comes soon after the graph was written, before autovacuum has analyzed the tables; once they are analyzed the same statement runs in under 1 ms (EXPLAIN ANALYZE: nested loops from the pinned twin). Npgsql's default 30 s command timeout then fires before the 60 s query timeout and surfaces as StoreUnavailableException 'cannot connect ... no answer in time' (a 503), not TimeoutError. SQLite answers at once. Suggested: a join order that starts at the $dtId-pinned twin whatever the statistics (e.g. join_collapse_limit 1 for the statement), and a command timeout no shorter than the query timeout.";

    private static readonly Dictionary<(string Engine, string Query), string> Cases = new()
    {
        [("*", "SELECT T FROM DIGITALTWINS F JOIN T RELATED F.contains WHERE F.$dtId = 'floor-1'")] = SingleAliasShape,  // joins.txt:4
        [("*", "SELECT T FROM DIGITALTWINS F JOIN T RELATED F.contains WHERE F.$dtId = 'floor-1' AND IS_OF_MODEL(T, 'dtmi:doppel:diff:Room;1')")] = SingleAliasShape,  // joins.txt:19
        [("*", "SELECT T FROM DIGITALTWINS F JOIN T RELATED F.contains WHERE F.$dtId = 'floor-1' AND IS_OF_MODEL(T, 'dtmi:doppel:diff:Space;1', exact)")] = SingleAliasShape,  // joins.txt:20
        [("*", "SELECT T FROM DIGITALTWINS F JOIN T RELATED F.contains WHERE F.$dtId = 'floor-1' AND T.temperature > 20")] = SingleAliasShape,  // joins.txt:21
        [("*", "SELECT T FROM DIGITALTWINS F JOIN T RELATED F.contains WHERE F.$dtId = 'floor-1' AND (T.temperature > 20 OR T.area < 0)")] = SingleAliasShape,  // joins.txt:22
        [("*", "SELECT T FROM DIGITALTWINS F JOIN T RELATED F.contains WHERE F.level = 2 AND T.occupied = true")] = SingleAliasShape,  // joins.txt:23
        [("*", "SELECT TOP(2) B FROM DIGITALTWINS A JOIN B RELATED A.relatesTo")] = SingleAliasShape,  // joins.txt:45
        [("*", "SELECT b FROM DIGITALTWINS MATCH (a)-[:feeds]->(b) WHERE a.$dtId = 'device-05'")] = SingleAliasShape,  // match.txt:11
        [("*", "SELECT a FROM DIGITALTWINS MATCH (a)-[:feeds]->(b) WHERE b.$dtId = 'sensor-10'")] = SingleAliasShape,  // match.txt:12
        [("*", "SELECT d FROM DIGITALTWINS MATCH (a)-[:contains]->(b)-[:contains]->(c)<-[:feeds]-(d) WHERE a.$dtId = 'floor-0'")] = SingleAliasShape,  // match.txt:58
        [("*", "SELECT a FROM DIGITALTWINS a MATCH (a)-[:contains]->(b) WHERE a.$dtId = 'floor-1'")] = SingleAliasShape,  // match.txt:65
        [("*", "SELECT a, r, b, c FROM DIGITALTWINS MATCH (a)-[r:contains]->(b)-[*..2]->(c) WHERE a.$dtId = 'floor-3'")] = VariableLengthAfterFirstCondition,  // match.txt:59
        [("*", "SELECT T.$dtId FROM DIGITALTWINS T WHERE T")] = AliasAsValueRefused,  // basics.txt:163
        [("*", "SELECT T.$dtId FROM DIGITALTWINS T WHERE NOT T")] = AliasAsValueRefused,  // basics.txt:164
        [("*", "SELECT T.$dtId FROM DIGITALTWINS T WHERE T = 'floor-1'")] = AliasAsValueRefused,  // basics.txt:165
        [("*", "SELECT T.$dtId FROM DIGITALTWINS T WHERE T.code = T")] = AliasAsValueRefused,  // basics.txt:166
        [("*", "SELECT T.$dtId FROM DIGITALTWINS T WHERE T IN ['floor-1']")] = AliasAsValueRefused,  // basics.txt:167
        [("*", "SELECT T.$dtId FROM DIGITALTWINS T WHERE STARTSWITH(T, 'f')")] = AliasAsValueRefused,  // basics.txt:172
        [("*", "SELECT a, b FROM DIGITALTWINS MATCH (a)-[]->(b) WHERE a = 'floor-1'")] = AliasAsValueRefused,  // basics.txt:174
        [("*", "SELECT T.$dtId FROM DIGITALTWINS T WHERE IS_PRIMITIVE(T)")] = AliasInTypeTest,  // basics.txt:168
        [("*", "SELECT T.$dtId FROM DIGITALTWINS T WHERE IS_DEFINED(T)")] = AliasInTypeTest,  // basics.txt:169
        [("*", "SELECT T.$dtId FROM DIGITALTWINS T WHERE IS_OBJECT(T)")] = AliasInTypeTest,  // basics.txt:170
        [("*", "SELECT T.$dtId FROM DIGITALTWINS T WHERE NOT IS_NULL(T)")] = AliasInTypeTest,  // basics.txt:171
        [("*", "SELECT T.$dtId FROM DIGITALTWINS T WHERE ARRAY_CONTAINS(T, 'f')")] = AliasInTypeTest,  // basics.txt:173
    };

    /// <summary>Cases that disagree only some of the time (a plan or a timing), each with its reason: either outcome passes.</summary>
    private static readonly Dictionary<(string Engine, string Query), string> Intermittent = new()
    {
        [("postgres", "SELECT COUNT() FROM DIGITALTWINS A JOIN B RELATED A.contains JOIN C RELATED B.contains JOIN D RELATED C.feeds JOIN E RELATED D.servedBy JOIN G RELATED E.isPartOf WHERE A.$dtId = 'floor-0'")] = PostgresSlowFiveJoins,  // joins.txt:38
    };

    /// <summary>Why <paramref name="query"/> sometimes disagrees on <paramref name="engine"/>, or null.</summary>
    public static string? IntermittentReason(string engine, string query) => Intermittent.GetValueOrDefault((engine, query));

    /// <summary>
    /// Crashes of the service (an exception other than <c>AdtException</c>, so a 5xx on the wire) already reported,
    /// by a piece of their message: the fuzz and injection suites accept these and fail on any other.
    /// </summary>
    private static readonly (string Signature, string Reason)[] Crashes =
    [
        ("A whole collection is not a value.", AliasInTypeTest),
    ];

    /// <summary>Why a service crash with <paramref name="message"/> is known, or null for a new crash.</summary>
    public static string? CrashReason(string message) =>
        Crashes.FirstOrDefault(c => message.Contains(c.Signature, StringComparison.Ordinal)).Reason;

    /// <summary>Why <paramref name="query"/> is known to disagree on <paramref name="engine"/>, or null.</summary>
    public static string? Reason(string engine, string query) =>
        Cases.TryGetValue((engine, query), out var reason) || Cases.TryGetValue(("*", query), out reason) ? reason : null;

    /// <summary>
    /// For queries no list names (the fuzzer's): which known disagreement a difference is an instance of, told by
    /// the query's shape and the messages, or null for a new one.
    /// </summary>
    public static string? Explain(string engine, string query, string disagreement)
    {
        var parsed = new Doppel.Query.Syntax.QueryParser().Parse(query).Query;
        return Reason(engine, query) ?? IntermittentReason(engine, query)
            ?? (disagreement.Contains("crashes with", StringComparison.Ordinal) ? CrashReason(disagreement) : null)
            ?? (disagreement.Contains("is not a condition", StringComparison.Ordinal)
                || disagreement.Contains("cannot be compared", StringComparison.Ordinal)
                || disagreement.Contains("not whole collections", StringComparison.Ordinal) ? AliasAsValueRefused : null)
            ?? (parsed is { Match.Edges.Count: > 1 } && disagreement.Contains("missing 0: none", StringComparison.Ordinal) ? VariableLengthAfterFirstCondition : null)
            ?? (parsed is { Select.Items: [{ Alias: null, Value: Doppel.Query.Ast.PropertyPath { Segments.Count: 1 } }] }
                && (parsed.Joins.Count > 0 || parsed.Match is { Edges.Count: > 0 }) ? SingleAliasShape : null);
    }

    /// <summary>Every listed case.</summary>
    public static IReadOnlyDictionary<(string Engine, string Query), string> All => Cases;
}
