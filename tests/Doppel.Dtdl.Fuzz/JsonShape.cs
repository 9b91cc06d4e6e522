namespace Doppel.Dtdl.Fuzz;

/// <summary>A span of a document's bytes: <c>[Start, End)</c>.</summary>
internal readonly record struct ByteSpan(int Start, int End)
{
    public int Length => End - Start;
}

/// <summary>
/// A rough, total scan of bytes that may or may not be JSON: where the string literals, numbers and
/// matched <c>{…}</c>/<c>[…]</c> pairs are. Never throws and never needs well-formed input, so the structural
/// mutations keep working on inputs that earlier mutations already broke.
/// </summary>
internal sealed class JsonShape
{
    private JsonShape(List<ByteSpan> strings, List<ByteSpan> numbers, List<ByteSpan> containers)
    {
        Strings = strings;
        Numbers = numbers;
        Containers = containers;
    }

    /// <summary>String literals, quotes included (an unterminated one runs to the end).</summary>
    public IReadOnlyList<ByteSpan> Strings { get; }

    /// <summary>Number-like runs outside strings.</summary>
    public IReadOnlyList<ByteSpan> Numbers { get; }

    /// <summary>Objects and arrays whose brackets match, brackets included.</summary>
    public IReadOnlyList<ByteSpan> Containers { get; }

    public static JsonShape Scan(ReadOnlySpan<byte> data)
    {
        var strings = new List<ByteSpan>();
        var numbers = new List<ByteSpan>();
        var containers = new List<ByteSpan>();
        var open = new Stack<int>();
        var i = 0;
        while (i < data.Length)
        {
            var b = data[i];
            if (b == '"')
            {
                var j = i + 1;
                while (j < data.Length && data[j] != '"')
                {
                    j += data[j] == '\\' ? 2 : 1;
                }

                var end = Math.Min(j + 1, data.Length);
                strings.Add(new ByteSpan(i, end));
                i = end;
                continue;
            }

            if (b is (byte)'-' or (>= (byte)'0' and <= (byte)'9'))
            {
                var j = i + 1;
                while (j < data.Length && data[j] is (>= (byte)'0' and <= (byte)'9') or (byte)'.' or (byte)'e' or (byte)'E' or (byte)'+' or (byte)'-')
                {
                    j++;
                }

                numbers.Add(new ByteSpan(i, j));
                i = j;
                continue;
            }

            if (b is (byte)'{' or (byte)'[')
            {
                open.Push(i);
            }
            else if (b is (byte)'}' or (byte)']' && open.Count > 0)
            {
                var start = open.Pop();
                if ((data[start] == '{') == (b == '}'))
                {
                    containers.Add(new ByteSpan(start, i + 1));
                }
            }

            i++;
        }

        return new JsonShape(strings, numbers, containers);
    }
}
