namespace Doppel.Dtdl.Json;

/// <summary>Turns byte offsets of a UTF-8 document into one-based line and column numbers.</summary>
internal sealed class LineMap
{
    private readonly ReadOnlyMemory<byte> utf8;
    private int[]? lineStarts;

    public LineMap(ReadOnlyMemory<byte> utf8)
    {
        this.utf8 = utf8;
    }

    public (int Line, int Column) Locate(int offset)
    {
        // Built on first use: valid uploads never need positions.
        lineStarts ??= BuildLineStarts(utf8.Span);
        var index = Array.BinarySearch(lineStarts, offset);
        var line = index >= 0 ? index : ~index - 1;
        var start = lineStarts[line];
        var end = Math.Min(offset, utf8.Length);
        var column = end > start ? System.Text.Encoding.UTF8.GetCharCount(utf8.Span[start..end]) : 0;
        return (line + 1, column + 1);
    }

    private static int[] BuildLineStarts(ReadOnlySpan<byte> text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return [.. starts];
    }
}
