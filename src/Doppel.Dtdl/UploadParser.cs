using Doppel.Dtdl.Elements;
using Doppel.Dtdl.Resolution;
using Doppel.Dtdl.Validation;

namespace Doppel.Dtdl;

/// <summary>The state of one parse: created per call, never shared. Runs the stages in order.</summary>
internal sealed class UploadParser(DtdlParserOptions options, ModelSet? stored, CancellationToken cancellationToken)
{
    private readonly DiagnosticBag diagnostics = new();
    private readonly List<Element> elements = [];

    public DtdlParseResult Run(IReadOnlyList<DtdlDocument> documents)
    {
        var reader = new ElementReader(options, diagnostics, elements, cancellationToken);
        for (var i = 0; i < documents.Count; i++)
        {
            reader.ReadDocument(new SourceDocument(i, documents[i].Name, documents[i].Utf8));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (diagnostics.Count == 0 && !elements.Any(e => e.IsTopLevel))
        {
            diagnostics.Add("emptyUpload", null, 0, code: "dtmi:doppel:dtdl:emptyUpload",
                extra: new Dictionary<string, string?>
                {
                    ["cause"] = "The upload contains no models.",
                    ["action"] = "Provide at least one Interface.",
                });
        }

        var index = new ElementIndex(elements, stored, diagnostics);
        ReferenceRules.Check(index, diagnostics);
        var inheritance = new InheritanceRules(index, diagnostics);
        inheritance.Check();
        UniquenessRules.Check(index, inheritance, diagnostics);
        new DescendantRules(index, inheritance, diagnostics).Check();
        SupplementalRules.Check(index, diagnostics);
        new SiblingRules(index, inheritance, diagnostics).Check();
        if (options.ApplyAdtRules)
        {
            AdtRules.Check(elements, options, diagnostics);
        }

        reader.ReportDeferred();

        if (diagnostics.Count > 0)
        {
            return new DtdlParseResult(null, diagnostics.Items);
        }

        return new DtdlParseResult(ModelResolver.Resolve(index, stored), diagnostics.Items);
    }
}
