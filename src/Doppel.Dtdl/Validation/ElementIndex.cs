using Doppel.Dtdl.Elements;
using Doppel.Dtdl.Metamodel;
using Doppel.Dtdl.Resolution;

namespace Doppel.Dtdl.Validation;

/// <summary>What a DTMI reference can point at: an element of the upload, a stored Interface, or a standard element.</summary>
internal readonly record struct Target(Element? Element, InterfaceInfo? Stored, StandardElement? Standard)
{
    public bool Found => Element is not null || Stored is not null || Standard is not null;

    public int? Version => Element?.Version ?? Stored?.DtdlVersion ?? StandardVersion;

    private int? StandardVersion => Standard is not null && Standard.Id.LastIndexOf(';') is var semicolon and >= 0
        && int.TryParse(Standard.Id.AsSpan(semicolon + 1), System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : null;
}

/// <summary>Every element of the upload by DTMI, with the instance's stored models and the language's own elements behind it.</summary>
internal sealed class ElementIndex
{
    private readonly Dictionary<string, Element> byId = new(StringComparer.Ordinal);
    private readonly ModelSet? stored;

    public ElementIndex(IReadOnlyList<Element> elements, ModelSet? stored, DiagnosticBag diagnostics)
    {
        this.stored = stored;
        var layered = new Dictionary<Element, List<Element>>();
        foreach (var element in elements)
        {
            if (byId.TryAdd(element.Id, element))
            {
                continue;
            }

            // Another layer of the same element is merged into the first definition; the same layer twice is a
            // duplicate. Derived identifiers collide when names do; the uniqueness rules report that more precisely.
            var first = byId[element.Id];
            if (element.Layer != first.Layer && (element.Root.Layer is not null || first.Root.Layer is not null))
            {
                var errors = diagnostics.Count;
                LayerMerge.Merge(first, element, diagnostics);
                if (!layered.TryGetValue(first, out var definitions))
                {
                    layered[first] = definitions = [first];
                }

                definitions.Add(element);
                if (diagnostics.Count > errors)
                {
                    // Definitions that cannot be merged are not judged together.
                    diagnostics.Withdraw(definitions.SelectMany(d => d.MissingProperties));
                    definitions.Clear();
                }
            }
            else if (element.IdDeclared)
            {
                diagnostics.AddFor("duplicateDefinition", element, null, element.Node["@id"], element.Id, secondaryId: first.Id);
            }
        }

        foreach (var (merged, definitions) in layered)
        {
            if (definitions.Count > 1)
            {
                LayerMerge.CheckRequired(merged, definitions, diagnostics);
            }
        }
    }

    public IEnumerable<Element> Elements => byId.Values;

    public Target Find(string dtmi)
    {
        if (byId.TryGetValue(dtmi, out var element))
        {
            return new Target(element, null, null);
        }

        if (stored is not null && stored.Interfaces.TryGetValue(dtmi, out var info))
        {
            return new Target(null, info, null);
        }

        if (DtdlMetamodel.Instance.StandardElements.TryGetValue(dtmi, out var standard))
        {
            return new Target(null, null, standard);
        }

        // Units and enum values of extensions (quantitative types) are defined by their contexts.
        return DtdlMetamodel.Instance.TermTargets.Contains(dtmi) ? new Target(null, null, new StandardElement(dtmi, "", [])) : default;
    }
}
