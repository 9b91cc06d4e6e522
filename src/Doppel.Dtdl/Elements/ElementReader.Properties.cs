using System.Globalization;
using Doppel.Dtdl.Json;
using Doppel.Dtdl.Metamodel;

namespace Doppel.Dtdl.Elements;

internal sealed partial class ElementReader
{
    private void ReadProperties(Element element, ContextState context)
    {
        var model = context.Model;
        var metaClass = model.Classes[element.Class!];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in element.Node.Members)
        {
            if (member.Name.StartsWith('@'))
            {
                continue;
            }

            var propertyName = member.Name;
            if (!metaClass.Properties.ContainsKey(propertyName) && context.TryResolveTerm(propertyName, out var dtmi)
                && model.PropertyNamesByDtmi.TryGetValue(dtmi, out var viaDtmi))
            {
                propertyName = viaDtmi;
            }
            else if (model.PropertyNamesByDtmi.TryGetValue(member.Name, out var fromDtmi))
            {
                propertyName = fromDtmi;
            }

            if (metaClass.Properties.TryGetValue(propertyName, out var disallowed) && !disallowed.Allowed)
            {
                // Properties the language sets itself, such as languageMajorVersion, may not be written.
                diagnostics.AddFor("propertyIrrelevantDtmiOrTerm", element, member.Name, member.Value, member.Name);
                continue;
            }

            if (metaClass.Properties.TryGetValue(propertyName, out var property) && property.Allowed)
            {
                if (!seen.Add(propertyName))
                {
                    diagnostics.AddFor("duplicatePropertyName", element, propertyName, member.Value);
                    continue;
                }

                ReadProperty(element, context, property, member.Value);
                continue;
            }

            if (TryFindSupplementalProperty(element, context, member.Name, out var supplemental, out var owner))
            {
                if (!seen.Add(supplemental.Id))
                {
                    diagnostics.AddFor("duplicatePropertyName", element, supplemental.Name, member.Value);
                    continue;
                }

                ReadSupplementalProperty(element, context, supplemental, owner, member.Value);
                continue;
            }

            ReportUnknownProperty(element, context, member);
        }

        foreach (var property in metaClass.Properties.Values)
        {
            if (!property.Allowed || (seen.Contains(property.Name) && !IsEmptyArray(element.Node[property.Name])) || property.MinCount is null or 0)
            {
                continue;
            }

            if (!seen.Contains(property.Name))
            {
                var missing = MissingPropertyId(element, property);
                if (missing == "missingDtmiSegPropertyValue")
                {
                    // The element's identifier would be derived from its name; the parent's property is where it is missing.
                    diagnostics.AddFor(missing, element.Parent!, element.ParentProperty, element.Node, property.Name);
                }
                else
                {
                    diagnostics.AddFor(missing, element, property.Name);
                }

                element.MissingProperties.Add(diagnostics.Items[^1]);
                ReportMissingDictionaryKey(element, property);
            }
            else if (property.Literal || property.Class is null)
            {
                diagnostics.AddFor(DatatypePrefix(property.Datatype) + "CountBelowMin", element, property.Name, element.Node[property.Name], extra: Counts(0, property.MinCount.Value));
            }
            else if (property.Class is not null && !property.Literal)
            {
                diagnostics.AddFor("objectCountBelowMin", element, property.Name, element.Node[property.Name], extra: Counts(0, property.MinCount.Value));
            }
        }

        foreach (var cotype in element.Cotypes)
        {
            foreach (var supplemental in Meta.SupplementalTypes[cotype].Properties.Values)
            {
                if (supplemental.MinCount is > 0 && !element.Node.Members.Any(m => IsTermFor(context, m.Name, supplemental)))
                {
                    diagnostics.AddFor(supplemental.Type.StartsWith("dtmi:", StringComparison.Ordinal) ? "missingSupplementalObjectProperty" : "missingSupplementalLiteralProperty",
                        element, supplemental.Name, type: DtmiNames.ShortName(cotype));
                    element.MissingProperties.Add(diagnostics.Items[^1]);
                }
            }
        }
    }

    /// <summary>
    /// A semantic type's unit must be a unit of its family: a Temperature in degreeCelsius, not in metres.
    /// </summary>
    private bool CheckUnitFamily(Element element, SupplementalProperty property, SupplementalType owner, JsonNode node, string target)
    {
        var family = property.ChildOf is { } childOf ? DtmiNames.ShortName(childOf) : property.TypeName;
        if (!Meta.Units.TryGetValue(owner.ExtensionContext, out var families) || !families.TryGetValue(family, out var members))
        {
            return true;
        }

        var unit = DtmiNames.ShortName(target);
        if (members.Contains(unit))
        {
            return true;
        }

        // DTDL v2 names the unit's class (notRequiredType); v3 names an enum the unit must belong to (badType).
        if (property.ChildOf is null)
        {
            diagnostics.AddFor("notRequiredType", element, property.Name, node, unit, secondaryId: target, type: family);
        }
        else
        {
            diagnostics.AddFor("badType", element, property.Name, node, family, secondaryId: target,
                extra: new Dictionary<string, string?>
                {
                    ["cause"] = $"Element '{element.Id}' property '{property.Name}' has value '{target}', which is not a unit.",
                    ["action"] = $"Use a unit of {family}.",
                });
        }

        return false;
    }

    /// <summary>
    /// Why a required property is missing: a content's name is also what its derived @id and the contents
    /// dictionary are keyed by, and DTDLParser says so.
    /// </summary>
    private static string MissingPropertyId(Element element, MetaProperty property)
    {
        if (element.Parent is { } parent && DtdlMetamodel.Instance.Versions[parent.Version].Classes[parent.Class!].Properties.TryGetValue(element.ParentProperty!, out var parentProperty))
        {
            if (parentProperty.DtmiSegment == property.Name && !element.IdDeclared)
            {
                return "missingDtmiSegPropertyValue";
            }

        }

        return property.Literal || property.Class is null ? "missingLiteralProperty" : "missingObjectProperty";
    }

    /// <summary>A content without a name cannot be filed in its Interface's contents, which are keyed by name.</summary>
    private void ReportMissingDictionaryKey(Element element, MetaProperty property)
    {
        if (element.Parent is { } parent && element.IdDeclared
            && DtdlMetamodel.Instance.Versions[parent.Version].Classes[parent.Class!].Properties.TryGetValue(element.ParentProperty!, out var parentProperty)
            && parentProperty.DictionaryKey == property.Name && element.Node.Members.Any(m => !m.Name.StartsWith('@')))
        {
            diagnostics.AddFor("missingDictKeyPropertyValue", parent, element.ParentProperty, element.Node, property.Name, secondaryId: element.Id);
            element.MissingProperties.Add(diagnostics.Items[^1]);
        }
    }

    private static bool IsEmptyArray(JsonNode? node) => node is JsonArray { Items.Count: 0 };

    private static bool IsTermFor(ContextState context, string term, SupplementalProperty property) =>
        term == property.Id || (context.TryResolveTerm(term, out var dtmi) && dtmi == property.Id);

    private static bool TryFindSupplementalProperty(Element element, ContextState context, string term, out SupplementalProperty property, out SupplementalType owner)
    {
        foreach (var cotype in element.Cotypes)
        {
            foreach (var type in Meta.SelfAndAncestors(cotype))
            {
                foreach (var candidate in type.Properties.Values)
                {
                    if (IsTermFor(context, term, candidate))
                    {
                        property = candidate;
                        owner = Meta.SupplementalTypes[cotype];
                        return true;
                    }
                }
            }
        }

        property = null!;
        owner = null!;
        return false;
    }

    /// <summary>
    /// A property the element's types do not define. An undefined co-type may define it, so it is tolerated
    /// there as the language version allows; otherwise it is an error.
    /// </summary>
    private void ReportUnknownProperty(Element element, ContextState context, JsonMember member)
    {
        var v3 = context.Version >= 3;
        var term = member.Name;
        var dtmi = context.TryResolveTerm(term, out var resolved) ? resolved : term;
        var kind = IsKnownPropertyDtmi(dtmi) ? UnknownKind.Irrelevant : ClassifyUnknown(term, context);
        if (element.HasUndefinedCotype)
        {
            if (v3 && kind is UnknownKind.InvalidDtmi or UnknownKind.NotDtmiNorTerm)
            {
                diagnostics.AddFor(kind == UnknownKind.InvalidDtmi ? "propertyInvalidDtmi" : "propertyNotDtmiNorTerm", element, term, member.Value, value: term, restriction: context.Version.ToString(CultureInfo.InvariantCulture));
            }

            return;
        }

        // With an undefined extension in scope the term may be defined there, but no type of the element allows it.
        if (context.HasUndefinedExtension && kind is UnknownKind.Undefined or UnknownKind.Irrelevant)
        {
            diagnostics.AddFor("noTypeThatAllows", element, term, member.Value);
            return;
        }

        var id = kind switch
        {
            UnknownKind.InvalidDtmi => "propertyInvalidDtmi",
            UnknownKind.Irrelevant => "propertyIrrelevantDtmiOrTerm",
            UnknownKind.NotDtmiNorTerm => "propertyNotDtmiNorTerm",
            _ => "propertyUndefinedTerm",
        };
        diagnostics.AddFor(id, element, term, member.Value, value: term, restriction: context.Version.ToString(CultureInfo.InvariantCulture));

        // Where a co-type could have brought the property, the element also lacks "a type that allows" it.
        if (AcceptsCotypes(element, context))
        {
            diagnostics.AddFor("noTypeThatAllows", element, term, member.Value);
        }
    }

    /// <summary>Whether some co-type of the active contexts could be applied to the element (and so bring properties).</summary>
    private static bool AcceptsCotypes(Element element, ContextState context) =>
        Meta.SupplementalTypes.Values.Any(s => !s.Abstract && s.CotypeVersions.Contains(element.Version) && s.Cotypes.Contains(element.Class!)
            && context.HasExtension(s.ExtensionContext));

    private static bool IsKnownPropertyDtmi(string dtmi) =>
        dtmi.StartsWith("dtmi:dtdl:property:", StringComparison.Ordinal)
        || Meta.SupplementalTypes.Values.Any(s => s.Properties.ContainsKey(dtmi));

    private void ReadProperty(Element element, ContextState context, MetaProperty property, JsonNode node)
    {
        if (node.Kind == JsonKind.Null)
        {
            diagnostics.AddFor("propertyValueNull", element, property.Name, node);
            return;
        }

        if (property.Class is not null && !property.Literal)
        {
            ReadObjectProperty(element, context, property, node);
        }
        else if (property.IsIdentifier)
        {
            ReadIdentifierProperty(element, property, node);
        }
        else
        {
            ReadLiteralProperty(element, property, node);
        }
    }

    private void ReadIdentifierProperty(Element element, MetaProperty property, JsonNode node)
    {
        if (IsEmptyArray(node))
        {
            return;
        }

        if (node is JsonArray { Items.Count: > 1 })
        {
            diagnostics.AddFor("identifierMultipleValues", element, property.Name, node);
            return;
        }

        var value = node is JsonArray { Items.Count: 1 } one ? one.Items[0] : node;
        if (value is not JsonString { Value: var text })
        {
            diagnostics.AddFor("identifierNotString", element, property.Name, value, value.Describe());
            return;
        }

        if (!property.Pattern!.IsMatch(text) || (property.MaxLength is { } max && text.Length > max))
        {
            diagnostics.AddFor("identifierNotDtmi", element, property.Name, value, text);
            return;
        }

        element.Literals[property.Name] = value;
    }

    private void ReadObjectProperty(Element element, ContextState context, MetaProperty property, JsonNode node)
    {
        var values = node is JsonArray array ? array.Items : [node];
        if (values.Count == 0)
        {
            return;
        }

        if (!property.Plural && values.Count > 1)
        {
            diagnostics.AddFor("objectMultipleValues", element, property.Name, node);
            return;
        }

        var count = 0;
        foreach (var value in values)
        {
            switch (value)
            {
                case JsonString { Value: var text }:
                    if (ReadReference(element, context, property, value, text))
                    {
                        count++;
                    }

                    break;
                case JsonObject obj:
                    if (obj.Members.Count == 1 && obj["@id"] is JsonString idOnly)
                    {
                        diagnostics.AddFor("idReference", element, property.Name, obj, idOnly.Value);
                        break;
                    }

                    var child = ReadElement(element.Document, obj, context, property.Class, element, property.Name);
                    if (child is not null)
                    {
                        Add(element.Children, property.Name, child);
                        count++;

                        // A v3 element may hold v2 definitions, not the other way round.
                        if (property.Versions is { } versions && !versions.Contains(child.Version))
                        {
                            diagnostics.AddFor("disallowedVersionDefinition", element, property.Name, obj, child.Version.ToString(CultureInfo.InvariantCulture), restriction: string.Join(", ", versions));
                        }
                    }

                    break;
                default:
                    diagnostics.AddFor("refNotStringOrObject", element, property.Name, value);
                    break;
            }
        }

        if (property.MaxCount is { } max && count > max)
        {
            diagnostics.AddFor("objectCountAboveMax", element, property.Name, node, extra: Counts(count, max));
        }
        else if (property.MinCount is { } min && count < min)
        {
            diagnostics.AddFor("objectCountBelowMin", element, property.Name, node, extra: Counts(count, min));
        }
    }

    private static Dictionary<string, string?> Counts(int observed, int expected) => new()
    {
        ["count1"] = observed.ToString(CultureInfo.InvariantCulture),
        ["count2"] = expected.ToString(CultureInfo.InvariantCulture),
        ["item1"] = observed == 1 ? "value" : "values",
        ["item2"] = expected == 1 ? "value" : "values",
        ["verb2"] = expected == 1 ? "is" : "are",
    };

    private bool ReadReference(Element element, ContextState context, MetaProperty property, JsonNode node, string text)
    {
        string? target = null;
        if (context.TryResolveTerm(text, out var dtmi))
        {
            target = dtmi;
        }
        else if (context.Model.IdPattern.IsMatch(text))
        {
            target = text;
        }

        if (target is null)
        {
            diagnostics.AddFor("badDtmiOrTerm", element, property.Name, node, text, restriction: context.Version.ToString(CultureInfo.InvariantCulture));
            return false;
        }

        // A class (such as "Double") names a kind of element, not an element: "double" is the schema.
        if (context.Model.ClassNamesByDtmi.ContainsKey(target))
        {
            diagnostics.AddFor("badType", element, property.Name, node, text, secondaryId: target, type: property.Class,
                extra: new Dictionary<string, string?>
                {
                    ["cause"] = $"Element '{element.Id}' property '{property.Name}' has value '{text}', which names a class rather than an element.",
                    ["action"] = $"Refer to an element of type {property.Class}, such as a schema term in lower case.",
                });
            return false;
        }

        // A value of the wrong kind is a bad type (a map key must be a string); a value of the right kind
        // outside the allowed set is an incorrect value (an enum's value schema must be integer or string).
        if (property.ValueUris is not null && !property.ValueUris.Contains(target) && property.Class is { } requiredClass
            && Meta.StandardElements.TryGetValue(target, out var standard)
            && !standard.Types.Any(t => context.Model.Classes.ContainsKey(t) && context.Model.IsSubclassOf(t, requiredClass)))
        {
            diagnostics.AddFor("badType", element, property.Name, node, text, secondaryId: target, type: requiredClass,
                extra: new Dictionary<string, string?>
                {
                    ["cause"] = $"Element '{element.Id}' property '{property.Name}' has value '{text}', which is not a {requiredClass}.",
                    ["action"] = $"Change the value of '{property.Name}' to {string.Join(" or ", property.Values ?? [])}.",
                });
            return false;
        }

        if (property.ValueUris is not null && !property.ValueUris.Contains(target))
        {
            diagnostics.AddFor("incorrectPropertyValue", element, property.Name, node, text, restriction: string.Join(" or ", property.Values ?? []));
            return false;
        }

        Add(element.References, property.Name, new Reference(target, node));
        return true;
    }

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

    private void ReadSupplementalProperty(Element element, ContextState context, SupplementalProperty property, SupplementalType owner, JsonNode node)
    {
        if (node.Kind == JsonKind.Null)
        {
            diagnostics.AddFor("propertyValueNull", element, property.Name, node);
            return;
        }

        if (node is JsonArray { Items.Count: > 1 } && property.MaxCount == 1)
        {
            diagnostics.AddFor("objectMultipleValues", element, property.Name, node);
            return;
        }

        if (node is JsonArray { Items.Count: 1 } single)
        {
            node = single.Items[0];
        }

        if (node is JsonArray { Items.Count: 0 })
        {
            if (property.MinCount is > 0)
            {
                diagnostics.AddFor("objectCountBelowMin", element, property.Name, node, extra: Counts(0, property.MinCount.Value));
            }

            return;
        }

        if (property.Type.StartsWith("dtmi:", StringComparison.Ordinal))
        {
            if (node is not JsonString { Value: var text })
            {
                diagnostics.AddFor(node is JsonObject ? "refObjectNotAllowed" : "refNotStringOrObject", element, property.Name, node);
                return;
            }

            if (!context.TryResolveTerm(text, out var target) && !(Dtmi.TryParse(text, out _) && (target = text) is not null))
            {
                diagnostics.AddFor("badDtmiOrTerm", element, property.Name, node, text, restriction: context.Version.ToString(CultureInfo.InvariantCulture));
                return;
            }

            if (!CheckUnitFamily(element, property, owner, node, target))
            {
                return;
            }

            Add(element.References, property.Name, new Reference(target, node));
            return;
        }

        var datatype = property.TypeName;
        var unwrapped = UnwrapValueObject(element, property.Name, node, datatype);
        if (unwrapped is null)
        {
            return;
        }

        if (!MatchesDatatype(unwrapped, datatype))
        {
            diagnostics.AddFor(NotDatatypeId(datatype), element, property.Name, unwrapped, unwrapped.Describe());
            return;
        }

        if (unwrapped is JsonString { Value: var literal })
        {
            if (datatype == "duration" && !Resolution.TemporalSyntax.IsDuration(literal))
            {
                diagnostics.AddFor("durationInvalid", element, property.Name, unwrapped, literal);
                return;
            }

            if (property.Pattern is { } pattern && !pattern.IsMatch(literal))
            {
                diagnostics.AddFor("stringInvalid", element, property.Name, unwrapped, literal, restriction: pattern.ToString());
                return;
            }
        }

        if (unwrapped is JsonNumber number && property.MinInclusive is { } min && number.TryGetInt64(out var n) && n < min)
        {
            diagnostics.AddFor("valueBelowRange", element, property.Name, unwrapped, number.Text, restriction: min.ToString(CultureInfo.InvariantCulture));
            return;
        }

        element.Literals[property.Name] = unwrapped;
    }
}
