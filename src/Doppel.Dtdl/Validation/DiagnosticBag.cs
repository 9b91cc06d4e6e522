using Doppel.Diagnostics;
using Doppel.Dtdl.Elements;
using Doppel.Dtdl.Json;

namespace Doppel.Dtdl.Validation;

/// <summary>Collects the diagnostics of one parse. Validators add to it and keep going.</summary>
internal sealed class DiagnosticBag
{
    /// <summary>The prefix of DTDLParser's validation ids.</summary>
    public const string ParsingErrorPrefix = "dtmi:dtdl:parsingError:";

    private readonly List<Diagnostic> items = [];

    public IReadOnlyList<Diagnostic> Items => items;

    public int Count => items.Count;

    /// <summary>Adds a problem by its short validation id (<c>invalidId</c>), filling the catalogue's texts.</summary>
    public void Add(string shortId, SourceDocument? document, int offset, string? primaryId = null, string? property = null,
        string? value = null, string? secondaryId = null, string? type = null, string? restriction = null, string? code = null,
        IReadOnlyDictionary<string, string?>? extra = null)
    {
        var args = new Dictionary<string, string?>
        {
            ["primaryId"] = primaryId,
            ["secondaryId"] = secondaryId,
            ["property"] = property,
            ["value"] = value,
            ["type"] = type,
            ["restriction"] = restriction,
        };
        if (extra is not null)
        {
            foreach (var (k, v) in extra)
            {
                args[k] = v;
            }
        }

        var (cause, action) = MessageCatalog.Format(shortId, args);
        items.Add(new Diagnostic(code ?? ParsingErrorPrefix + shortId, DiagnosticSeverity.Error, cause, action)
        {
            ElementId = primaryId,
            SecondaryId = secondaryId,
            Property = property,
            Value = value,
            Location = document is null ? null : Locate(document, offset),
        });
    }

    /// <summary>Withdraws findings that turned out not to matter.</summary>
    public void Withdraw(IEnumerable<Diagnostic> withdrawn)
    {
        foreach (var diagnostic in withdrawn)
        {
            items.Remove(diagnostic);
        }
    }

    /// <summary>Adds a problem about an element's property, located at <paramref name="node"/> or at the element.</summary>
    public void AddFor(string shortId, Element element, string? property, JsonNode? node = null, string? value = null,
        string? secondaryId = null, string? type = null, string? restriction = null, IReadOnlyDictionary<string, string?>? extra = null) =>
        Add(shortId, element.Document, (node ?? element.Node).Offset, element.Id, property, value, secondaryId, type, restriction, extra: extra);

    private static SourceLocation Locate(SourceDocument document, int offset)
    {
        var (line, column) = document.Lines.Locate(offset);
        return new SourceLocation(document.Name, offset, line, column);
    }
}
