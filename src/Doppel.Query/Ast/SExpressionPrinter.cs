using System.Globalization;
using System.Text;

namespace Doppel.Query.Ast;

/// <summary>
/// Prints a node as its canonical S-expression, one form per node kind:
/// <c>(query (select *) (from twins T) (where (= (path T $dtId) "A")))</c>.
/// </summary>
internal sealed class SExpressionPrinter : AstVisitor<string>
{
    public static readonly SExpressionPrinter Instance = new();

    public override string VisitQuery(QueryStatement node)
    {
        var parts = new List<string> { "query", node.Select.Accept(this), node.From.Accept(this) };
        parts.AddRange(node.Joins.Select(j => j.Accept(this)));
        if (node.Match is not null)
        {
            parts.Add(node.Match.Accept(this));
        }

        if (node.Where is not null)
        {
            parts.Add($"(where {node.Where.Accept(this)})");
        }

        if (node.OrderBy.Count > 0)
        {
            parts.Add($"(order {string.Join(' ', node.OrderBy.Select(o => o.Accept(this)))})");
        }

        return $"({string.Join(' ', parts)})";
    }

    public override string VisitSelect(SelectClause node)
    {
        var parts = new List<string> { "select" };
        if (node.Top is { } top)
        {
            parts.Add($"(top {top.ToString(CultureInfo.InvariantCulture)})");
        }

        if (node.Count)
        {
            parts.Add("(count)");
        }

        if (node.Star)
        {
            parts.Add("*");
        }

        parts.AddRange(node.Items.Select(i => i.Accept(this)));
        return $"({string.Join(' ', parts)})";
    }

    public override string VisitProjection(Projection node) =>
        node.Alias is null ? node.Value.Accept(this) : $"(as {node.Value.Accept(this)} {node.Alias})";

    public override string VisitFrom(FromClause node) =>
        $"(from {(node.Source == QuerySource.DigitalTwins ? "twins" : "relationships")}{(node.Alias is null ? "" : " " + node.Alias)})";

    public override string VisitJoin(JoinClause node) =>
        $"(join {node.Target} {node.Source} {node.Relationship}{(node.RelationshipAlias is null ? "" : " " + node.RelationshipAlias)})";

    public override string VisitMatch(MatchClause node)
    {
        var text = new StringBuilder("(match ").Append(node.Nodes[0].Accept(this));
        for (var i = 0; i < node.Edges.Count; i++)
        {
            text.Append(' ').Append(node.Edges[i].Accept(this)).Append(' ').Append(node.Nodes[i + 1].Accept(this));
        }

        return text.Append(')').ToString();
    }

    public override string VisitMatchNode(MatchNode node) => $"(node {node.Alias})";

    public override string VisitMatchEdge(MatchEdge node)
    {
        var direction = node.Direction switch
        {
            EdgeDirection.Right => "->",
            EdgeDirection.Left => "<-",
            _ => "--",
        };
        var parts = new List<string> { "edge", direction };
        if (node.Alias is not null)
        {
            parts.Add($"(alias {node.Alias})");
        }

        if (node.Names.Count > 0)
        {
            parts.Add($"(names {string.Join(' ', node.Names)})");
        }

        if (node.MinHops is not null || node.MaxHops is not null)
        {
            parts.Add($"(hops {Bound(node.MinHops)} {Bound(node.MaxHops)})");
        }

        return $"({string.Join(' ', parts)})";
    }

    public override string VisitOrderItem(OrderItem node) => $"({(node.Descending ? "desc" : "asc")} {node.Value.Accept(this)})";

    public override string VisitLiteral(Literal node) => node.Value switch
    {
        null => "null",
        string s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        var other => other.ToString() ?? "",
    };

    public override string VisitPath(PropertyPath node) => $"(path {string.Join(' ', node.Segments)})";

    public override string VisitArray(ArrayLiteral node) => $"(list{string.Concat(node.Items.Select(i => " " + i.Accept(this)))})";

    public override string VisitBinary(BinaryExpression node) =>
        $"({node.Operator.ToLowerInvariant()} {node.Left.Accept(this)} {node.Right.Accept(this)})";

    public override string VisitNot(NotExpression node) => $"(not {node.Operand.Accept(this)})";

    public override string VisitIn(InExpression node) => $"({(node.Negated ? "nin" : "in")} {node.Value.Accept(this)} {node.List.Accept(this)})";

    public override string VisitFunction(FunctionCall node) =>
        $"(call {node.Name}{string.Concat(node.Arguments.Select(a => " " + a.Accept(this)))})";

    private static string Bound(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "_";
}
