namespace Doppel.Query.Ast;

/// <summary>A node of a parsed query. Every kind has a method on <see cref="AstVisitor{T}"/> and <see cref="AstRewriter"/>.</summary>
public abstract record QueryNode
{
    /// <summary>Dispatches to the visitor method for this kind of node.</summary>
    public abstract T Accept<T>(AstVisitor<T> visitor);

    /// <summary>The canonical S-expression of the node, e.g. <c>(= (path T $dtId) "A")</c>; tests assert this text.</summary>
    public string ToSExpression() => Accept(SExpressionPrinter.Instance);
}

/// <summary>A whole query: SELECT, FROM, then JOINs or a MATCH, WHERE, and ORDER BY where enabled.</summary>
public sealed record QueryStatement(
    SelectClause Select, FromClause From, IReadOnlyList<JoinClause> Joins, MatchClause? Match, Expression? Where, IReadOnlyList<OrderItem> OrderBy)
    : QueryNode
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitQuery(this);
}

/// <summary>SELECT: <c>*</c>, <c>COUNT()</c>, or projections, optionally limited by <c>TOP(n)</c>.</summary>
public sealed record SelectClause(bool Star, bool Count, int? Top, IReadOnlyList<Projection> Items) : QueryNode
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitSelect(this);
}

/// <summary>One projected value with its optional <c>AS</c> name.</summary>
public sealed record Projection(Expression Value, string? Alias) : QueryNode
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitProjection(this);
}

/// <summary>The collections a query can read.</summary>
public enum QuerySource
{
    /// <summary><c>FROM DIGITALTWINS</c>.</summary>
    DigitalTwins,

    /// <summary><c>FROM RELATIONSHIPS</c>.</summary>
    Relationships,
}

/// <summary>FROM with the collection and its optional alias.</summary>
public sealed record FromClause(QuerySource Source, string? Alias) : QueryNode
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitFrom(this);
}

/// <summary><c>JOIN target RELATED source.relationship [relationshipAlias]</c>.</summary>
public sealed record JoinClause(string Target, string Source, string Relationship, string? RelationshipAlias) : QueryNode
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitJoin(this);
}

/// <summary>MATCH: a chain of twins joined by relationship conditions; <c>Nodes.Count == Edges.Count + 1</c>.</summary>
public sealed record MatchClause(IReadOnlyList<MatchNode> Nodes, IReadOnlyList<MatchEdge> Edges) : QueryNode
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitMatch(this);
}

/// <summary>A twin in a MATCH pattern: <c>(alias)</c>.</summary>
public sealed record MatchNode(string Alias) : QueryNode
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitMatchNode(this);
}

/// <summary>Which way a MATCH relationship condition points.</summary>
public enum EdgeDirection
{
    /// <summary><c>-[]-&gt;</c>: from the left twin to the right one.</summary>
    Right,

    /// <summary><c>&lt;-[]-</c>: from the right twin to the left one.</summary>
    Left,

    /// <summary><c>-[]-</c>: either way.</summary>
    Either,
}

/// <summary>
/// A relationship condition: <c>-[alias:name1|name2*min..max]-&gt;</c>. No names means any relationship; no hops
/// means exactly one. <c>*n</c> sets both bounds, <c>*..n</c> only the upper one.
/// </summary>
public sealed record MatchEdge(EdgeDirection Direction, string? Alias, IReadOnlyList<string> Names, int? MinHops, int? MaxHops) : QueryNode
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitMatchEdge(this);
}

/// <summary>One ORDER BY key (a Doppel extension, off unless the server enables it).</summary>
public sealed record OrderItem(Expression Value, bool Descending) : QueryNode
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitOrderItem(this);
}

/// <summary>A value or condition.</summary>
public abstract record Expression : QueryNode;

/// <summary>A literal: string, number (as <see cref="double"/> or <see cref="long"/>), true, false or null.</summary>
public sealed record Literal(object? Value) : Expression
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitLiteral(this);
}

/// <summary>A name or dotted path: <c>T</c>, <c>T.$dtId</c>, <c>T.comp.prop</c>, <c>$metadata.$model</c>.</summary>
public sealed record PropertyPath(IReadOnlyList<string> Segments) : Expression
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitPath(this);
}

/// <summary>A list of values in brackets, the right side of IN and NIN.</summary>
public sealed record ArrayLiteral(IReadOnlyList<Expression> Items) : Expression
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitArray(this);
}

/// <summary>A comparison (<c>= != &lt; &lt;= &gt; &gt;=</c>) or a logical AND / OR.</summary>
public sealed record BinaryExpression(string Operator, Expression Left, Expression Right) : Expression
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitBinary(this);
}

/// <summary><c>NOT operand</c>.</summary>
public sealed record NotExpression(Expression Operand) : Expression
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitNot(this);
}

/// <summary><c>value IN [...]</c>, or <c>NIN</c> when <see cref="Negated"/>.</summary>
public sealed record InExpression(Expression Value, ArrayLiteral List, bool Negated) : Expression
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitIn(this);
}

/// <summary>A function call such as <c>IS_OF_MODEL(T, 'dtmi:ex:Room;1', exact)</c>; the name is upper-cased.</summary>
public sealed record FunctionCall(string Name, IReadOnlyList<Expression> Arguments) : Expression
{
    /// <inheritdoc />
    public override T Accept<T>(AstVisitor<T> visitor) => visitor.VisitFunction(this);
}
