using System.Collections.Frozen;
using System.Text.Json;
using Doppel.Dtdl.Elements;
using Doppel.Dtdl.Json;
using Doppel.Dtdl.Validation;

namespace Doppel.Dtdl.Resolution;

/// <summary>Builds the resolved object model of a valid upload, on top of the instance's stored models.</summary>
internal sealed class ModelResolver
{
    private readonly ElementIndex index;
    private readonly Dictionary<string, InterfaceInfo> interfaces;
    private readonly Dictionary<Element, SchemaInfo> schemas = [];

    private ModelResolver(ElementIndex index, ModelSet? stored)
    {
        this.index = index;
        interfaces = stored is null ? new(StringComparer.Ordinal) : new(stored.Interfaces, StringComparer.Ordinal);
    }

    public static ModelSet Resolve(ElementIndex index, ModelSet? stored)
    {
        var resolver = new ModelResolver(index, stored);
        var uploaded = new List<string>();
        var complexSchemas = new Dictionary<string, SchemaInfo>(StringComparer.Ordinal);
        foreach (var element in index.Elements)
        {
            if (element.Class == "Interface")
            {
                resolver.ResolveInterface(element);
                if (element.IsTopLevel)
                {
                    uploaded.Add(element.Id);
                }
            }
            else if (element.Class is "Array" or "Enum" or "Map" or "Object")
            {
                complexSchemas[element.Id] = resolver.ResolveSchema(element);
            }
        }

        return new ModelSet(resolver.interfaces.ToFrozenDictionary(StringComparer.Ordinal), uploaded, complexSchemas.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private InterfaceInfo ResolveInterface(Element element)
    {
        if (interfaces.TryGetValue(element.Id, out var known))
        {
            return known;
        }

        var parents = new List<InterfaceInfo>();
        foreach (var (child, reference) in element.ValuesOf("extends"))
        {
            var parent = child is not null ? ResolveInterface(child) : Lookup(reference!.Target);
            if (parent is not null)
            {
                parents.Add(parent);
            }
        }

        var contents = new Dictionary<string, ContentInfo>(StringComparer.Ordinal);
        foreach (var parent in parents)
        {
            foreach (var (name, content) in parent.Contents)
            {
                contents.TryAdd(name, content);
            }
        }

        foreach (var (content, reference) in element.ValuesOf("contents"))
        {
            var c = content ?? index.Find(reference!.Target).Element;
            if (c?.Name is { } name)
            {
                contents[name] = ResolveContent(c, element.Id);
            }
        }

        var ancestors = parents.SelectMany(p => p.Ancestors.Append(p.Id)).ToHashSet(StringComparer.Ordinal);
        var info = new InterfaceInfo(element.Id, element.Version, [.. parents.Select(p => p.Id)], ancestors,
            parents.Count == 0 ? 0 : parents.Max(p => p.ExtendsDepth) + 1, contents,
            LangString(element, "displayName"), LangString(element, "description"));
        interfaces[element.Id] = info;
        return info;
    }

    private InterfaceInfo? Lookup(string id)
    {
        if (interfaces.TryGetValue(id, out var info))
        {
            return info;
        }

        return index.Find(id).Element is { Class: "Interface" } element ? ResolveInterface(element) : null;
    }

    private ContentInfo ResolveContent(Element content, string definedIn)
    {
        var name = content.Name!;
        return content.Class switch
        {
            "Property" => ResolveProperty(content, definedIn),
            "Telemetry" => new TelemetryInfo(name, content.Id, definedIn, SchemaOf(content, "schema")),
            "Command" => new CommandInfo(name, content.Id, definedIn, Payload(content, "request"), Payload(content, "response")),
            "Component" => new ComponentInfo(name, content.Id, definedIn, Single(content, "schema")?.Id ?? content.References["schema"][0].Target),
            "Relationship" => new RelationshipInfo(name, content.Id, definedIn,
                content.Literals.TryGetValue("target", out var target) && target is JsonString t ? t.Value : null,
                Int(content, "minMultiplicity"), Int(content, "maxMultiplicity"),
                content.ValuesOf("properties").Select(v => v.Child ?? index.Find(v.Reference!.Target).Element).OfType<Element>()
                    .Where(p => p.Name is not null).ToDictionary(p => p.Name!, p => ResolveProperty(p, definedIn), StringComparer.Ordinal),
                Bool(content, "writable")),
            _ => throw new InvalidOperationException($"Unexpected content class {content.Class}."),
        };
    }

    private PropertyInfo ResolveProperty(Element property, string definedIn) =>
        new(property.Name!, property.Id, definedIn, SchemaOf(property, "schema"), Bool(property, "writable"));

    private CommandPayloadInfo? Payload(Element command, string property) =>
        Single(command, property) is { } payload ? new CommandPayloadInfo(payload.Name ?? property, SchemaOf(payload, "schema")) : null;

    private Element? Single(Element element, string property)
    {
        foreach (var (child, reference) in element.ValuesOf(property))
        {
            return child ?? index.Find(reference!.Target).Element;
        }

        return null;
    }

    private SchemaInfo SchemaOf(Element element, string property)
    {
        foreach (var (child, reference) in element.ValuesOf(property))
        {
            if (child is not null)
            {
                return ResolveSchema(child);
            }

            var target = index.Find(reference!.Target);
            return target.Element is { } referenced ? ResolveSchema(referenced) : StandardSchema(reference.Target) ?? UnknownSchema(reference.Target);
        }

        throw new InvalidOperationException($"Element {element.Id} has no {property}.");
    }

    internal SchemaInfo ResolveSchema(Element schema)
    {
        if (schemas.TryGetValue(schema, out var known))
        {
            return known;
        }

        SchemaInfo result = schema.Class switch
        {
            "Array" => new ArraySchema(schema.Id, SchemaOf(schema, "elementSchema")),
            "Map" => new MapSchema(schema.Id, Single(schema, "mapKey")?.Name ?? "key", Single(schema, "mapValue")?.Name ?? "value", SchemaOf(Single(schema, "mapValue")!, "schema")),
            "Object" => new ObjectSchema(schema.Id, schema.ValuesOf("fields").Select(v => v.Child ?? index.Find(v.Reference!.Target).Element).OfType<Element>()
                .Where(f => f.Name is not null).ToDictionary(f => f.Name!, f => SchemaOf(f, "schema"), StringComparer.Ordinal)),
            "Enum" => new EnumSchema(schema.Id,
                schema.References.TryGetValue("valueSchema", out var vs) && vs[0].Target.Contains(":integer;", StringComparison.Ordinal) ? PrimitiveKind.Integer : PrimitiveKind.String,
                schema.ValuesOf("enumValues").Select(v => v.Child ?? index.Find(v.Reference!.Target).Element).OfType<Element>()
                    .Where(e => e.Name is not null && e.Literals.ContainsKey("enumValue"))
                    .ToDictionary(e => e.Name!, e => ToJson(e.Literals["enumValue"]), StringComparer.Ordinal)),
            _ => StandardSchema(schema.Id) ?? UnknownSchema(schema.Id),
        };
        schemas[schema] = result;
        return result;
    }

    /// <summary>The language's own schema with this DTMI, or null when there is none.</summary>
    internal static PrimitiveSchema? StandardSchema(string id)
    {
        if (!id.StartsWith("dtmi:dtdl:instance:Schema:", StringComparison.Ordinal) && !id.StartsWith("dtmi:standard:schema:", StringComparison.Ordinal))
        {
            return null;
        }

        var name = Metamodel.DtmiNames.ShortName(id);
        return name switch
        {
            "boolean" => new PrimitiveSchema(id, PrimitiveKind.Boolean),
            "date" => new PrimitiveSchema(id, PrimitiveKind.Date),
            "dateTime" => new PrimitiveSchema(id, PrimitiveKind.DateTime),
            "double" => new PrimitiveSchema(id, PrimitiveKind.Double),
            "duration" => new PrimitiveSchema(id, PrimitiveKind.Duration),
            "float" => new PrimitiveSchema(id, PrimitiveKind.Float),
            "integer" => new PrimitiveSchema(id, PrimitiveKind.Integer),
            "long" => new PrimitiveSchema(id, PrimitiveKind.Long),
            "string" => new PrimitiveSchema(id, PrimitiveKind.String),
            "time" => new PrimitiveSchema(id, PrimitiveKind.Time),
            "point" or "lineString" or "polygon" or "multiPoint" or "multiLineString" or "multiPolygon"
                => new PrimitiveSchema(id, PrimitiveKind.Geospatial, char.ToUpperInvariant(name[0]) + name[1..]),
            _ => null,
        };
    }

    // A schema the parser accepted but Doppel has no value rules for (an extension's) takes any JSON value.
    private static PrimitiveSchema UnknownSchema(string id) => new(id, PrimitiveKind.Any);

    private static JsonElement ToJson(JsonNode node) => node switch
    {
        JsonString s => JsonSerializer.SerializeToElement(s.Value, ResolverJsonContext.Default.String),
        JsonNumber n => JsonDocument.Parse(n.Text).RootElement.Clone(),
        _ => JsonDocument.Parse(node.Describe()).RootElement.Clone(),
    };

    private static int? Int(Element element, string property) =>
        element.Literals.TryGetValue(property, out var node) && node is JsonNumber n && n.TryGetInt64(out var v) ? (int)v : null;

    private static bool Bool(Element element, string property) =>
        element.Literals.TryGetValue(property, out var node) && node.Kind == JsonKind.True;

    private static IReadOnlyDictionary<string, string> LangString(Element element, string property)
    {
        if (!element.Literals.TryGetValue(property, out var node))
        {
            return FrozenDictionary<string, string>.Empty;
        }

        return node switch
        {
            JsonString s => new Dictionary<string, string> { ["en"] = s.Value },
            JsonObject o => o.Members.Where(m => m.Value is JsonString).ToDictionary(m => m.Name, m => ((JsonString)m.Value).Value, StringComparer.OrdinalIgnoreCase),
            _ => FrozenDictionary<string, string>.Empty,
        };
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class ResolverJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
