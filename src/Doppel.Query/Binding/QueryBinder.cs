using Doppel.Diagnostics;
using Doppel.Query.Ast;
using Doppel.Query.Syntax;

namespace Doppel.Query.Binding;

/// <summary>What the binder needs to know about an instance's models.</summary>
public interface IQueryModelFacts
{
    /// <summary>
    /// The model itself and every model that extends it, directly or indirectly, among the instance's models.
    /// A model the instance does not have yields just its own id (it matches no twin).
    /// </summary>
    IReadOnlyList<string> ModelAndDescendants(string modelId);
}

/// <summary>Limits on a query's shape, ADT's by default (<c>adt-facts.md</c> §7.6). Immutable.</summary>
public sealed record QueryLimits
{
    /// <summary>ADT's defaults.</summary>
    public static QueryLimits Default { get; } = new();

    /// <summary>Most AND and OR operators in one query.</summary>
    public int MaxLogicalOperators { get; init; } = 50;

    /// <summary>Most values in one IN or NIN list.</summary>
    public int MaxInItems { get; init; } = 100;

    /// <summary>Most JOINs.</summary>
    public int MaxJoins { get; init; } = 5;

    /// <summary>Most hops of one MATCH, all edges together.</summary>
    public int MaxHops { get; init; } = 10;

    /// <summary>
    /// Whether ORDER BY is accepted. ADT has no ORDER BY; Doppel offers it only when the server is started with
    /// <c>--query-order-by</c>.
    /// </summary>
    public bool AllowOrderBy { get; init; }
}

/// <summary>The outcome of binding: the bound query, or the first semantic error.</summary>
public sealed record QueryBindResult(BoundQuery? Query, Diagnostic? Error)
{
    /// <summary>True when the query bound.</summary>
    public bool Succeeded => Query is not null;
}

/// <summary>
/// Resolves a parsed query: aliases to collections, paths to stored columns or document members, function calls
/// to conditions (model facts through <see cref="IQueryModelFacts"/>), and checks the limits. The meaning of each
/// construct is docs/query-semantics.md. Thread-safe and stateless.
/// </summary>
public sealed class QueryBinder(QueryLimits? limits = null)
{
    /// <summary>The limits this binder applies.</summary>
    public QueryLimits Limits { get; } = limits ?? QueryLimits.Default;

    /// <summary>Binds <paramref name="query"/>; never throws for a bad query.</summary>
    public QueryBindResult Bind(QueryStatement query, IQueryModelFacts models)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(models);
        try
        {
            return new QueryBindResult(new Scope(Limits, models).Bind(query), null);
        }
        catch (QueryBindException error)
        {
            return new QueryBindResult(null, error.Diagnostic);
        }
    }

    /// <summary>The collections and rules of one query being bound.</summary>
    private sealed class Scope(QueryLimits limits, IQueryModelFacts models)
    {
        private readonly List<BoundSource> collections = [];
        private readonly Dictionary<string, BoundSource> byAlias = new(StringComparer.Ordinal);
        private int logicalOperators;

        public BoundQuery Bind(QueryStatement query)
        {
            if (query.OrderBy.Count > 0 && !limits.AllowOrderBy)
            {
                throw Error(QueryErrors.NotSupported, "ORDER BY is not part of the Azure Digital Twins query language.", "Remove ORDER BY and sort the results in the client (or start Doppel with --query-order-by).");
            }

            var from = BindFrom(query);
            var joins = BindJoins(query, from);
            var match = query.Match is null ? null : BindMatch(query, from);
            var where = query.Where is null ? null : Condition(query.Where);
            var (shape, document, projections) = BindSelect(query.Select, joins.Count > 0 || match is not null);
            if (query.Select.Top is < 0)
            {
                throw Error(QueryErrors.InvalidOperand, "TOP needs a number of items of 0 or more.", "Write TOP(n) with n ≥ 0.");
            }

            var orderBy = query.OrderBy.Select(OrderKey).ToList();
            if (orderBy.Count > 0 && shape == SelectShape.Count)
            {
                throw Error(QueryErrors.NotSupported, "ORDER BY cannot be used with COUNT().", "Remove ORDER BY.");
            }

            return new BoundQuery(collections, joins, match, where, shape, document, projections, query.Select.Top) { OrderBy = orderBy };
        }

        private BoundOrder OrderKey(OrderItem item)
        {
            var value = Value(item.Value);
            return value is CollectionValue or LiteralValue
                ? throw Error(QueryErrors.InvalidOperand, "ORDER BY takes properties, not whole collections.", "Order by a property, e.g. ORDER BY T.name.")
                : new BoundOrder(value, item.Descending);
        }

        private BoundSource? BindFrom(QueryStatement query)
        {
            var kind = query.From.Source == QuerySource.DigitalTwins ? CollectionKind.Twin : CollectionKind.Relationship;
            if (query.Match is not null)
            {
                if (kind == CollectionKind.Relationship)
                {
                    throw Error(QueryErrors.NotSupported, "MATCH needs FROM DIGITALTWINS.", "Write FROM DIGITALTWINS MATCH (...).");
                }

                // The MATCH nodes are the twin collections; a FROM alias must be one of them.
                if (query.From.Alias is { } alias && !query.Match.Nodes.Any(n => n.Alias == alias))
                {
                    throw Error(QueryErrors.UnknownName, $"The FROM alias '{alias}' is not a twin of the MATCH pattern.", "Leave the FROM collection without an alias when you use MATCH.");
                }

                return null;
            }

            return Add(query.From.Alias ?? (kind == CollectionKind.Twin ? "DIGITALTWINS" : "RELATIONSHIPS"), kind, hidden: query.From.Alias is null);
        }

        private List<BoundJoin> BindJoins(QueryStatement query, BoundSource? from)
        {
            if (query.Joins.Count == 0)
            {
                return [];
            }

            if (query.Joins.Count > limits.MaxJoins)
            {
                throw Error(QueryErrors.LimitExceeded, $"The query has {query.Joins.Count} JOINs; at most {limits.MaxJoins} are allowed.", "Use fewer JOINs.");
            }

            if (from is null || from.Kind == CollectionKind.Relationship)
            {
                throw Error(QueryErrors.NotSupported, "JOIN needs FROM DIGITALTWINS with an alias and no MATCH.", "Write FROM DIGITALTWINS T JOIN X RELATED T.relationship.");
            }

            var joins = new List<BoundJoin>();
            foreach (var join in query.Joins)
            {
                if (!byAlias.TryGetValue(join.Source, out var source) || source.Kind != CollectionKind.Twin || source.Hidden)
                {
                    throw Error(QueryErrors.UnknownName, $"'{join.Source}' in 'RELATED {join.Source}.{join.Relationship}' is not the alias of a twin collection before it.", "Name the FROM collection or an earlier JOIN's twins.");
                }

                var target = Add(join.Target, CollectionKind.Twin, hidden: false);
                var relationship = Add(join.RelationshipAlias ?? $"#r{collections.Count}", CollectionKind.Relationship, hidden: join.RelationshipAlias is null);
                joins.Add(new BoundJoin(target, source, join.Relationship, relationship));
            }

            return joins;
        }

        private BoundMatch BindMatch(QueryStatement query, BoundSource? from)
        {
            var match = query.Match!;
            if (query.Joins.Count > 0 || from is not null)
            {
                throw Error(QueryErrors.NotSupported, "A query has either JOINs or a MATCH, not both.", "Express the JOINs as MATCH relationship conditions.");
            }

            var nodes = new List<BoundSource>();
            var edges = new List<BoundEdge>();
            var hops = 0;
            for (var i = 0; i < match.Nodes.Count; i++)
            {
                nodes.Add(Add(match.Nodes[i].Alias, CollectionKind.Twin, hidden: false));
                if (i < match.Edges.Count)
                {
                    var edge = BindEdge(match.Edges[i]);
                    hops += edge.MaxHops;
                    edges.Add(edge);
                }
            }

            if (hops > limits.MaxHops)
            {
                throw Error(QueryErrors.LimitExceeded, $"The MATCH pattern spans up to {hops} hops; at most {limits.MaxHops} are allowed.", "Use fewer or shorter relationship conditions.");
            }

            return new BoundMatch(nodes, edges);
        }

        private BoundEdge BindEdge(MatchEdge edge)
        {
            // [*k] is exactly k hops, [*m..k] more than m and at most k (ADT's start is exclusive), [*..k] 1 to k.
            int min, max;
            if (edge.MaxHops is null)
            {
                (min, max) = (1, 1);
            }
            else if (edge.MinHops is null)
            {
                (min, max) = (1, edge.MaxHops.Value);
            }
            else if (edge.MinHops == edge.MaxHops)
            {
                (min, max) = (edge.MinHops.Value, edge.MaxHops.Value);
            }
            else
            {
                (min, max) = (edge.MinHops.Value + 1, edge.MaxHops.Value);
            }

            if (max < 1 || min > max)
            {
                throw Error(QueryErrors.InvalidOperand, $"The hop range of '{Describe(edge)}' is empty.", "Write [*k], [*m..k] with m < k, or [*..k], with k ≥ 1.");
            }

            BoundSource? relationship = null;
            if (min == 1 && max == 1)
            {
                relationship = Add(edge.Alias ?? $"#r{collections.Count}", CollectionKind.Relationship, hidden: edge.Alias is null);
            }
            else if (edge.Alias is not null)
            {
                throw Error(QueryErrors.NotSupported, $"The relationship alias '{edge.Alias}' names a condition of more than one hop.", "Give aliases only to single-hop relationship conditions.");
            }

            return new BoundEdge(edge.Direction, relationship, edge.Names, min, max);
        }

        private static string Describe(MatchEdge edge) => edge.ToSExpression();

        private (SelectShape Shape, BoundSource? Document, List<BoundProjection> Projections) BindSelect(SelectClause select, bool related)
        {
            if (select.Count)
            {
                return (SelectShape.Count, null, []);
            }

            if (select.Star)
            {
                if (related)
                {
                    throw Error(QueryErrors.NotSupported, "SELECT * cannot be used with JOIN or MATCH.", "Name the collections to return, e.g. SELECT T, CT.");
                }

                return (SelectShape.Document, collections[0], []);
            }

            var projections = new List<BoundProjection>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in select.Items)
            {
                var value = Value(item.Value);
                var name = item.Alias ?? Name(item.Value, value);
                if (!names.Add(name))
                {
                    throw Error(QueryErrors.DuplicateAlias, $"Two projections are named '{name}'.", "Give one of them another name with AS.");
                }

                projections.Add(new BoundProjection(name, value));
            }

            // One whole collection without AS: each row is its document (ADT's result shape for SELECT T).
            if (projections.Count == 1 && projections[0].Value is CollectionValue only && select.Items[0].Alias is null)
            {
                return (SelectShape.Document, only.Collection, []);
            }

            return (SelectShape.Object, null, projections);
        }

        private static string Name(Expression expression, BoundValue value) => value switch
        {
            CollectionValue c => c.Collection.Alias,
            _ => ((PropertyPath)expression).Segments[^1],
        };

        private BoundSource Add(string alias, CollectionKind kind, bool hidden)
        {
            if (byAlias.ContainsKey(alias))
            {
                throw Error(QueryErrors.DuplicateAlias, $"The alias '{alias}' is used twice.", "Give each collection its own alias.");
            }

            var collection = new BoundSource(alias, kind, collections.Count, hidden);
            collections.Add(collection);
            byAlias[alias] = collection;
            return collection;
        }

        private BoundCondition Condition(Expression expression)
        {
            switch (expression)
            {
                case BinaryExpression { Operator: "AND" or "OR" } logical:
                    if (++logicalOperators > limits.MaxLogicalOperators)
                    {
                        throw Error(QueryErrors.LimitExceeded, $"The query has more than {limits.MaxLogicalOperators} AND/OR operators.", "Simplify the condition, e.g. with IN.");
                    }

                    var left = Condition(logical.Left);
                    var right = Condition(logical.Right);
                    return logical.Operator == "AND" ? new AndCondition(left, right) : new OrCondition(left, right);
                case BinaryExpression comparison:
                    return Compare(comparison.Operator == "<>" ? "!=" : comparison.Operator, Operand(comparison.Left), Operand(comparison.Right));
                case NotExpression not:
                    return Negate(Condition(not.Operand));
                case InExpression @in:
                    var inCondition = In(Operand(@in.Value), @in.List);
                    return @in.Negated ? Negate(inCondition) : inCondition;
                case FunctionCall call:
                    return Function(call);
                case Literal literal:
                    return new ConstantCondition(literal.Value is bool b ? b : null);
                case PropertyPath path:
                    var value = Value(path);
                    return value is CollectionValue
                        ? throw Error(QueryErrors.InvalidOperand, $"The collection '{path.Segments[0]}' is not a condition.", "Compare one of its properties.")
                        : new TruthCondition(value);
                default:
                    throw Error(QueryErrors.InvalidOperand, "A list is not a condition.", "Use a list only after IN or NIN.");
            }
        }

        private static BoundCondition Negate(BoundCondition condition) =>
            condition is ConstantCondition constant ? new ConstantCondition(!constant.Value) : new NotCondition(condition);

        private BoundValue Operand(Expression expression) => expression switch
        {
            Literal literal => new LiteralValue(literal.Value),
            PropertyPath path => Value(path),
            ArrayLiteral => throw Error(QueryErrors.InvalidOperand, "A list can only follow IN or NIN.", "Compare with one value, or use IN [...]."),
            FunctionCall call => throw Error(QueryErrors.InvalidOperand, $"{call.Name}(...) is a condition, not a value to compare.", $"Use {call.Name}(...) on its own, or with NOT."),
            _ => throw Error(QueryErrors.InvalidOperand, "A condition cannot be compared.", "Compare a property with a value."),
        };

        private static BoundCondition Compare(string op, BoundValue left, BoundValue right)
        {
            if (left is CollectionValue || right is CollectionValue)
            {
                throw Error(QueryErrors.InvalidOperand, "A whole twin or relationship cannot be compared.", "Compare one of its properties, e.g. T.$dtId.");
            }

            if (left is LiteralValue a && right is LiteralValue b)
            {
                return new ConstantCondition(LiteralComparison.Compare(op, a.Value, b.Value));
            }

            return new CompareCondition(op, left, right);
        }

        private BoundCondition In(BoundValue value, ArrayLiteral list)
        {
            if (list.Items.Count > limits.MaxInItems)
            {
                throw Error(QueryErrors.LimitExceeded, $"The list has {list.Items.Count} values; at most {limits.MaxInItems} are allowed.", "Split the condition.");
            }

            if (value is CollectionValue)
            {
                throw Error(QueryErrors.InvalidOperand, "A whole twin or relationship cannot be compared.", "Compare one of its properties, e.g. T.$dtId.");
            }

            var items = list.Items.Select(i => new LiteralValue(((Literal)i).Value)).ToList();
            if (value is LiteralValue literal)
            {
                bool? result = false;
                foreach (var item in items)
                {
                    result = Or(result, LiteralComparison.Compare("=", literal.Value, item.Value));
                }

                return new ConstantCondition(result);
            }

            return new InCondition(value, items);
        }

        private static bool? Or(bool? a, bool? b) => a == true || b == true ? true : a is null || b is null ? null : false;

        private BoundCondition Function(FunctionCall call)
        {
            var args = call.Arguments;
            switch (call.Name)
            {
                case "IS_DEFINED":
                    return new TypeCondition(Single(call), null);
                case "IS_NULL":
                    return new TypeCondition(Single(call), [JsonKind.Null]);
                case "IS_BOOL":
                    return new TypeCondition(Single(call), [JsonKind.Boolean]);
                case "IS_NUMBER":
                    return new TypeCondition(Single(call), [JsonKind.Number]);
                case "IS_STRING":
                    return new TypeCondition(Single(call), [JsonKind.String]);
                case "IS_OBJECT":
                    return new TypeCondition(Single(call), [JsonKind.Object]);
                case "IS_PRIMITIVE":
                    return new TypeCondition(Single(call), [JsonKind.String, JsonKind.Number, JsonKind.Boolean, JsonKind.Null]);
                case "STARTSWITH" or "STARTS_WITH":
                    return StringTest(call, StringFunction.StartsWith);
                case "ENDSWITH" or "ENDS_WITH":
                    return StringTest(call, StringFunction.EndsWith);
                case "CONTAINS":
                    return StringTest(call, StringFunction.Contains);
                case "ARRAY_CONTAINS":
                    if (args.Count != 2 || args[1] is not Literal { Value: not null } item)
                    {
                        throw BadCall(call, "ARRAY_CONTAINS(array, value) with a string, number or boolean value");
                    }

                    return new ArrayContainsCondition(Operand(args[0]), new LiteralValue(item.Value));
                case "IS_OF_MODEL":
                    return IsOfModel(call);
                default:
                    throw Error(QueryErrors.InvalidFunction, $"'{call.Name}' is not a function of the query language.", "See the function list in the query language reference.");
            }
        }

        private BoundValue Single(FunctionCall call) =>
            call.Arguments.Count == 1 ? Operand(call.Arguments[0]) : throw BadCall(call, $"{call.Name}(value)");

        private StringCondition StringTest(FunctionCall call, StringFunction function)
        {
            if (call.Arguments.Count != 2)
            {
                throw BadCall(call, $"{call.Name}(string, string)");
            }

            var value = Operand(call.Arguments[0]);
            var argument = Operand(call.Arguments[1]);
            if (value is CollectionValue || argument is CollectionValue)
            {
                throw BadCall(call, $"{call.Name}(string, string) on properties, not whole collections");
            }

            return new StringCondition(function, value, argument);
        }

        private ModelCondition IsOfModel(FunctionCall call)
        {
            var args = call.Arguments.ToList();
            var exact = false;
            if (args.Count > 0 && args[^1] is PropertyPath { Segments: [var word] } && string.Equals(word, "exact", StringComparison.OrdinalIgnoreCase))
            {
                exact = true;
                args.RemoveAt(args.Count - 1);
            }

            BoundSource collection;
            if (args.Count == 2 && args[0] is PropertyPath { Segments: [var alias] } && byAlias.TryGetValue(alias, out var named) && !named.Hidden)
            {
                collection = named;
                args.RemoveAt(0);
            }
            else if (args.Count == 1 && collections.Count == 1)
            {
                collection = collections[0];
            }
            else
            {
                throw BadCall(call, "IS_OF_MODEL([twinAlias,] 'dtmi' [, exact]); the alias is needed when the query has more than one collection");
            }

            if (args is not [Literal { Value: string model }])
            {
                throw BadCall(call, "IS_OF_MODEL([twinAlias,] 'dtmi' [, exact]) with the model id as a string");
            }

            if (collection.Kind != CollectionKind.Twin)
            {
                throw Error(QueryErrors.InvalidFunction, $"IS_OF_MODEL needs a twin collection; '{collection.Alias}' holds relationships.", "Pass the alias of a twin collection.");
            }

            return new ModelCondition(collection, exact ? [model] : models.ModelAndDescendants(model));
        }

        private static QueryBindException BadCall(FunctionCall call, string expected) =>
            Error(QueryErrors.InvalidFunction, $"{call.Name} was called with {call.Arguments.Count} argument(s) that do not fit; expected {expected}.", "Correct the call.");

        /// <summary>Resolves a path: an alias, a stored column, or a member of a collection's document.</summary>
        private BoundValue Value(Expression expression)
        {
            if (expression is not PropertyPath path)
            {
                return Operand(expression);
            }

            var segments = path.Segments;
            BoundSource collection;
            int start;
            if (byAlias.TryGetValue(segments[0], out var named) && !named.Hidden)
            {
                (collection, start) = (named, 1);
            }
            else if (collections.Count == 1)
            {
                // One collection: a path may start at its members (WHERE name = 'x').
                (collection, start) = (collections[0], 0);
            }
            else
            {
                throw Error(QueryErrors.UnknownName, $"'{segments[0]}' is not a collection of this query.", $"Start the path with one of: {string.Join(", ", collections.Where(c => !c.Hidden).Select(c => c.Alias))}.");
            }

            var rest = segments.Skip(start).ToList();
            if (rest.Count == 0)
            {
                return new CollectionValue(collection);
            }

            return Column(collection.Kind, rest) is { } column ? new ColumnValue(collection, column) : new DocumentValue(collection, rest);
        }

        private static SystemColumn? Column(CollectionKind kind, List<string> path) => (kind, path) switch
        {
            (CollectionKind.Twin, ["$dtId"]) => SystemColumn.Id,
            (CollectionKind.Twin, ["$etag"]) => SystemColumn.ETag,
            (CollectionKind.Twin, ["$metadata", "$model"]) => SystemColumn.ModelId,
            (CollectionKind.Relationship, ["$relationshipId"]) => SystemColumn.Id,
            (CollectionKind.Relationship, ["$etag"]) => SystemColumn.ETag,
            (CollectionKind.Relationship, ["$sourceId"]) => SystemColumn.SourceId,
            (CollectionKind.Relationship, ["$targetId"]) => SystemColumn.TargetId,
            (CollectionKind.Relationship, ["$relationshipName"]) => SystemColumn.Name,
            _ => null,
        };

        private static QueryBindException Error(string code, string cause, string action) =>
            new(QueryErrors.Semantic(code, cause, action));
    }
}

/// <summary>Comparisons of two literals, by docs/query-semantics.md; used to fold constant conditions.</summary>
public static class LiteralComparison
{
    /// <summary>The outcome of <c>a op b</c>: true, false or undefined (null).</summary>
    public static bool? Compare(string op, object? a, object? b)
    {
        ArgumentNullException.ThrowIfNull(op);
        int order;
        switch (a, b)
        {
            case (null, null):
                return op is "=" or "<=" or ">=";
            case (string x, string y):
                order = CodePoints.Compare(x, y);
                break;
            case (bool x, bool y):
                order = x.CompareTo(y);
                break;
            case (long or double, long or double):
                order = a is long la && b is long lb ? la.CompareTo(lb) : Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                return null;
        }

        return op switch
        {
            "=" => order == 0,
            "!=" => order != 0,
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            ">=" => order >= 0,
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not a comparison operator."),
        };
    }
}

/// <summary>String order by Unicode code point, as SQLite (UTF-8 bytes) and PostgreSQL (C collation) order text.</summary>
public static class CodePoints
{
    /// <summary>Compares by code point; differs from ordinal UTF-16 order only around surrogate pairs.</summary>
    public static int Compare(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            var (x, y) = (a[i], b[i]);
            if (x != y)
            {
                // A surrogate (U+D800-U+DFFF) stands for a code point above U+FFFF, so it sorts after U+E000-U+FFFF.
                return Rank(x).CompareTo(Rank(y));
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    private static int Rank(char c) => char.IsSurrogate(c) ? c + 0x10000 : c;
}

/// <summary>Raised inside the binder to stop at the first semantic error; never escapes <see cref="QueryBinder.Bind"/>.</summary>
internal sealed class QueryBindException(Diagnostic diagnostic) : Exception(diagnostic.Message)
{
    public Diagnostic Diagnostic { get; } = diagnostic;
}
