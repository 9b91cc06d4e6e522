using Doppel.Dtdl.Elements;
using Doppel.Dtdl.Json;
using Doppel.Dtdl.Metamodel;

namespace Doppel.Dtdl.Validation;

/// <summary>
/// Names (and enum values) unique where the language says so: contents of an Interface — including what it
/// inherits —, fields of an Object, values of an Enum, properties of a Relationship.
/// </summary>
internal static class UniquenessRules
{
    public static void Check(ElementIndex index, InheritanceRules inheritance, DiagnosticBag diagnostics)
    {
        foreach (var element in index.Elements)
        {
            var metaClass = DtdlMetamodel.Instance.Versions[element.Version].Classes[element.Class!];
            foreach (var property in metaClass.Properties.Values)
            {
                if (property.UniqueProperties.Length == 0)
                {
                    continue;
                }

                var values = Values(index, element, property.Name).ToList();
                foreach (var key in property.UniqueProperties)
                {
                    CheckUnique(diagnostics, element, property.Name, key, values);
                }
            }

            if (element.Class == "Interface" && !inheritance.IsCyclic(element))
            {
                CheckImported(index, inheritance, diagnostics, element);
            }
        }
    }

    private static IEnumerable<Element> Values(ElementIndex index, Element element, string property)
    {
        foreach (var (child, reference) in element.ValuesOf(property))
        {
            var value = child ?? index.Find(reference!.Target).Element;
            if (value is not null)
            {
                yield return value;
            }
        }
    }

    private static void CheckUnique(DiagnosticBag diagnostics, Element element, string property, string key, List<Element> values)
    {
        var seen = new Dictionary<string, Element>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (!value.Literals.TryGetValue(key, out var node))
            {
                continue;
            }

            var text = node switch
            {
                JsonString s => "s:" + s.Value,
                JsonNumber n => "n:" + n.Text,
                _ => null,
            };
            if (text is null)
            {
                continue;
            }

            if (!seen.TryAdd(text, value) && seen[text] != value)
            {
                diagnostics.AddFor("nonUniquePropertyValue", element, property, node, text[2..],
                    extra: new Dictionary<string, string?> { ["auxProperty"] = key });
            }
        }
    }

    private static void CheckImported(ElementIndex index, InheritanceRules inheritance, DiagnosticBag diagnostics, Element element)
    {
        var ancestors = inheritance.Ancestors(element);
        if (ancestors.Count == 0)
        {
            return;
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var own in Values(index, element, "contents"))
        {
            if (own.Name is { } name)
            {
                names.TryAdd(name, own.Id);
            }
        }

        foreach (var ancestorId in ancestors.Order(StringComparer.Ordinal))
        {
            var target = index.Find(ancestorId);
            IEnumerable<(string Name, string Id)> contents = target.Element is { } ancestor
                ? Values(index, ancestor, "contents").Where(c => c.Name is not null).Select(c => (c.Name!, c.Id))
                : target.Stored is { } stored ? stored.Contents.Values.Where(c => c.DefinedIn == stored.Id).Select(c => (c.Name, c.Id)) : [];
            foreach (var (name, id) in contents)
            {
                if (!names.TryAdd(name, id) && names[name] != id)
                {
                    diagnostics.AddFor("nonUniqueImportedPropertyValue", element, "contents", element.Node["extends"], name, secondaryId: ancestorId,
                        extra: new Dictionary<string, string?> { ["auxProperty"] = "name", ["transformation"] = "extends" });
                    return;
                }
            }
        }
    }
}
