using Doppel.Dtdl.Elements;
using Doppel.Dtdl.Json;
using Doppel.Dtdl.Metamodel;

namespace Doppel.Dtdl.Validation;

/// <summary>
/// Bounds on what an element reaches through its schema properties: complex schemas nested at most five
/// deep and never containing themselves, no Component inside a Component's Interface, no Array in a v2
/// Property, and Enum values of the Enum's value schema.
/// </summary>
internal sealed class DescendantRules(ElementIndex index, InheritanceRules inheritance, DiagnosticBag diagnostics)
{
    private static readonly string[] SchemaProperties = ["elementSchema", "schema", "fields", "mapValue", "mapKey", "enumValues"];

    public void Check()
    {
        foreach (var element in index.Elements)
        {
            var model = DtdlMetamodel.Instance.Versions[element.Version];
            foreach (var control in model.DescendantControls)
            {
                if (!model.IsSubclassOf(element.Class!, control.RootClass) || control.Properties.Contains("extends"))
                {
                    continue;
                }

                if (control.MaxDepth is { } maxDepth && control.RootClass == "ComplexSchema")
                {
                    CheckSchemaDepth(element, maxDepth);
                }
                else if (control.ExcludeType is { } excluded && control.RootClass is "Component" or "Property")
                {
                    CheckExcluded(element, control, excluded, model);
                }
                else if (control.DatatypeProperty is { } datatypeProperty)
                {
                    CheckEnumValues(element, datatypeProperty);
                }
                else if (control.MaxCount is { } maxCount && control.RootClass == "Interface" && element.IsTopLevel)
                {
                    CheckElementCount(element, control, maxCount);
                }
            }
        }
    }

    /// <summary>
    /// DTDL v3 bounds how many elements one Interface holds, its contents and everything below them, with what it
    /// inherits counted too.
    /// </summary>
    private void CheckElementCount(Element root, DescendantControl control, int maxCount)
    {
        var total = OwnCount(root, control, maxCount)
            + inheritance.Ancestors(root).Select(id => index.Find(id).Element).OfType<Element>().Sum(a => OwnCount(a, control, maxCount));
        if (total > maxCount)
        {
            diagnostics.AddFor("excessiveCount", root, "contents",
                extra: new Dictionary<string, string?>
                {
                    ["count1"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["count2"] = maxCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["property"] = string.Join(", ", control.Properties),
                });
        }
    }

    private readonly Dictionary<Element, int> ownCounts = [];

    /// <summary>How many elements an Interface holds below it (bounded by the limit), counted once per Interface.</summary>
    private int OwnCount(Element root, DescendantControl control, int maxCount)
    {
        if (ownCounts.TryGetValue(root, out var known))
        {
            return known;
        }

        var seen = new HashSet<Element>();
        var stack = new Stack<Element>();
        stack.Push(root);
        while (stack.Count > 0 && seen.Count <= maxCount)
        {
            foreach (var next in Next(stack.Pop(), control.Properties))
            {
                if (seen.Add(next))
                {
                    stack.Push(next);
                }
            }
        }

        ownCounts[root] = seen.Count;
        return seen.Count;
    }

    private void CheckSchemaDepth(Element root, int maxDepth)
    {
        var path = new HashSet<Element>();
        var deepest = 0;
        var recursive = false;
        Walk(root, 1);
        if (recursive)
        {
            diagnostics.AddFor("recursiveStructureWide", root, null);
        }
        else if (deepest > maxDepth)
        {
            diagnostics.AddFor("excessiveDepthWide", root, null,
                extra: new Dictionary<string, string?> { ["count1"] = deepest.ToString(System.Globalization.CultureInfo.InvariantCulture), ["count2"] = maxDepth.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        void Walk(Element element, int depth)
        {
            if (!path.Add(element))
            {
                recursive |= element == root;
                return;
            }

            deepest = Math.Max(deepest, depth);
            foreach (var next in Next(element, SchemaProperties))
            {
                var complex = DtdlMetamodel.Instance.Versions[next.Version].IsSubclassOf(next.Class!, "ComplexSchema");
                Walk(next, complex ? depth + 1 : depth);
                if (recursive)
                {
                    break;
                }
            }

            path.Remove(element);
        }
    }

    private void CheckExcluded(Element root, DescendantControl control, string excluded, VersionModel model)
    {
        var visited = new HashSet<Element>();
        var queue = new Queue<Element>();
        foreach (var first in Next(root, control.Properties))
        {
            queue.Enqueue(first);
        }

        while (queue.Count > 0)
        {
            var element = queue.Dequeue();
            if (!visited.Add(element))
            {
                continue;
            }

            if (model.IsSubclassOf(element.Class!, excluded))
            {
                diagnostics.AddFor("excludedType", root, root.ParentProperty, type: root.Class, restriction: excluded, secondaryId: element.Id,
                    extra: new Dictionary<string, string?> { ["property"] = string.Join(" or ", control.Properties.Select(p => $"'{p}'")) });
                return;
            }

            var properties = control.Narrow ? control.Properties : SchemaProperties.Concat(control.Properties).Distinct().ToArray();
            foreach (var next in Next(element, properties))
            {
                queue.Enqueue(next);
            }

            // Contents an Interface inherits are its contents too: a Component's Interface may not get a
            // Component through extends either.
            if (element.Class == "Interface" && control.Properties.Contains("contents"))
            {
                foreach (var ancestorId in inheritance.Ancestors(element))
                {
                    if (index.Find(ancestorId) is { Element: { } ancestor })
                    {
                        foreach (var next in Next(ancestor, ["contents"]))
                        {
                            queue.Enqueue(next);
                        }
                    }
                    else if (index.Find(ancestorId).Stored is { } stored && stored.Components.Count > 0)
                    {
                        diagnostics.AddFor("excludedType", root, root.ParentProperty, type: root.Class, restriction: excluded, secondaryId: stored.Id,
                            extra: new Dictionary<string, string?> { ["property"] = string.Join(" or ", control.Properties.Select(p => $"'{p}'")) });
                        return;
                    }
                }
            }
        }
    }

    private void CheckEnumValues(Element enumElement, string datatypeProperty)
    {
        if (!enumElement.References.TryGetValue(datatypeProperty, out var valueSchemas) || valueSchemas.Count != 1)
        {
            return;
        }

        var integer = valueSchemas[0].Target.StartsWith("dtmi:dtdl:instance:Schema:integer;", StringComparison.Ordinal);
        foreach (var value in Next(enumElement, ["enumValues"]))
        {
            if (value.Literals.TryGetValue("enumValue", out var literal) && (integer ? literal is not JsonNumber { IsInteger: true } : literal is not JsonString))
            {
                diagnostics.AddFor("nonConformantDatatype", value, "enumValue", literal, literal is JsonString text ? text.Value : literal.Describe(), secondaryId: enumElement.Id, type: integer ? "integer" : "string");
            }
        }
    }

    /// <summary>The elements reachable in one step through the given properties: inline values and resolved references.</summary>
    private IEnumerable<Element> Next(Element element, IReadOnlyCollection<string> properties)
    {
        foreach (var property in properties)
        {
            foreach (var (child, reference) in element.ValuesOf(property))
            {
                var next = child ?? index.Find(reference!.Target).Element;
                if (next is not null)
                {
                    yield return next;
                }
            }
        }
    }
}
