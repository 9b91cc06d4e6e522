using System.Text.Json;
using Doppel.Query.Differential.Oracle;

namespace Doppel.Query.Differential;

/// <summary>
/// The oracle itself, on a graph small enough to check by hand: every rule of docs/query-semantics.md it
/// implements, asserted on rows a reader can count.
/// </summary>
/// <remarks>
/// <code>
/// models: Base; Room extends Base; Lab extends Room; Other (alone)
/// A (Room)  name "alpha", temp 20,   flag true,  tags ["x","y"], obj {"a":1,"b":{"c":"deep"}}, nothing null
/// B (Lab)   name "beta",  temp 25.5, flag false, tags [1, 2], nothing "" (empty)
/// C (Base)  name "O'Brien", temp "warm", flag "yes", obj null
/// D (Other) no name, temp null
/// A-r1 contains→B {weight 1}   A-r2 contains→C {weight 2.5}   A-r5 contains→B {}
/// B-r3 feeds→C                 C-r4 feeds→A                   (a cycle A→B→C→A)
/// </code>
/// </remarks>
public sealed class OracleTests
{
    private static readonly OracleGraph Graph = new(
        [
            """{"$dtId":"A","$etag":"W/\"a\"","$metadata":{"$model":"dtmi:t:Room;1"},"name":"alpha","temp":20,"flag":true,"tags":["x","y"],"obj":{"a":1,"b":{"c":"deep"}},"nothing":null}""",
            """{"$dtId":"B","$etag":"W/\"b\"","$metadata":{"$model":"dtmi:t:Lab;1"},"name":"beta","temp":25.5,"flag":false,"tags":[1,2],"nothing":""}""",
            """{"$dtId":"C","$etag":"W/\"c\"","$metadata":{"$model":"dtmi:t:Base;1"},"name":"O'Brien","temp":"warm","flag":"yes","obj":null}""",
            """{"$dtId":"D","$etag":"W/\"d\"","$metadata":{"$model":"dtmi:t:Other;1"},"temp":null}""",
        ],
        [
            """{"$relationshipId":"r1","$etag":"W/\"1\"","$sourceId":"A","$relationshipName":"contains","$targetId":"B","weight":1}""",
            """{"$relationshipId":"r2","$etag":"W/\"2\"","$sourceId":"A","$relationshipName":"contains","$targetId":"C","weight":2.5}""",
            """{"$relationshipId":"r5","$etag":"W/\"5\"","$sourceId":"A","$relationshipName":"contains","$targetId":"B"}""",
            """{"$relationshipId":"r3","$etag":"W/\"3\"","$sourceId":"B","$relationshipName":"feeds","$targetId":"C"}""",
            """{"$relationshipId":"r4","$etag":"W/\"4\"","$sourceId":"C","$relationshipName":"feeds","$targetId":"A"}""",
        ],
        new Dictionary<string, IReadOnlyList<string>>
        {
            ["dtmi:t:Room;1"] = ["dtmi:t:Base;1"],
            ["dtmi:t:Lab;1"] = ["dtmi:t:Room;1"],
        });

    private static readonly QueryOracle Oracle = new(Graph);

    [Fact]
    public void Select_star_returns_every_twin_document_in_id_order()
    {
        var rows = Oracle.Run("SELECT * FROM DIGITALTWINS");

        Assert.Equal(["A", "B", "C", "D"], rows.Select(IdOf));
        Assert.Equal(CanonicalJson.Of(Graph.TwinsById["C"].Document.GetRawText()), CanonicalJson.Of(rows[2]));
    }

    [Fact]
    public void Comparison_with_a_missing_property_is_undefined_so_neither_it_nor_its_negation_matches()
    {
        Assert.Equal(["A", "B", "C"], Ids("SELECT * FROM DIGITALTWINS WHERE IS_DEFINED(name)"));
        Assert.Equal(["A"], Ids("SELECT * FROM DIGITALTWINS WHERE name = 'alpha'"));
        Assert.Equal(["B", "C"], Ids("SELECT * FROM DIGITALTWINS WHERE NOT (name = 'alpha')"));
        Assert.Equal(["B", "C"], Ids("SELECT * FROM DIGITALTWINS WHERE name != 'alpha'"));
    }

    [Fact]
    public void Comparison_of_values_of_different_types_is_undefined_even_for_not_equal()
    {
        Assert.Equal(["A", "B"], Ids("SELECT * FROM DIGITALTWINS WHERE temp > 10"));
        Assert.Equal(["A", "B"], Ids("SELECT * FROM DIGITALTWINS WHERE temp != 0"));
        Assert.Equal(["C"], Ids("SELECT * FROM DIGITALTWINS WHERE temp != 'cold'"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE flag = 'true'"));
    }

    [Fact]
    public void Integers_and_reals_compare_as_numbers()
    {
        Assert.Equal(["A"], Ids("SELECT * FROM DIGITALTWINS WHERE temp = 20.0"));
        Assert.Equal(["B"], Ids("SELECT * FROM DIGITALTWINS WHERE temp >= 25.5 AND temp < 26"));
        Assert.Equal(["A", "B"], Ids("SELECT * FROM DIGITALTWINS WHERE temp > -1000.5"));
    }

    [Fact]
    public void Strings_compare_by_code_point_case_sensitively()
    {
        Assert.Equal(["A", "B"], Ids("SELECT * FROM DIGITALTWINS WHERE name > 'Z'"));
        Assert.Equal(["C"], Ids("SELECT * FROM DIGITALTWINS WHERE name < 'a'"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE name = 'ALPHA'"));
        Assert.True(OracleValue.CompareCodePoints("\uFF07", "\U0001F600") < 0, "U+FF07 sorts before U+1F600 by code point, after it by UTF-16 unit");
    }

    [Fact]
    public void False_and_undefined_is_false_so_its_negation_is_true()
    {
        Assert.Equal(["B"], Ids("SELECT * FROM DIGITALTWINS WHERE NOT (temp = 20 AND missing = 1)"));
        Assert.Equal(["A", "B", "C", "D"], Ids("SELECT * FROM DIGITALTWINS WHERE NOT (false AND missing = 1)"));
    }

    [Fact]
    public void True_or_undefined_is_true_and_false_or_undefined_is_undefined()
    {
        Assert.Equal(["A", "B", "C", "D"], Ids("SELECT * FROM DIGITALTWINS WHERE missing = 1 OR true"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE missing = 1 OR false"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE NOT (missing = 1 OR false)"));
    }

    [Fact]
    public void Not_of_undefined_is_undefined()
    {
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE NOT (missing = 1)"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE NOT NOT (missing = 1)"));
    }

    [Fact]
    public void Bare_value_as_a_condition_is_true_only_for_the_boolean_true()
    {
        Assert.Equal(["A"], Ids("SELECT * FROM DIGITALTWINS WHERE flag"));
        Assert.Equal(["B"], Ids("SELECT * FROM DIGITALTWINS WHERE NOT flag"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE 1"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE name"));
    }

    [Fact]
    public void In_is_an_or_of_equalities_and_nin_its_negation_so_undefined_matches_neither()
    {
        Assert.Equal(["A", "C"], Ids("SELECT * FROM DIGITALTWINS WHERE name IN ['alpha', 'O\\'Brien', 20]"));
        Assert.Equal(["B"], Ids("SELECT * FROM DIGITALTWINS WHERE name NIN ['alpha', 'O\\'Brien']"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE name NIN [1, 2]"));
    }

    [Fact]
    public void Empty_in_list_matches_nothing_and_empty_nin_list_matches_every_twin()
    {
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE name IN []"));
        Assert.Equal(["A", "B", "C", "D"], Ids("SELECT * FROM DIGITALTWINS WHERE missing NIN []"));
    }

    [Fact]
    public void Null_equals_null_and_is_neither_less_nor_greater_than_null()
    {
        Assert.Equal(["D"], Ids("SELECT * FROM DIGITALTWINS WHERE temp = null"));
        Assert.Equal(["D"], Ids("SELECT * FROM DIGITALTWINS WHERE temp <= null"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE temp < null OR temp > null"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE name = null"));
    }

    [Fact]
    public void Type_tests_are_false_not_undefined_on_a_missing_property()
    {
        Assert.Equal(["A", "C"], Ids("SELECT * FROM DIGITALTWINS WHERE IS_DEFINED(obj)"));
        Assert.Equal(["A"], Ids("SELECT * FROM DIGITALTWINS WHERE IS_OBJECT(obj)"));
        Assert.Equal(["C", "D"], Ids("SELECT * FROM DIGITALTWINS WHERE IS_NULL(obj) OR IS_NULL(temp)"));
        Assert.Equal(["A", "B", "C", "D"], Ids("SELECT * FROM DIGITALTWINS WHERE NOT IS_NUMBER(missing)"));
        Assert.Equal(["A", "B", "C"], Ids("SELECT * FROM DIGITALTWINS WHERE IS_BOOL(flag) OR IS_STRING(flag)"));
        Assert.Equal(["A", "B", "C", "D"], Ids("SELECT * FROM DIGITALTWINS WHERE IS_PRIMITIVE(temp)"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE IS_PRIMITIVE(tags) OR IS_OBJECT(tags)"));
    }

    [Fact]
    public void Is_of_model_includes_models_that_extend_it_directly_or_indirectly()
    {
        Assert.Equal(["A", "B", "C"], Ids("SELECT * FROM DIGITALTWINS WHERE IS_OF_MODEL('dtmi:t:Base;1')"));
        Assert.Equal(["A", "B"], Ids("SELECT * FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, 'dtmi:t:Room;1')"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE IS_OF_MODEL('dtmi:t:Missing;1')"));
    }

    [Fact]
    public void Is_of_model_exact_matches_only_the_model_itself()
    {
        Assert.Equal(["A"], Ids("SELECT * FROM DIGITALTWINS WHERE IS_OF_MODEL('dtmi:t:Room;1', exact)"));
        Assert.Equal(["B"], Ids("SELECT * FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, 'dtmi:t:Lab;1', exact)"));
    }

    [Theory]
    [InlineData("SELECT T FROM DIGITALTWINS T JOIN U RELATED T.contains R WHERE IS_OF_MODEL(R, 'dtmi:t:Room;1')")]
    [InlineData("SELECT * FROM RELATIONSHIPS WHERE IS_OF_MODEL('dtmi:t:Room;1')")]
    [InlineData("SELECT T FROM DIGITALTWINS T JOIN U RELATED T.contains WHERE IS_OF_MODEL('dtmi:t:Room;1')")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE IS_OF_MODEL(name)")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE IS_OF_MODEL('dtmi:t:Room;1', loose)")]
    public void Is_of_model_on_a_relationship_or_without_a_clear_collection_is_an_error(string query)
    {
        Assert.Throws<OracleQueryException>(() => Oracle.Run(query));
    }

    [Fact]
    public void String_functions_are_ordinal_and_undefined_on_non_strings()
    {
        Assert.Equal(["A"], Ids("SELECT * FROM DIGITALTWINS WHERE STARTSWITH(name, 'al')"));
        Assert.Equal(["B"], Ids("SELECT * FROM DIGITALTWINS WHERE ENDS_WITH(name, 'ta')"));
        Assert.Equal(["C"], Ids("SELECT * FROM DIGITALTWINS WHERE CONTAINS(name, '\\'B')"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE CONTAINS(name, 'ALP')"));
        Assert.Equal(["A", "B", "C"], Ids("SELECT * FROM DIGITALTWINS WHERE STARTSWITH(name, '')"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE NOT STARTSWITH(temp, 'w') AND NOT IS_STRING(temp)"));
    }

    [Fact]
    public void Array_contains_looks_at_top_level_elements_and_is_undefined_on_non_arrays()
    {
        Assert.Equal(["A"], Ids("SELECT * FROM DIGITALTWINS WHERE ARRAY_CONTAINS(tags, 'x')"));
        Assert.Equal(["B"], Ids("SELECT * FROM DIGITALTWINS WHERE ARRAY_CONTAINS(tags, 2.0)"));
        Assert.Equal(["A"], Ids("SELECT * FROM DIGITALTWINS WHERE NOT ARRAY_CONTAINS(tags, 1)"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE NOT ARRAY_CONTAINS(name, 'alpha')"));
    }

    [Fact]
    public void Join_yields_one_row_per_relationship_and_drops_twins_without_one()
    {
        var rows = Oracle.Run("SELECT T, U FROM DIGITALTWINS T JOIN U RELATED T.contains");

        Assert.Equal(["A>B", "A>C", "A>B"], rows.Select(r => Pair(r, "T", "U")));
    }

    [Fact]
    public void Join_relationship_alias_exposes_the_relationship_document()
    {
        var rows = Oracle.Run("SELECT U.$dtId AS id, R.weight FROM DIGITALTWINS T JOIN U RELATED T.contains R WHERE T.$dtId = 'A' AND R.weight > 1");

        Assert.Equal(["""{"id":"C","weight":2.5}"""], rows.Select(CanonicalJson.Of));
    }

    [Fact]
    public void Chained_joins_follow_each_relationship_from_the_previous_twin()
    {
        var rows = Oracle.Run("SELECT T, U, V FROM DIGITALTWINS T JOIN U RELATED T.contains JOIN V RELATED U.feeds WHERE T.$dtId = 'A'");

        Assert.Equal(["B>C", "C>A", "B>C"], rows.Select(r => Pair(r, "U", "V")));
    }

    [Theory]
    [InlineData("SELECT * FROM DIGITALTWINS T JOIN U RELATED T.contains")]
    [InlineData("SELECT * FROM DIGITALTWINS MATCH (a)-[]->(b)")]
    [InlineData("SELECT T FROM DIGITALTWINS T JOIN U RELATED X.contains")]
    [InlineData("SELECT name FROM DIGITALTWINS T JOIN U RELATED T.contains")]
    [InlineData("SELECT T FROM DIGITALTWINS T JOIN U RELATED T.contains WHERE name = 'x'")]
    [InlineData("SELECT T FROM DIGITALTWINS T JOIN T RELATED T.contains")]
    [InlineData("SELECT R FROM RELATIONSHIPS R JOIN U RELATED R.contains")]
    [InlineData("SELECT * FROM DIGITALTWINS ORDER BY name")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE NOSUCH(name)")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE IS_DEFINED(name, temp)")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE STARTSWITH(name)")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE IS_NULL(name = 'x')")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE temp < 1e309")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE IS_DEFINED(name) = true")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE (temp > 1) = (temp > 2)")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE tags = ['x', 'y']")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE ARRAY_CONTAINS(tags, name)")]
    [InlineData("SELECT T.name, U.name FROM DIGITALTWINS T JOIN U RELATED T.contains")]
    [InlineData("SELECT T.name, T.temp AS name FROM DIGITALTWINS T")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE ARRAY_CONTAINS(tags, null)")]
    [InlineData("SELECT * FROM DIGITALTWINS WHERE temp IN [1, -1e309]")]
    public void Invalid_queries_are_errors(string query)
    {
        Assert.Throws<OracleQueryException>(() => Oracle.Run(query));
    }

    [Fact]
    public void A_collection_alias_is_an_object_to_type_tests_and_refused_as_a_value_to_compare()
    {
        Assert.Throws<OracleQueryException>(() => Oracle.Run("SELECT * FROM DIGITALTWINS T WHERE T = 'A'"));
        Assert.Throws<OracleQueryException>(() => Oracle.Run("SELECT * FROM DIGITALTWINS T WHERE NOT T"));
        Assert.Throws<OracleQueryException>(() => Oracle.Run("SELECT * FROM DIGITALTWINS T WHERE STARTSWITH(T, 'A')"));
        Assert.Equal(["A", "B", "C", "D"], Ids("SELECT * FROM DIGITALTWINS T WHERE IS_OBJECT(T) AND IS_DEFINED(T) AND NOT IS_PRIMITIVE(T)"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS T WHERE ARRAY_CONTAINS(T, 'A')"));
    }

    [Fact]
    public void An_unaliased_path_reads_the_only_collection_even_when_it_has_an_alias()
    {
        Assert.Equal(["A"], Ids("SELECT * FROM DIGITALTWINS T WHERE name = 'alpha'"));
        Assert.Equal(["A"], Ids("SELECT T FROM DIGITALTWINS T WHERE T.name = 'alpha'"));
    }

    [Fact]
    public void Projection_leaves_out_undefined_values_and_names_each_by_as_or_last_segment()
    {
        var rows = Oracle.Run("SELECT T.$dtId, T.obj.b.c AS deep, T.$metadata.$model FROM DIGITALTWINS T WHERE T.$dtId IN ['A', 'D']");

        Assert.Equal(
            ["""{"$dtId":"A","$model":"dtmi:t:Room;1","deep":"deep"}""", """{"$dtId":"D","$model":"dtmi:t:Other;1"}"""],
            rows.Select(CanonicalJson.Of));
    }

    [Fact]
    public void Projection_through_a_non_object_or_array_is_undefined()
    {
        var rows = Oracle.Run("SELECT name.x, tags.x AS y, obj.a FROM DIGITALTWINS WHERE $dtId IN ['A', 'C']");

        Assert.Equal(["""{"a":1}""", "{}"], rows.Select(CanonicalJson.Of));
    }

    [Fact]
    public void Select_of_one_alias_is_its_document_whatever_the_query_binds_and_of_several_an_object_keyed_by_alias()
    {
        var single = Oracle.Run("SELECT T FROM DIGITALTWINS T WHERE T.$dtId = 'A'");
        var pair = Oracle.Run("SELECT T, U FROM DIGITALTWINS T JOIN U RELATED T.contains WHERE U.$dtId = 'C'");
        var joinedOne = Oracle.Run("SELECT U FROM DIGITALTWINS T JOIN U RELATED T.contains WHERE U.$dtId = 'C'");

        Assert.Equal("A", IdOf(single[0]));
        Assert.Equal(["A>C"], pair.Select(r => Pair(r, "T", "U")));
        Assert.Equal("C", IdOf(joinedOne[0]));
    }

    [Fact]
    public void Count_returns_one_row_with_the_number_of_matches()
    {
        Assert.Equal(["""{"COUNT":3}"""], Oracle.Run("SELECT COUNT() FROM DIGITALTWINS WHERE IS_OF_MODEL('dtmi:t:Base;1')").Select(CanonicalJson.Of));
        Assert.Equal(["""{"COUNT":0}"""], Oracle.Run("SELECT COUNT() FROM DIGITALTWINS WHERE name = 'none'").Select(CanonicalJson.Of));
        Assert.Equal(["""{"COUNT":5}"""], Oracle.Run("SELECT COUNT() FROM RELATIONSHIPS").Select(CanonicalJson.Of));
    }

    [Fact]
    public void Top_keeps_the_first_rows_in_key_order()
    {
        Assert.Equal(["A", "B"], Ids("SELECT TOP(2) * FROM DIGITALTWINS"));
        Assert.Equal(["B", "C"], Ids("SELECT TOP(2) FROM DIGITALTWINS WHERE $dtId > 'A'"));
        Assert.Equal(4, Oracle.Run("SELECT TOP(10) T FROM DIGITALTWINS T").Count);
    }

    [Fact]
    public void From_relationships_returns_relationship_documents_with_their_system_names()
    {
        var rows = Oracle.Run("SELECT * FROM RELATIONSHIPS R WHERE R.$relationshipName = 'feeds' AND R.$targetId = 'A'");
        var projected = Oracle.Run("SELECT R.$relationshipId, R.$sourceId FROM RELATIONSHIPS R WHERE R.$relationshipId IN ['r1', 'r3']");

        Assert.Single(rows);
        Assert.Equal("r4", JsonDocument.Parse(rows[0]).RootElement.GetProperty("$relationshipId").GetString());
        Assert.Equal(["""{"$relationshipId":"r1","$sourceId":"A"}""", """{"$relationshipId":"r3","$sourceId":"B"}"""], projected.Select(CanonicalJson.Of));
    }

    [Fact]
    public void Match_single_hop_follows_the_arrow_and_its_names()
    {
        Assert.Equal(["A>B", "A>C"], Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)-[:contains]->(b)"));
        Assert.Equal(["B>A", "C>A"], Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)<-[:contains]-(b)"));
        Assert.Equal(["A>B", "A>C", "B>C", "C>A"], Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)-[]->(b)"));
        Assert.Equal(["A>B", "A>C", "B>C", "C>A"], Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)-[:contains|feeds]->(b)"));
    }

    [Fact]
    public void Match_undirected_edge_takes_relationships_either_way()
    {
        Assert.Equal(["A>B", "A>C", "B>A", "C>A"], Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)-[:contains]-(b)"));
    }

    [Fact]
    public void Match_exact_hops_reach_only_twins_at_that_many_relationships()
    {
        Assert.Equal(["A>C", "A>A"], Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)-[*2]->(b) WHERE a.$dtId = 'A'"));
    }

    [Fact]
    public void Match_hop_range_start_is_exclusive_and_its_end_inclusive()
    {
        Assert.Equal(["A>C", "A>A", "A>B"], Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)-[*1..3]->(b) WHERE a.$dtId = 'A'"));
        Assert.Equal(["A>B", "A>C", "A>A"], Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)-[*..2]->(b) WHERE a.$dtId = 'A'"));
    }

    [Fact]
    public void Match_never_takes_a_relationship_twice_so_a_cycle_is_followed_once()
    {
        // From C: C→A (r4), A→B (r1 or r5), B→C (r3), C→A again would reuse r4.
        Assert.Equal(["C>B", "C>C"], Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)-[r1]->(m)-[*..3]->(b) WHERE a.$dtId = 'C'"));
        Assert.Empty(Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)-[:feeds*5]->(b)"));
    }

    [Fact]
    public void Match_walks_of_one_pattern_never_share_a_relationship()
    {
        // From B two hops take r3 and r4 to A; every two-hop walk from A needs r3 (via B) or r4 (via C) again.
        Assert.Equal(["B>A"], Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)-[*2]->(b) WHERE a.$dtId = 'B'"));
        Assert.Equal(["A>C", "A>A"], Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)-[*2]->(b) WHERE a.$dtId = 'A'"));
        Assert.Empty(Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)-[*2]->(m)-[*2]->(b) WHERE a.$dtId = 'B'"));
        // One hop from A (r1, r5 or r2) is left free by the first walk.
        Assert.Equal(["B>B", "B>C"], Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)-[*2]->(m)-[*..2]->(b) WHERE a.$dtId = 'B'"));
    }

    [Fact]
    public void Match_rows_are_distinct_bindings_of_its_aliases()
    {
        Assert.Equal(["A>B"], Matches("SELECT a, b FROM DIGITALTWINS MATCH (a)-[:contains]->(b) WHERE b.$dtId = 'B'"));
        Assert.Equal(2, Oracle.Run("SELECT a, r, b FROM DIGITALTWINS MATCH (a)-[r:contains]->(b) WHERE b.$dtId = 'B'").Count);
        Assert.Equal(["""{"COUNT":1}"""], Oracle.Run("SELECT COUNT() FROM DIGITALTWINS MATCH (a)-[:contains]->(b) WHERE b.$dtId = 'B'").Select(CanonicalJson.Of));
    }

    [Fact]
    public void Match_chain_binds_every_node_alias()
    {
        var rows = Oracle.Run("SELECT a.$dtId AS a, b.$dtId AS b, c.$dtId AS c FROM DIGITALTWINS MATCH (a)-[:contains]->(b)<-[:feeds]-(c)");

        Assert.Equal(["""{"a":"A","b":"C","c":"B"}"""], rows.Select(CanonicalJson.Of));
    }

    [Fact]
    public void Match_of_one_node_binds_every_twin()
    {
        Assert.Equal(["A", "B", "C", "D"], Ids("SELECT a FROM DIGITALTWINS MATCH (a)"));
    }

    [Theory]
    [InlineData("SELECT a, b FROM DIGITALTWINS MATCH (a)-[*11]->(b)")]
    [InlineData("SELECT a, b, c FROM DIGITALTWINS MATCH (a)-[*..6]->(b)-[*5]->(c)")]
    [InlineData("SELECT a, b FROM DIGITALTWINS MATCH (a)-[r*..3]->(b)")]
    [InlineData("SELECT a, b FROM DIGITALTWINS MATCH (a)-[*3..2]->(b)")]
    [InlineData("SELECT a FROM DIGITALTWINS MATCH (a)-[]->(a)")]
    [InlineData("SELECT a FROM DIGITALTWINS T MATCH (a)-[]->(b)")]
    public void Match_beyond_its_limits_or_with_clashing_aliases_is_an_error(string query)
    {
        Assert.Throws<OracleQueryException>(() => Oracle.Run(query));
    }

    [Fact]
    public void Limits_on_joins_logical_operators_and_list_values_are_errors_one_past_the_limit()
    {
        var joins = string.Concat(Enumerable.Range(1, 6).Select(i => $" JOIN T{i} RELATED T{i - 1}.contains"));
        var fiveJoins = string.Concat(Enumerable.Range(1, 5).Select(i => $" JOIN T{i} RELATED T{i - 1}.contains"));
        var ors = string.Join(" OR ", Enumerable.Range(0, 52).Select(i => $"temp = {i}"));
        var fiftyOrs = string.Join(" OR ", Enumerable.Range(0, 51).Select(i => $"temp = {i}"));
        var values = string.Join(", ", Enumerable.Range(0, 101));
        var hundredValues = string.Join(", ", Enumerable.Range(0, 100));

        Assert.Throws<OracleQueryException>(() => Oracle.Run("SELECT T0 FROM DIGITALTWINS T0" + joins));
        Assert.Empty(Oracle.Run("SELECT T0 FROM DIGITALTWINS T0" + fiveJoins));
        Assert.Throws<OracleQueryException>(() => Oracle.Run("SELECT * FROM DIGITALTWINS WHERE " + ors));
        Assert.Equal(["A"], Ids("SELECT * FROM DIGITALTWINS WHERE " + fiftyOrs));
        Assert.Throws<OracleQueryException>(() => Oracle.Run($"SELECT * FROM DIGITALTWINS WHERE temp IN [{values}]"));
        Assert.Equal(["A"], Ids($"SELECT * FROM DIGITALTWINS WHERE temp IN [{hundredValues}]"));
    }

    [Fact]
    public void Nested_object_paths_resolve_and_names_are_case_sensitive()
    {
        Assert.Equal(["A"], Ids("SELECT * FROM DIGITALTWINS WHERE obj.b.c = 'deep'"));
        Assert.Empty(Ids("SELECT * FROM DIGITALTWINS WHERE Name = 'alpha' OR obj.B.c = 'deep'"));
        Assert.Equal(["B"], Ids("SELECT * FROM DIGITALTWINS WHERE $metadata.$model = 'dtmi:t:Lab;1'"));
    }

    [Fact]
    public void Escaped_reserved_word_reads_the_property_of_that_name()
    {
        var graph = new OracleGraph(
            ["""{"$dtId":"G","$etag":"e","$metadata":{"$model":"dtmi:t:Base;1"},"Group":"BravoTeam"}"""], [], new Dictionary<string, IReadOnlyList<string>>());

        var rows = new QueryOracle(graph).Run("SELECT * FROM DIGITALTWINS WHERE [[Group]] = 'BravoTeam'");

        Assert.Single(rows);
    }

    private static List<string> Ids(string query) => [.. Oracle.Run(query).Select(IdOf)];

    private static string IdOf(string row) => JsonDocument.Parse(row).RootElement.GetProperty("$dtId").GetString()!;

    private static string Pair(string row, string left, string right)
    {
        var root = JsonDocument.Parse(row).RootElement;
        return root.GetProperty(left).GetProperty("$dtId").GetString() + ">" + root.GetProperty(right).GetProperty("$dtId").GetString();
    }

    private static List<string> Matches(string query) => [.. Oracle.Run(query).Select(r => Pair(r, "a", "b"))];
}
