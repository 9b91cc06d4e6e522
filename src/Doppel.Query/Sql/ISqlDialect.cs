using Doppel.Query.Binding;

namespace Doppel.Query.Sql;

/// <summary>
/// What differs between the SQL of the engines Doppel stores data in. The compiler (<see cref="SqlCompiler"/>)
/// writes the statement's structure; a dialect writes the JSON access, the string functions and the constants.
/// Implemented by each storage provider. Every method returns SQL text built only from its arguments (which
/// are SQL text or parameter names the compiler made) and fixed keywords: no user value reaches SQL except
/// through parameters.
/// </summary>
/// <remarks>
/// Tables the compiler reads: <c>twins (instance_id, id, model_id, etag, document)</c> and
/// <c>relationships (instance_id, source_id, id, target_id, name, etag, document)</c>, the document being the
/// entity's JSON as the API returns it. "Kind names" are <c>'string'</c>, <c>'number'</c>, <c>'boolean'</c>,
/// <c>'null'</c>, <c>'object'</c>, <c>'array'</c>.
/// </remarks>
public interface ISqlDialect
{
    /// <summary>The SQL of true.</summary>
    string True { get; }

    /// <summary>The SQL of false.</summary>
    string False { get; }

    /// <summary>The SQL of an unknown (undefined) condition.</summary>
    string Unknown { get; }

    /// <summary>An expression of the control character U+0001 or U+0002 (<paramref name="which"/>), which no id holds.</summary>
    string Separator(int which);

    /// <summary>A join operator that keeps the left side outer (SQLite: <c>CROSS JOIN</c>), or a plain <c>JOIN</c>.</summary>
    string OrderedJoin { get; }

    /// <summary>The document column of a table alias, as the engine's JSON value.</summary>
    string Document(string tableAlias);

    /// <summary>
    /// The parameter value addressing <paramref name="path"/> inside a document, or null when this engine cannot
    /// address it (the member then counts as undefined).
    /// </summary>
    object? JsonPath(IReadOnlyList<string> path);

    /// <summary>The parameter value of a literal: the engine's representation of strings, numbers, booleans.</summary>
    object? Literal(object? value);

    /// <summary>A condition, true when the member has <paramref name="kind"/>, unknown when it is undefined.</summary>
    string HasKind(string document, string path, JsonKind kind);

    /// <summary>The member's kind name, or NULL when undefined.</summary>
    string KindName(string document, string path);

    /// <summary>The member as an SQL value comparable with a parameter of <paramref name="kind"/> (string, number or boolean).</summary>
    string Typed(string document, string path, JsonKind kind);

    /// <summary>
    /// A comparison of a member with a literal that holds only when the member has the literal's kind:
    /// <paramref name="comparison"/> (built from <see cref="Typed"/>) guarded by <paramref name="kindTest"/> (built
    /// from <see cref="HasKind"/>). It must be unknown when the kinds differ, unless <paramref name="truthOnly"/>
    /// says that only a true result matters (a WHERE filter outside any NOT), when false will do. By default the
    /// kind is tested first, for engines whose typed access fails on another kind.
    /// </summary>
    string KindedComparison(string kindTest, string comparison, bool truthOnly) => $"CASE WHEN {kindTest} THEN {comparison} END";

    /// <summary>
    /// True when a later page of a query in (model, id) order is better read model by model, one short statement
    /// each (<see cref="ModelSteps"/>), than as one row-value range over the IS_OF_MODEL list: so for an engine in
    /// the process, where a statement costs little and a long list costs much.
    /// </summary>
    bool PagesModelByModel => false;

    /// <summary>The parameter value of a list of strings, for <see cref="InList"/>.</summary>
    object StringList(IReadOnlyList<string> values);

    /// <summary>
    /// True when the text <paramref name="column"/> is one of the strings of <paramref name="listParameter"/> (a
    /// <see cref="StringList"/>); an index on the column serves it as it serves an IN list.
    /// </summary>
    string InList(string column, string listParameter);

    /// <summary>A text column as an SQL value comparable by code point with string parameters.</summary>
    string Text(string column);

    /// <summary>A literal parameter as an SQL value of its kind.</summary>
    string TypedParameter(string parameter, JsonKind kind);

    /// <summary>A condition, true when the member is defined (never unknown).</summary>
    string IsDefined(string document, string path);

    /// <summary>The member as JSON text, NULL when undefined.</summary>
    string Json(string document, string path);

    /// <summary>True when the array member has a top-level element of <paramref name="kind"/> equal to the parameter.</summary>
    string ArrayContains(string document, string path, string parameter, JsonKind kind);

    /// <summary>The string test on two string values.</summary>
    string StringTest(StringFunction function, string value, string argument);

    /// <summary>The position (1-based) of <paramref name="needle"/> in <paramref name="haystack"/>, 0 when absent.</summary>
    string Position(string haystack, string needle);

    /// <summary>
    /// A condition, true when two MATCH paths (text values) hold a common element, false otherwise (never unknown).
    /// A path is <see cref="Separator"/>(1) followed by elements that each end in <see cref="Separator"/>(1) and
    /// hold no U+0001 themselves; every path holds at least one element.
    /// </summary>
    string PathsShare(string left, string right);
}
