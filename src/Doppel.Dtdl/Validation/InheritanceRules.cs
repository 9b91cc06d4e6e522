using Doppel.Dtdl.Elements;
using Doppel.Dtdl.Metamodel;

namespace Doppel.Dtdl.Validation;

/// <summary>
/// <c>extends</c>: no cycles, no deeper than the language allows, no more ancestors than allowed, and names of
/// contents unique across the whole hierarchy.
/// </summary>
internal sealed class InheritanceRules(ElementIndex index, DiagnosticBag diagnostics)
{
    private readonly Dictionary<Element, int> depths = [];
    private readonly HashSet<Element> visiting = [];
    private readonly HashSet<Element> cyclic = [];

    public void Check()
    {
        foreach (var element in index.Elements)
        {
            if (element.Class != "Interface")
            {
                continue;
            }

            var control = Control(element.Version);
            var depth = Depth(element);
            if (cyclic.Contains(element))
            {
                diagnostics.AddFor("recursiveStructureNarrow", element, "extends", element.Node["extends"], extra: new Dictionary<string, string?> { ["property"] = "'extends'" });
                continue;
            }

            if (control?.MaxDepth is { } maxDepth && depth > maxDepth)
            {
                diagnostics.AddFor("excessiveDepthNarrow", element, "extends", element.Node["extends"],
                    extra: new Dictionary<string, string?> { ["property"] = "'extends'", ["count1"] = depth.ToString(System.Globalization.CultureInfo.InvariantCulture), ["count2"] = maxDepth.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                continue;
            }

            if (control?.MaxCount is { } maxCount)
            {
                var ancestors = Ancestors(element).Count;
                if (ancestors > maxCount)
                {
                    diagnostics.AddFor("excessiveCount", element, "extends", element.Node["extends"],
                        extra: new Dictionary<string, string?> { ["count1"] = ancestors.ToString(System.Globalization.CultureInfo.InvariantCulture), ["count2"] = maxCount.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                }
            }
        }
    }

    private static DescendantControl? Control(int version) =>
        DtdlMetamodel.Instance.Versions[version].DescendantControls.FirstOrDefault(c => c.RootClass == "Interface" && c.Properties.Contains("extends"));

    /// <summary>Direct parents of an Interface that are elements of this upload, and the depth of stored ones.</summary>
    public IEnumerable<(Element? Element, int StoredDepth, string Id)> Parents(Element element)
    {
        foreach (var (child, reference) in element.ValuesOf("extends"))
        {
            if (child is not null)
            {
                if (child.Class == "Interface")
                {
                    yield return (child, 0, child.Id);
                }

                continue;
            }

            var target = index.Find(reference!.Target);
            if (target.Element is { Class: "Interface" } referenced)
            {
                yield return (referenced, 0, referenced.Id);
            }
            else if (target.Stored is { } stored)
            {
                yield return (null, stored.ExtendsDepth + 1, stored.Id);
            }
        }
    }

    private int Depth(Element element)
    {
        if (depths.TryGetValue(element, out var known))
        {
            return known;
        }

        if (!visiting.Add(element))
        {
            cyclic.Add(element);
            return 0;
        }

        var depth = 0;
        foreach (var (parent, storedDepth, _) in Parents(element))
        {
            var parentDepth = parent is null ? storedDepth : Depth(parent) + 1;
            depth = Math.Max(depth, parentDepth);
            if (parent is not null && cyclic.Contains(parent))
            {
                cyclic.Add(element);
            }
        }

        visiting.Remove(element);
        depths[element] = depth;
        return depth;
    }

    private readonly Dictionary<Element, IReadOnlySet<string>> ancestors = [];

    /// <summary>Every ancestor's DTMI (upload or stored), without the Interface itself. Computed once per Interface.</summary>
    public IReadOnlySet<string> Ancestors(Element element)
    {
        if (!ancestors.TryGetValue(element, out var known))
        {
            ancestors[element] = known = ComputeAncestors(element);
        }

        return known;
    }

    private HashSet<string> ComputeAncestors(Element element)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<Element>();
        stack.Push(element);
        while (stack.Count > 0)
        {
            foreach (var (parent, _, id) in Parents(stack.Pop()))
            {
                if (!result.Add(id))
                {
                    continue;
                }

                if (parent is not null)
                {
                    stack.Push(parent);
                }
                else if (index.Find(id).Stored is { } stored)
                {
                    result.UnionWith(stored.Ancestors);
                }
            }
        }

        result.Remove(element.Id);
        return result;
    }

    public bool IsCyclic(Element element) => cyclic.Contains(element);
}
