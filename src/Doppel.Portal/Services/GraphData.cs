using System.Text.Json.Nodes;

namespace Doppel.Portal.Services;

/// <summary>A node of the graph view: a twin (or a model) and the group that colours it (its model).</summary>
public sealed record GraphNode(string Id, string Group);

/// <summary>An edge of the graph view: a relationship (or extends / a relationship target between models).</summary>
public sealed record GraphEdge(string Source, string Target, string Name);

/// <summary>
/// The graph view's data in the compact shape graph.js takes: ids, a colour index per node, and edges as flat index
/// pairs — a few hundred kilobytes for 5,000 twins instead of 5,000 objects through the circuit.
/// </summary>
public sealed record GraphPayload(string[] Ids, int[] Groups, int[] Edges)
{
    /// <summary>Packs nodes and edges; edges whose ends are not among the nodes are left out.</summary>
    public static GraphPayload From(IReadOnlyList<GraphNode> nodes, IReadOnlyList<GraphEdge> edges)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(edges);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var groups = new Dictionary<string, int>(StringComparer.Ordinal);
        var ids = new List<string>(nodes.Count);
        var colour = new List<int>(nodes.Count);
        foreach (var node in nodes)
        {
            if (index.TryAdd(node.Id, ids.Count))
            {
                ids.Add(node.Id);
                colour.Add(groups.TryGetValue(node.Group, out var g) ? g : groups[node.Group] = groups.Count);
            }
        }

        var pairs = new List<int>(edges.Count * 2);
        foreach (var edge in edges)
        {
            if (index.TryGetValue(edge.Source, out var s) && index.TryGetValue(edge.Target, out var t))
            {
                pairs.Add(s);
                pairs.Add(t);
            }
        }

        return new GraphPayload([.. ids], [.. colour], [.. pairs]);
    }
}

/// <summary>Finds the twins and relationships in query rows, for the graph view.</summary>
public sealed class GraphBuilder
{
    private readonly Dictionary<string, GraphNode> nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GraphEdge> edges = new(StringComparer.Ordinal);

    /// <summary>The twins found so far (and the ends of relationships whose twins were not in the rows).</summary>
    public IReadOnlyList<GraphNode> Nodes => [.. nodes.Values];

    /// <summary>The relationships found so far.</summary>
    public IReadOnlyList<GraphEdge> Edges => [.. edges.Values];

    /// <summary>The number of twins found.</summary>
    public int NodeCount => nodes.Count;

    /// <summary>The number of relationships found.</summary>
    public int EdgeCount => edges.Count;

    /// <summary>
    /// Adds rows: a row is a twin, a relationship, or a projection whose columns are twins and relationships
    /// (<c>SELECT T, R FROM ... JOIN</c>).
    /// </summary>
    public void Add(IEnumerable<JsonNode?> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows.OfType<JsonObject>())
        {
            if (!AddItem(row))
            {
                foreach (var (_, column) in row)
                {
                    if (column is JsonObject item)
                    {
                        AddItem(item);
                    }
                }
            }
        }
    }

    private bool AddItem(JsonObject item)
    {
        if ((string?)item["$dtId"] is { } id)
        {
            // A twin seen as a relationship's end first gets its model now.
            nodes[id] = new GraphNode(id, (string?)item["$metadata"]?["$model"] ?? "");
            return true;
        }

        if ((string?)item["$sourceId"] is { } source && (string?)item["$targetId"] is { } target)
        {
            var name = (string?)item["$relationshipName"] ?? "";
            edges[(string?)item["$relationshipId"] is { } relId ? source + "\n" + relId : source + "\n" + target + "\n" + name] = new GraphEdge(source, target, name);
            nodes.TryAdd(source, new GraphNode(source, ""));
            nodes.TryAdd(target, new GraphNode(target, ""));
            return true;
        }

        return false;
    }
}
