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

        MergeLiterals(target, layer, diagnostics);
        MergeValues(target, layer, diagnostics);
        foreach (var cotype in layer.Cotypes)
        {
            if (!target.Cotypes.Contains(cotype))
            {
                target.AddCotype(cotype);
            }
        }
    }

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

            var datatype = properties.TryGetValue(name, out var property) ? property.Datatype ?? (property.IsIdentifier ? "identifier" : null) : null;
            var id = datatype switch
            {
                "langString" => "inconsistentLangStringValues",
                "boolean" => "inconsistentBooleanValues",
                "integer" => "inconsistentIntegerValues",
                "identifier" => "inconsistentIdentifierValues",
                "string" => "inconsistentStringValues",
                _ => value is JsonNumber ? "inconsistentNumericValues" : "inconsistentLiteralValues",
            };
            diagnostics.AddFor(id, target, name, value, value.Describe());
        }
    }

    private static void MergeValues(Element target, Element layer, DiagnosticBag diagnostics)
    {
        var model = DtdlMetamodel.Instance.Versions[target.Version];
        var properties = model.Classes[target.Class!].Properties;
        foreach (var (name, references) in layer.References)
        {
            var plural = properties.TryGetValue(name, out var property) ? property.Plural : false;
            if (!target.References.TryGetValue(name, out var existing))
            {
                if (!plural && target.Children.ContainsKey(name))
                {
                    diagnostics.AddFor("inconsistentObjectValues", target, name, references[0].Node);
                    continue;
                }

                target.References[name] = [.. references];
                continue;
            }

            foreach (var reference in references)
            {
                if (existing.Any(r => r.Target == reference.Target))
                {
                    continue;
                }

                if (!plural)
                {
                    diagnostics.AddFor("inconsistentObjectValues", target, name, reference.Node, reference.Target);
                    continue;
                }

                existing.Add(reference);
            }
        }

        foreach (var (name, children) in layer.Children)
        {
            var plural = properties.TryGetValue(name, out var property) ? property.Plural : false;
            if (!target.Children.TryGetValue(name, out var existing))
            {
                if (!plural && target.References.ContainsKey(name))
                {
                    diagnostics.AddFor("inconsistentObjectValues", target, name, children[0].Node);
                    continue;
                }

                target.Children[name] = [.. children];
                continue;
            }

            foreach (var child in children)
            {
                if (existing.Any(c => c.Id == child.Id))
                {
                    continue;
                }

                if (!plural)
                {
                    diagnostics.AddFor("inconsistentObjectValues", target, name, child.Node, child.Id);
                    continue;
                }

                existing.Add(child);
            }
        }
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
