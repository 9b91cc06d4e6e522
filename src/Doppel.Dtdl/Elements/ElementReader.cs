using System.Text.RegularExpressions;
using Doppel.Dtdl.Json;
using Doppel.Dtdl.Metamodel;
using Doppel.Dtdl.Validation;

namespace Doppel.Dtdl.Elements;

/// <summary>
/// Reads the JSON of one upload into <see cref="Element"/>s, checking everything that can be checked on one
/// element alone: context, identifiers, types, co-types, and each property's value against the metamodel.
/// </summary>
internal sealed partial class ElementReader(DtdlParserOptions options, DiagnosticBag diagnostics, List<Element> elements, CancellationToken cancellationToken)
{
    private const string DtdlContextPrefix = "dtmi:dtdl:context;";
    private static readonly DtdlMetamodel Meta = DtdlMetamodel.Instance;

    /// <summary>Findings reported after everything else, as DTDLParser orders them (a layer's invalid identifier).</summary>
    private readonly List<(string Id, SourceDocument Document, int Offset, string Value, int Version)> deferred = [];

    /// <summary>Adds the findings held back until the whole upload is read.</summary>
    public void ReportDeferred()
    {
        foreach (var (id, document, offset, value, version) in deferred)
        {
            diagnostics.Add(id, document, offset, value: value, restriction: version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        deferred.Clear();
    }

    /// <summary>Tenable findings of the element being read (see ReadElement).</summary>
    private List<Doppel.Diagnostics.Diagnostic>? tentative;

    public void ReadDocument(SourceDocument document)
    {
        if (document.Utf8.Length > options.MaxDocumentBytes)
        {
            diagnostics.Add("documentTooLarge", document, 0, code: "dtmi:doppel:dtdl:documentTooLarge",
                extra: new Dictionary<string, string?>
                {
                    ["cause"] = $"Document {document.Name} is {document.Utf8.Length} bytes long, more than the {options.MaxDocumentBytes} bytes allowed.",
                    ["action"] = "Split the models into smaller documents.",
                });
            return;
        }

        var root = JsonTreeReader.Read(document.Utf8.Span, options.MaxJsonDepth, out var error);
        if (root is null)
        {
            diagnostics.Add("jsonInvalid", document, error!.Offset, code: "dtmi:doppel:dtdl:jsonInvalid",
                extra: new Dictionary<string, string?>
                {
                    ["cause"] = $"Document {document.Name} is not valid JSON: {error.Message}",
                    ["action"] = "Correct the JSON syntax.",
                });
            return;
        }

        if (root is JsonArray array)
        {
            foreach (var item in array.Items)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ReadTopLevel(document, item);
            }
        }
        else
        {
            ReadTopLevel(document, root);
        }
    }

    private void ReadTopLevel(SourceDocument document, JsonNode node)
    {
        if (node is not JsonObject obj)
        {
            diagnostics.Add("notJsonObject", document, node.Offset, value: node.Describe());
            return;
        }

        var contextNode = obj["@context"];
        if (contextNode is null)
        {
            diagnostics.Add("missingContext", document, obj.Offset);
            return;
        }

        var context = ReadContext(document, contextNode, outer: null);
        if (context is null)
        {
            return;
        }

        ReadElement(document, obj, context, expectedClass: null, parent: null, parentProperty: null);
    }

    private ContextState? ReadContext(SourceDocument document, JsonNode node, ContextState? outer)
    {
        var items = node switch
        {
            JsonArray array => array.Items,
            _ => [node],
        };

        if (items.Count == 0)
        {
            if (outer is not null)
            {
                return outer;
            }

            diagnostics.Add("emptyContext", document, node.Offset);
            return null;
        }

        var model = outer?.Model;
        var ok = true;
        var sawDtdlContext = false;
        var sawExtensionAfterDtdl = false;
        var extensionItems = new List<(JsonNode Node, string Specifier)>();

        // First the DTDL context, which fixes the language version; extension contexts are read against it.
        foreach (var item in items)
        {
            if (item is JsonObject)
            {
                diagnostics.Add("disallowedLocalContext", document, item.Offset, restriction: (model?.Version ?? 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
                ok = false;
                continue;
            }

            if (item is not JsonString { Value: var specifier })
            {
                diagnostics.Add("invalidContext", document, item.Offset, value: item.Describe());
                ok = false;
                continue;
            }

            if (!specifier.StartsWith(DtdlContextPrefix, StringComparison.Ordinal) && specifier != "dtmi:dtdl:context")
            {
                sawExtensionAfterDtdl = sawDtdlContext;
                extensionItems.Add((item, specifier));
                continue;
            }

            if (sawExtensionAfterDtdl)
            {
                diagnostics.Add("dtdlContextFollowsAffiliate", document, item.Offset, value: specifier);
                ok = false;
                continue;
            }

            var version = ReadDtdlVersion(document, item, specifier);
            if (version is null)
            {
                ok = false;
                continue;
            }

            model = Meta.Versions[version.Value];
            sawDtdlContext = true;
        }

        if (model is null)
        {
            if (ok)
            {
                diagnostics.Add("missingDtdlContext", document, node.Offset);
            }

            return null;
        }

        // An affiliate context (IoT Central's) implies its DTDL version; one before a DTDL context of another
        // version leaves the element without a DTDL context it can use.
        if (extensionItems.Count > 0 && AffiliateVersion(extensionItems[0].Specifier) is { } implied && implied != model.Version
            && items.IndexOf(extensionItems[0].Node) < items.FindIndex(i => i is JsonString { Value: var v } && v.StartsWith(DtdlContextPrefix, StringComparison.Ordinal)))
        {
            diagnostics.Add(outer is null ? "missingDtdlContext" : "dtdlContextFollowsAffiliate", document, node.Offset);
            return null;
        }

        var extensions = outer is null ? new List<ContextModel>() : [.. outer.Extensions];
        var undefinedExtension = outer?.HasUndefinedExtension ?? false;
        foreach (var (item, specifier) in extensionItems)
        {
            switch (ReadExtension(document, item, specifier, model))
            {
                case ExtensionOutcome.Known known:
                    extensions.Add(known.Context);
                    break;
                case ExtensionOutcome.Undefined:
                    undefinedExtension = true;
                    break;
                default:
                    ok = false;
                    break;
            }
        }

        return ok ? new ContextState(model, extensions, undefinedExtension) : null;
    }

    private abstract record ExtensionOutcome
    {
        public sealed record Known(ContextModel Context) : ExtensionOutcome;

        public sealed record Undefined : ExtensionOutcome;

        public sealed record Rejected : ExtensionOutcome;
    }

    private ExtensionOutcome ReadExtension(SourceDocument document, JsonNode item, string specifier, VersionModel model)
    {
        var version = model.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!specifier.StartsWith("dtmi:", StringComparison.Ordinal))
        {
            diagnostics.Add("nonDtmiContextSpecifier", document, item.Offset, value: specifier);
            return new ExtensionOutcome.Rejected();
        }

        if (!Dtmi.TryParse(specifier, out var dtmi))
        {
            diagnostics.Add("invalidContextSpecifier", document, item.Offset, value: specifier);
            return new ExtensionOutcome.Rejected();
        }

        if (dtmi.MajorVersion is null || (model.Version == 2 && dtmi.MinorVersion is not null))
        {
            diagnostics.Add("invalidContextSpecifierForVersion", document, item.Offset, value: specifier, restriction: version);
            return new ExtensionOutcome.Rejected();
        }

        if (Meta.Contexts.TryGetValue(specifier, out var extension))
        {
            if (!IsUsableExtension(extension, model.Version))
            {
                diagnostics.Add("unresolvableContextSpecifier", document, item.Offset, value: specifier);
                return new ExtensionOutcome.Rejected();
            }

            return new ExtensionOutcome.Known(extension);
        }

        var allowUndefined = options.AllowUndefinedExtensions ?? model.Version == 2;
        var family = Meta.Contexts.Keys.Where(k => k.StartsWith(dtmi.Versionless + ";", StringComparison.Ordinal)).ToList();
        if (!allowUndefined && family.Count > 0)
        {
            diagnostics.Add("unresolvableContextVersion", document, item.Offset, value: specifier,
                restriction: string.Join(", ", family.Select(k => k[(k.IndexOf(';', StringComparison.Ordinal) + 1)..])));
            return new ExtensionOutcome.Rejected();
        }

        if (!allowUndefined)
        {
            diagnostics.Add("unresolvableContextSpecifier", document, item.Offset, value: specifier);
            return new ExtensionOutcome.Rejected();
        }

        return new ExtensionOutcome.Undefined();
    }

    private static int? AffiliateVersion(string specifier) =>
        DtdlMetamodel.Instance.AffiliateVersions.TryGetValue(specifier, out var version) ? version : null;

    // The digest lists contexts for DTDL v4 and partner contexts too; only those whose terms exist for the
    // element's language version can be used.
    private static bool IsUsableExtension(ContextModel extension, int version) => extension.Id switch
    {
        "dtmi:dtdl:context;2" or "dtmi:dtdl:context;3" or "dtmi:dtdl:context;4" => false,
        "dtmi:iotcentral:context;2" => true,
        "dtmi:iotoperations:context;4" => false,
        _ when extension.Id.StartsWith("dtmi:dtdl:limits:", StringComparison.Ordinal) => false,
        _ => true,
    };

    private int? ReadDtdlVersion(SourceDocument document, JsonNode item, string specifier)
    {
        var versionText = specifier.Length > DtdlContextPrefix.Length ? specifier[DtdlContextPrefix.Length..] : "";
        if (versionText.Contains('#', StringComparison.Ordinal))
        {
            diagnostics.Add("disallowedContextFragment", document, item.Offset, value: specifier, restriction: versionText.Split('#')[0]);
            return null;
        }

        if (!VersionSyntax().IsMatch(versionText))
        {
            diagnostics.Add(versionText.Length == 0 ? "invalidContextSpecifierForVersion" : "unrecognizedContextVersion", document, item.Offset, value: specifier, restriction: "2, 3");
            return null;
        }

        var major = int.Parse(versionText.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);
        if (major is 2 && versionText.Contains('.', StringComparison.Ordinal))
        {
            diagnostics.Add("invalidContextSpecifierForVersion", document, item.Offset, value: specifier, restriction: "2");
            return null;
        }

        if (major > options.MaxDtdlVersion && major <= 4)
        {
            diagnostics.Add("disallowedContextVersion", document, item.Offset, value: specifier, restriction: options.MaxDtdlVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return null;
        }

        if (!Meta.Versions.ContainsKey(major))
        {
            diagnostics.Add("unrecognizedContextVersion", document, item.Offset, value: specifier, restriction: "2, 3");
            return null;
        }

        return major;
    }

    [GeneratedRegex(@"^[1-9][0-9]{0,8}(\.[1-9][0-9]{0,5})?$")]
    private static partial Regex VersionSyntax();

}
