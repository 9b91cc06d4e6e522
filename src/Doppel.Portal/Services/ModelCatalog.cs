using System.Text.Json.Nodes;

namespace Doppel.Portal.Services;

/// <summary>The kinds of input the twin form offers, one per DTDL primitive schema (complex schemas edit as JSON).</summary>
public enum FieldKind
{
    /// <summary>DTDL <c>string</c>.</summary>
    String,

    /// <summary>DTDL <c>integer</c> (32-bit).</summary>
    Integer,

    /// <summary>DTDL <c>long</c>.</summary>
    Long,

    /// <summary>DTDL <c>double</c> or <c>float</c>.</summary>
    Double,

    /// <summary>DTDL <c>boolean</c>.</summary>
    Boolean,

    /// <summary>DTDL <c>date</c> (yyyy-MM-dd).</summary>
    Date,

    /// <summary>DTDL <c>dateTime</c> (RFC 3339).</summary>
    DateTime,

    /// <summary>DTDL <c>time</c>.</summary>
    Time,

    /// <summary>DTDL <c>duration</c> (ISO 8601).</summary>
    Duration,

    /// <summary>A DTDL <c>Enum</c>: one of its values.</summary>
    Enum,

    /// <summary>Objects, maps, arrays and geospatial schemas: JSON text.</summary>
    Json,
}

/// <summary>A property of a model (own or inherited) as the twin form edits it.</summary>
/// <param name="Name">The property name.</param>
/// <param name="Kind">The input kind.</param>
/// <param name="Schema">The DTDL schema's name (for display), such as <c>integer</c> or <c>Object</c>.</param>
/// <param name="Writable">Whether the property is writable (DTDL's <c>writable</c>; ADT accepts writes either way).</param>
/// <param name="EnumValues">For an Enum: its values (the JSON to send) and display names.</param>
public sealed record PropertyField(string Name, FieldKind Kind, string Schema, bool Writable, IReadOnlyList<(JsonNode Value, string Label)> EnumValues);

/// <summary>A relationship a model declares (own or inherited).</summary>
/// <param name="Name">The relationship name.</param>
/// <param name="Target">The target model's DTMI, or null when any twin may be the target.</param>
public sealed record RelationshipField(string Name, string? Target);

/// <summary>
/// Reads the uploaded DTDL interfaces the explorer needs to build forms from: a model's properties and relationships
/// including those it inherits through <c>extends</c>. The server has already validated the models, so this reads
/// them leniently and never rejects one.
/// </summary>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, JsonObject> byId = new(StringComparer.Ordinal);

    /// <summary>Builds the catalogue of <paramref name="models"/>.</summary>
    public ModelCatalog(IEnumerable<ModelEntry> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        foreach (var model in models)
        {
            if (model.Definition is not null)
            {
                byId[model.Id] = model.Definition;
            }
        }
    }

    /// <summary>The DTMIs a model extends directly (inline interfaces by their own @id).</summary>
    public IReadOnlyList<string> Extends(string modelId) => byId.TryGetValue(modelId, out var model) ? Ids(model["extends"]) : [];

    /// <summary>The model and its ancestors, nearest first, each once.</summary>
    public IReadOnlyList<JsonObject> Lineage(string modelId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<JsonObject>();
        var queue = new Queue<JsonNode?>([JsonValue.Create(modelId)]);
        while (queue.TryDequeue(out var next))
        {
            // extends holds DTMIs, or interfaces written inline; inline ones are read where they stand.
            var model = next switch
            {
                JsonObject inline => inline,
                JsonValue value when value.TryGetValue<string>(out var id) && byId.TryGetValue(id, out var found) => found,
                _ => null,
            };
            if (model is null || !seen.Add((string?)model["@id"] ?? Guid.NewGuid().ToString()))
            {
                continue;
            }

            order.Add(model);
            foreach (var parent in Items(model["extends"]))
            {
                queue.Enqueue(parent);
            }
        }

        return order;
    }

    /// <summary>The properties of a model, its own first, then inherited ones.</summary>
    public IReadOnlyList<PropertyField> Properties(string modelId) =>
        [.. Contents(modelId, "Property").Select(p => Field((string?)p["name"] ?? "", p["schema"], (bool?)p["writable"] ?? false))
            .DistinctBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>The relationships of a model, its own first, then inherited ones.</summary>
    public IReadOnlyList<RelationshipField> Relationships(string modelId) =>
        [.. Contents(modelId, "Relationship").Select(r => new RelationshipField((string?)r["name"] ?? "", (string?)r["target"]))
            .DistinctBy(r => r.Name, StringComparer.Ordinal)];

    private IEnumerable<JsonObject> Contents(string modelId, string type) =>
        Lineage(modelId).SelectMany(m => Items(m["contents"]).OfType<JsonObject>()).Where(c => HasType(c, type));

    /// <summary>Whether an element's <c>@type</c> (a string or an array with semantic types) includes <paramref name="type"/>.</summary>
    private static bool HasType(JsonObject element, string type) =>
        Items(element["@type"]).Any(t => string.Equals((string?)t, type, StringComparison.Ordinal));

    private static PropertyField Field(string name, JsonNode? schema, bool writable)
    {
        if (schema is JsonObject complex)
        {
            var type = Items(complex["@type"]).Select(t => (string?)t).FirstOrDefault() ?? "Object";
            if (type == "Enum")
            {
                var values = Items(complex["enumValues"]).OfType<JsonObject>()
                    .Select(v => (v["enumValue"]?.DeepClone() ?? JsonValue.Create(""), DataPlaneApi.LanguageText(v["displayName"]) ?? (string?)v["name"] ?? v["enumValue"]?.ToJsonString() ?? ""))
                    .ToList();
                return new PropertyField(name, FieldKind.Enum, "Enum", writable, values);
            }

            return new PropertyField(name, FieldKind.Json, type, writable, []);
        }

        var primitive = (string?)schema ?? "string";
        var kind = primitive switch
        {
            "string" => FieldKind.String,
            "integer" => FieldKind.Integer,
            "long" => FieldKind.Long,
            "double" or "float" => FieldKind.Double,
            "boolean" => FieldKind.Boolean,
            "date" => FieldKind.Date,
            "dateTime" => FieldKind.DateTime,
            "time" => FieldKind.Time,
            "duration" => FieldKind.Duration,

            // Geospatial schemas (point, lineString, ...) and schema DTMIs defined elsewhere are JSON values.
            _ => FieldKind.Json,
        };
        return new PropertyField(name, kind, primitive, writable, []);
    }

    private static IReadOnlyList<string> Ids(JsonNode? node) =>
        [.. Items(node).Select(n => n switch
        {
            JsonObject inline => (string?)inline["@id"],
            JsonValue value when value.TryGetValue<string>(out var id) => id,
            _ => null,
        }).OfType<string>()];

    /// <summary>DTDL lets most members be one value or an array of them.</summary>
    private static JsonArray Items(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array,

        // A copy: a node can have one parent, and the caller only reads.
        _ => [node.DeepClone()],
    };
}
