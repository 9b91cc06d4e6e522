using System.Globalization;
using System.Text.RegularExpressions;
using Doppel.Dtdl.Json;
using Doppel.Dtdl.Metamodel;

namespace Doppel.Dtdl.Elements;

internal sealed partial class ElementReader
{
    private static readonly string[] ValueObjectDatatypes = ["string", "integer", "boolean"];

    private void ReadLiteralProperty(Element element, MetaProperty property, JsonNode node)
    {
        var datatype = property.Datatype;
        if (datatype == "langString")
        {
            ReadLangString(element, property, node);
            return;
        }

        JsonNode value = node;
        if (node is JsonArray array)
        {
            if (array.Items.Count == 0)
            {
                return;
            }

            if (array.Items.Count == 1)
            {
                value = array.Items[0];
            }
            else if (!property.Plural)
            {
                diagnostics.AddFor(MultipleValuesId(datatype), element, property.Name, node);
                return;
            }
            else
            {
                foreach (var item in array.Items)
                {
                    ReadLiteralValue(element, property, item);
                }

                return;
            }
        }

        ReadLiteralValue(element, property, value);
    }

    private void ReadLiteralValue(Element element, MetaProperty property, JsonNode node)
    {
        var datatype = property.Datatype;
        var value = UnwrapValueObject(element, property.Name, node, datatype);
        if (value is null)
        {
            return;
        }

        if (datatype is not null && !MatchesDatatype(value, datatype))
        {
            diagnostics.AddFor(NotDatatypeId(datatype), element, property.Name, value, value.Describe());
            return;
        }

        if (datatype is null && value is not (JsonString or JsonNumber or JsonLiteral { Kind: JsonKind.True or JsonKind.False }))
        {
            diagnostics.AddFor("literalNotValid", element, property.Name, value, value.Describe());
            return;
        }

        if (value is JsonString { Value: var text })
        {
            if (property.MaxLength is { } max && text.Length > max)
            {
                diagnostics.AddFor("stringTooLong", element, property.Name, value, text, extra: new Dictionary<string, string?> { ["count1"] = max.ToString(CultureInfo.InvariantCulture) });
                return;
            }

            if (property.Pattern is { } pattern && !pattern.IsMatch(text))
            {
                diagnostics.AddFor("stringInvalid", element, property.Name, value, text, restriction: property.Pattern.ToString());
                return;
            }

            if (datatype == "duration" && !Resolution.TemporalSyntax.IsDuration(text))
            {
                diagnostics.AddFor("durationInvalid", element, property.Name, value, text);
                return;
            }
        }

        if (value is JsonNumber number && datatype == "integer")
        {
            var n = number.TryGetInt64(out var l) ? l : (long)number.AsDouble;
            if (property.MinInclusive is { } exact && property.MaxInclusive == exact && n != exact)
            {
                diagnostics.AddFor("valueNotExact", element, property.Name, value, number.Text, restriction: exact.ToString(CultureInfo.InvariantCulture));
                return;
            }

            if (property.MinInclusive is { } min && n < min)
            {
                diagnostics.AddFor("valueBelowRange", element, property.Name, value, number.Text, restriction: min.ToString(CultureInfo.InvariantCulture));
                return;
            }

            if (property.MaxInclusive is { } max && n > max)
            {
                diagnostics.AddFor("valueAboveRange", element, property.Name, value, number.Text, restriction: max.ToString(CultureInfo.InvariantCulture));
                return;
            }
        }

        if (property.FixedValue is { } fixedValue && fixedValue.ToString() != ValueText(value))
        {
            diagnostics.AddFor("valueNotExact", element, property.Name, value, ValueText(value), restriction: fixedValue.ToString());
            return;
        }

        element.Literals[property.Name] = value;
    }

    private static string ValueText(JsonNode node) => node switch
    {
        JsonString s => s.Value,
        JsonNumber n => n.Text,
        JsonLiteral { Kind: JsonKind.True } => "True",
        JsonLiteral { Kind: JsonKind.False } => "False",
        _ => node.Describe(),
    };

    /// <summary>
    /// JSON-LD lets a literal be written as a value object <c>{"@value": …, "@type": …}</c>. Returns the plain value,
    /// or null after reporting why the object is not an acceptable value object.
    /// </summary>
    private JsonNode? UnwrapValueObject(Element element, string property, JsonNode node, string? datatype)
    {
        if (node is not JsonObject obj)
        {
            return node;
        }

        var prefix = DatatypePrefix(datatype);
        if (obj["@value"] is null)
        {
            diagnostics.AddFor(prefix + "ObjectNoValue", element, property, obj);
            return null;
        }

        var ok = true;
        foreach (var member in obj.Members)
        {
            switch (member.Name)
            {
                case "@value":
                case "@type":
                    break;
                case "@language" when element.Version >= 3:
                    diagnostics.AddFor("valueObjectLanguage", element, property, member.Value);
                    ok = false;
                    break;
                case "@language":
                    break;
                case "@id":
                    diagnostics.AddFor("valueObjectId", element, property, member.Value);
                    ok = false;
                    break;
                case "@context":
                    diagnostics.AddFor("valueObjectContext", element, property, member.Value);
                    ok = false;
                    break;
                case "@graph":
                    diagnostics.AddFor("valueObjectGraph", element, property, member.Value);
                    ok = false;
                    break;
                case var keyword when keyword.StartsWith('@') && element.Version < 3:
                    break;
                default:
                    diagnostics.AddFor(member.Name.StartsWith('@') ? "valueObjectKeyword" : "valueObjectInvalidProp", element, property, member.Value, member.Name);
                    ok = false;
                    break;
            }
        }

        if (!ok)
        {
            return null;
        }

        var value = obj["@value"];
        if (value is null)
        {
            diagnostics.AddFor(prefix + "ObjectNoValue", element, property, obj);
            return null;
        }

        if (obj["@type"] is { } type)
        {
            if (type is not JsonString { Value: var typeName })
            {
                diagnostics.AddFor("literalTypeNotSingular", element, property, type);
                return null;
            }

            if (datatype is not null && !TypeNameMatches(typeName, datatype))
            {
                diagnostics.AddFor(prefix + "TypeNot" + char.ToUpperInvariant(prefix[0]) + prefix[1..], element, property, type, typeName);
                return null;
            }

            // An untyped literal (an enum value) takes the datatype its value object declares.
            if (datatype is null && ValueObjectDatatypes.FirstOrDefault(d => TypeNameMatches(typeName, d)) is { } declared
                && !MatchesDatatype(obj["@value"] ?? obj, declared))
            {
                var declaredPrefix = DatatypePrefix(declared);
                diagnostics.AddFor(declaredPrefix + "ValueNot" + char.ToUpperInvariant(declaredPrefix[0]) + declaredPrefix[1..], element, property, obj["@value"] ?? obj);
                return null;
            }
        }

        if (datatype is not null && !MatchesDatatype(value, datatype))
        {
            diagnostics.AddFor(prefix + "ValueNot" + char.ToUpperInvariant(prefix[0]) + prefix[1..], element, property, value, value.Describe());
            return null;
        }

        return value;
    }

    private static bool TypeNameMatches(string typeName, string datatype) =>
        typeName == datatype || typeName == "xsd:" + datatype || typeName == "http://www.w3.org/2001/XMLSchema#" + datatype;

    private static string DatatypePrefix(string? datatype) => datatype switch
    {
        "boolean" => "boolean",
        "integer" => "integer",
        "string" => "string",
        "duration" => "duration",
        "double" or "float" or "long" => "numeric",
        null => "literal",
        _ => "string",
    };

    private static string NotDatatypeId(string datatype)
    {
        var prefix = DatatypePrefix(datatype);
        return prefix + "Not" + char.ToUpperInvariant(prefix[0]) + prefix[1..];
    }

    private static string MultipleValuesId(string? datatype) => DatatypePrefix(datatype) + "MultipleValues";

    private static bool MatchesDatatype(JsonNode value, string datatype) => datatype switch
    {
        "boolean" => value.Kind is JsonKind.True or JsonKind.False,
        "integer" => value is JsonNumber { IsInteger: true },
        "double" or "float" or "long" => value is JsonNumber,
        _ => value is JsonString,
    };

    private void ReadLangString(Element element, MetaProperty property, JsonNode node)
    {
        switch (node)
        {
            case JsonString { Value: var text }:
                CheckLangStringLength(element, property, node, text);
                element.Literals[property.Name] = node;
                break;
            case JsonObject { Members: var members } tagged when members.All(m => m.Name.StartsWith('@')) && members.Any(m => m.Name == "@value") && members.Any(m => m.Name == "@language"):
                diagnostics.AddFor("langTagValueInLangMap", element, property.Name, tagged);
                break;
            case JsonObject map:
                foreach (var member in map.Members)
                {
                    if (member.Name.StartsWith('@'))
                    {
                        diagnostics.AddFor("langMapObjKeyword", element, property.Name, member.Value, member.Name);
                    }
                    else if (!LanguageCode().IsMatch(member.Name))
                    {
                        diagnostics.AddFor("langStringInvalidCode", element, property.Name, member.Value, member.Name);
                    }
                    else if (member.Value is JsonString { Value: var text })
                    {
                        CheckLangStringLength(element, property, member.Value, text);
                    }
                    else
                    {
                        diagnostics.AddFor("langStringValueNotString", element, property.Name, member.Value, member.Value.Describe());
                    }
                }

                var codes = map.Members.Where(m => !m.Name.StartsWith('@')).GroupBy(m => m.Name.ToUpperInvariant()).FirstOrDefault(g => g.Count() > 1);
                if (codes is not null)
                {
                    diagnostics.AddFor("langStringCodeNotUnique", element, property.Name, map, codes.Key);
                }

                element.Literals[property.Name] = node;
                break;
            case JsonArray array:
                ReadLangStringArray(element, property, array);
                break;
            default:
                diagnostics.AddFor("langStringNotLangString", element, property.Name, node, node.Describe());
                break;
        }
    }

    private void ReadLangStringArray(Element element, MetaProperty property, JsonArray array)
    {
        var codes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in array.Items)
        {
            if (item is JsonString { Value: var plain })
            {
                if (!codes.Add(""))
                {
                    diagnostics.AddFor("langStringElementCodeNotUnique", element, property.Name, item, property.DefaultLanguage);
                }

                CheckLangStringLength(element, property, item, plain);
                continue;
            }

            if (item is not JsonObject obj)
            {
                diagnostics.AddFor("langStringElementNotStringOrObject", element, property.Name, item);
                continue;
            }

            var ok = true;
            foreach (var member in obj.Members)
            {
                var id = member.Name switch
                {
                    "@value" or "@language" => null,
                    "@type" or "@keyword" when element.Version < 3 => null,
                    _ when member.Name.StartsWith('@') && member.Name is not ("@id" or "@context" or "@graph") && element.Version < 3 => null,
                    "@id" => "langStringElementId",
                    "@context" => "langStringElementContext",
                    "@graph" => "langStringElementGraph",
                    "@type" => "langStringElementType",
                    _ when member.Name.StartsWith('@') => "langStringElementKeyword",
                    _ => "langStringElementInvalidProp",
                };
                if (id is not null)
                {
                    diagnostics.AddFor(id, element, property.Name, member.Value, member.Name);
                    ok = false;
                }
            }

            if (!ok)
            {
                continue;
            }

            if (obj["@value"] is not { } value)
            {
                diagnostics.AddFor("langStringElementNoValue", element, property.Name, obj);
                continue;
            }

            if (value is not JsonString { Value: var text })
            {
                diagnostics.AddFor("langStringElementValueNotString", element, property.Name, value, value.Describe());
                continue;
            }

            var code = "";
            if (obj["@language"] is { } language)
            {
                if (language is not JsonString { Value: var languageCode })
                {
                    diagnostics.AddFor("langStringElementCodeNotString", element, property.Name, language, language.Describe());
                    continue;
                }

                if (!LanguageCode().IsMatch(languageCode))
                {
                    diagnostics.AddFor("langStringElementInvalidCode", element, property.Name, language, languageCode);
                    continue;
                }

                code = languageCode;
            }

            if (!codes.Add(code))
            {
                diagnostics.AddFor("langStringElementCodeNotUnique", element, property.Name, obj, code.Length == 0 ? property.DefaultLanguage : code);
                continue;
            }

            CheckLangStringLength(element, property, value, text);
        }

        element.Literals[property.Name] = array;
    }

    private void CheckLangStringLength(Element element, MetaProperty property, JsonNode node, string text)
    {
        if (property.MaxLength is { } max && text.Length > max)
        {
            diagnostics.AddFor("langStringValueTooLong", element, property.Name, node, text, extra: new Dictionary<string, string?> { ["count1"] = max.ToString(CultureInfo.InvariantCulture) });
        }
    }

    // BCP 47 language tags in the shape DTDLParser accepts: a primary subtag and optional subtags.
    [GeneratedRegex(@"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
    private static partial Regex LanguageCode();

}
