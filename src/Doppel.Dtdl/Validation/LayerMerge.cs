using Doppel.Dtdl.Elements;
using Doppel.Dtdl.Json;
using Doppel.Dtdl.Metamodel;

namespace Doppel.Dtdl.Validation;

/// <summary>
/// DTDLParser lets one element be written in several layers (a base definition and <c>…#layer</c> ones) and
/// merges them. DTDL v2 and v3 reject the layered identifier itself, but to name the same problems DTDLParser
/// names, the definitions are merged here: their values must agree, their types and parents must match, and the
/// merged element is what the other rules see.
/// </summary>
internal static class LayerMerge
{
    /// <summary>Merges <paramref name="layer"/> into <paramref name="target"/>; reports what cannot be merged.</summary>
    public static void Merge(Element target, Element layer, DiagnosticBag diagnostics)
    {
        if (target.Version != layer.Version)
        {
            diagnostics.AddFor("inconsistentContext", layer, null, value: layer.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                restriction: target.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return;
        }

        if (target.Class != layer.Class)
        {
            var model = DtdlMetamodel.Instance.Versions[target.Version];
            if (model.IsSubclassOf(target.Class!, "Content") && model.IsSubclassOf(layer.Class!, "Content"))
            {
                diagnostics.AddFor("multipleMaterialTypes", layer, null, layer.Node["@type"], $"{target.Class}, {layer.Class}");
            }
            else
            {
                var parent = layer.Parent ?? target.Parent ?? layer;
                diagnostics.AddFor("incompatibleType", parent, layer.ParentProperty ?? target.ParentProperty, layer.Node["@type"], secondaryId: layer.Id, type: layer.Class);
            }

            return;
        }

        if (!SameParent(target, layer))
        {
            diagnostics.AddFor("inconsistentParent", layer, null);
            return;
        }

        foreach (var cotype in layer.Cotypes)
        {
            if (target.Cotypes.Contains(cotype))
            {
                continue;
            }

            var added = DtdlMetamodel.Instance.SupplementalProperties([cotype]).Select(p => p.Name).ToHashSet();
            var clash = target.Cotypes.FirstOrDefault(c => DtdlMetamodel.Instance.SupplementalProperties([c]).Any(p => added.Contains(p.Name)));
            if (clash is not null)
            {
                var shared = DtdlMetamodel.Instance.SupplementalProperties([clash]).First(p => added.Contains(p.Name)).Name;
                diagnostics.AddFor("conflictingSupplementalTypes", target, shared, layer.Node["@type"], type: clash, restriction: cotype);
                return;
            }

            target.AddCotype(cotype);
        }

        MergeLiterals(target, layer, diagnostics);
        MergeValues(target, layer, diagnostics);
    }

    /// <summary>
    /// Required properties are judged on the merged element: what one layer lacks another may give. The
    /// findings made on each definition alone are withdrawn and the merged element checked again.
    /// </summary>
    public static void CheckRequired(Element merged, IEnumerable<Element> definitions, DiagnosticBag diagnostics)
    {
        diagnostics.Withdraw(definitions.SelectMany(d => d.MissingProperties));
        var model = DtdlMetamodel.Instance.Versions[merged.Version];
        foreach (var property in model.Classes[merged.Class!].Properties.Values)
        {
            if (property.Allowed && !property.Optional && property.MinCount is > 0 && !Has(merged, property.Name))
            {
                diagnostics.AddFor(property.Literal || property.Class is null ? "missingLiteralProperty" : "missingObjectProperty", merged, property.Name);
            }

            var count = merged.ValuesOf(property.Name).Count();
            if (property.Plural && property.MaxCount is { } max && count > max)
            {
                diagnostics.AddFor("objectCountAboveMax", merged, property.Name,
                    extra: new Dictionary<string, string?> { ["count1"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture), ["count2"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }
        }

        foreach (var property in DtdlMetamodel.Instance.SupplementalProperties(merged.Cotypes))
        {
            if (property.MinCount is > 0 && !Has(merged, property.Name))
            {
                diagnostics.AddFor(property.Type.StartsWith("dtmi:", StringComparison.Ordinal) ? "missingObjectProperty" : "missingLiteralProperty", merged, property.Id);
            }
        }
    }

    private static bool Has(Element element, string property) =>
        element.Literals.ContainsKey(property) || element.Children.ContainsKey(property) || element.References.ContainsKey(property);

    private static bool SameParent(Element a, Element b) =>
        (a.Parent, b.Parent) switch
        {
            (null, null) => true,
            ({ } pa, { } pb) => pa.Id == pb.Id && a.ParentProperty == b.ParentProperty,
            _ => false,
        };

    private static void MergeLiterals(Element target, Element layer, DiagnosticBag diagnostics)
    {
        var model = DtdlMetamodel.Instance.Versions[target.Version];
        var properties = model.Classes[target.Class!].Properties;
        foreach (var (name, value) in layer.Literals)
        {
            if (!target.Literals.TryGetValue(name, out var existing))
            {
                target.Literals[name] = value;
                continue;
            }

            if (Same(existing, value))
            {
                continue;
            }

            var datatype = properties.TryGetValue(name, out var property)
                ? property.Datatype ?? (property.IsIdentifier ? "identifier" : null)
                : DtdlMetamodel.Instance.SupplementalProperties(target.Cotypes).FirstOrDefault(p => p.Name == name)?.TypeName;
            if (datatype == "langString" && !LangStringsConflict(existing, value))
            {
                continue;
            }

            var id = datatype switch
            {
                "langString" => "inconsistentLangStringValues",
                "boolean" => "inconsistentBooleanValues",
                "integer" => "inconsistentIntegerValues",
                "identifier" => "inconsistentIdentifierValues",
                "string" => "inconsistentStringValues",
                _ => value is JsonNumber ? "inconsistentNumericValues" : "inconsistentLiteralValues",
            };
            if (id == "inconsistentLangStringValues")
            {
                diagnostics.AddFor(id, target, name, value, string.Join(", ", ConflictingLanguages(existing, value)), extra: new Dictionary<string, string?> { ["count1"] = "1" });
            }
            else
            {
                diagnostics.AddFor(id, target, name, value, Text(value), restriction: Text(existing));
            }
        }
    }

    private static void MergeValues(Element target, Element layer, DiagnosticBag diagnostics)
    {
        var properties = DtdlMetamodel.Instance.Versions[target.Version].Classes[target.Class!].Properties;
        bool IsPlural(string name) => properties.TryGetValue(name, out var property) && property.Plural;

        MergeLists(target, layer.References, target.References, target.Children, r => r.Target, r => r.Node, IsPlural, diagnostics);
        MergeLists(target, layer.Children, target.Children, target.References, c => c.Id, c => c.Node, IsPlural, diagnostics);
    }

    /// <summary>
    /// Adds a layer's values of each object property (references or inline children) to the merged element's.
    /// A singular property may get only the value it already has, from whichever kind of value it came.
    /// </summary>
    private static void MergeLists<T, TOther>(Element target, Dictionary<string, List<T>> fromLayer, Dictionary<string, List<T>> into,
        IReadOnlyDictionary<string, TOther> otherKind, Func<T, string> key, Func<T, JsonNode> node, Func<string, bool> isPlural, DiagnosticBag diagnostics)
    {
        foreach (var (name, values) in fromLayer)
        {
            var plural = isPlural(name);
            if (!into.TryGetValue(name, out var existing))
            {
                if (!plural && otherKind.ContainsKey(name))
                {
                    diagnostics.AddFor("inconsistentObjectValues", target, name, node(values[0]), key(values[0]), restriction: "another value");
                    continue;
                }

                into[name] = [.. values];
                continue;
            }

            foreach (var value in values)
            {
                if (existing.Any(e => key(e) == key(value)))
                {
                    continue;
                }

                if (!plural)
                {
                    diagnostics.AddFor("inconsistentObjectValues", target, name, node(value), key(value), restriction: key(existing[0]));
                    continue;
                }

                existing.Add(value);
            }
        }
    }

    /// <summary>Two language-tagged values conflict only where they give one language two texts.</summary>
    private static bool LangStringsConflict(JsonNode a, JsonNode b) => ConflictingLanguages(a, b).Any();

    private static IEnumerable<string> ConflictingLanguages(JsonNode a, JsonNode b)
    {
        var first = ByLanguage(a);
        return ByLanguage(b).Where(p => first.TryGetValue(p.Key, out var other) && other != p.Value).Select(p => p.Key);
    }

    private static string Text(JsonNode node) => node is JsonString s ? s.Value : node.Describe();

    private static Dictionary<string, string> ByLanguage(JsonNode node)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        switch (node)
        {
            case JsonString s:
                result["en"] = s.Value;
                break;
            case JsonObject map:
                foreach (var member in map.Members.Where(m => m.Value is JsonString))
                {
                    result[member.Name] = ((JsonString)member.Value).Value;
                }

                break;
            case JsonArray array:
                foreach (var item in array.Items)
                {
                    if (item is JsonString plain)
                    {
                        result["en"] = plain.Value;
                    }
                    else if (item is JsonObject { } tagged && tagged["@value"] is JsonString value)
                    {
                        result[tagged["@language"] is JsonString language ? language.Value : "en"] = value.Value;
                    }
                }

                break;
        }

        return result;
    }

    private static bool Same(JsonNode a, JsonNode b) => (a, b) switch
    {
        (JsonString x, JsonString y) => x.Value == y.Value,
        (JsonNumber x, JsonNumber y) => x.Text == y.Text,
        (JsonLiteral x, JsonLiteral y) => x.Kind == y.Kind,
        (JsonObject x, JsonObject y) => x.Members.Count == y.Members.Count && x.Members.All(m => y[m.Name] is { } other && Same(m.Value, other)),
        (JsonArray x, JsonArray y) => x.Items.Count == y.Items.Count && x.Items.Zip(y.Items).All(p => Same(p.First, p.Second)),
        _ => false,
    };
}
