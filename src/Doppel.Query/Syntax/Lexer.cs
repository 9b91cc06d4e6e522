using System.Text;

namespace Doppel.Query.Syntax;

/// <summary>
/// Splits query text into tokens. Keywords are case-insensitive; identifiers may start with <c>$</c>
/// (<c>$dtId</c>, <c>$metadata</c>) and may be escaped as <c>[[name]]</c> to use a reserved word as a name;
/// strings take single or double quotes with backslash escapes.
/// </summary>
internal ref struct Lexer
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "FROM", "WHERE", "JOIN", "RELATED", "MATCH", "AS", "AND", "OR", "NOT", "IN", "NIN",
        "TOP", "COUNT", "DIGITALTWINS", "RELATIONSHIPS", "TRUE", "FALSE", "NULL", "ORDER", "BY", "ASC", "DESC",

        // Reserved by ADT without a meaning in the language: usable as names only when escaped, [[Group]].
        "ALL", "AVG", "GROUP", "MAX", "MIN", "SUM", "NOT_IN", "DEVICES", "DEVICES_JOBS", "DEVICES_MODULES",
    };

    private readonly string query;
    private readonly ReadOnlySpan<char> text;
    private int position;

    public Lexer(string query)
    {
        this.query = query;
        text = query.AsSpan();
    }

    public List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        while (true)
        {
            SkipWhitespace();
            if (position >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", position, 0));
                return tokens;
            }

            tokens.Add(Next());
        }
    }

    private void SkipWhitespace()
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }

    private Token Next()
    {
        var start = position;
        var c = text[position];
        if (char.IsLetter(c) || c is '_' or '$')
        {
            while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] is '_' or '$'))
            {
                position++;
            }

            var word = text[start..position].ToString();
            return Keywords.Contains(word)
                ? new Token(TokenKind.Keyword, word.ToUpperInvariant(), start, position - start)
                : new Token(TokenKind.Identifier, word, start, position - start);
        }

        if (char.IsDigit(c) || (c is '.' && Peek(1) is >= '0' and <= '9' && Peek(-1) is not '.'))
        {
            return Number(start);
        }

        if (c is '\'' or '"')
        {
            return String(start, c);
        }

        if (c == '[' && Peek(1) == '[')
        {
            return EscapedName(start);
        }

        foreach (var symbol in Symbols)
        {
            if (text[position..].StartsWith(symbol, StringComparison.Ordinal))
            {
                position += symbol.Length;
                return new Token(TokenKind.Symbol, symbol == "<>" ? "!=" : symbol, start, symbol.Length);
            }
        }

        throw new QuerySyntaxException(QueryErrors.At(QueryErrors.UnexpectedCharacter, query, start,
            $"Unexpected character '{c}' at position {start + 1}.", "Remove the character or quote it inside a string."));
    }

    // Longest first, so "<=" is not read as "<" then "=".
    private static readonly string[] Symbols = ["->", "<-", "<=", ">=", "!=", "<>", "..", "*", ",", ".", "(", ")", "[", "]", "=", "<", ">", "-", ":", "|"];

    private char Peek(int offset) => position + offset >= 0 && position + offset < text.Length ? text[position + offset] : '\0';

    private Token Number(int start)
    {
        while (position < text.Length && char.IsDigit(text[position]))
        {
            position++;
        }

        // "1..3" is a hop range, not the number "1." followed by ".3".
        if (Peek(0) == '.' && Peek(1) != '.' && char.IsDigit(Peek(1)))
        {
            position++;
            while (position < text.Length && char.IsDigit(text[position]))
            {
                position++;
            }
        }

        if (Peek(0) is 'e' or 'E' && (char.IsDigit(Peek(1)) || (Peek(1) is '+' or '-' && char.IsDigit(Peek(2)))))
        {
            position += 2;
            while (position < text.Length && char.IsDigit(text[position]))
            {
                position++;
            }
        }

        return new Token(TokenKind.Number, text[start..position].ToString(), start, position - start);
    }

    private Token String(int start, char quote)
    {
        var value = new StringBuilder();
        position++;
        while (position < text.Length)
        {
            var c = text[position];
            if (c == quote)
            {
                position++;
                return new Token(TokenKind.String, value.ToString(), start, position - start);
            }

            if (c == '\\' && position + 1 < text.Length)
            {
                value.Append(text[position + 1] switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    var other => other,
                });
                position += 2;
                continue;
            }

            value.Append(c);
            position++;
        }

        throw new QuerySyntaxException(QueryErrors.At(QueryErrors.UnterminatedString, query, start,
            $"The string starting at position {start + 1} has no closing {quote}.", $"Close the string with {quote}."));
    }

    private Token EscapedName(int start)
    {
        var close = text[(start + 2)..].IndexOf("]]", StringComparison.Ordinal);
        if (close < 0)
        {
            throw new QuerySyntaxException(QueryErrors.At(QueryErrors.UnterminatedEscapedName, query, start,
                $"The escaped name starting at position {start + 1} has no closing ']]'.", "Close the name with ']]'."));
        }

        position = start + 2 + close + 2;
        return new Token(TokenKind.Identifier, text.Slice(start + 2, close).ToString(), start, position - start);
    }
}
