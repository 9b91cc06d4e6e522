namespace Doppel.Query.Ast;

/// <summary>Visits every kind of query node; a new node kind is not done until it has a method here.</summary>
public abstract class AstVisitor<T>
{
    /// <summary>Visits a whole query.</summary>
    public abstract T VisitQuery(QueryStatement node);

    /// <summary>Visits SELECT.</summary>
    public abstract T VisitSelect(SelectClause node);

    /// <summary>Visits one projection.</summary>
    public abstract T VisitProjection(Projection node);

    /// <summary>Visits FROM.</summary>
    public abstract T VisitFrom(FromClause node);

    /// <summary>Visits a JOIN.</summary>
    public abstract T VisitJoin(JoinClause node);

    /// <summary>Visits MATCH.</summary>
    public abstract T VisitMatch(MatchClause node);

    /// <summary>Visits a MATCH twin.</summary>
    public abstract T VisitMatchNode(MatchNode node);

    /// <summary>Visits a MATCH relationship condition.</summary>
    public abstract T VisitMatchEdge(MatchEdge node);

    /// <summary>Visits an ORDER BY key.</summary>
    public abstract T VisitOrderItem(OrderItem node);

    /// <summary>Visits a literal.</summary>
    public abstract T VisitLiteral(Literal node);

    /// <summary>Visits a property path.</summary>
    public abstract T VisitPath(PropertyPath node);

    /// <summary>Visits a bracketed list.</summary>
    public abstract T VisitArray(ArrayLiteral node);

    /// <summary>Visits a comparison or AND / OR.</summary>
    public abstract T VisitBinary(BinaryExpression node);

    /// <summary>Visits NOT.</summary>
    public abstract T VisitNot(NotExpression node);

    /// <summary>Visits IN / NIN.</summary>
    public abstract T VisitIn(InExpression node);

    /// <summary>Visits a function call.</summary>
    public abstract T VisitFunction(FunctionCall node);
}

/// <summary>Rebuilds a query node by node; override a method to replace the nodes of one kind.</summary>
public class AstRewriter : AstVisitor<QueryNode>
{
    /// <inheritdoc />
    public override QueryNode VisitQuery(QueryStatement node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node with
        {
            Select = (SelectClause)node.Select.Accept(this),
            From = (FromClause)node.From.Accept(this),
            Joins = [.. node.Joins.Select(j => (JoinClause)j.Accept(this))],
            Match = (MatchClause?)node.Match?.Accept(this),
            Where = (Expression?)node.Where?.Accept(this),
            OrderBy = [.. node.OrderBy.Select(o => (OrderItem)o.Accept(this))],
        };
    }

    /// <inheritdoc />
    public override QueryNode VisitSelect(SelectClause node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node with { Items = [.. node.Items.Select(i => (Projection)i.Accept(this))] };
    }

    /// <inheritdoc />
    public override QueryNode VisitProjection(Projection node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node with { Value = (Expression)node.Value.Accept(this) };
    }

    /// <inheritdoc />
    public override QueryNode VisitFrom(FromClause node) => node;

    /// <inheritdoc />
    public override QueryNode VisitJoin(JoinClause node) => node;

    /// <inheritdoc />
    public override QueryNode VisitMatch(MatchClause node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node with
        {
            Nodes = [.. node.Nodes.Select(n => (MatchNode)n.Accept(this))],
            Edges = [.. node.Edges.Select(e => (MatchEdge)e.Accept(this))],
        };
    }

    /// <inheritdoc />
    public override QueryNode VisitMatchNode(MatchNode node) => node;

    /// <inheritdoc />
    public override QueryNode VisitMatchEdge(MatchEdge node) => node;

    /// <inheritdoc />
    public override QueryNode VisitOrderItem(OrderItem node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node with { Value = (Expression)node.Value.Accept(this) };
    }

    /// <inheritdoc />
    public override QueryNode VisitLiteral(Literal node) => node;

    /// <inheritdoc />
    public override QueryNode VisitPath(PropertyPath node) => node;

    /// <inheritdoc />
    public override QueryNode VisitArray(ArrayLiteral node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node with { Items = [.. node.Items.Select(i => (Expression)i.Accept(this))] };
    }

    /// <inheritdoc />
    public override QueryNode VisitBinary(BinaryExpression node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node with { Left = (Expression)node.Left.Accept(this), Right = (Expression)node.Right.Accept(this) };
    }

    /// <inheritdoc />
    public override QueryNode VisitNot(NotExpression node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node with { Operand = (Expression)node.Operand.Accept(this) };
    }

    /// <inheritdoc />
    public override QueryNode VisitIn(InExpression node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node with { Value = (Expression)node.Value.Accept(this), List = (ArrayLiteral)node.List.Accept(this) };
    }

    /// <inheritdoc />
    public override QueryNode VisitFunction(FunctionCall node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node with { Arguments = [.. node.Arguments.Select(a => (Expression)a.Accept(this))] };
    }
}
