using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Doppel.Dtdl.Resolution;

/// <summary>The primitive schemas of DTDL v2 and v3.</summary>
public enum PrimitiveKind
{
    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>A full-date of RFC 3339.</summary>
    Date,

    /// <summary>A date-time of RFC 3339.</summary>
    DateTime,

    /// <summary>An IEEE 754 double.</summary>
    Double,

    /// <summary>An ISO 8601 duration.</summary>
    Duration,

    /// <summary>An IEEE 754 single.</summary>
    Float,

    /// <summary>A signed 32-bit integer.</summary>
    Integer,

    /// <summary>A signed 64-bit integer.</summary>
    Long,

    /// <summary>A UTF-8 string.</summary>
    String,

    /// <summary>A full-time of RFC 3339.</summary>
    Time,

    /// <summary>A GeoJSON geometry (point, lineString, polygon and their multi- forms).</summary>
    Geospatial,

    /// <summary>Any JSON value: a schema from an extension Doppel has no value rules for.</summary>
    Any,
}

/// <summary>A resolved schema: what JSON value a Property, Field or Telemetry takes.</summary>
public abstract class SchemaInfo
{
    private protected SchemaInfo(string? id)
    {
        Id = id;
    }

    /// <summary>The schema's DTMI.</summary>
    public string? Id { get; }

    /// <summary>Checks a JSON value against the schema; <paramref name="reason"/> says why it does not conform.</summary>
    public abstract bool Accepts(JsonElement value, out string? reason);
}

/// <summary>A primitive schema.</summary>
public sealed class PrimitiveSchema : SchemaInfo
{
    internal PrimitiveSchema(string id, PrimitiveKind kind, string? geometry = null)
        : base(id)
    {
        Kind = kind;
        Geometry = geometry;
    }

    /// <summary>Which primitive.</summary>
    public PrimitiveKind Kind { get; }

    /// <summary>For geospatial schemas, the GeoJSON type (Point, LineString, …).</summary>
    public string? Geometry { get; }

    /// <inheritdoc />
    public override bool Accepts(JsonElement value, out string? reason)
    {
        var ok = Kind switch
        {
            PrimitiveKind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            PrimitiveKind.Integer => IsIntegerLiteral(value) && value.TryGetInt32(out _),
            PrimitiveKind.Long => IsIntegerLiteral(value) && value.TryGetInt64(out _),
            PrimitiveKind.Double => value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()),
            PrimitiveKind.Float => value.ValueKind == JsonValueKind.Number && float.IsFinite((float)value.GetDouble()),
            PrimitiveKind.String => value.ValueKind == JsonValueKind.String,
            PrimitiveKind.Date => value.ValueKind == JsonValueKind.String && TemporalSyntax.IsDate(value.GetString()!),
            PrimitiveKind.DateTime => value.ValueKind == JsonValueKind.String && TemporalSyntax.IsDateTime(value.GetString()!),
            PrimitiveKind.Time => value.ValueKind == JsonValueKind.String && TemporalSyntax.IsTime(value.GetString()!),
            PrimitiveKind.Duration => value.ValueKind == JsonValueKind.String && TemporalSyntax.IsDuration(value.GetString()!),
            PrimitiveKind.Any => true,
            PrimitiveKind.Geospatial => value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                && string.Equals(t.GetString(), Geometry, StringComparison.Ordinal) && value.TryGetProperty("coordinates", out var c) && c.ValueKind == JsonValueKind.Array,
            _ => false,
        };
        reason = ok ? null : $"expected {(Kind == PrimitiveKind.Geospatial ? "a GeoJSON " + Geometry : Kind.ToString().ToLowerInvariant())}";
        return ok;
    }

    /// <summary>An integer as written: 1 is an integer, 1.0 and 1e0 are not.</summary>
    internal static bool IsIntegerLiteral(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.GetRawText().AsSpan().IndexOfAny('.', 'e', 'E') < 0;
}

/// <summary>An Enum schema.</summary>
public sealed class EnumSchema : SchemaInfo
{
    internal EnumSchema(string? id, PrimitiveKind valueSchema, IReadOnlyDictionary<string, JsonElement> values)
        : base(id)
    {
        ValueSchema = valueSchema;
        Values = values;
    }

    /// <summary>Integer or String.</summary>
    public PrimitiveKind ValueSchema { get; }

    /// <summary>The enum values by name.</summary>
    public IReadOnlyDictionary<string, JsonElement> Values { get; }

    /// <inheritdoc />
    public override bool Accepts(JsonElement value, out string? reason)
    {
        foreach (var allowed in Values.Values)
        {
            if (JsonElement.DeepEquals(allowed, value) && (ValueSchema != PrimitiveKind.Integer || PrimitiveSchema.IsIntegerLiteral(value)))
            {
                reason = null;
                return true;
            }
        }

        reason = $"expected one of the enum values {string.Join(", ", Values.Values.Select(v => v.GetRawText()))}";
        return false;
    }
}

/// <summary>A Map schema: a JSON object with string keys and values of one schema.</summary>
public sealed class MapSchema : SchemaInfo
{
    internal MapSchema(string? id, string keyName, string valueName, SchemaInfo value)
        : base(id)
    {
        KeyName = keyName;
        ValueName = valueName;
        Value = value;
    }

    /// <summary>The map key's name.</summary>
    public string KeyName { get; }

    /// <summary>The map value's name.</summary>
    public string ValueName { get; }

    /// <summary>The schema of every value.</summary>
    public SchemaInfo Value { get; }

    /// <inheritdoc />
    public override bool Accepts(JsonElement value, out string? reason)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            reason = "expected a JSON object";
            return false;
        }

        foreach (var entry in value.EnumerateObject())
        {
            if (!Value.Accepts(entry.Value, out var inner))
            {
                reason = $"map entry '{entry.Name}': {inner}";
                return false;
            }
        }

        reason = null;
        return true;
    }
}

/// <summary>An Object schema: named fields.</summary>
public sealed class ObjectSchema : SchemaInfo
{
    internal ObjectSchema(string? id, IReadOnlyDictionary<string, SchemaInfo> fields)
        : base(id)
    {
        Fields = fields;
    }

    /// <summary>Field schemas by name.</summary>
    public IReadOnlyDictionary<string, SchemaInfo> Fields { get; }

    /// <inheritdoc />
    public override bool Accepts(JsonElement value, out string? reason)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            reason = "expected a JSON object";
            return false;
        }

        foreach (var field in value.EnumerateObject())
        {
            if (!Fields.TryGetValue(field.Name, out var schema))
            {
                reason = $"field '{field.Name}' is not defined";
                return false;
            }

            if (!schema.Accepts(field.Value, out var inner))
            {
                reason = $"field '{field.Name}': {inner}";
                return false;
            }
        }

        reason = null;
        return true;
    }
}

/// <summary>An Array schema.</summary>
public sealed class ArraySchema : SchemaInfo
{
    internal ArraySchema(string? id, SchemaInfo element)
        : base(id)
    {
        Element = element;
    }

    /// <summary>The schema of every element.</summary>
    public SchemaInfo Element { get; }

    /// <inheritdoc />
    public override bool Accepts(JsonElement value, out string? reason)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            reason = "expected a JSON array";
            return false;
        }

        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (!Element.Accepts(item, out var inner))
            {
                reason = $"element {i}: {inner}";
                return false;
            }

            i++;
        }

        reason = null;
        return true;
    }
}

/// <summary>The RFC 3339 and ISO 8601 shapes DTDL's temporal schemas take.</summary>
internal static partial class TemporalSyntax
{
    public static bool IsDate(string text) =>
        Date().IsMatch(text) && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    public static bool IsTime(string text) => Time().Match(text) is { Success: true } m && InRange(m);

    public static bool IsDateTime(string text)
    {
        var t = text.IndexOfAny(['T', 't']);
        return t > 0 && IsDate(text[..t]) && Time().Match(text[(t + 1)..]) is { Success: true } m && m.Groups["zone"].Success && InRange(m);
    }

    /// <summary>
    /// ISO 8601 durations as DTDL takes them: P, then years, months, weeks, days, and after T hours, minutes,
    /// seconds, each at most once and in that order; weeks not with years or months; a fraction only on the last.
    /// </summary>
    public static bool IsDuration(string text)
    {
        if (!Duration().IsMatch(text))
        {
            return false;
        }

        var weeks = text.Contains('W', StringComparison.Ordinal);
        var datePart = text.Split('T')[0];
        if (weeks && (datePart.Contains('Y', StringComparison.Ordinal) || datePart.Contains('M', StringComparison.Ordinal)))
        {
            return false;
        }

        // A fraction is allowed only on the last component.
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 || text.IndexOfAny(['Y', 'M', 'W', 'D', 'H', 'S'], dot) == text.Length - 1;
    }

    private static bool InRange(Match m) =>
        int.Parse(m.Groups["h"].ValueSpan, CultureInfo.InvariantCulture) < 24
        && int.Parse(m.Groups["m"].ValueSpan, CultureInfo.InvariantCulture) < 60
        && int.Parse(m.Groups["s"].ValueSpan, CultureInfo.InvariantCulture) < 60;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex Date();

    [GeneratedRegex(@"^(?<h>\d{2}):(?<m>\d{2}):(?<s>\d{2})(\.\d+)?(?<zone>[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$")]
    private static partial Regex Time();

    // ISO 8601 durations as DTDL takes them: any component may carry a fraction, weeks combine with the rest.
    [GeneratedRegex(@"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$")]
    private static partial Regex Duration();
}
