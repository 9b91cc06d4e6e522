using Doppel.Diagnostics;

namespace Doppel.Query.Syntax;

/// <summary>
/// The query language's diagnostic codes (the 2xxx range) and their texts. On the wire every one of them is
/// ADT's <c>SqlQueryError</c>; the code tells tools and tests which problem it was.
/// </summary>
public static class QueryErrors
{
    /// <summary>A character that starts no token.</summary>
    public const string UnexpectedCharacter = "QRY2001";

    /// <summary>A string literal without its closing quote.</summary>
    public const string UnterminatedString = "QRY2002";

    /// <summary>A token other than the grammar allows here.</summary>
    public const string UnexpectedToken = "QRY2003";

    /// <summary>The query text is longer than allowed.</summary>
    public const string QueryTooLong = "QRY2004";

    /// <summary>An <c>[[escaped]]</c> name without its closing brackets.</summary>
    public const string UnterminatedEscapedName = "QRY2005";

    /// <summary>Nesting deeper than allowed (parentheses, NOT).</summary>
    public const string NestingTooDeep = "QRY2006";

    /// <summary>A name that is no collection of the query, or a collection used where it cannot be.</summary>
    public const string UnknownName = "QRY2101";

    /// <summary>Two collections with the same alias.</summary>
    public const string DuplicateAlias = "QRY2102";

    /// <summary>An unknown function, or a function with the wrong number or kind of arguments.</summary>
    public const string InvalidFunction = "QRY2103";

    /// <summary>A value where a condition is needed or the other way round, or a list where a value is needed.</summary>
    public const string InvalidOperand = "QRY2104";

    /// <summary>More AND/OR, IN items, JOINs or MATCH hops than allowed.</summary>
    public const string LimitExceeded = "QRY2105";

    /// <summary>A form the language does not have: <c>SELECT *</c> with JOIN, JOIN over RELATIONSHIPS, ORDER BY when off.</summary>
    public const string NotSupported = "QRY2106";

    /// <summary>A semantic error found after parsing (the tree carries no positions, so it has no location).</summary>
    internal static Diagnostic Semantic(string code, string cause, string action) =>
        new(code, DiagnosticSeverity.Error, cause, action);

    internal static Diagnostic At(string code, string query, int offset, string cause, string action)
    {
        var (line, column) = Position(query, offset);
        return new Diagnostic(code, DiagnosticSeverity.Error, cause, action)
        {
            Location = new SourceLocation("query", offset, line, column),
        };
    }

    /// <summary>The query line the error is on with a caret under the column, for messages shown to people.</summary>
    public static string Excerpt(string query, SourceLocation location)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(location);
        var lines = query.Split('\n');
        var text = lines[Math.Clamp(location.Line - 1, 0, lines.Length - 1)].TrimEnd('\r');
        return text + Environment.NewLine + new string(' ', Math.Max(0, location.Column - 1)) + "^";
    }

    private static (int Line, int Column) Position(string query, int offset)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < offset && i < query.Length; i++)
        {
            if (query[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return (line, column);
    }
}

/// <summary>Raised inside the lexer and parser to stop at the first syntax error; never escapes <see cref="QueryParser.Parse"/>.</summary>
internal sealed class QuerySyntaxException(Diagnostic diagnostic) : Exception(diagnostic.Message)
{
    public Diagnostic Diagnostic { get; } = diagnostic;
}
