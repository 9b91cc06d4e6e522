using System.Text;
using System.Text.Json;

namespace Doppel.LoadBench;

/// <summary>
/// An ontology as upload batches: every Interface after (or with) the Interfaces it extends or references (any DTMI in
/// its document that names another Interface of the set), cut into POST bodies of at most 250 models, ADT's limit.
/// </summary>
internal sealed class Ontology
{
    public const int MaxModelsPerUpload = 250;

    private Ontology(int interfaces, IReadOnlyList<string> batches)
    {
        Interfaces = interfaces;
        Batches = batches;
    }

    public int Interfaces { get; }

    /// <summary>The most models that reference each other in a cycle, and so must share one POST.</summary>
    public int LargestCycle { get; private init; }

    /// <summary>JSON array bodies for <c>POST /models</c>, in upload order.</summary>
    public IReadOnlyList<string> Batches { get; }

    public static Ontology Load(string directory)
    {
        var models = new Dictionary<string, (string Json, HashSet<string> Mentions)>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(file, Encoding.UTF8).TrimStart('\uFEFF');
            using var document = JsonDocument.Parse(text);
            var roots = document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray().ToList()
                : [document.RootElement];
            foreach (var root in roots)
            {
                var id = root.GetProperty("@id").GetString()!;
                var mentions = new HashSet<string>(StringComparer.Ordinal);
                Collect(root, mentions);
                models.Add(id, (root.GetRawText(), mentions));
            }
        }

        // Extends and component schemas never form cycles, but relationship targets do (an Asset is located in a
        // Space, a Space has Assets), and models that reference each other must arrive in the same POST. So:
        // strongly connected components (Tarjan), which come out dependencies first, packed whole into batches.
        var components = StronglyConnected(models.Keys.Order(StringComparer.Ordinal).ToList(), id => models[id].Mentions.Where(m => m != id && models.ContainsKey(m)).Order(StringComparer.Ordinal));
        var batches = new List<string>();
        var batch = new List<string>();
        foreach (var component in components)
        {
            if (component.Count > MaxModelsPerUpload)
            {
                throw new InvalidOperationException($"{component.Count} models reference each other in a cycle; more than one upload can take");
            }

            if (batch.Count + component.Count > MaxModelsPerUpload)
            {
                batches.Add(Body(batch));
                batch = [];
            }

            batch.AddRange(component);
        }

        if (batch.Count > 0)
        {
            batches.Add(Body(batch));
        }

        return new Ontology(models.Count, batches) { LargestCycle = components.Max(c => c.Count) };

        string Body(List<string> ids) => "[" + string.Join(",", ids.Select(id => models[id].Json)) + "]";
    }

    private static List<List<string>> StronglyConnected(List<string> nodes, Func<string, IEnumerable<string>> edges)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var result = new List<List<string>>();
        foreach (var node in nodes)
        {
            if (!index.ContainsKey(node))
            {
                Connect(node);
            }
        }

        return result;

        void Connect(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in edges(node))
            {
                if (!index.TryGetValue(next, out var nextIndex))
                {
                    Connect(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], nextIndex);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                result.Add(component);
            }
        }
    }

    private static void Collect(JsonElement element, HashSet<string> mentions)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Collect(property.Value, mentions);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, mentions);
                }

                break;
            case JsonValueKind.String when element.GetString() is { } text && text.StartsWith("dtmi:", StringComparison.Ordinal):
                mentions.Add(text);
                break;
            default:
                break;
        }
    }
}
