using Doppel.Query.Ast;

namespace Doppel.Query.Binding;

/// <summary>What a collection of a query holds.</summary>
public enum CollectionKind
{
    /// <summary>Digital twins (the <c>twins</c> table).</summary>
    Twin,

    /// <summary>Relationships (the <c>relationships</c> table).</summary>
    Relationship,
}

/// <summary>
/// One collection a query reads: the FROM collection, a JOIN's twins and relationship, a MATCH node or edge.
/// Collections without a name in the query (a JOIN's unnamed relationship) are <see cref="Hidden"/>: they take
/// part in the rows' keys but are never projected.
/// </summary>
/// <param name="Alias">The name the query gives it, or a generated one when hidden.</param>
/// <param name="Kind">Twins or relationships.</param>
/// <param name="Index">Its position among the query's collections; the SQL alias is derived from it.</param>
/// <param name="Hidden">True when the query does not name it.</param>
public sealed record BoundSource(string Alias, CollectionKind Kind, int Index, bool Hidden);

/// <summary>The stored columns a path can read directly instead of the JSON document.</summary>
public enum SystemColumn
{
    /// <summary>A twin's <c>$dtId</c> or a relationship's <c>$relationshipId</c>.</summary>
    Id,

    /// <summary><c>$etag</c>.</summary>
    ETag,

    /// <summary>A twin's <c>$metadata.$model</c>.</summary>
    ModelId,

    /// <summary>A relationship's <c>$sourceId</c>.</summary>
    SourceId,

    /// <summary>A relationship's <c>$targetId</c>.</summary>
    TargetId,

    /// <summary>A relationship's <c>$relationshipName</c>.</summary>
    Name,
}

/// <summary>The JSON types a value can have.</summary>
public enum JsonKind
{
    /// <summary>A string.</summary>
    String,

    /// <summary>A number, integer or real.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary><c>null</c>.</summary>
    Null,

    /// <summary>An object.</summary>
    Object,

    /// <summary>An array.</summary>
    Array,
}

/// <summary>A value a condition or projection reads.</summary>
public abstract record BoundValue;

/// <summary>A stored column of a collection; always a string.</summary>
public sealed record ColumnValue(BoundSource Collection, SystemColumn Column) : BoundValue;

/// <summary>A member of a collection's JSON document, reached by property names.</summary>
public sealed record DocumentValue(BoundSource Collection, IReadOnlyList<string> Path) : BoundValue;

/// <summary>A whole twin or relationship document.</summary>
public sealed record CollectionValue(BoundSource Collection) : BoundValue;

/// <summary>A literal: <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/> or null.</summary>
public sealed record LiteralValue(object? Value) : BoundValue
{
    /// <summary>The literal's JSON type.</summary>
    public JsonKind Kind => Value switch
    {
        null => JsonKind.Null,
        string => JsonKind.String,
        bool => JsonKind.Boolean,
        _ => JsonKind.Number,
    };
}

/// <summary>A condition with three outcomes: true, false, undefined (docs/query-semantics.md).</summary>
public abstract record BoundCondition;

/// <summary>A condition known at binding time: true, false, or undefined (null).</summary>
public sealed record ConstantCondition(bool? Value) : BoundCondition;

/// <summary><c>left op right</c> with <c>op</c> one of <c>= != &lt; &lt;= &gt; &gt;=</c>.</summary>
public sealed record CompareCondition(string Operator, BoundValue Left, BoundValue Right) : BoundCondition;

/// <summary>Kleene AND.</summary>
public sealed record AndCondition(BoundCondition Left, BoundCondition Right) : BoundCondition;

/// <summary>Kleene OR.</summary>
public sealed record OrCondition(BoundCondition Left, BoundCondition Right) : BoundCondition;

/// <summary>Kleene NOT.</summary>
public sealed record NotCondition(BoundCondition Operand) : BoundCondition;

/// <summary><c>value IN [items]</c>: the OR of <c>value = item</c>.</summary>
public sealed record InCondition(BoundValue Value, IReadOnlyList<LiteralValue> Items) : BoundCondition;

/// <summary><c>IS_DEFINED</c> (<see cref="Kinds"/> null) or a JSON type test: true when the value has one of the kinds.</summary>
public sealed record TypeCondition(BoundValue Value, IReadOnlyList<JsonKind>? Kinds) : BoundCondition;

/// <summary><c>IS_OF_MODEL</c>: the twin's model is one of <see cref="ModelIds"/> (empty: never).</summary>
public sealed record ModelCondition(BoundSource Collection, IReadOnlyList<string> ModelIds) : BoundCondition;

/// <summary>The string tests.</summary>
public enum StringFunction
{
    /// <summary><c>STARTSWITH</c>.</summary>
    StartsWith,

    /// <summary><c>ENDSWITH</c>.</summary>
    EndsWith,

    /// <summary><c>CONTAINS</c>.</summary>
    Contains,
}

/// <summary>A string test; undefined unless both values are strings.</summary>
public sealed record StringCondition(StringFunction Function, BoundValue Value, BoundValue Argument) : BoundCondition;

/// <summary><c>ARRAY_CONTAINS(array, item)</c>; undefined unless the value is an array.</summary>
public sealed record ArrayContainsCondition(BoundValue Array, LiteralValue Item) : BoundCondition;

/// <summary>A value used as a condition: true for boolean true, false for boolean false, undefined otherwise.</summary>
public sealed record TruthCondition(BoundValue Value) : BoundCondition;

/// <summary>A JOIN: the relationships named <see cref="Name"/> from <see cref="Source"/> to <see cref="Target"/>.</summary>
public sealed record BoundJoin(BoundSource Target, BoundSource Source, string Name, BoundSource Relationship);

/// <summary>
/// A MATCH relationship condition between the nodes at <c>i</c> and <c>i + 1</c>. Single-hop edges have a
/// <see cref="Relationship"/> collection (hidden when unnamed); variable-length ones have none.
/// </summary>
/// <param name="Direction">Which way the relationships point.</param>
/// <param name="Relationship">The relationship of a single-hop edge.</param>
/// <param name="Names">Allowed relationship names; empty means any.</param>
/// <param name="MinHops">Fewest hops, inclusive.</param>
/// <param name="MaxHops">Most hops, inclusive.</param>
public sealed record BoundEdge(EdgeDirection Direction, BoundSource? Relationship, IReadOnlyList<string> Names, int MinHops, int MaxHops)
{
    /// <summary>True when the edge is one relationship, not a path.</summary>
    public bool SingleHop => MinHops == 1 && MaxHops == 1;
}

/// <summary>A MATCH pattern: <c>Nodes.Count == Edges.Count + 1</c>.</summary>
public sealed record BoundMatch(IReadOnlyList<BoundSource> Nodes, IReadOnlyList<BoundEdge> Edges);

/// <summary>How rows are shaped.</summary>
public enum SelectShape
{
    /// <summary>Each row is one collection's document.</summary>
    Document,

    /// <summary>Each row is an object of named projections.</summary>
    Object,

    /// <summary>One row <c>{"COUNT": n}</c>.</summary>
    Count,
}

/// <summary>One named value of an <see cref="SelectShape.Object"/> row.</summary>
public sealed record BoundProjection(string Name, BoundValue Value);

/// <summary>One ORDER BY key (a Doppel extension): values order by type (undefined, null, booleans, numbers, strings, others), then value.</summary>
public sealed record BoundOrder(BoundValue Value, bool Descending);

/// <summary>A query with every name resolved, every function checked, and every limit enforced.</summary>
public sealed record BoundQuery(
    IReadOnlyList<BoundSource> Collections,
    IReadOnlyList<BoundJoin> Joins,
    BoundMatch? Match,
    BoundCondition? Where,
    SelectShape Shape,
    BoundSource? DocumentCollection,
    IReadOnlyList<BoundProjection> Projections,
    int? Top)
{
    /// <summary>
    /// The collections whose keys identify a row: every collection for FROM and JOIN (each relationship gives a
    /// row), only the named ones for MATCH (rows are distinct bindings of its names).
    /// </summary>
    public IReadOnlyList<BoundSource> KeyCollections =>
        Match is null ? Collections : [.. Collections.Where(c => !c.Hidden)];

    /// <summary>ORDER BY keys, when the server allows them; rows are then paged by position.</summary>
    public IReadOnlyList<BoundOrder> OrderBy { get; init; } = [];

    /// <summary>True when rows must be made distinct (MATCH).</summary>
    public bool Distinct => Match is not null;
}
