using Doppel.Query.Syntax;

namespace Doppel.Query.Tests;

/// <summary>What the parser makes of each form of the language, asserted as canonical S-expressions.</summary>
public sealed class ParserTests
{
    private static readonly QueryParser Parser = new();

    [Theory]
    [InlineData("SELECT * FROM DIGITALTWINS", "(query (select *) (from twins))")]
    [InlineData("select * from digitaltwins T where T.$dtId = 'A'", "(query (select *) (from twins T) (where (= (path T $dtId) \"A\")))")]
    [InlineData("SELECT TOP(5) FROM DIGITALTWINS", "(query (select (top 5) *) (from twins))")]
    [InlineData("SELECT FROM DIGITALTWINS", null)]
    [InlineData("SELECT TOP (5) * FROM DIGITALTWINS", "(query (select (top 5) *) (from twins))")]
    [InlineData("SELECT COUNT() FROM RELATIONSHIPS", "(query (select (count)) (from relationships))")]
    [InlineData("SELECT T.name AS n, T.$metadata.$model FROM DIGITALTWINS T", "(query (select (as (path T name) n) (path T $metadata $model)) (from twins T))")]
    [InlineData("SELECT T, CT FROM DIGITALTWINS T JOIN CT RELATED T.contains R WHERE T.$dtId = 'ABC'",
        "(query (select (path T) (path CT)) (from twins T) (join CT T contains R) (where (= (path T $dtId) \"ABC\")))")]
    [InlineData("SELECT a, b FROM DIGITALTWINS MATCH (a)-[r:contains|has*1..3]->(b)<-[]-(c)-[*..2]-(d)",
        "(query (select (path a) (path b)) (from twins) (match (node a) (edge -> (alias r) (names contains has) (hops 1 3)) (node b) (edge <-) (node c) (edge -- (hops _ 2)) (node d)))")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE a = 1 OR b = 2 AND NOT c = 3", "(query (select *) (from twins) (where (or (= (path a) 1) (and (= (path b) 2) (not (= (path c) 3))))))")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE (a = 1 OR b = 2) AND c != -3.5", "(query (select *) (from twins) (where (and (or (= (path a) 1) (= (path b) 2)) (!= (path c) -3.5))))")]
    [InlineData("SELECT * FROM DIGITALTWINS T WHERE T.x NIN ['a', 'b'] AND T.y IN [1, -2, true, null]",
        "(query (select *) (from twins T) (where (and (nin (path T x) (list \"a\" \"b\")) (in (path T y) (list 1 -2 true null)))))")]
    [InlineData("SELECT * FROM DIGITALTWINS DT WHERE IS_OF_MODEL(DT, 'dtmi:example:room;1', exact)",
        "(query (select *) (from twins DT) (where (call IS_OF_MODEL (path DT) \"dtmi:example:room;1\" (path exact))))")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE [[Group]] = 'BravoTeam'", "(query (select *) (from twins) (where (= (path Group) \"BravoTeam\")))")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE name = 'D\\'Souza'", "(query (select *) (from twins) (where (= (path name) \"D'Souza\")))")]
    [InlineData("SELECT T, CT FROM DIGITALTWINS T JOIN CT RELATED T.contains WHERE T.$dtId = 'ABC' AND CT.temp > -5",
        "(query (select (path T) (path CT)) (from twins T) (join CT T contains) (where (and (= (path T $dtId) \"ABC\") (> (path CT temp) -5))))")]
    [InlineData("SELECT * FROM DIGITALTWINS T ORDER BY T.name DESC, T.age", "(query (select *) (from twins T) (order (desc (path T name)) (asc (path T age))))")]
    public void Query_parses_to_its_canonical_S_expression(string query, string? expected)
    {
        var result = Parser.Parse(query);

        if (expected is null)
        {
            Assert.False(result.Succeeded);
            return;
        }

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(expected, result.Query!.ToSExpression());
    }

    [Fact]
    public void Printing_and_parsing_again_gives_the_same_tree()
    {
        var query = Parser.Parse("SELECT TOP(3) T.a AS x FROM DIGITALTWINS T JOIN U RELATED T.rel WHERE STARTSWITH(T.$dtId, 'a') AND T.n >= 2").Query!;

        var rewritten = (Ast.QueryStatement)query.Accept(new Ast.AstRewriter());

        Assert.Equal(query.ToSExpression(), rewritten.ToSExpression());
    }
}
