namespace Doppel.Portal.Services;

/// <summary>The kinds of text the query editor colours.</summary>
public enum TokenKind
{
    /// <summary>Anything else (names, operators, spaces).</summary>
    Plain,

    /// <summary>A keyword of the query language.</summary>
    Keyword,

    /// <summary>A built-in function.</summary>
    Function,

    /// <summary>A string literal (single or double quotes).</summary>
    String,

    /// <summary>A number literal.</summary>
    Number,
}

/// <summary>
/// Splits query text into coloured runs for the editor's overlay. It only colours: it never rejects text (the
/// server's parser does that, with positions), so an unterminated string simply runs to the end.
/// </summary>
public static class QueryHighlighter
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "FROM", "WHERE", "JOIN", "RELATED", "AS", "AND", "OR", "NOT", "IN", "NIN", "TOP", "COUNT", "DIGITALTWINS",
        "RELATIONSHIPS", "TRUE", "FALSE", "NULL", "MATCH", "ORDER", "BY", "ASC", "DESC",
    };

    private static readonly HashSet<string> Functions = new(StringComparer.OrdinalIgnoreCase)
    {
        "IS_OF_MODEL", "IS_DEFINED", "IS_NULL", "IS_PRIMITIVE", "IS_BOOL", "IS_NUMBER", "IS_STRING", "IS_OBJECT", "STARTSWITH", "ENDSWITH", "CONTAINS",
    };

    /// <summary>The runs of <paramref name="text"/>; their texts joined give the text back.</summary>
    public static IReadOnlyList<(TokenKind Kind, string Text)> Tokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var runs = new List<(TokenKind, string)>();
        var plainStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            int end;
            TokenKind kind;
            if (c is '\'' or '"')
            {
                end = text.IndexOf(c, i + 1);
                end = end < 0 ? text.Length : end + 1;
                kind = TokenKind.String;
            }
            else if (char.IsAsciiDigit(c) && (i == 0 || !IsWord(text[i - 1])))
            {
                end = i + 1;
                while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.'))
                {
                    end++;
                }

                kind = TokenKind.Number;
            }
            else if (IsWord(c) && (i == 0 || !IsWord(text[i - 1])))
            {
                end = i + 1;
                while (end < text.Length && IsWord(text[end]))
                {
                    end++;
                }

                var word = text[i..end];
                // A function's name is only a function before its parenthesis: T.contains is a property.
                kind = Keywords.Contains(word) ? TokenKind.Keyword
                    : Functions.Contains(word) && NextIsParenthesis(text, end) ? TokenKind.Function
                    : TokenKind.Plain;
                if (kind == TokenKind.Plain)
                {
                    i = end;
                    continue;
                }
            }
            else
            {
                i++;
                continue;
            }

            if (plainStart < i)
            {
                runs.Add((TokenKind.Plain, text[plainStart..i]));
            }

            runs.Add((kind, text[i..end]));
            i = plainStart = end;
        }

        if (plainStart < text.Length)
        {
            runs.Add((TokenKind.Plain, text[plainStart..]));
        }

        return runs;
    }

    private static bool NextIsParenthesis(string text, int from)
    {
        while (from < text.Length && char.IsWhiteSpace(text[from]))
        {
            from++;
        }

        return from < text.Length && text[from] == '(';
    }

    private static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$';
}
