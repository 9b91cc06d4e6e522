namespace Doppel.Diagnostics;

/// <summary>Where in a source text something was found. Lines and columns count from 1.</summary>
/// <param name="Source">The name of the source: a file path, an upload index such as <c>models[2]</c>, or a query.</param>
/// <param name="Offset">Zero-based offset in the source, in characters for text and in bytes for UTF-8 documents.</param>
/// <param name="Line">One-based line number.</param>
/// <param name="Column">One-based column number.</param>
/// <param name="Length">Length of the span, or 0 when only a point is known.</param>
public sealed record SourceLocation(string Source, int Offset, int Line, int Column, int Length = 0)
{
    /// <summary>Formats the location as <c>source:line:col</c>, the shape compilers and editors understand.</summary>
    public override string ToString() => $"{Source}:{Line}:{Column}";
}
