using System.Text.Json;

namespace Doppel.Query.Differential.Oracle;

/// <summary>A twin or relationship as the oracle holds it: its JSON document and the key rows are ordered by.</summary>
public sealed record OracleEntity(bool IsRelationship, string Key, JsonElement Document)
{
    /// <summary>The twin's <c>$dtId</c>, or the relationship's <c>$sourceId</c>.</summary>
    public string Id => IsRelationship ? Text("$sourceId") : Text("$dtId");

    /// <summary>The relationship's <c>$targetId</c>.</summary>
    public string TargetId => Text("$targetId");

    /// <summary>The relationship's <c>$relationshipName</c>.</summary>
    public string Name => Text("$relationshipName");

    /// <summary>The twin's <c>$metadata.$model</c>.</summary>
    public string ModelId => Document.GetProperty("$metadata").GetProperty("$model").GetString()!;

    private string Text(string name) => Document.GetProperty(name).GetString()!;
}

/// <summary>
/// The graph the oracle queries, held in memory: twin documents and relationship documents exactly as the data
/// plane stores them, and each model's direct <c>extends</c>.
/// </summary>
public sealed class OracleGraph
{
    private readonly Dictionary<string, IReadOnlyList<string>> _extends;
    private readonly Dictionary<string, List<OracleEntity>> _outgoing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<OracleEntity>> _incoming = new(StringComparer.Ordinal);

    /// <summary>Builds the graph from JSON texts.</summary>
    /// <param name="twins">Twin documents: <c>{"$dtId","$etag","$metadata":{"$model",...},...}</c>.</param>
    /// <param name="relationships">Relationship documents: <c>{"$relationshipId","$sourceId","$relationshipName","$targetId",...}</c>.</param>
    /// <param name="extends">Each model's directly extended models; a model missing here extends nothing.</param>
    public OracleGraph(IEnumerable<string> twins, IEnumerable<string> relationships, IReadOnlyDictionary<string, IReadOnlyList<string>> extends)
    {
        Twins = [.. twins.Select(t => Parse(false, t)).OrderBy(t => t.Key, StringComparer.Ordinal)];
        TwinsById = Twins.ToDictionary(t => t.Key, StringComparer.Ordinal);
        Relationships = [.. relationships.Select(r => Parse(true, r))
            .OrderBy(r => r.Id, StringComparer.Ordinal).ThenBy(r => r.Key, StringComparer.Ordinal)];
        foreach (var relationship in Relationships)
        {
            Add(_outgoing, relationship.Id, relationship);
            Add(_incoming, relationship.TargetId, relationship);
        }

        _extends = new Dictionary<string, IReadOnlyList<string>>(extends, StringComparer.Ordinal);
    }

    /// <summary>Every twin, ordered by id.</summary>
    public IReadOnlyList<OracleEntity> Twins { get; }

    /// <summary>Twins by id.</summary>
    public IReadOnlyDictionary<string, OracleEntity> TwinsById { get; }

    /// <summary>Every relationship, ordered by source id then relationship id.</summary>
    public IReadOnlyList<OracleEntity> Relationships { get; }

    /// <summary>The relationships whose source is <paramref name="twinId"/>.</summary>
    public IReadOnlyList<OracleEntity> Outgoing(string twinId) => _outgoing.TryGetValue(twinId, out var list) ? list : [];

    /// <summary>The relationships whose target is <paramref name="twinId"/>.</summary>
    public IReadOnlyList<OracleEntity> Incoming(string twinId) => _incoming.TryGetValue(twinId, out var list) ? list : [];

    /// <summary>
    /// True when <paramref name="modelId"/> is <paramref name="dtmi"/>, or (unless <paramref name="exact"/>) extends it
    /// directly or through other models.
    /// </summary>
    public bool IsOfModel(string modelId, string dtmi, bool exact)
    {
        if (modelId == dtmi)
        {
            return true;
        }

        if (exact)
        {
            return false;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal) { modelId };
        var pending = new Stack<string>();
        pending.Push(modelId);
        while (pending.Count > 0)
        {
            if (!_extends.TryGetValue(pending.Pop(), out var bases))
            {
                continue;
            }

            foreach (var parent in bases)
            {
                if (parent == dtmi)
                {
                    return true;
                }

                if (seen.Add(parent))
                {
                    pending.Push(parent);
                }
            }
        }

        return false;
    }

    private static OracleEntity Parse(bool isRelationship, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.Clone();
        var key = isRelationship ? root.GetProperty("$relationshipId").GetString()! : root.GetProperty("$dtId").GetString()!;
        return new OracleEntity(isRelationship, key, root);
    }

    private static void Add(Dictionary<string, List<OracleEntity>> index, string key, OracleEntity entity)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(entity);
    }
}
