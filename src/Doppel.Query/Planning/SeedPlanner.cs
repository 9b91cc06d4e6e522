using Doppel.Query.Binding;

namespace Doppel.Query.Planning;

/// <summary>
/// How a MATCH pattern is walked. A variable-length edge becomes a traversal that must start from a set of twins;
/// walking from every twin of the instance is correct but slow, so each traversal starts from the side of the
/// pattern the WHERE clause narrows: the conditions that read only one node's twin are that node's
/// <see cref="SeedPlan.Conditions"/>, and an edge walks forward (left to right) when a node at or before it has
/// some, backward when only nodes after it do. The WHERE clause is still applied in full to the joined rows;
/// seeds only prune.
/// </summary>
public static class SeedPlanner
{
    /// <summary>Plans <paramref name="match"/> under the WHERE condition <paramref name="where"/>.</summary>
    public static SeedPlan Plan(BoundMatch match, BoundCondition? where)
    {
        ArgumentNullException.ThrowIfNull(match);
        var conjuncts = new List<BoundCondition>();
        Split(where, conjuncts);
        var perNode = match.Nodes
            .Select(node => (IReadOnlyList<BoundCondition>)[.. conjuncts.Where(c => ReadsOnly(c, node))])
            .ToList();

        var forward = new bool[match.Edges.Count];
        for (var i = 0; i < match.Edges.Count; i++)
        {
            var narrowedBefore = perNode.Take(i + 1).Any(c => c.Count > 0);
            var narrowedAfter = perNode.Skip(i + 1).Any(c => c.Count > 0);
            forward[i] = narrowedBefore || !narrowedAfter;
        }

        return new SeedPlan(perNode, forward);
    }

    /// <summary>The top-level AND operands of a condition.</summary>
    public static void Split(BoundCondition? condition, List<BoundCondition> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (condition is AndCondition and)
        {
            Split(and.Left, into);
            Split(and.Right, into);
        }
        else if (condition is not null)
        {
            into.Add(condition);
        }
    }

    /// <summary>True when the condition reads the collection <paramref name="source"/> and no other.</summary>
    private static bool ReadsOnly(BoundCondition condition, BoundSource source)
    {
        var read = new HashSet<BoundSource>();
        Sources(condition, read);
        return read.Count == 1 && read.Contains(source);
    }

    /// <summary>
    /// Adds the collections <paramref name="condition"/> reads to <paramref name="read"/>. An unknown condition
    /// throws rather than reading nothing: the SQL compiler leaves out the twins no condition reads.
    /// </summary>
    public static void Sources(BoundCondition condition, HashSet<BoundSource> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        switch (condition)
        {
            case AndCondition a:
                Sources(a.Left, read);
                Sources(a.Right, read);
                break;
            case OrCondition o:
                Sources(o.Left, read);
                Sources(o.Right, read);
                break;
            case NotCondition n:
                Sources(n.Operand, read);
                break;
            case CompareCondition c:
                Add(c.Left, read);
                Add(c.Right, read);
                break;
            case InCondition i:
                Add(i.Value, read);
                break;
            case TypeCondition t:
                Add(t.Value, read);
                break;
            case ModelCondition m:
                read.Add(m.Collection);
                break;
            case StringCondition s:
                Add(s.Value, read);
                Add(s.Argument, read);
                break;
            case ArrayContainsCondition a:
                Add(a.Array, read);
                break;
            case TruthCondition t:
                Add(t.Value, read);
                break;
            case ConstantCondition:
                break;
            default:
                throw new InvalidOperationException($"Unknown condition {condition?.GetType().Name}.");
        }
    }

    /// <summary>Adds the collection <paramref name="value"/> reads, if any, to <paramref name="read"/>.</summary>
    public static void Add(BoundValue value, HashSet<BoundSource> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        switch (value)
        {
            case ColumnValue c:
                read.Add(c.Collection);
                break;
            case DocumentValue d:
                read.Add(d.Collection);
                break;
            case CollectionValue c:
                read.Add(c.Collection);
                break;
            case LiteralValue:
                break;
            default:
                throw new InvalidOperationException($"Unknown value {value?.GetType().Name}.");
        }
    }
}

/// <summary>The plan of a MATCH: each node's own conditions and which way each edge is walked.</summary>
/// <param name="Conditions">For each node, the WHERE conjuncts that read only its twin.</param>
/// <param name="Forward">For each edge, true to walk it from its left node, false from its right node.</param>
public sealed record SeedPlan(IReadOnlyList<IReadOnlyList<BoundCondition>> Conditions, IReadOnlyList<bool> Forward);
