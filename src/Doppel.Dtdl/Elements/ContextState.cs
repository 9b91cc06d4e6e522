using Doppel.Dtdl.Metamodel;

namespace Doppel.Dtdl.Elements;

/// <summary>
/// The active JSON-LD context of an element: the DTDL language version and the extension contexts whose
/// terms are in scope.
/// </summary>
internal sealed class ContextState
{
    public ContextState(VersionModel model, IReadOnlyList<ContextModel> extensions, bool hasUndefinedExtension)
    {
        Model = model;
        Extensions = extensions;
        HasUndefinedExtension = hasUndefinedExtension;
    }

    public VersionModel Model { get; }

    public int Version => Model.Version;

    /// <summary>Known extension contexts, in the order given; later ones win on term clashes.</summary>
    public IReadOnlyList<ContextModel> Extensions { get; }

    /// <summary>True when the context names an extension the parser does not know (tolerated where allowed).</summary>
    public bool HasUndefinedExtension { get; }

    /// <summary>Identifier prefixes the active contexts reserve for their own elements.</summary>
    public IEnumerable<string> ReservedIdPrefixes =>
        Extensions.Select(e => e.Id).Prepend(Model.Context.Id)
            .SelectMany(id => DtdlMetamodel.Instance.ReservedIdPrefixes.TryGetValue(id, out var prefixes) ? prefixes : []);

    public bool TryResolveTerm(string term, out string dtmi)
    {
        for (var i = Extensions.Count - 1; i >= 0; i--)
        {
            if (Extensions[i].Terms.TryGetValue(term, out dtmi!))
            {
                return true;
            }
        }

        return Model.Context.Terms.TryGetValue(term, out dtmi!);
    }

    public bool HasExtension(string contextId)
    {
        foreach (var extension in Extensions)
        {
            if (extension.Id == contextId)
            {
                return true;
            }
        }

        return Model.Context.Id == contextId;
    }
}
