using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Doppel.Portal.Services;

/// <summary>
/// The state of the twin property form: one text per property (a checkbox's "true"/"false" for booleans), checked
/// against the property's DTDL schema before anything is sent, so a person sees "not an integer" beside the field
/// instead of the service's 400 for the whole twin. Empty means "not set".
/// </summary>
public sealed class TwinForm
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonNode?> original = new(StringComparer.Ordinal);

    /// <summary>A form for <paramref name="fields"/>, filled from <paramref name="twin"/> when editing one.</summary>
    public TwinForm(IReadOnlyList<PropertyField> fields, JsonObject? twin = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Fields = fields;
        foreach (var field in fields)
        {
            var current = twin?[field.Name];
            original[field.Name] = current?.DeepClone();
            values[field.Name] = current is null ? "" : Display(field, current);
        }
    }

    /// <summary>The fields, in the model's order.</summary>
    public IReadOnlyList<PropertyField> Fields { get; }

    /// <summary>The problems found by the last <see cref="Validate"/>, by property name.</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>The text of a field.</summary>
    public string this[string name]
    {
        get => values.TryGetValue(name, out var value) ? value : "";
        set => values[name] = value ?? "";
    }

    /// <summary>Checks every field against its schema; true when all are valid.</summary>
    public bool Validate()
    {
        Errors.Clear();
        foreach (var field in Fields)
        {
            var text = this[field.Name];
            if (text.Length > 0 && !TryConvert(field, text, out _, out var problem))
            {
                Errors[field.Name] = problem;
            }
        }

        return Errors.Count == 0;
    }

    /// <summary>The set properties as JSON members (call <see cref="Validate"/> first).</summary>
    public JsonObject Properties()
    {
        var json = new JsonObject();
        foreach (var field in Fields)
        {
            if (this[field.Name] is { Length: > 0 } text && TryConvert(field, text, out var value, out _))
            {
                json[field.Name] = value;
            }
        }

        return json;
    }

    /// <summary>
    /// The JSON Patch from the twin as it was read to the form as it is: add for a new value, replace for a changed
    /// one, remove for a cleared one; unchanged properties are left out so the patch touches only what was edited.
    /// </summary>
    public JsonArray Patch()
    {
        var patch = new JsonArray();
        foreach (var field in Fields)
        {
            var before = original[field.Name];
            var text = this[field.Name];
            if (text.Length == 0)
            {
                if (before is not null)
                {
                    patch.Add(new JsonObject { ["op"] = "remove", ["path"] = "/" + Pointer(field.Name) });
                }

                continue;
            }

            if (TryConvert(field, text, out var value, out _) && !JsonNode.DeepEquals(before, value))
            {
                patch.Add(new JsonObject { ["op"] = before is null ? "add" : "replace", ["path"] = "/" + Pointer(field.Name), ["value"] = value });
            }
        }

        return patch;
    }

    /// <summary>Converts a field's text to the JSON its schema asks for, or says why it cannot.</summary>
    public static bool TryConvert(PropertyField field, string text, out JsonNode? value, out string problem)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        problem = "";
        var invariant = CultureInfo.InvariantCulture;
        switch (field.Kind)
        {
            case FieldKind.String:
                value = JsonValue.Create(text);
                return true;
            case FieldKind.Integer when int.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var i):
                value = JsonValue.Create(i);
                return true;
            case FieldKind.Integer:
                problem = $"'{text}' is not an integer (a whole number from {int.MinValue} to {int.MaxValue}).";
                return false;
            case FieldKind.Long when long.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var l):
                value = JsonValue.Create(l);
                return true;
            case FieldKind.Long:
                problem = $"'{text}' is not a long (a whole number).";
                return false;
            case FieldKind.Double when double.TryParse(text, NumberStyles.Float, invariant, out var d) && double.IsFinite(d):
                value = JsonValue.Create(d);
                return true;
            case FieldKind.Double:
                problem = $"'{text}' is not a number (use a point for decimals, like 21.5).";
                return false;
            case FieldKind.Boolean when bool.TryParse(text, out var b):
                value = JsonValue.Create(b);
                return true;
            case FieldKind.Boolean:
                problem = $"'{text}' is not true or false.";
                return false;
            case FieldKind.Date when DateOnly.TryParseExact(text, "yyyy-MM-dd", invariant, DateTimeStyles.None, out _):
                value = JsonValue.Create(text);
                return true;
            case FieldKind.Date:
                problem = $"'{text}' is not a date like 2024-05-31.";
                return false;
            case FieldKind.DateTime when DateTimeOffset.TryParse(text, invariant, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dt):
                // RFC 3339 in UTC, the form ADT stores and returns.
                value = JsonValue.Create(dt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", invariant));
                return true;
            case FieldKind.DateTime:
                problem = $"'{text}' is not a date and time like 2024-05-31T12:00:00Z.";
                return false;
            case FieldKind.Time when TimeOnly.TryParse(text, invariant, DateTimeStyles.None, out var t):
                value = JsonValue.Create(t.ToString("HH:mm:ss", invariant));
                return true;
            case FieldKind.Time:
                problem = $"'{text}' is not a time like 13:45:00.";
                return false;
            case FieldKind.Duration:
                try
                {
                    System.Xml.XmlConvert.ToTimeSpan(text);
                    value = JsonValue.Create(text);
                    return true;
                }
                catch (FormatException)
                {
                    problem = $"'{text}' is not an ISO 8601 duration like PT15M.";
                    return false;
                }

            case FieldKind.Enum:
                var match = field.EnumValues.FirstOrDefault(v => string.Equals(Display(field, v.Value), text, StringComparison.Ordinal));
                if (match.Value is null)
                {
                    problem = $"'{text}' is not one of the enum's values.";
                    return false;
                }

                value = match.Value.DeepClone();
                return true;
            default:
                try
                {
                    value = JsonNode.Parse(text);
                    return true;
                }
                catch (JsonException ex)
                {
                    problem = $"Not valid JSON: {ex.Message}";
                    return false;
                }
        }
    }

    /// <summary>The text a form shows for a stored value.</summary>
    public static string Display(PropertyField field, JsonNode value)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(value);
        return field.Kind != FieldKind.Json && value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value.ToJsonString();
    }

    /// <summary>Escapes a member name for a JSON Pointer (RFC 6901).</summary>
    private static string Pointer(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
