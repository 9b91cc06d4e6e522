using System.Globalization;
using System.Text;

namespace Doppel.Dtdl.Fuzz;

/// <summary>
/// Makes fuzz inputs from the seeds: byte-level damage (flips, inserts, deletes, truncation, splices of two seeds)
/// and JSON-aware changes (a subtree or a property duplicated, a string or number replaced by an odd value, a
/// value wrapped in many levels of nesting). All choices come from the <see cref="Random"/> it is given, so one
/// seed and iteration number always give the same input.
/// </summary>
internal sealed class DtdlMutator(Random random, IReadOnlyList<FuzzSeed> seeds)
{
    /// <summary>Inputs never grow past this; a mutation that would make one larger is dropped.</summary>
    public const int MaxInputBytes = 3 * 512 * 1024;


    /// <summary>JSON texts (quotes included) that replace a string literal.</summary>
    private static readonly string[] OddStrings =
    [
        "\"\"",
        "\"" + new string('a', 10_000) + "\"",
        "\"not a dtmi\"",
        "\"" + DtmiOfLength(3000) + "\"",
        "\"" + DtmiOfLength(129) + "\"", "\"" + DtmiOfLength(2049) + "\"",
        "\"dtmi:com:example:A;1\"", "\"dtmi:com:example:B;1\"", "\"dtmi:com:example:A\"", "\"dtmi:com:example:A;1.2\"",
        "\"dtmi:x;99999999999\"", "\"dtmi:_a:b;1\"", "\"dtmi::;\"", "\"dtmi:\"", "\"DTMI:com:example:A;1\"",
        "\"dtmi:dtdl:context;2\"", "\"dtmi:dtdl:context;3\"", "\"dtmi:dtdl:context;4\"", "\"dtmi:dtdl:context;3.1\"",
        "\"dtmi:dtdl:extension:quantitativeTypes;1\"", "\"dtmi:dtdl:extension:historization;1\"",
        "\"dtmi:dtdl:extension:annotation;1\"", "\"dtmi:dtdl:extension:overriding;1\"", "\"dtmi:dtdl:extension:mqtt;1\"",
        "\"Interface\"", "\"Property\"", "\"Telemetry\"", "\"Command\"", "\"Relationship\"", "\"Component\"",
        "\"Enum\"", "\"EnumValue\"", "\"Map\"", "\"MapKey\"", "\"MapValue\"", "\"Object\"", "\"Field\"", "\"Array\"",
        "\"CommandRequest\"", "\"CommandResponse\"", "\"CommandPayload\"", "\"Temperature\"", "\"Historized\"",
        "\"double\"", "\"string\"", "\"integer\"", "\"boolean\"", "\"date\"", "\"dateTime\"", "\"duration\"", "\"time\"",
        "\"point\"", "\"lineString\"", "\"polygon\"", "\"multiPoint\"", "\"float\"", "\"long\"", "\"byte\"", "\"bytes\"",
        "\"uuid\"", "\"scaledDecimal\"", "\"degreeCelsius\"",
        "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\\\\"", "\"\\\"\"", "\"日本語\"", "\"\u00e9\"",
        "\"_:blank\"", "\"@id\"", "\"@type\"", "\"@context\"", "\"a;b\"", "\"en\"", "\"en-US\"", "\"\"\"",
    ];

    /// <summary>JSON texts that replace a string literal to give a value the wrong kind, such as a non-string <c>@type</c>.</summary>
    private static readonly string[] OddValues =
    [
        "42", "-1", "0", "1.5", "1e400", "2147483648", "null", "true", "false", "{}", "[]", "[1,\"x\"]", "{\"@id\":1}",
        "[[[[]]]]", "[\"Interface\",\"Interface\"]", "[\"Property\",\"Telemetry\"]", "[null]", "{\"en\":\"x\",\"en\":\"y\"}",
    ];

    /// <summary>JSON texts that replace a number.</summary>
    private static readonly string[] OddNumbers =
    [
        "-1", "0", "1", "2", "500", "501", "2147483647", "2147483648", "-2147483649", "9223372036854775808",
        "1e400", "1e-400", "1.5", "-0", "99999999999999999999999999", "\"1\"", "null", "NaN", "01", "1.", ".5",
    ];

    private static readonly byte[] InterestingBytes =
        "{}[]\":,\\ \n\t0-e.@;"u8.ToArray().Concat(new byte[] { 0x00, 0x7F, 0x80, 0xC3, 0xE2, 0xEF, 0xBB, 0xBF, 0xFF }).ToArray();

    private static readonly int[] NestingDepths = [1, 2, 3, 5, 8, 32, 63, 64, 65, 100, 1000];

    private static readonly (string Open, string Close)[] Wrappers =
    [
        ("[", "]"),
        ("{\"x\":", "}"),
        ("{\"@type\":\"Object\",\"fields\":[{\"name\":\"f\",\"schema\":", "}]}"),
        ("{\"@type\":\"Array\",\"elementSchema\":", "}"),
        ("{\"@type\":\"Map\",\"mapKey\":{\"name\":\"k\",\"schema\":\"string\"},\"mapValue\":{\"name\":\"v\",\"schema\":", "}}"),
        ("{\"@context\":\"dtmi:dtdl:context;3\",\"@id\":\"dtmi:com:example:W;1\",\"@type\":\"Interface\",\"contents\":[", "]}"),
    ];

    /// <summary>Picks a seed and applies one to five mutations (one, half of the time).</summary>
    public byte[] Next()
    {
        var input = seeds[random.Next(seeds.Count)].Utf8;
        // Mostly one change, so that many inputs stay close to valid DTDL and reach validation and resolution.
        var count = random.Next(2) == 0 ? 1 : 2 + random.Next(4);
        for (var i = 0; i < count; i++)
        {
            var mutated = MutateOnce(input);
            if (mutated.Length <= MaxInputBytes)
            {
                input = mutated;
            }
        }

        return input;
    }

    private byte[] MutateOnce(byte[] input) => random.Next(14) switch
    {
        0 => FlipBit(input),
        1 => SetByte(input),
        2 => InsertBytes(input),
        3 => DeleteBytes(input),
        4 => Truncate(input),
        5 => Splice(input),
        6 or 7 => DuplicateSubtree(input),
        8 or 9 or 10 => ReplaceString(input),
        11 => ReplaceNumber(input),
        _ => Nest(input),
    };

    private byte[] FlipBit(byte[] input)
    {
        if (input.Length == 0)
        {
            return input;
        }

        var output = (byte[])input.Clone();
        output[random.Next(output.Length)] ^= (byte)(1 << random.Next(8));
        return output;
    }

    private byte[] SetByte(byte[] input)
    {
        if (input.Length == 0)
        {
            return input;
        }

        var output = (byte[])input.Clone();
        output[random.Next(output.Length)] = PickByte();
        return output;
    }

    private byte[] InsertBytes(byte[] input)
    {
        var inserted = new byte[1 + random.Next(4)];
        for (var i = 0; i < inserted.Length; i++)
        {
            inserted[i] = PickByte();
        }

        return Insert(input, random.Next(input.Length + 1), inserted);
    }

    private byte[] DeleteBytes(byte[] input)
    {
        if (input.Length == 0)
        {
            return input;
        }

        var start = random.Next(input.Length);
        var length = 1 + random.Next(Math.Min(32, input.Length - start));
        return Replace(input, new ByteSpan(start, start + length), []);
    }

    private byte[] Truncate(byte[] input) => input[..random.Next(input.Length + 1)];

    /// <summary>The start of this input followed by the end of another seed.</summary>
    private byte[] Splice(byte[] input)
    {
        var other = seeds[random.Next(seeds.Count)].Utf8;
        return [.. input.AsSpan(0, random.Next(input.Length + 1)), .. other.AsSpan(random.Next(other.Length + 1))];
    }

    /// <summary>
    /// Copies an object or array: as another array element, as a second property with the same name (a duplicate
    /// JSON key), or at a random place. Sometimes many times, which makes many contents or many Interfaces.
    /// </summary>
    private byte[] DuplicateSubtree(byte[] input)
    {
        var shape = JsonShape.Scan(input);
        if (shape.Containers.Count == 0)
        {
            return input;
        }

        var subtree = shape.Containers[random.Next(shape.Containers.Count)];
        var copies = random.Next(8) switch
        {
            0 => 10,
            1 => 100,
            2 => 2,
            _ => 1,
        };

        var before = PreviousSignificant(input, subtree.Start);
        ByteSpan copied;
        if (before >= 0 && input[before] == ':' && PreviousSignificant(input, before) is var keyEnd && keyEnd >= 0 &&
            shape.Strings.FirstOrDefault(s => s.End == keyEnd + 1) is { Length: > 0 } key)
        {
            copied = new ByteSpan(key.Start, subtree.End);
        }
        else if (before >= 0 && input[before] is (byte)'[' or (byte)',')
        {
            copied = subtree;
        }
        else
        {
            var text = input.AsSpan(subtree.Start, subtree.Length).ToArray();
            return Insert(input, random.Next(input.Length + 1), text);
        }

        var builder = new List<byte>(copied.Length * copies + copies);
        for (var i = 0; i < copies; i++)
        {
            builder.Add((byte)',');
            builder.AddRange(input.AsSpan(copied.Start, copied.Length));
        }

        return Insert(input, subtree.End, [.. builder]);
    }

    /// <summary>Replaces a string literal with an odd string, another string of the same input, or a value of another kind.</summary>
    private byte[] ReplaceString(byte[] input)
    {
        var shape = JsonShape.Scan(input);
        if (shape.Strings.Count == 0)
        {
            return input;
        }

        var target = shape.Strings[random.Next(shape.Strings.Count)];
        byte[] replacement = random.Next(10) switch
        {
            < 6 => Encoding.UTF8.GetBytes(OddStrings[random.Next(OddStrings.Length)]),
            < 8 => AnotherString(input, shape),
            _ => Encoding.UTF8.GetBytes(OddValues[random.Next(OddValues.Length)]),
        };

        return Replace(input, target, replacement);
    }

    private byte[] ReplaceNumber(byte[] input)
    {
        var shape = JsonShape.Scan(input);
        if (shape.Numbers.Count == 0)
        {
            return ReplaceString(input);
        }

        return Replace(input, shape.Numbers[random.Next(shape.Numbers.Count)], Encoding.UTF8.GetBytes(OddNumbers[random.Next(OddNumbers.Length)]));
    }

    /// <summary>Wraps the whole input, or one of its values, in many levels of arrays, objects or DTDL schemas.</summary>
    private byte[] Nest(byte[] input)
    {
        var shape = JsonShape.Scan(input);
        var candidates = shape.Containers.Count + shape.Strings.Count;
        var target = new ByteSpan(0, input.Length);
        if (candidates > 0 && random.Next(3) != 0)
        {
            var pick = random.Next(candidates);
            target = pick < shape.Containers.Count ? shape.Containers[pick] : shape.Strings[pick - shape.Containers.Count];
        }

        var depth = NestingDepths[random.Next(NestingDepths.Length)];
        var (open, close) = Wrappers[random.Next(Wrappers.Length)];
        var openBytes = Encoding.UTF8.GetBytes(open);
        var closeBytes = Encoding.UTF8.GetBytes(close);
        var builder = new List<byte>(input.Length + depth * (openBytes.Length + closeBytes.Length));
        builder.AddRange(input.AsSpan(0, target.Start));
        for (var i = 0; i < depth; i++)
        {
            builder.AddRange(openBytes);
        }

        builder.AddRange(input.AsSpan(target.Start, target.Length));
        for (var i = 0; i < depth; i++)
        {
            builder.AddRange(closeBytes);
        }

        builder.AddRange(input.AsSpan(target.End));
        return [.. builder];
    }

    /// <summary>Another string literal of the same input: an id where a name was, a name where an id was, a self-reference.</summary>
    private byte[] AnotherString(byte[] input, JsonShape shape)
    {
        var other = shape.Strings[random.Next(shape.Strings.Count)];
        var text = input.AsSpan(other.Start, other.Length);
        return text.Length >= 2 && text[^1] == '"' ? text.ToArray() : "\"\""u8.ToArray();
    }

    /// <summary>A syntactically valid DTMI of exactly <paramref name="length"/> characters (at least 9), such as one over a length limit.</summary>
    private static string DtmiOfLength(int length)
    {
        var text = new StringBuilder("dtmi:");
        for (var i = 0; text.Length + 9 + 1 + 2 <= length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"seg{i:D5}:");
        }

        text.Append('x', length - text.Length - 2).Append(";1");
        return text.ToString();
    }

    private byte PickByte() => random.Next(3) == 0 ? (byte)random.Next(256) : InterestingBytes[random.Next(InterestingBytes.Length)];

    /// <summary>The index of the last non-whitespace byte before <paramref name="index"/>, or -1.</summary>
    private static int PreviousSignificant(byte[] input, int index)
    {
        var i = index - 1;
        while (i >= 0 && input[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i--;
        }

        return i;
    }

    private static byte[] Insert(byte[] input, int index, ReadOnlySpan<byte> inserted) =>
        Replace(input, new ByteSpan(index, index), inserted);

    private static byte[] Replace(byte[] input, ByteSpan span, ReadOnlySpan<byte> replacement) =>
        [.. input.AsSpan(0, span.Start), .. replacement, .. input.AsSpan(span.End)];
}
