using Doppel.Dtdl.Json;
using Doppel.Dtdl.Metamodel;

namespace Doppel.Dtdl.Elements;

internal sealed partial class ElementReader
{
    /// <summary>Reads one element; returns null when it is too broken to take part in later checks.</summary>
    private Element? ReadElement(SourceDocument document, JsonObject obj, ContextState context, string? expectedClass, Element? parent, string? parentProperty)
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


        var (cls, cotypes, undefinedCotype) = ReadTypes(document, obj, context, expectedClass, parent, parentProperty);
        var (id, declared) = ReadId(document, obj, context, cls, parent, parentProperty);
        if (id is null)
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

        if (idNode is not JsonString { Value: var id })
        {
            diagnostics.Add("idNotString", document, idNode.Offset, parent?.Id, parentProperty, idNode.Describe());
            return (null, false);
        }

        if (id.Length > model.IdMaxLength)
        {
            diagnostics.Add("idTooLong", document, idNode.Offset, value: id, restriction: model.IdMaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return (null, false);
        }

        if (!model.IdPattern.IsMatch(id))
        {
            diagnostics.Add("invalidId", document, idNode.Offset, value: id);
            return (null, false);
        }

        if (cls == "Interface" && id.Length > model.InterfaceIdMaxLength)
        {
            diagnostics.Add("idTooLongForType", document, idNode.Offset, id, value: id, type: cls, restriction: model.InterfaceIdMaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
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
        if (typeNode is null)
        {
            if (expectedClass is not null && model.Classes.TryGetValue(expectedClass, out var expected)
                && expected.ConcreteSubclasses.Count == 1 && model.Classes[expected.ConcreteSubclasses.First()].TypeOptional)
            {
                return (expected.ConcreteSubclasses.First(), cotypes, false);
            }

            if (parent is null)
            {
                diagnostics.Add("typeNotRootable", document, obj.Offset, value: idText ?? "", type: string.Join(" or ", model.RootableClasses));
            }
            else
            {
                diagnostics.Add("missingTypeInfo", document, obj.Offset, parent.Id, parentProperty, code: "dtmi:dtdl:parsingError:badType",
                    extra: new Dictionary<string, string?>
                    {
                        ["cause"] = $"Element '{parent.Id}' property '{parentProperty}' has a value with no @type.",
                        ["action"] = $"Provide a @type of {expectedClass} or one of its subtypes.",
                    });
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
        var undefinedCotype = false;
        foreach (var (term, node) in terms)
        {
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

            undefinedCotype |= CheckUnknownType(document, node, term, context, idText);
        }

        if (materials.Count > 1)
        {
            diagnostics.Add("multipleMaterialTypes", document, typeNode.Offset, idText, value: string.Join(", ", materials));
            return (null, cotypes, false);
        }

        if (materials.Count == 0)
        {
            if (parent is null)
            {
                diagnostics.Add("typeNotRootable", document, obj.Offset, value: idText ?? "", type: string.Join(" or ", model.RootableClasses));
            }
            else
            {
                diagnostics.Add("missingTypeInfo", document, typeNode.Offset, parent.Id, parentProperty, code: "dtmi:dtdl:parsingError:badType",
                    extra: new Dictionary<string, string?>
                    {
                        ["cause"] = $"Element '{parent.Id}' property '{parentProperty}' has a value whose @type names no DTDL class.",
                        ["action"] = $"Provide a @type of {expectedClass} or one of its subtypes.",
                    });
            }

            return (null, cotypes, false);
        }

        var cls = materials[0];
        if (parent is null)
        {
            if (!model.RootableClasses.Contains(cls))
            {
                diagnostics.Add("typeNotRootable", document, obj.Offset, value: idText ?? "", type: string.Join(" or ", model.RootableClasses));
                return (null, cotypes, false);
            }
        }
        else if (expectedClass is not null && !(model.Classes.TryGetValue(expectedClass, out var expected) && expected.ConcreteSubclasses.Contains(cls)))
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
    private bool CheckUnknownType(SourceDocument document, JsonNode node, string term, ContextState context, string? elementId)
    {
        var v3 = context.Version >= 3;
        var tenable = context.HasUndefinedExtension;
        string? problem = ClassifyUnknown(term, context) switch
        {
            UnknownKind.InvalidDtmi => "typeInvalidDtmi",
            UnknownKind.Irrelevant => tenable ? null : "typeIrrelevantDtmiOrTerm",
            UnknownKind.NotDtmiNorTerm => v3 ? "typeNotDtmiNorTerm" : null,
            _ => !v3 || tenable ? null : "typeUndefinedTerm",
        };
        if (problem is null)
        {
            return true;
        }

        diagnostics.Add(problem, document, node.Offset, elementId, value: term);
        return false;
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

        return TermSyntax().IsMatch(term) ? UnknownKind.Undefined : UnknownKind.NotDtmiNorTerm;
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
                    diagnostics.AddFor("missingCocotype", element, null, element.Node["@type"], type: ShortName(cotype), restriction: ShortName(cocotype));
                }
            }

            foreach (var property in Meta.SelfAndAncestors(cotype).SelectMany(t => t.Properties.Values))
            {
                if (propertyOwners.TryGetValue(property.Name, out var other) && other != cotype)
                {
                    diagnostics.AddFor("conflictingSupplementalTypes", element, property.Name, element.Node["@type"], type: ShortName(other), restriction: ShortName(cotype));
                }

                propertyOwners.TryAdd(property.Name, cotype);
            }
        }

        foreach (var cotype in element.Cotypes)
        {
            var supplemental = Meta.SupplementalTypes[cotype];
            var term = ShortName(cotype);
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

    private static string ShortName(string dtmi)
    {
        var semicolon = dtmi.LastIndexOf(';');
        var path = semicolon < 0 ? dtmi : dtmi[..semicolon];
        return path[(path.LastIndexOf(':') + 1)..];
    }
}
