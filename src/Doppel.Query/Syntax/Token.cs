namespace Doppel.Query.Syntax;

/// <summary>The kinds of token of the ADT query language.</summary>
public enum TokenKind
{
    /// <summary>A name: an alias, a property, a function; <c>$dtId</c>, or <c>[[escaped]]</c>.</summary>
    Identifier,

    /// <summary>A reserved word such as SELECT; <see cref="Token.Text"/> holds it in upper case.</summary>
    Keyword,

    /// <summary>A string literal in single or double quotes; <see cref="Token.Text"/> holds its value.</summary>
    String,

    /// <summary>A number literal.</summary>
    Number,

    /// <summary>One of the symbols <c>* , . ( ) [ ] = != &lt;&gt; &lt; &lt;= &gt; &gt;= - -&gt; &lt;- : | ..</c>.</summary>
    Symbol,

    /// <summary>The end of the query text.</summary>
    End,
}

/// <summary>One token: its kind, its text (keywords upper-cased, strings unescaped) and where it starts.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Text">Symbol or keyword text, identifier name, string value or number as written.</param>
/// <param name="Start">Zero-based offset in the query.</param>
/// <param name="Length">Length in the query text.</param>
public readonly record struct Token(TokenKind Kind, string Text, int Start, int Length)
{
    /// <summary>True for the symbol <paramref name="symbol"/>.</summary>
    public bool Is(string symbol) => Kind == TokenKind.Symbol && Text == symbol;

    /// <summary>True for a name written as <c>[[name]]</c>, which may be a reserved word.</summary>
    public bool IsEscaped => Kind == TokenKind.Identifier && Length == Text.Length + 4;

    /// <summary>True for the keyword <paramref name="keyword"/> (upper case).</summary>
    public bool IsKeyword(string keyword) => Kind == TokenKind.Keyword && Text == keyword;

    /// <inheritdoc />
    public override string ToString() => Kind == TokenKind.End ? "end of query" : $"'{Text}'";
}
