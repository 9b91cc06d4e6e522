namespace Doppel.Query.Differential.Differential;

/// <summary>
/// Cases where the SQL side answers differently from the oracle and docs/query-semantics.md says the oracle is
/// right, each with its reason, per engine (<c>*</c> for both). A listed case that starts to agree fails, so that
/// the list only ever holds live disagreements (CONVENTIONS E20: skips in one dictionary, each with a reason).
/// </summary>
public static class KnownDisagreements
{
    private const string SingleAliasShape =
        "SPEC AMBIGUOUS, not settled here: docs/query-semantics.md says \"SELECT a over one collection: the document itself\"; the oracle reads 'one collection' as a query that binds one collection and so returns {\"a\": {...}} when JOIN or MATCH bind more, the compiler returns the bare document whenever one alias is selected. The page should say which (ADT's own docs show both shapes).";

    private const string RelationshipReusedAcrossConditions =
        "SQL side wrong: a MATCH path takes the same relationship twice across two of its conditions (b back to a over the relationship it came by); the spec says a path never uses the same relationship twice.";

    private const string VariableLengthAfterFirstCondition =
        "SQL side wrong: a variable-length condition after the first one of a chain compiles to SQL naming a column sd.id that does not exist; the store fails with StoreUnavailableException (a 5xx), not rows or SqlQueryError.";

    private const string NumberOutOfRange =
        "SQL side wrong: the parser reads a number literal beyond the double range (1e309) as infinity and the query runs; JSON has no such number, the oracle refuses it with SqlQueryError.";

    private const string PostgresIdAgainstNonString =
        "SQL side wrong (PostgreSQL only): $dtId compared with a number or boolean literal fails in the database (42883 operator does not exist: text = numeric / text = boolean), a 5xx; the spec makes it undefined (no rows, NIN none either).";

    private const string PostgresStringFunctionOnNumber =
        "SQL side wrong (PostgreSQL only): a string function given a number literal fails in the database (42883 function length(numeric) does not exist), a 5xx; the spec makes it undefined (no rows).";

    private const string ArrayContainsNull =
        "SQL side inconsistent: ARRAY_CONTAINS with a null value is accepted although the compiler's own rule (and ADT's docs) allow only a string, number or boolean value and refuse a property; the oracle refuses it with SqlQueryError.";

    private const string AliasAsValueRefused =
        "SQL side stricter than the spec: a collection alias used as a value (WHERE T, T = 'x', T IN [...], STARTSWITH(T, ...)) is refused with SqlQueryError; the spec makes a path naming an alias the whole document, an object, which compares to nothing (no rows, and no error). A sensible refusal, but the page should say so.";

    private const string AliasInTypeTest =
        "SQL side wrong: a type test on a collection alias (IS_DEFINED(T), IS_OBJECT(T), IS_NULL(T), IS_PRIMITIVE(T), ARRAY_CONTAINS(T, ...)) throws InvalidOperationException 'A whole collection is not a value.' from the compiler, a 500; the spec gives true/false (the document is a defined object) or, refused like the comparisons, a SqlQueryError.";

    private const string PostgresSlowFiveJoins =
        "PostgreSQL, intermittent: the five-JOIN COUNT from floor-0 (2 rows' worth of paths) sometimes runs past Npgsql's 30 s command timeout, which surfaces as StoreUnavailableException 'cannot connect ... no answer in time' (a 503) instead of rows, or of TimeoutError at the 60 s query limit. SQLite answers at once.";

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
        [("*", "SELECT a, b, c FROM DIGITALTWINS MATCH (a)-[:contains]->(b)-[:contains]->(c)-[]-(d) WHERE a.$dtId = 'floor-0'")] = RelationshipReusedAcrossConditions,  // match.txt:56
        [("*", "SELECT a, b, c FROM DIGITALTWINS MATCH (a)-[]-(b)-[]-(c) WHERE a.$dtId = 'thing-0'")] = RelationshipReusedAcrossConditions,  // match.txt:60
        [("*", "SELECT a, r, b, c FROM DIGITALTWINS MATCH (a)-[r:contains]->(b)-[*..2]->(c) WHERE a.$dtId = 'floor-3'")] = VariableLengthAfterFirstCondition,  // match.txt:59
        [("*", "SELECT a, b, c FROM DIGITALTWINS MATCH (a)-[:relatesTo]->(b)-[:relatesTo*2]->(c) WHERE a.$dtId = 'thing-0'")] = VariableLengthAfterFirstCondition,  // match.txt:62
        [("*", "SELECT * FROM DIGITALTWINS WHERE code < 1e309")] = NumberOutOfRange,  // errors.txt:45
        [("*", "SELECT * FROM DIGITALTWINS WHERE code IN [1, -1e309]")] = NumberOutOfRange,  // errors.txt:46
        [("postgres", "SELECT T.$dtId FROM DIGITALTWINS T WHERE T.$dtId IN [20, 30.0, -5, 100]")] = PostgresIdAgainstNonString,  // generated.txt:413
        [("postgres", "SELECT T.$dtId FROM DIGITALTWINS T WHERE T.$dtId NIN [20, 30.0, -5, 100]")] = PostgresIdAgainstNonString,  // generated.txt:414
        [("postgres", "SELECT T.$dtId FROM DIGITALTWINS T WHERE T.$dtId IN [true]")] = PostgresIdAgainstNonString,  // generated.txt:415
        [("postgres", "SELECT T.$dtId FROM DIGITALTWINS T WHERE T.$dtId NIN [true]")] = PostgresIdAgainstNonString,  // generated.txt:416
        [("postgres", "SELECT T.$dtId FROM DIGITALTWINS T WHERE T.$dtId IN ['20', 20, true, null]")] = PostgresIdAgainstNonString,  // generated.txt:419
        [("postgres", "SELECT T.$dtId FROM DIGITALTWINS T WHERE T.$dtId NIN ['20', 20, true, null]")] = PostgresIdAgainstNonString,  // generated.txt:420
        [("postgres", "SELECT T.$dtId FROM DIGITALTWINS T WHERE STARTSWITH(T.name, 20)")] = PostgresStringFunctionOnNumber,  // generated.txt:504
        [("postgres", "SELECT T.$dtId FROM DIGITALTWINS T WHERE STARTS_WITH(T.name, 20)")] = PostgresStringFunctionOnNumber,  // generated.txt:516
        [("postgres", "SELECT T.$dtId FROM DIGITALTWINS T WHERE ENDSWITH(T.name, 20)")] = PostgresStringFunctionOnNumber,  // generated.txt:528
        [("postgres", "SELECT T.$dtId FROM DIGITALTWINS T WHERE ENDS_WITH(T.name, 20)")] = PostgresStringFunctionOnNumber,  // generated.txt:540
        [("postgres", "SELECT T.$dtId FROM DIGITALTWINS T WHERE CONTAINS(T.name, 20)")] = PostgresStringFunctionOnNumber,  // generated.txt:552
        [("*", "SELECT * FROM DIGITALTWINS WHERE ARRAY_CONTAINS(tags, null)")] = ArrayContainsNull,  // errors.txt:48
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
        ("no such column: sd.id", VariableLengthAfterFirstCondition),
        ("column sd.id does not exist", VariableLengthAfterFirstCondition),
        ("bad JSON path", "SQL side wrong (SQLite): an escaped name holding a NUL or a backslash ([[a\\u0000b]], [[\\]]) becomes a JSON path SQLite refuses (bad JSON path), a 5xx; the spec makes the property undefined (rows without it)."),
        ("0x00", "SQL side wrong (PostgreSQL): a NUL in a string literal or an escaped name reaches the database as a text parameter, which PostgreSQL refuses (22021), a 5xx; SQLite takes it as data. Refuse NUL with SqlQueryError or compare it as data."),
        ("operator does not exist", PostgresIdAgainstNonString),
        ("function length(numeric) does not exist", PostgresStringFunctionOnNumber),
        ("A whole collection is not a value.", AliasInTypeTest),
        ("Parameter 'capacity'", "SQL side wrong: a negative max-items-per-page reaches new List(capacity) in QueryService and throws ArgumentOutOfRangeException, a 500; it should be a BadRequest (or the default page size)."),
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
            ?? (disagreement.Contains("A number literal is out of range", StringComparison.Ordinal) ? NumberOutOfRange : null)
            ?? (disagreement.Contains("ARRAY_CONTAINS looks for", StringComparison.Ordinal) ? ArrayContainsNull : null)
            ?? (disagreement.Contains("is not a condition", StringComparison.Ordinal)
                || disagreement.Contains("cannot be compared", StringComparison.Ordinal)
                || disagreement.Contains("not whole collections", StringComparison.Ordinal) ? AliasAsValueRefused : null)
            ?? (parsed is { Match.Edges.Count: > 1 } && disagreement.Contains("missing 0: none", StringComparison.Ordinal) ? RelationshipReusedAcrossConditions : null)
            ?? (parsed is { Select.Items: [{ Alias: null, Value: Doppel.Query.Ast.PropertyPath { Segments.Count: 1 } }] }
                && (parsed.Joins.Count > 0 || parsed.Match is { Edges.Count: > 0 }) ? SingleAliasShape : null);
    }

    /// <summary>Every listed case.</summary>
    public static IReadOnlyDictionary<(string Engine, string Query), string> All => Cases;
}
