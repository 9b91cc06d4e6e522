using Doppel.Query.Syntax;

namespace Doppel.Query.Tests;

/// <summary>Bad query text gets the right code, at the right place, saying what was expected.</summary>
public sealed class ErrorMessagesTests
{
    private static readonly QueryParser Parser = new();

    [Theory]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE name = 'open", QueryErrors.UnterminatedString, 1, 41)]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE a = #", QueryErrors.UnexpectedCharacter, 1, 38)]
    [InlineData("SELECT * FROM DIGITIALTWINS", QueryErrors.UnexpectedToken, 1, 15)]
    [InlineData("SELECT *\nFROM DIGITALTWINS\nWHERE Group = 'x'", QueryErrors.UnexpectedToken, 3, 7)]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE IS_DEFINED = 1", QueryErrors.UnexpectedToken, 1, 34)]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE [[x = 1", QueryErrors.UnterminatedEscapedName, 1, 34)]
    [InlineData("SELECT * FROM DIGITALTWINS T extra", QueryErrors.UnexpectedToken, 1, 30)]
    [InlineData("SELECT a FROM DIGITALTWINS MATCH (a)<-[]->(b)", QueryErrors.UnexpectedToken, 1, 41)]
    [InlineData("SELECT * FROM (SELECT * FROM DIGITALTWINS)", QueryErrors.UnexpectedToken, 1, 15)]
    public void Bad_query_reports_the_code_at_line_and_column(string query, string code, int line, int column)
    {
        var result = Parser.Parse(query);

        Assert.False(result.Succeeded);
        Assert.Equal(code, result.Error!.Code);
        Assert.Equal((line, column), (result.Error.Location!.Line, result.Error.Location.Column));
    }

    [Fact]
    public void Unexpected_token_says_what_was_expected_and_where()
    {
        var error = Parser.Parse("SELECT * FROM DIGITALTWINS WHERE T.a =").Error!;

        Assert.Equal("Expected a value, a property or a function but found end of query at (1:39).", error.Cause);
    }

    [Fact]
    public void Excerpt_shows_the_line_with_a_caret_under_the_error()
    {
        const string query = "SELECT *\nFROM DIGITALTWINS\nWHERE Group = 'x'";

        var excerpt = QueryErrors.Excerpt(query, Parser.Parse(query).Error!.Location!);

        Assert.Equal("WHERE Group = 'x'" + Environment.NewLine + "      ^", excerpt);
    }

    [Fact]
    public void Query_longer_than_8000_characters_is_refused_before_lexing()
    {
        var query = "SELECT * FROM DIGITALTWINS WHERE a = '" + new string('x', 8000) + "'";

        Assert.Equal(QueryErrors.QueryTooLong, Parser.Parse(query).Error!.Code);
    }

    [Fact]
    public void Hostile_nesting_is_refused_not_a_stack_overflow()
    {
        var query = "SELECT * FROM DIGITALTWINS WHERE " + new string('(', 3000) + "a = 1" + new string(')', 3000);

        Assert.Equal(QueryErrors.NestingTooDeep, Parser.Parse(query).Error!.Code);
    }
}
