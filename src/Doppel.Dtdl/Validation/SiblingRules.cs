using Doppel.Dtdl.Elements;
using Doppel.Dtdl.Json;
using Doppel.Dtdl.Metamodel;

namespace Doppel.Dtdl.Validation;

/// <summary>
/// Rules between the contents of one Interface, inherited ones included: a ValueAnnotation must annotate a
/// Property or Telemetry that is not itself an annotation; an Override must override a supplemental property
/// of that sibling (such as <c>unit</c>), with a schema of the right unit family, once; values an extension
/// marks unique (MQTT indexes) differ among siblings.
/// </summary>
internal sealed class SiblingRules(ElementIndex index, InheritanceRules inheritance, DiagnosticBag diagnostics)
{
    private static readonly DtdlMetamodel Meta = DtdlMetamodel.Instance;

    public void Check()
    {
        // Only extension co-types (annotation, overriding, MQTT) bring these rules; most uploads have none.
        var rules = Meta.SelfAndAncestors(index.Elements.SelectMany(e => e.Cotypes).Distinct()).ToList();
        var siblingRules = rules.Any(t => t.Siblings.Count > 0);
        var uniqueValues = rules.Any(t => t.Properties.Values.Any(p => p.UniqueValue));
        foreach (var element in index.Elements)
        {
            if (uniqueValues)
            {
                CheckUniqueValues(element);
            }

            if (siblingRules && element.Class == "Interface" && !inheritance.IsCyclic(element))
            {
                CheckAnnotations(element);
            }
        }
    }

    private void CheckUniqueValues(Element parent)
    {
        foreach (var (property, children) in parent.Children)
        {
            var seen = new Dictionary<string, Element>(StringComparer.Ordinal);
            foreach (var child in children)
            {
                foreach (var supplemental in Meta.SupplementalProperties(child.Cotypes).Where(p => p.UniqueValue))
                {
                    if (child.Literals.TryGetValue(supplemental.Name, out var value) && value is JsonNumber or JsonString
                        && !seen.TryAdd(supplemental.Name + "=" + value.Describe(), child))
                    {
                        diagnostics.AddFor("nonUniquePropertyValue", parent, property, value, value.Describe(), extra: new Dictionary<string, string?> { ["auxProperty"] = supplemental.Name });
                    }
                }
            }
        }
    }

    private void CheckAnnotations(Element @interface)
    {
        var contents = Contents(@interface);
        var overridden = new HashSet<string>(StringComparer.Ordinal);
        foreach (var content in contents.Values)
        {
            foreach (var rule in Meta.SelfAndAncestors(content.Cotypes).SelectMany(t => t.Siblings))
            {
                var keyName = rule.Keyref[(rule.Keyref.LastIndexOf(':') + 1)..];
                if (rule.SupplementalProperty is null)
                {
                    CheckAnnotated(content, rule, keyName, contents);
                }
                else
                {
                    CheckOverride(@interface, content, rule, keyName, contents, overridden);
                }
            }
        }
    }

    private void CheckAnnotated(Element content, SiblingRule rule, string keyName, Dictionary<string, Element> contents)
    {
        if (!content.Literals.TryGetValue(keyName, out var key) || key is not JsonString { Value: var name } || !contents.TryGetValue(name, out var sibling))
        {
            return;
        }

        if (rule.DisallowedType is { } disallowed && sibling.Cotypes.Contains(disallowed))
        {
            diagnostics.AddFor("disallowedType", content, keyName, key, name, secondaryId: sibling.Id, type: DtmiNames.ShortName(disallowed),
                extra: new Dictionary<string, string?> { ["auxProperty"] = "name" });
        }
        else if (rule.RequiredTypeNames.Length > 0 && !rule.RequiredTypeNames.Contains(sibling.Class))
        {
            diagnostics.AddFor("notSiblingRequiredType", content, keyName, key, name, secondaryId: sibling.Id, type: string.Join(" or ", rule.RequiredTypeNames),
                extra: new Dictionary<string, string?> { ["auxProperty"] = "name" });
        }
    }

    private void CheckOverride(Element @interface, Element content, SiblingRule rule, string keyName, Dictionary<string, Element> contents, HashSet<string> overridden)
    {
        var supplementalId = rule.SupplementalProperty!;
        var overridesName = supplementalId[(supplementalId.LastIndexOf(':') + 1)..];
        if (!content.Literals.TryGetValue(keyName, out var key) || key is not JsonString { Value: var name } || !contents.TryGetValue(name, out var sibling)
            || !content.Literals.TryGetValue(overridesName, out var target) || target is not JsonString { Value: var property })
        {
            return;
        }

        var model = Meta.Versions[sibling.Version];
        if (model.Classes[sibling.Class!].Properties.ContainsKey(property))
        {
            diagnostics.AddFor("matchingPropertyNotSupplemental", content, keyName, key, name, secondaryId: sibling.Id, type: sibling.Class, restriction: property,
                extra: new Dictionary<string, string?> { ["auxProperty"] = "name", ["transformation"] = overridesName });
            return;
        }

        var supplemental = Meta.SupplementalProperties(sibling.Cotypes).FirstOrDefault(p => p.Name == property);
        if (supplemental is null)
        {
            diagnostics.AddFor("noMatchingSupplementalProperty", content, keyName, key, name, secondaryId: sibling.Id, type: sibling.Class, restriction: property,
                extra: new Dictionary<string, string?> { ["auxProperty"] = "name", ["transformation"] = overridesName });
            return;
        }

        if (!overridden.Add(name + "\n" + property))
        {
            diagnostics.AddFor("multipleReference", @interface, "contents", content.Node, $"'{name}' and '{property}'", secondaryId: supplementalId,
                extra: new Dictionary<string, string?> { ["auxProperty"] = $"'{keyName}' and '{overridesName}'" });
            return;
        }

        // The overriding element's schema must be the family the overridden property takes its values from.
        if (supplemental.ChildOf is { } family && content.References.TryGetValue("schema", out var schemas) && schemas.Count == 1 && schemas[0].Target != family)
        {
            diagnostics.AddFor("siblingPropertyMismatch", content, "schema", schemas[0].Node, DtmiNames.ShortName(schemas[0].Target), restriction: DtmiNames.ShortName(family));
        }
    }

    /// <summary>The Interface's contents by name, its own first, then inherited ones from this upload.</summary>
    private Dictionary<string, Element> Contents(Element @interface)
    {
        var contents = new Dictionary<string, Element>(StringComparer.Ordinal);
        foreach (var owner in inheritance.Ancestors(@interface).Select(id => index.Find(id).Element).OfType<Element>().Prepend(@interface))
        {
            foreach (var (child, reference) in owner.ValuesOf("contents"))
            {
                var content = child ?? index.Find(reference!.Target).Element;
                if (content?.Name is { } name)
                {
                    contents.TryAdd(name, content);
                }
            }
        }

        return contents;
    }
}
