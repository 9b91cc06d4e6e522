using System.Text.Json;

namespace Doppel.Query.Differential.Oracle;

/// <summary>A condition's outcome in Kleene's three-valued logic.</summary>
public enum Truth
{
    /// <summary>Definitely false.</summary>
    False,

    /// <summary>Definitely true.</summary>
    True,

    /// <summary>Neither: an operand was undefined or of the wrong type.</summary>
    Undefined,
}

/// <summary>A JSON value, or <em>undefined</em> (an absent member); the comparison rules of docs/query-semantics.md.</summary>
public readonly record struct OracleValue(JsonElement? Element)
{
    /// <summary>The undefined value.</summary>
    public static OracleValue Undefined => default;

    /// <summary>True when the value is undefined.</summary>
    public bool IsUndefined => Element is null;

    /// <summary>The JSON kind, with <see cref="JsonValueKind.Undefined"/> for undefined and one kind for booleans.</summary>
    public JsonValueKind Kind => Element is not { } e ? JsonValueKind.Undefined : e.ValueKind == JsonValueKind.False ? JsonValueKind.True : e.ValueKind;

    /// <summary>A JSON value made from a literal of the AST (string, long, double, bool or null).</summary>
    public static OracleValue FromLiteral(object? literal) => new(JsonSerializer.SerializeToElement(literal));

    /// <summary>A boolean value.</summary>
    public static OracleValue FromBool(bool value) => new(JsonSerializer.SerializeToElement(value));

    /// <summary>The truth of a value used as a condition: only the booleans are true or false.</summary>
    public Truth AsCondition() => Element is { ValueKind: JsonValueKind.True } ? Truth.True
        : Element is { ValueKind: JsonValueKind.False } ? Truth.False
        : Truth.Undefined;

    /// <summary>
    /// Compares two values with one of <c>= != &lt; &lt;= &gt; &gt;=</c>: undefined when either is undefined, when their
    /// JSON types differ, or when they are objects or arrays.
    /// </summary>
    public static Truth Compare(OracleValue left, OracleValue right, string op)
    {
        if (left.IsUndefined || right.IsUndefined || left.Kind != right.Kind)
        {
            return Truth.Undefined;
        }

        int order;
        switch (left.Kind)
        {
            case JsonValueKind.Null:
                // null equals null and is neither less nor greater.
                order = 0;
                break;
            case JsonValueKind.True:
                order = (left.Element!.Value.ValueKind == JsonValueKind.True ? 1 : 0) - (right.Element!.Value.ValueKind == JsonValueKind.True ? 1 : 0);
                break;
            case JsonValueKind.Number:
                order = left.Element!.Value.GetDouble().CompareTo(right.Element!.Value.GetDouble());
                break;
            case JsonValueKind.String:
                order = CompareCodePoints(left.Element!.Value.GetString()!, right.Element!.Value.GetString()!);
                break;
            default:
                return Truth.Undefined;
        }

        var result = op switch
        {
            "=" => order == 0,
            "!=" or "<>" => order != 0,
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            ">=" => order >= 0,
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a comparison"),
        };
        return result ? Truth.True : Truth.False;
    }

    /// <summary>Orders two strings by Unicode code point (not by UTF-16 unit, which differs above U+FFFF).</summary>
    public static int CompareCodePoints(string left, string right)
    {
        var a = left.EnumerateRunes().GetEnumerator();
        var b = right.EnumerateRunes().GetEnumerator();
        while (true)
        {
            var hasA = a.MoveNext();
            var hasB = b.MoveNext();
            if (!hasA || !hasB)
            {
                return (hasA ? 1 : 0) - (hasB ? 1 : 0);
            }

            var difference = a.Current.Value - b.Current.Value;
            if (difference != 0)
            {
                return difference;
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => Element is { } e ? e.GetRawText() : "undefined";

    /// <summary>Kleene's AND.</summary>
    public static Truth And(Truth left, Truth right) =>
        left == Truth.False || right == Truth.False ? Truth.False
        : left == Truth.True && right == Truth.True ? Truth.True
        : Truth.Undefined;

    /// <summary>Kleene's OR.</summary>
    public static Truth Or(Truth left, Truth right) =>
        left == Truth.True || right == Truth.True ? Truth.True
        : left == Truth.False && right == Truth.False ? Truth.False
        : Truth.Undefined;

    /// <summary>Kleene's NOT.</summary>
    public static Truth Not(Truth value) => value switch
    {
        Truth.True => Truth.False,
        Truth.False => Truth.True,
        _ => Truth.Undefined,
    };
}
