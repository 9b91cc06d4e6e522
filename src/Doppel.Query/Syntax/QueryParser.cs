using System.Globalization;
using Doppel.Diagnostics;
using Doppel.Query.Ast;

namespace Doppel.Query.Syntax;

/// <summary>Limits on query text, ADT's by default. Immutable; build once and share.</summary>
public sealed record QueryParserOptions
{
    /// <summary>ADT's defaults.</summary>
    public static QueryParserOptions Default { get; } = new();

    /// <summary>Longest accepted query, in characters (ADT: 8,000).</summary>
    public int MaxLength { get; init; } = 8000;

    /// <summary>Deepest nesting of parentheses and NOT accepted.</summary>
    public int MaxNesting { get; init; } = 64;
}

/// <summary>The outcome of parsing: the query, or the first syntax error.</summary>
public sealed record QueryParseResult(QueryStatement? Query, Diagnostic? Error)
{
    /// <summary>True when the text parsed.</summary>
    public bool Succeeded => Query is not null;
}

/// <summary>
/// A recursive-descent parser for the Azure Digital Twins query language. Thread-safe and stateless.
/// </summary>
/// <remarks>
/// <code>
/// query      = select from { join } [ match ] [ "WHERE" condition ] [ "ORDER" "BY" orderKey { "," orderKey } ] ;
/// select     = "SELECT" ( "TOP" "(" integer ")" [ "*" | projections ] | "*" | "COUNT" "(" ")" | projections ) ;
/// projections = projection { "," projection } ;
/// projection = path [ "AS" name ] ;
/// from       = "FROM" ( "DIGITALTWINS" | "RELATIONSHIPS" ) [ name ] ;
/// join       = "JOIN" name "RELATED" name "." name [ name ] ;
/// match      = "MATCH" node { edge node } ;
/// node       = "(" name ")" ;
/// edge       = ( "-" | "&lt;-" ) "[" [ name ] [ ":" name { "|" name } ] [ "*" hops ] "]" ( "-&gt;" | "-" ) ;
/// hops       = integer [ ".." integer ] | ".." integer ;
/// orderKey   = path [ "ASC" | "DESC" ] ;
/// condition  = conjunct { "OR" conjunct } ;
/// conjunct   = negation { "AND" negation } ;
/// negation   = "NOT" negation | comparison ;
/// comparison = operand [ ( "=" | "!=" | "&lt;&gt;" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=" ) operand | ( "IN" | "NIN" ) list ] ;
/// operand    = literal | list | call | path | "(" condition ")" ;
/// call       = name "(" [ condition { "," condition } ] ")" ;
/// path       = name { "." name } ;
/// list       = "[" [ literal { "," literal } ] "]" ;
/// literal    = string | [ "-" ] number | "TRUE" | "FALSE" | "NULL" ;
/// name       = identifier | "$" identifier | "[[" any text "]]" ;
/// </code>
/// Keywords are case-insensitive. The ORDER BY clause is parsed always and allowed only where the server enables
/// it (ADT has none); the binder decides.
/// </remarks>
public sealed class QueryParser
{
    /// <summary>Function names ADT reserves: callable, but names only when escaped.</summary>
    private static readonly HashSet<string> ReservedFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "IS_BOOL", "IS_DEFINED", "IS_NULL", "IS_NUMBER", "IS_OBJECT", "IS_PRIMITIVE", "IS_STRING", "IS_OF_MODEL",
        "STARTS_WITH", "ENDS_WITH",
    };

    /// <summary>Creates a parser with the given limits, or ADT's.</summary>
    public QueryParser(QueryParserOptions? options = null)
    {
        Options = options ?? QueryParserOptions.Default;
    }

    /// <summary>The limits this parser applies.</summary>
    public QueryParserOptions Options { get; }

    /// <summary>Parses query text; never throws for bad input.</summary>
    public QueryParseResult Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Length > Options.MaxLength)
        {
            return new QueryParseResult(null, QueryErrors.At(QueryErrors.QueryTooLong, query, Options.MaxLength,
                $"The query is {query.Length} characters long; at most {Options.MaxLength} are allowed.", "Shorten the query."));
        }

        // No stored text can hold NUL (PostgreSQL refuses it in text), so no query may: refuse it where it is.
        if (query.IndexOf('\0', StringComparison.Ordinal) is var nul and >= 0)
        {
            return new QueryParseResult(null, QueryErrors.At(QueryErrors.UnexpectedCharacter, query, nul,
                $"The query holds the NUL character at position {nul + 1}.", "Remove it."));
        }

        try
        {
            var tokens = new Lexer(query).Tokenize();
            return new QueryParseResult(new Reader(query, tokens, Options).Query(), null);
        }
        catch (QuerySyntaxException error)
        {
            return new QueryParseResult(null, error.Diagnostic);
        }
    }

    /// <summary>The parse of one query text: a cursor over its tokens.</summary>
    private sealed class Reader(string query, List<Token> tokens, QueryParserOptions options)
    {
        private int index;
        private int nesting;

        private Token Current => tokens[index];

        public QueryStatement Query()
        {
            var select = Select();
            var from = From();
            var joins = new List<JoinClause>();
            while (Current.IsKeyword("JOIN"))
            {
                joins.Add(Join());
            }

            var match = Current.IsKeyword("MATCH") ? Match() : null;
            Expression? where = null;
            if (Accept("WHERE"))
            {
                where = Condition();
            }

            var orderBy = new List<OrderItem>();
            if (Accept("ORDER"))
            {
                ExpectKeyword("BY");
                do
                {
                    var key = Path();
                    var descending = Accept("DESC");
                    if (!descending)
                    {
                        Accept("ASC");
                    }

                    orderBy.Add(new OrderItem(key, descending));
                }
                while (AcceptSymbol(","));
            }

            if (Current.Kind != TokenKind.End)
            {
                throw Unexpected("WHERE, JOIN, MATCH or the end of the query");
            }

            return new QueryStatement(select, from, joins, match, where, orderBy);
        }

        private SelectClause Select()
        {
            ExpectKeyword("SELECT");
            int? top = null;
            if (Accept("TOP"))
            {
                ExpectSymbol("(");
                top = Integer("a number of items");
                ExpectSymbol(")");
            }

            // "SELECT TOP(5) FROM ..." (as the docs write it) selects whole twins, like "*".
            if (AcceptSymbol("*") || (top is not null && Current.IsKeyword("FROM")))
            {
                return new SelectClause(true, false, top, []);
            }

            if (Accept("COUNT"))
            {
                ExpectSymbol("(");
                ExpectSymbol(")");
                return new SelectClause(false, true, top, []);
            }

            var items = new List<Projection>();
            do
            {
                var value = Path();
                items.Add(new Projection(value, Accept("AS") ? Name("a name after AS") : null));
            }
            while (AcceptSymbol(","));
            return new SelectClause(false, false, top, items);
        }

        private FromClause From()
        {
            ExpectKeyword("FROM");
            QuerySource collection;
            if (Accept("DIGITALTWINS"))
            {
                collection = QuerySource.DigitalTwins;
            }
            else if (Accept("RELATIONSHIPS"))
            {
                collection = QuerySource.Relationships;
            }
            else
            {
                throw Unexpected("DIGITALTWINS or RELATIONSHIPS");
            }

            return new FromClause(collection, Current.Kind == TokenKind.Identifier ? Name("an alias") : null);
        }

        private JoinClause Join()
        {
            ExpectKeyword("JOIN");
            var target = Name("the alias of the joined twins");
            ExpectKeyword("RELATED");
            var source = Name("the alias of the source twins");
            ExpectSymbol(".");
            var relationship = Name("a relationship name");
            return new JoinClause(target, source, relationship, Current.Kind == TokenKind.Identifier ? Name("an alias") : null);
        }

        private MatchClause Match()
        {
            ExpectKeyword("MATCH");
            var nodes = new List<MatchNode> { Node() };
            var edges = new List<MatchEdge>();
            while (Current.Is("-") || Current.Is("<-"))
            {
                edges.Add(Edge());
                nodes.Add(Node());
            }

            return new MatchClause(nodes, edges);
        }

        private MatchNode Node()
        {
            ExpectSymbol("(");
            var alias = Name("a twin alias");
            ExpectSymbol(")");
            return new MatchNode(alias);
        }

        private MatchEdge Edge()
        {
            var left = AcceptSymbol("<-");
            if (!left)
            {
                ExpectSymbol("-");
            }

            ExpectSymbol("[");
            var alias = Current.Kind == TokenKind.Identifier ? Name("a relationship alias") : null;
            var names = new List<string>();
            if (AcceptSymbol(":"))
            {
                do
                {
                    names.Add(Name("a relationship name"));
                }
                while (AcceptSymbol("|"));
            }

            int? min = null, max = null;
            if (AcceptSymbol("*"))
            {
                if (AcceptSymbol(".."))
                {
                    max = Integer("the most hops");
                }
                else
                {
                    min = Integer("a number of hops");
                    max = AcceptSymbol("..") ? Integer("the most hops") : min;
                }
            }

            ExpectSymbol("]");
            if (left && Current.Is("->"))
            {
                throw Unexpected("'-' (a relationship condition points one way, or either way when written -[...]-)");
            }

            var right = AcceptSymbol("->");
            if (!right)
            {
                ExpectSymbol("-");
            }

            var direction = left ? EdgeDirection.Left : right ? EdgeDirection.Right : EdgeDirection.Either;
            return new MatchEdge(direction, alias, names, min, max);
        }

        private Expression Condition()
        {
            var left = Conjunct();
            while (Accept("OR"))
            {
                left = new BinaryExpression("OR", left, Conjunct());
            }

            return left;
        }

        private Expression Conjunct()
        {
            var left = Negation();
            while (Accept("AND"))
            {
                left = new BinaryExpression("AND", left, Negation());
            }

            return left;
        }

        private Expression Negation()
        {
            if (!Accept("NOT"))
            {
                return Comparison();
            }

            Enter();
            var operand = Negation();
            nesting--;
            return new NotExpression(operand);
        }

        private Expression Comparison()
        {
            var left = Operand();
            if (Current.Kind == TokenKind.Symbol && Current.Text is "=" or "!=" or "<" or "<=" or ">" or ">=")
            {
                var op = Current.Text;
                index++;
                return new BinaryExpression(op, left, Operand());
            }

            // "a <-5" lexes as "<-" "5": a comparison with a negative number.
            if (Current.Is("<-"))
            {
                index++;
                return new BinaryExpression("<", left, Negative(Literal()));
            }

            if (Accept("IN"))
            {
                return new InExpression(left, List(), false);
            }

            if (Accept("NIN"))
            {
                return new InExpression(left, List(), true);
            }

            return left;
        }

        private Expression Operand()
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.String:
                case TokenKind.Number:
                case TokenKind.Keyword when token.Text is "TRUE" or "FALSE" or "NULL":
                    return Literal();
                case TokenKind.Symbol when token.Text == "-":
                    index++;
                    return Negative(Literal());
                case TokenKind.Symbol when token.Text == "[":
                    return List();
                case TokenKind.Symbol when token.Text == "(":
                    index++;
                    Enter();
                    var inner = Condition();
                    nesting--;
                    ExpectSymbol(")");
                    return inner;
                case TokenKind.Identifier when tokens[index + 1].Is("("):
                    return Call();
                case TokenKind.Identifier:
                    return Path();
                default:
                    throw Unexpected("a value, a property or a function");
            }
        }

        private FunctionCall Call()
        {
            var name = Current.Text.ToUpperInvariant();
            index++;
            ExpectSymbol("(");
            var arguments = new List<Expression>();
            if (!AcceptSymbol(")"))
            {
                do
                {
                    arguments.Add(Condition());
                }
                while (AcceptSymbol(","));
                ExpectSymbol(")");
            }

            return new FunctionCall(name, arguments);
        }

        private PropertyPath Path()
        {
            var segments = new List<string> { Name("a collection or property name") };
            while (AcceptSymbol("."))
            {
                segments.Add(Name("a property name"));
            }

            return new PropertyPath(segments);
        }

        private ArrayLiteral List()
        {
            ExpectSymbol("[");
            var items = new List<Expression>();
            if (!AcceptSymbol("]"))
            {
                do
                {
                    items.Add(AcceptSymbol("-") ? Negative(Literal()) : Literal());
                }
                while (AcceptSymbol(","));
                ExpectSymbol("]");
            }

            return new ArrayLiteral(items);
        }

        private Literal Literal()
        {
            var token = Current;
            index++;
            return token.Kind switch
            {
                TokenKind.String => new Literal(token.Text),
                TokenKind.Number => new Literal(NumberValue(token)),
                TokenKind.Keyword when token.Text == "TRUE" => new Literal(true),
                TokenKind.Keyword when token.Text == "FALSE" => new Literal(false),
                TokenKind.Keyword when token.Text == "NULL" => new Literal(null),
                _ => throw UnexpectedAt(token, "a string, a number, true, false or null"),
            };
        }

        private Literal Negative(Literal literal) => literal.Value switch
        {
            long l => new Literal(-l),
            double d => new Literal(-d),
            _ => throw UnexpectedAt(tokens[index - 1], "a number after '-'"),
        };

        private object NumberValue(Token token)
        {
            if (long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var whole))
            {
                return whole;
            }

            // JSON has no infinity: a literal beyond double's range is an error, not a number that matches nothing.
            var real = double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture);
            return double.IsFinite(real) ? real : throw UnexpectedAt(token, "a number within ±1.7976931348623157E+308");
        }

        private int Integer(string what)
        {
            var token = Current;
            if (token.Kind != TokenKind.Number || !int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw UnexpectedAt(token, what);
            }

            index++;
            return value;
        }

        private string Name(string what)
        {
            var token = Current;
            if (token.Kind != TokenKind.Identifier)
            {
                throw UnexpectedAt(token, token.Kind == TokenKind.Keyword ? $"{what} ('{token.Text}' is a reserved word: write [[{token.Text}]])" : what);
            }

            if (!token.IsEscaped && ReservedFunctions.Contains(token.Text) && !tokens[index + 1].Is("("))
            {
                throw UnexpectedAt(token, $"{what} ('{token.Text}' is a reserved word: write [[{token.Text}]])");
            }

            index++;
            return token.Text;
        }

        private void Enter()
        {
            if (++nesting > options.MaxNesting)
            {
                throw new QuerySyntaxException(QueryErrors.At(QueryErrors.NestingTooDeep, query, Current.Start,
                    $"The query nests deeper than {options.MaxNesting} levels.", "Simplify the condition."));
            }
        }

        private bool Accept(string keyword)
        {
            if (!Current.IsKeyword(keyword))
            {
                return false;
            }

            index++;
            return true;
        }

        private bool AcceptSymbol(string symbol)
        {
            if (!Current.Is(symbol))
            {
                return false;
            }

            index++;
            return true;
        }

        private void ExpectKeyword(string keyword)
        {
            if (!Accept(keyword))
            {
                throw Unexpected(keyword);
            }
        }

        private void ExpectSymbol(string symbol)
        {
            if (!AcceptSymbol(symbol))
            {
                throw Unexpected($"'{symbol}'");
            }
        }

        private QuerySyntaxException Unexpected(string expected) => UnexpectedAt(Current, expected);

        private QuerySyntaxException UnexpectedAt(Token token, string expected)
        {
            var diagnostic = QueryErrors.At(QueryErrors.UnexpectedToken, query, token.Start,
                $"Expected {expected} but found {token}", "Correct the query.");
            return new QuerySyntaxException(diagnostic with
            {
                Cause = $"Expected {expected} but found {token} at ({diagnostic.Location!.Line}:{diagnostic.Location.Column}).",
            });
        }
    }
}
