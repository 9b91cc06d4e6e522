using Doppel.Dtdl.Elements;

namespace Doppel.Dtdl.Validation;

/// <summary>Azure Digital Twins' own limits on top of the language (adt-facts.md): models per upload.</summary>
internal static class AdtRules
{
    public const string TooManyModelsCode = "dtmi:doppel:dtdl:tooManyModels";

    public static void Check(List<Element> elements, DtdlParserOptions options, DiagnosticBag diagnostics)
    {
        var topLevel = elements.Count(e => e.IsTopLevel);
        if (topLevel > options.MaxInterfacesPerUpload)
        {
            var first = elements.First(e => e.IsTopLevel);
            diagnostics.Add("tooManyModels", first.Document, 0, code: TooManyModelsCode,
                extra: new Dictionary<string, string?>
                {
                    ["cause"] = $"The upload holds {topLevel} models, more than the {options.MaxInterfacesPerUpload} allowed in one request.",
                    ["action"] = "Upload the models in several requests, dependencies first.",
                });
        }
    }
}
