using Doppel.Query.Binding;
using Doppel.Query.Syntax;

namespace Doppel.Query.Tests;

/// <summary>The binder: names resolved, functions checked, ADT's limits enforced with SqlQueryError-class codes.</summary>
public sealed class BinderTests
{
    private static QueryBindResult Bind(string query, QueryLimits? limits = null)
    {
        var parsed = new QueryParser().Parse(query);
        Assert.True(parsed.Succeeded, parsed.Error?.Message);
        return new QueryBinder(limits).Bind(parsed.Query!, new Hierarchy());
    }

    private static BoundQuery Ok(string query)
    {
        var result = Bind(query);
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Query!;
    }

    private static string Code(string query, QueryLimits? limits = null)
    {
        var result = Bind(query, limits);
        Assert.False(result.Succeeded, "the query should not bind");
        return result.Error!.Code;
    }

    /// <summary>Room extends Space; Office extends Room.</summary>
    private sealed class Hierarchy : IQueryModelFacts
    {
        public IReadOnlyList<string> ModelAndDescendants(string modelId) => modelId switch
        {
            "dtmi:ex:Space;1" => ["dtmi:ex:Space;1", "dtmi:ex:Room;1", "dtmi:ex:Office;1"],
            "dtmi:ex:Room;1" => ["dtmi:ex:Room;1", "dtmi:ex:Office;1"],
            _ => [modelId],
        };
    }

    [Fact]
    public void Twin_system_names_read_columns_and_other_names_read_the_document()
    {
        var query = Ok("SELECT T.$dtId, T.$metadata.$model, T.$etag, T.comp.prop, T.$metadata.$lastUpdateTime FROM DIGITALTWINS T");

        Assert.Equal(SelectShape.Object, query.Shape);
        Assert.Equal(["$dtId", "$model", "$etag", "prop", "$lastUpdateTime"], query.Projections.Select(p => p.Name));
        Assert.IsType<ColumnValue>(query.Projections[0].Value);
        Assert.Equal(SystemColumn.ModelId, ((ColumnValue)query.Projections[1].Value).Column);
        Assert.Equal(["comp", "prop"], ((DocumentValue)query.Projections[3].Value).Path);
        Assert.Equal(["$metadata", "$lastUpdateTime"], ((DocumentValue)query.Projections[4].Value).Path);
    }

    [Fact]
    public void Relationship_system_names_read_columns()
    {
        var query = Ok("SELECT R.$sourceId, R.$targetId, R.$relationshipName, R.$relationshipId, R.weight FROM RELATIONSHIPS R");

        Assert.Equal([SystemColumn.SourceId, SystemColumn.TargetId, SystemColumn.Name, SystemColumn.Id],
            query.Projections.Take(4).Select(p => ((ColumnValue)p.Value).Column));
        Assert.IsType<DocumentValue>(query.Projections[4].Value);
    }

    [Fact]
    public void Without_an_alias_a_path_starts_at_the_only_collection()
    {
        var query = Ok("SELECT * FROM DIGITALTWINS WHERE name = 'x' AND IS_DEFINED(Location)");

        var and = Assert.IsType<AndCondition>(query.Where);
        Assert.Equal(["name"], ((DocumentValue)((CompareCondition)and.Left).Left).Path);
    }

    [Fact]
    public void Is_of_model_covers_the_extends_closure_unless_exact()
    {
        var closure = (ModelCondition)Ok("SELECT * FROM DIGITALTWINS WHERE IS_OF_MODEL('dtmi:ex:Space;1')").Where!;
        var exact = (ModelCondition)Ok("SELECT * FROM DIGITALTWINS DT WHERE IS_OF_MODEL(DT, 'dtmi:ex:Space;1', exact)").Where!;

        Assert.Equal(["dtmi:ex:Space;1", "dtmi:ex:Room;1", "dtmi:ex:Office;1"], closure.ModelIds);
        Assert.Equal(["dtmi:ex:Space;1"], exact.ModelIds);
    }

    [Fact]
    public void Is_of_model_needs_a_twin_alias_when_the_query_has_several_collections()
    {
        Assert.Equal(QueryErrors.InvalidFunction, Code("SELECT T FROM DIGITALTWINS T JOIN C RELATED T.has WHERE IS_OF_MODEL('dtmi:ex:Room;1')"));
        Assert.Equal(QueryErrors.InvalidFunction, Code("SELECT T FROM DIGITALTWINS T JOIN C RELATED T.has R WHERE IS_OF_MODEL(R, 'dtmi:ex:Room;1')"));
        Assert.Equal(QueryErrors.InvalidFunction, Code("SELECT * FROM RELATIONSHIPS WHERE IS_OF_MODEL('dtmi:ex:Room;1')"));
    }

    [Fact]
    public void Comparisons_of_two_literals_are_folded_with_three_values()
    {
        Assert.Equal(new ConstantCondition(true), Ok("SELECT * FROM DIGITALTWINS WHERE 1 = 1.0").Where);
        Assert.Equal(new ConstantCondition(null), Ok("SELECT * FROM DIGITALTWINS WHERE 1 = '1'").Where);
        Assert.Equal(new ConstantCondition(null), Ok("SELECT * FROM DIGITALTWINS WHERE NOT 1 = '1'").Where);
        Assert.Equal(new ConstantCondition(true), Ok("SELECT * FROM DIGITALTWINS WHERE null = null").Where);
    }

    [Fact]
    public void Match_hop_ranges_start_after_the_lower_bound()
    {
        var edges = Ok("SELECT a, b, c, d FROM DIGITALTWINS MATCH (a)-[*2]->(b)-[*1..3]->(c)-[*..2]-(d) WHERE a.$dtId = 'x'").Match!.Edges;

        Assert.Equal([(2, 2), (2, 3), (1, 2)], edges.Select(e => (e.MinHops, e.MaxHops)));
        Assert.All(edges, e => Assert.Null(e.Relationship));
    }

    [Fact]
    public void Rows_of_a_match_are_keyed_by_its_named_collections_only()
    {
        var query = Ok("SELECT a, b FROM DIGITALTWINS MATCH (a)-[:has]->(b)<-[r]-(c)");

        Assert.Equal(["a", "b", "r", "c"], query.KeyCollections.Select(c => c.Alias));
        Assert.True(query.Distinct);
    }

    [Theory]
    [InlineData("SELECT * FROM DIGITALTWINS T JOIN C RELATED T.has", QueryErrors.NotSupported)]
    [InlineData("SELECT T FROM RELATIONSHIPS T JOIN C RELATED T.has", QueryErrors.NotSupported)]
    [InlineData("SELECT T FROM DIGITALTWINS T JOIN C RELATED X.has", QueryErrors.UnknownName)]
    [InlineData("SELECT T FROM DIGITALTWINS T JOIN T RELATED T.has", QueryErrors.DuplicateAlias)]
    [InlineData("SELECT T.a, T.a FROM DIGITALTWINS T", QueryErrors.DuplicateAlias)]
    [InlineData("SELECT X.name FROM DIGITALTWINS T JOIN C RELATED T.has", QueryErrors.UnknownName)]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE FOO(name)", QueryErrors.InvalidFunction)]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE IS_DEFINED(a, b)", QueryErrors.InvalidFunction)]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE ARRAY_CONTAINS(a, b)", QueryErrors.InvalidFunction)]
    [InlineData("SELECT * FROM DIGITALTWINS T WHERE T = 'x'", QueryErrors.InvalidOperand)]
    [InlineData("SELECT * FROM DIGITALTWINS T WHERE T.a = ['x']", QueryErrors.InvalidOperand)]
    [InlineData("SELECT * FROM DIGITALTWINS T WHERE IS_DEFINED(T.a) = true", QueryErrors.InvalidOperand)]
    [InlineData("SELECT a FROM DIGITALTWINS MATCH (a)-[r*2]->(b)", QueryErrors.NotSupported)]
    [InlineData("SELECT a FROM DIGITALTWINS MATCH (a)-[*3..2]->(b)", QueryErrors.InvalidOperand)]
    [InlineData("SELECT a FROM DIGITALTWINS T MATCH (a)-[]->(b)", QueryErrors.UnknownName)]
    [InlineData("SELECT * FROM DIGITALTWINS ORDER BY name", QueryErrors.NotSupported)]
    public void Queries_ADT_does_not_accept_are_refused_with_a_code(string query, string code)
    {
        Assert.Equal(code, Code(query));
    }

    [Fact]
    public void Limits_are_ADTs_and_each_excess_is_refused()
    {
        var fifty = string.Join(" AND ", Enumerable.Range(0, 51).Select(i => $"a{i} = 1"));
        var fiftyOne = string.Join(" AND ", Enumerable.Range(0, 52).Select(i => $"a{i} = 1"));
        var hundred = string.Join(", ", Enumerable.Range(0, 100).Select(i => $"'{i}'"));
        var hundredOne = string.Join(", ", Enumerable.Range(0, 101).Select(i => $"'{i}'"));
        var joins = string.Concat(Enumerable.Range(1, 6).Select(i => $" JOIN J{i} RELATED J{i - 1}.has"));

        Ok($"SELECT * FROM DIGITALTWINS WHERE {fifty}");
        Assert.Equal(QueryErrors.LimitExceeded, Code($"SELECT * FROM DIGITALTWINS WHERE {fiftyOne}"));
        Ok($"SELECT * FROM DIGITALTWINS WHERE name IN [{hundred}]");
        Assert.Equal(QueryErrors.LimitExceeded, Code($"SELECT * FROM DIGITALTWINS WHERE name IN [{hundredOne}]"));
        Ok("SELECT J0 FROM DIGITALTWINS J0" + joins[..joins.LastIndexOf(" JOIN", StringComparison.Ordinal)]);
        Assert.Equal(QueryErrors.LimitExceeded, Code("SELECT J0 FROM DIGITALTWINS J0" + joins));
        Ok("SELECT a FROM DIGITALTWINS MATCH (a)-[*..5]->(b)-[*5]->(c)");
        Assert.Equal(QueryErrors.LimitExceeded, Code("SELECT a FROM DIGITALTWINS MATCH (a)-[*..5]->(b)-[*6]->(c)"));
        Assert.Equal(QueryErrors.LimitExceeded, Code("SELECT * FROM DIGITALTWINS WHERE a = 1 OR b = 2", new QueryLimits { MaxLogicalOperators = 0 }));
    }
}
