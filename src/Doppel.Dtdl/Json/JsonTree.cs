namespace Doppel.Dtdl.Json;

/// <summary>The JSON value kinds the DTDL reader distinguishes.</summary>
internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>
/// A JSON value with the byte offset it starts at, so every diagnostic can say where it was found.
/// System.Text.Json's DOM does not expose positions, hence this small tree.
/// </summary>
internal abstract class JsonNode(JsonKind kind, int offset)
{
    public JsonKind Kind { get; } = kind;

    /// <summary>Byte offset of the value's first byte in its document.</summary>
    public int Offset { get; } = offset;

    /// <summary>A short human description of the value, for messages.</summary>
    public abstract string Describe();
}

internal sealed class JsonObject(int offset) : JsonNode(JsonKind.Object, offset)
{
    public List<JsonMember> Members { get; } = [];

    public JsonNode? this[string name]
    {
        get
        {
            foreach (var member in Members)
            {
                if (member.Name == name)
                {
                    return member.Value;
                }
            }

            return null;
        }
    }

    public bool Has(string name) => this[name] is not null;

    public override string Describe() => "a JSON object";
}

/// <summary>One member of a JSON object: its name, where the name starts, and its value.</summary>
internal sealed record JsonMember(string Name, int NameOffset, JsonNode Value);

internal sealed class JsonArray(int offset) : JsonNode(JsonKind.Array, offset)
{
    public List<JsonNode> Items { get; } = [];

    public override string Describe() => "a JSON array";
}

internal sealed class JsonString(int offset, string value) : JsonNode(JsonKind.String, offset)
{
    public string Value { get; } = value;

    public override string Describe() => $"'{Value}'";
}

internal sealed class JsonNumber(int offset, string text) : JsonNode(JsonKind.Number, offset)
{
    /// <summary>The number exactly as written, so integers beyond double precision keep their digits.</summary>
    public string Text { get; } = text;

    public bool TryGetInt64(out long value) =>
        long.TryParse(Text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value);

    public bool IsInteger => TryGetInt64(out _);

    public double AsDouble => double.Parse(Text, System.Globalization.CultureInfo.InvariantCulture);

    public override string Describe() => Text;
}

internal sealed class JsonLiteral(JsonKind kind, int offset) : JsonNode(kind, offset)
{
    public override string Describe() => Kind switch
    {
        JsonKind.True => "true",
        JsonKind.False => "false",
        _ => "null",
    };
}
