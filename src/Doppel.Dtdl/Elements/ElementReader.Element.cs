using Doppel.Dtdl.Json;
using Doppel.Dtdl.Metamodel;

namespace Doppel.Dtdl.Elements;

internal sealed partial class ElementReader
{
    /// <summary>Reads one element; returns null when it is too broken to take part in later checks.</summary>
    /// <summary>
    /// Reads one element. Some findings are only "tenable" problems (an undefined co-type term): they are kept
    /// when the element has other problems, to explain them, and withdrawn when it has none.
    /// </summary>
    private Element? ReadElement(SourceDocument document, JsonObject obj, ContextState context, string? expectedClass, Element? parent, string? parentProperty)
    {
        var outerTentative = tentative;
        tentative = [];
        var start = diagnostics.Count;
        try
        {
            return ReadElementCore(document, obj, context, expectedClass, parent, parentProperty);
        }
        finally
        {
            if (diagnostics.Count == start + tentative.Count)
            {
                diagnostics.Withdraw(tentative);
            }

            tentative = outerTentative;
        }
    }

    private Element? ReadElementCore(SourceDocument document, JsonObject obj, ContextState context, string? expectedClass, Element? parent, string? parentProperty)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (parent is not null && obj["@context"] is { } nested)
        {
            var inner = ReadContext(document, nested, context);
            if (inner is null)
            {
                return null;
            }

            context = inner;
        }

        var model = context.Model;
        CheckKeywords(document, obj, parent, parentProperty, model.Version);

        // Identifier syntax first, as DTDLParser reports it before anything about types.
        if (!CheckIdSyntax(document, obj, model, parent, parentProperty, out var layer))
        {
            return null;
        }

        var (cls, cotypes, undefinedCotype) = ReadTypes(document, obj, context, expectedClass, parent, parentProperty);
        var (id, declared) = ReadId(document, obj, context, cls, parent, parentProperty);
        if (id is null)
        {
            return null;
        }

        if (declared && layer is not null)
        {
            id = id[..id.IndexOf('#', StringComparison.Ordinal)];
        }

        if (!CheckLayerNesting(document, obj, parent, parentProperty, declared, ref layer))
        {
            return null;
        }

        if (cls is null)
        {
            return null;
        }

        var element = new Element
        {
            Id = id,
            IdDeclared = declared,
            Document = document,
            Node = obj,
            Version = model.Version,
            Class = cls,
            Cotypes = cotypes,
            HasUndefinedCotype = undefinedCotype,
            Parent = parent,
            ParentProperty = parentProperty,
            Layer = layer,
        };
        elements.Add(element);
        CheckCotypes(element, context);
        ReadProperties(element, context);
        return element;
    }

    private void CheckKeywords(SourceDocument document, JsonObject obj, Element? parent, string? parentProperty, int version)
    {
        foreach (var member in obj.Members)
        {
            // DTDL v2 ignores JSON-LD keywords it does not use, but not @graph; v3 restricts them all.
            if (!member.Name.StartsWith('@') || member.Name is "@context" or "@id" or "@type" || (version < 3 && member.Name != "@graph"))
            {
                continue;
            }

            if (parent is null)
            {
                diagnostics.Add(member.Name == "@graph" ? "topLevelGraphDisallowed" : "topLevelKeywordDisallowed", document, member.NameOffset, value: member.Name);
            }
            else
            {
                diagnostics.Add(member.Name == "@graph" ? "graphDisallowed" : "keywordDisallowed", document, member.NameOffset, parent.Id, parentProperty, member.Name);
            }
        }
    }

    private (string? Id, bool Declared) ReadId(SourceDocument document, JsonObject obj, ContextState context, string? cls, Element? parent, string? parentProperty)
    {
        var model = context.Model;
        var idNode = obj["@id"];
        if (idNode is null)
        {
            if (parent is null)
            {
                diagnostics.Add("missingTopLevelId", document, obj.Offset);
                return (null, false);
            }

            if (cls is not null && model.Classes.TryGetValue(cls, out var metaClass)
                && (metaClass.IdRequired || metaClass.IdRequiredWhen.Any(w => w.Property == parentProperty && parent.Class is not null && model.IsSubclassOf(parent.Class, w.Class))))
            {
                diagnostics.Add("missingRequiredId", document, obj.Offset, parent.Id, parentProperty);
            }

            return (GenerateId(parent, parentProperty!, obj), false);
        }

        var id = ((JsonString)idNode).Value;
        if (cls == "Interface" && id.Length > model.InterfaceIdMaxLength)
        {
            diagnostics.Add("idTooLongForType", document, idNode.Offset, id, value: id, type: cls,
                extra: new Dictionary<string, string?> { ["count1"] = model.InterfaceIdMaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        foreach (var prefix in context.ReservedIdPrefixes)
        {
            if (id.StartsWith(prefix, StringComparison.Ordinal))
            {
                diagnostics.Add("reservedId", document, idNode.Offset, id, value: id, restriction: prefix);
                break;
            }
        }

        return (id, true);
    }

    private bool CheckIdSyntax(SourceDocument document, JsonObject obj, VersionModel model, Element? parent, string? parentProperty, out string? layer)
    {
        layer = null;
        var idNode = obj["@id"];
        if (idNode is null)
        {
            return true;
        }

        // "dtmi:ex:Thing;1#name" is a layer of dtmi:ex:Thing;1, as DTDLParser's layering writes it. DTDL v2 and v3
        // have no layers, so the identifier is invalid — reported once the whole upload is read, after what the
        // layers' contents show — but a layer marked as such is still read, so its contents are checked.
        if (idNode is JsonString { Value: "" })
        {
            diagnostics.Add("idNotString", document, idNode.Offset, parent?.Id, parentProperty, "''");
            return false;
        }

        if (idNode is JsonString { Value: var text } && text.IndexOf('#', StringComparison.Ordinal) is var hash and > 0
            && model.IdPattern.IsMatch(text[..hash]))
        {
            if (!HasLayerType(obj))
            {
                if (parent is not null)
                {
                    diagnostics.Add("disallowedIdFragment", document, idNode.Offset, text);
                }

                diagnostics.Add("invalidId", document, idNode.Offset, value: text, restriction: model.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return false;
            }

            deferred.Add(("invalidId", document, idNode.Offset, text, model.Version));

            // A nameless layer ("…;1#") is the base definition again.
            layer = hash < text.Length - 1 ? text[(hash + 1)..] : null;
            return true;
        }

        if (idNode is not JsonString { Value: var id })
        {
            diagnostics.Add("idNotString", document, idNode.Offset, parent?.Id, parentProperty, idNode.Describe());
            return false;
        }

        if (id.Length > model.IdMaxLength)
        {
            diagnostics.Add("idTooLong", document, idNode.Offset, value: id, restriction: model.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                extra: new Dictionary<string, string?> { ["count1"] = model.IdMaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture), ["transformation"] = model.Context.Id });
            return false;
        }

        if (!model.IdPattern.IsMatch(id))
        {
            diagnostics.Add("invalidId", document, idNode.Offset, value: id, restriction: model.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return false;
        }

        return true;
    }

    private static bool HasLayerType(JsonObject obj) => obj["@type"] switch
    {
        JsonString { Value: "Layer" } => true,
        JsonArray array => array.Items.Any(i => i is JsonString { Value: "Layer" }),
        _ => false,
    };

    /// <summary>
    /// A layer's contents belong to the layer: an element with its own plain @id may not sit inside a layer,
    /// and a layer may not sit inside an element of another layer (or of none).
    /// </summary>
    private bool CheckLayerNesting(SourceDocument document, JsonObject obj, Element? parent, string? parentProperty, bool declared, ref string? layer)
    {
        if (parent is null)
        {
            return true;
        }

        if (!declared)
        {
            layer = parent.Layer;
            return true;
        }

        if (layer != parent.Layer)
        {
            diagnostics.Add("mismatchedLayers", document, obj.Offset, parent.Id, parentProperty, layer ?? parent.Layer);
            return false;
        }

        return true;
    }

    // An element without @id gets one derived from its parent's, as DTDLParser does:
    // dtmi:ex:Room;1 → dtmi:ex:Room:_contents:__temperature;1
    private static string GenerateId(Element parent, string property, JsonObject obj)
    {
        var parentId = parent.Id;
        var semicolon = parentId.LastIndexOf(';');
        var path = semicolon < 0 ? parentId : parentId[..semicolon];
        var version = semicolon < 0 ? "" : parentId[semicolon..];
        var segment = obj["name"] is JsonString { Value: var name } ? ":__" + name : "";
        if (segment.Length == 0 && parent.Children.TryGetValue(property, out var siblings) && siblings.Count > 0)
        {
            segment = ":__" + siblings.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return $"{path}:_{property}{segment}{version}";
    }

    private (string? Class, List<string> Cotypes, bool UndefinedCotype) ReadTypes(SourceDocument document, JsonObject obj, ContextState context, string? expectedClass, Element? parent, string? parentProperty)
    {
        var model = context.Model;
        var cotypes = new List<string>();
        var typeNode = obj["@type"];
        var idText = obj["@id"] is JsonString s ? s.Value : null;

        // The identifier diagnostics name: the given one, or the one the element will be given.
        var elementId = idText ?? (parent is not null ? GenerateId(parent, parentProperty!, obj) : null);
        if (typeNode is null)
        {
            if (expectedClass is not null && model.Classes.TryGetValue(expectedClass, out var expected)
                && expected.ConcreteSubclasses.Count == 1 && model.Classes[expected.ConcreteSubclasses.First()].TypeOptional)
            {
                return (expected.ConcreteSubclasses.First(), cotypes, false);
            }

            if (parent is null)
            {
                diagnostics.Add("typeNotRootable", document, obj.Offset, value: idText is null ? "with no @id" : $"'{idText}'", type: string.Join(" or ", model.RootableClasses));
            }
            else
            {
                ReportNoClass(document, obj.Offset, parent, parentProperty, expectedClass, "has a value with no @type");
            }

            return (null, cotypes, false);
        }

        var terms = new List<(string Term, JsonNode Node)>();
        if (typeNode is JsonString single)
        {
            terms.Add((single.Value, single));
        }
        else if (typeNode is JsonArray array && array.Items.All(i => i is JsonString))
        {
            terms.AddRange(array.Items.Select(i => (((JsonString)i).Value, i)));
        }
        else
        {
            diagnostics.Add("typeNotDtmiNorTerm", document, typeNode.Offset, parent?.Id ?? idText, "@type", typeNode.Describe());
            return (null, cotypes, false);
        }

        var materials = new List<string>();
        var unknown = new List<(string Term, JsonNode Node)>();
        var isLayer = (idText is not null && idText.Contains('#', StringComparison.Ordinal)) || parent?.Layer is not null;
        foreach (var (term, node) in terms)
        {
            // "Layer" marks a layered definition (see CheckIdSyntax); it is no type of the element itself.
            if (term == "Layer" && isLayer)
            {
                continue;
            }

            if (TryClassifyType(term, context, out var material, out var supplemental))
            {
                if (material is not null)
                {
                    materials.Add(material);
                }
                else if (supplemental is not null)
                {
                    cotypes.Add(supplemental);
                }

                continue;
            }

            unknown.Add((term, node));
        }

        // A top-level element that is no Interface is reported as such before its unknown types.
        if (parent is null && !materials.Any(model.RootableClasses.Contains))
        {
            diagnostics.Add("typeNotRootable", document, obj.Offset, value: idText is null ? "with no @id" : $"'{idText}'", type: string.Join(" or ", model.RootableClasses));
            return (null, cotypes, false);
        }

        var undefinedCotype = false;
        foreach (var (term, node) in unknown)
        {
            undefinedCotype |= CheckUnknownType(document, node, term, context, elementId, reportUndefined: materials.Count == 0);
        }

        if (materials.Count == 0 && unknown.Any(u => ClassifyUnknown(u.Term, context) == UnknownKind.Undefined))
        {
            return (null, cotypes, false);
        }

        // A layer must still say what the element is.
        if (materials.Count == 0 && isLayer && parent is not null && terms.Count > 0 && terms.All(t => t.Term == "Layer"))
        {
            diagnostics.Add("layerMissingMaterialType", document, typeNode.Offset, elementId, parentProperty, type: expectedClass);
            return (null, cotypes, false);
        }

        if (materials.Count > 1)
        {
            diagnostics.Add("multipleMaterialTypes", document, typeNode.Offset, elementId, value: string.Join(", ", materials));
            return (null, cotypes, false);
        }

        // (A top-level element without a class was reported as not rootable above.)
        if (materials.Count == 0)
        {
            ReportNoClass(document, typeNode.Offset, parent!, parentProperty, expectedClass, "has a value whose @type names no DTDL class");
            return (null, cotypes, false);
        }

        var cls = materials[0];
        if (parent is not null && expectedClass is not null && !(model.Classes.TryGetValue(expectedClass, out var expectedMeta) && expectedMeta.ConcreteSubclasses.Contains(cls)))
        {
            diagnostics.Add("badType", document, typeNode.Offset, parent.Id, parentProperty, cls, secondaryId: idText,
                extra: new Dictionary<string, string?>
                {
                    ["cause"] = $"Element '{parent.Id}' property '{parentProperty}' has value{(idText is null ? "" : $" '{idText}'")} with @type {cls}, which is not allowed.",
                    ["action"] = $"Provide a @type of {expectedClass} or one of its concrete subtypes.",
                });
            return (null, cotypes, false);
        }

        return (cls, cotypes, undefinedCotype);
    }

    private void ReportNoClass(SourceDocument document, int offset, Element parent, string? parentProperty, string? expectedClass, string what) =>
        diagnostics.Add("missingTypeInfo", document, offset, parent.Id, parentProperty, code: "dtmi:dtdl:parsingError:badType",
            extra: new Dictionary<string, string?>
            {
                ["cause"] = $"Element '{parent.Id}' property '{parentProperty}' {what}.",
                ["action"] = $"Provide a @type of {expectedClass} or one of its subtypes.",
            });

    private static bool TryClassifyType(string term, ContextState context, out string? material, out string? supplemental)
    {
        material = null;
        supplemental = null;
        var dtmi = context.TryResolveTerm(term, out var resolved) ? resolved : term.StartsWith("dtmi:", StringComparison.Ordinal) ? term : null;
        if (dtmi is null)
        {
            return false;
        }

        if (context.Model.ClassNamesByDtmi.TryGetValue(dtmi, out var className))
        {
            material = className;
            return true;
        }

        if (DtdlMetamodel.Instance.SupplementalTypes.ContainsKey(dtmi))
        {
            supplemental = dtmi;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Reports a @type value that names no class and no known co-type, per the language version's policy
    /// (DTDLParser's "apocrypha"); returns true when it is tolerated as an undefined co-type.
    /// </summary>
    private bool CheckUnknownType(SourceDocument document, JsonNode node, string term, ContextState context, string? elementId, bool reportUndefined)
    {
        var v3 = context.Version >= 3;
        var tenable = context.HasUndefinedExtension;
        var kind = ClassifyUnknown(term, context);

        // An undefined term is an error in v3 unless an undefined extension may define it, and when it is the
        // element's only type; otherwise it is tolerated, and reported only to explain other problems.
        string? problem = kind switch
        {
            UnknownKind.InvalidDtmi => "typeInvalidDtmi",
            UnknownKind.Irrelevant => tenable ? null : "typeIrrelevantDtmiOrTerm",
            UnknownKind.NotDtmiNorTerm => v3 ? "typeNotDtmiNorTerm" : null,
            _ => "typeUndefinedTerm",
        };
        if (problem is not null)
        {
            diagnostics.Add(problem, document, node.Offset, elementId, value: term, restriction: context.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (kind == UnknownKind.Undefined && !reportUndefined && (!v3 || tenable))
            {
                tentative!.Add(diagnostics.Items[^1]);
            }
        }

        return problem is null || kind == UnknownKind.Undefined;
    }

    private enum UnknownKind
    {
        InvalidDtmi,
        Irrelevant,
        NotDtmiNorTerm,
        Undefined,
    }

    private static UnknownKind ClassifyUnknown(string term, ContextState context)
    {
        if (term.StartsWith("dtmi:", StringComparison.Ordinal))
        {
            if (!context.Model.IdPattern.IsMatch(term))
            {
                return UnknownKind.InvalidDtmi;
            }

            return Meta.TermTargets.Contains(term) || context.Model.PropertyNamesByDtmi.ContainsKey(term) ? UnknownKind.Irrelevant : UnknownKind.Undefined;
        }

        if (context.TryResolveTerm(term, out _))
        {
            return UnknownKind.Irrelevant;
        }

        // Anything without a scheme is a term (undefined here); a non-DTMI IRI is neither DTMI nor term.
        return term.Contains(':', StringComparison.Ordinal) || term.Length == 0 ? UnknownKind.NotDtmiNorTerm : UnknownKind.Undefined;
    }

    private void CheckCotypes(Element element, ContextState context)
    {
        var propertyOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var cotype in element.Cotypes)
        {
            foreach (var cocotype in Meta.SupplementalTypes[cotype].Cocotypes)
            {
                if (!element.Cotypes.Contains(cocotype))
                {
                    diagnostics.AddFor("missingCocotype", element, null, element.Node["@type"], type: DtmiNames.ShortName(cotype), restriction: DtmiNames.ShortName(cocotype));
                }
            }

            foreach (var property in Meta.SupplementalProperties([cotype]))
            {
                if (propertyOwners.TryGetValue(property.Name, out var other) && other != cotype)
                {
                    diagnostics.AddFor("conflictingSupplementalTypes", element, property.Name, element.Node["@type"], type: DtmiNames.ShortName(other), restriction: DtmiNames.ShortName(cotype));
                }

                propertyOwners.TryAdd(property.Name, cotype);
            }
        }

        foreach (var cotype in element.Cotypes)
        {
            var supplemental = Meta.SupplementalTypes[cotype];
            var term = DtmiNames.ShortName(cotype);
            if (supplemental.Abstract)
            {
                diagnostics.AddFor("abstractSupplementalType", element, null, element.Node["@type"], type: term);
            }
            else if (!supplemental.Cotypes.Any(c => context.Model.IsSubclassOf(element.Class!, c)))
            {
                diagnostics.AddFor("invalidCotype", element, null, element.Node["@type"], type: term, restriction: string.Join(" or ", supplemental.Cotypes));
            }
            else if (!supplemental.CotypeVersions.Contains(element.Version))
            {
                diagnostics.AddFor("invalidCotypeVersion", element, null, element.Node["@type"], type: term, restriction: string.Join(", ", supplemental.CotypeVersions));
            }
        }
    }
}
