using System.Diagnostics;
using Doppel.Query.Binding;
using Doppel.Query.Sql;
using Doppel.Query.Syntax;
using Doppel.Storage.DataPlane;
using Doppel.Storage.Tests.Support;

namespace Doppel.Storage.Tests.Contracts;

/// <summary>Compiled queries on each engine (<see cref="IQueryStore"/>): instance isolation, literals as data, timeouts.</summary>
public abstract class QueryStoreContractTests : DataPlaneContractTests
{
    private static readonly RelationshipLimits Roomy = new(null, 1000, 1000);

    private async Task<IReadOnlyList<object?[]>> RunAsync(string query, TimeSpan? timeout = null, string? instanceId = null) =>
        await Data.Query.ReadAsync(Compile(query, instanceId), timeout ?? TimeSpan.FromSeconds(30), CancellationToken.None);

    private SqlStatement Compile(string query, string? instanceId = null)
    {
        var parsed = new QueryParser().Parse(query);
        Assert.True(parsed.Succeeded, parsed.Error?.Message);
        var bound = new QueryBinder().Bind(parsed.Query!, new NoModels());
        Assert.True(bound.Succeeded, bound.Error?.Message);
        return new SqlCompiler(Data.Query.Dialect).Compile(bound.Query!, new SqlPageRequest(instanceId ?? InstanceId, null, 100));
    }

    private async Task RelateAsync(string source, string id, string target)
    {
        var relationship = new StoredRelationship(source, id, target, "near", "W/\"1\"", $$"""{"$relationshipId":"{{id}}"}""");
        Assert.Equal(StoreWriteOutcome.Written, await Data.Relationships.WriteAsync(InstanceId, relationship, StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None));
    }

    private async Task WriteTwinAsync(string instanceId, string id, string json)
    {
        var twin = new StoredTwin(id, "dtmi:example:Room;1", "W/\"1\"", json);
        Assert.Equal(StoreWriteOutcome.Written, await Data.Twins.WriteAsync(instanceId, twin, StoreWriteMode.CreateOnly, null, 1000, Change(), CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_query_reads_only_the_twins_of_its_instance()
    {
        await OpenAsync();
        await WriteTwinAsync(InstanceId, "mine", """{"$dtId":"mine","v":1}""");
        await WriteTwinAsync(OtherInstanceId, "theirs", """{"$dtId":"theirs","v":1}""");

        var rows = await RunAsync("SELECT T.$dtId FROM DIGITALTWINS T WHERE T.v = 1");

        Assert.Equal(["mine"], rows.Select(r => (string)r[0]!));
    }

    [SkippableFact]
    public async Task Literals_built_to_break_out_of_SQL_are_compared_as_data()
    {
        await OpenAsync();
        const string hostile = "x'); DROP TABLE twins; -- \" */ ; \\ ’ ＇";
        await WriteTwinAsync(InstanceId, "evil", $$"""{"$dtId":"evil","name":{{System.Text.Json.JsonSerializer.Serialize(hostile)}}}""");
        await WriteTwinAsync(InstanceId, "plain", """{"$dtId":"plain","name":"x"}""");
        var escaped = hostile.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);

        var equal = await RunAsync($"SELECT T.$dtId FROM DIGITALTWINS T WHERE T.name = '{escaped}'");
        var prefix = await RunAsync("SELECT T.$dtId FROM DIGITALTWINS T WHERE STARTSWITH(T.name, 'x\\')')");
        var escapedName = await RunAsync("SELECT T.$dtId FROM DIGITALTWINS T WHERE IS_DEFINED(T.[[a\" OR 1=1 --]])");
        var all = await RunAsync("SELECT COUNT() FROM DIGITALTWINS");

        Assert.Equal(["evil"], equal.Select(r => (string)r[0]!));
        Assert.Equal(["evil"], prefix.Select(r => (string)r[0]!));
        Assert.Empty(escapedName);
        Assert.Equal(2L, all[0][0]);
    }

    [SkippableFact]
    public async Task A_runaway_query_is_stopped_in_the_database_at_its_timeout_and_the_store_keeps_working()
    {
        await OpenAsync();

        // Twelve twins, each pair related: the undirected walks of up to ten hops number in the billions.
        const int count = 12;
        for (var i = 0; i < count; i++)
        {
            await WriteTwinAsync(InstanceId, $"t{i}", $$"""{"$dtId":"t{{i}}"}""");
        }

        for (var i = 0; i < count; i++)
        {
            for (var j = i + 1; j < count; j++)
            {
                var relationship = new StoredRelationship($"t{i}", $"r{j}", $"t{j}", "near", "W/\"1\"", $$"""{"$relationshipId":"r{{j}}"}""");
                Assert.Equal(StoreWriteOutcome.Written, await Data.Relationships.WriteAsync(InstanceId, relationship, StoreWriteMode.CreateOnly, null, Roomy, Change(), CancellationToken.None));
            }
        }

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<QueryTimeoutException>(() => RunAsync("SELECT COUNT() FROM DIGITALTWINS MATCH (a)-[*..10]-(b)", TimeSpan.FromMilliseconds(300)));
        var stoppedAfter = clock.Elapsed;
        var after = await RunAsync("SELECT COUNT() FROM DIGITALTWINS");

        Assert.Equal(TimeSpan.FromMilliseconds(300), error.Timeout);
        Assert.True(stoppedAfter < TimeSpan.FromSeconds(10), $"stopped only after {stoppedAfter}");
        Assert.Equal((long)count, after[0][0]);
    }

    [SkippableFact]
    public async Task A_MATCH_joins_the_twins_of_only_the_nodes_it_reads_and_still_finds_every_path()
    {
        await OpenAsync();
        foreach (var id in new[] { "a", "b", "c", "d", "e" })
        {
            await WriteTwinAsync(InstanceId, id, $$"""{"$dtId":"{{id}}","v":1}""");
        }

        // a→b→c→d, a→e→c (two paths to d), and e→a (a third path, a→e→a→b, and a way back for undirected hops).
        await RelateAsync("a", "ab", "b");
        await RelateAsync("b", "bc", "c");
        await RelateAsync("c", "cd", "d");
        await RelateAsync("a", "ae", "e");
        await RelateAsync("e", "ec", "c");
        await RelateAsync("e", "ea", "a");
        const string path = "MATCH (a)-[:near]->(b)-[:near]->(c)-[:near]->(d) WHERE a.$dtId = 'a'";

        var unread = Compile($"SELECT d FROM DIGITALTWINS {path}");
        var middleRead = Compile($"SELECT d FROM DIGITALTWINS {path} AND b.v = 1");
        var rows = await RunAsync($"SELECT b.$dtId AS b, d.$dtId AS d FROM DIGITALTWINS {path}");
        var undirected = await RunAsync("SELECT c.$dtId FROM DIGITALTWINS MATCH (a)-[:near]-(b)-[:near]-(c) WHERE a.$dtId = 'b'");
        var count = await RunAsync($"SELECT COUNT() FROM DIGITALTWINS {path}");

        // The FROM twins a and the selected d; b and c only by their relationships' ends.
        Assert.Equal(2, Occurrences(unread.Text, "twins c"));
        Assert.Equal(3, Occurrences(middleRead.Text, "twins c"));
        Assert.Equal([("b", "d"), ("e", "b"), ("e", "d")], rows.Select(r => ((string)r[^2]!, (string)r[^1]!)).Order());
        Assert.Equal(["d", "e", "e"], undirected.Select(r => (string)r[^1]!).Order());
        Assert.Equal(3L, count[0][0]);
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(40)]
    public async Task Later_pages_read_model_by_model_return_the_rows_of_one_statement_in_order(int pageSize)
    {
        await OpenAsync();
        // A family of fourteen models: some without twins, others with twins of which only some match, and models
        // outside the family between them and around them, so that the pages step over every kind of gap, and a
        // page that needs more than ModelSteps.MaxSeeks seeks reads the rest of the family in one statement.
        var family = Enumerable.Range(1, 14).Select(i => $"dtmi:t:m{i:00};1").ToList();
        var models = new Families(new() { ["dtmi:t:Root;1"] = ["dtmi:t:Root;1", .. family] });
        var twins = 0;
        var counts = new[] { ("dtmi:t:a;1", 2), ("dtmi:t:m01;1", 5), ("dtmi:t:m06x;1", 1), ("dtmi:t:m10x;1", 2), ("dtmi:t:z;1", 2) }
            .Concat(family.Where(m => m is not ("dtmi:t:m06;1" or "dtmi:t:m10;1" or "dtmi:t:m01;1")).Select(m => (m, 1)));
        foreach (var (model, count) in counts)
        {
            for (var i = 0; i < count; i++, twins++)
            {
                // Every third twin does not match the filter; ids do not follow the models' order.
                var id = $"t{(twins * 7) % 100:00}-{model[7..^2]}";
                var twin = new StoredTwin(id, model, "W/\"1\"", $$"""{"$dtId":"{{id}}","v":{{(twins % 3 == 2 ? 0 : 1)}}}""");
                Assert.Equal(StoreWriteOutcome.Written, await Data.Twins.WriteAsync(InstanceId, twin, StoreWriteMode.CreateOnly, null, 1000, Change(), CancellationToken.None));
            }
        }

        foreach (var query in new[]
        {
            "SELECT T.$dtId FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, 'dtmi:t:Root;1')",
            "SELECT T.$dtId FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, 'dtmi:t:Root;1') AND T.v = 1",
            "SELECT T.$dtId FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, 'dtmi:t:Root;1') AND (T.v = 0 OR IS_OF_MODEL(T, 'dtmi:t:m05;1'))",
        })
        {
            var whole = await PagesAsync(query, models, 1000, modelByModel: false);
            var stepped = await PagesAsync(query, models, pageSize, modelByModel: true);

            Assert.NotEmpty(whole);
            Assert.Equal(whole, stepped);
        }
    }

    /// <summary>Every page of a query, as the query service reads them: one row more than the page, the next page after the last row's key.</summary>
    private async Task<List<string>> PagesAsync(string query, IQueryModelFacts models, int pageSize, bool modelByModel)
    {
        var bound = new QueryBinder().Bind(new QueryParser().Parse(query).Query!, models).Query!;
        var compiler = new SqlCompiler(Data.Query.Dialect) { PagesModelByModel = modelByModel };
        var ids = new List<string>();
        IReadOnlyList<string>? after = null;
        for (var page = 0; page < 100; page++)
        {
            var statement = compiler.Compile(bound, new SqlPageRequest(InstanceId, after, pageSize + 1) { KeyRow = pageSize - 1 });
            Assert.Equal(after is not null && modelByModel, statement.Steps is not null);
            var rows = await Data.Query.ReadAsync(statement, TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.True(rows.Count <= pageSize + 1);
            ids.AddRange(rows.Take(pageSize).Select(r => (string)r[^1]!));
            if (rows.Count <= pageSize)
            {
                return ids;
            }

            after = [.. rows[pageSize - 1].Take(statement.KeyColumns).Select(k => (string)k!)];
        }

        throw new InvalidOperationException("The pages never end.");
    }

    private static int Occurrences(string text, string part) => text.Split(part).Length - 1;

    private sealed class Families(Dictionary<string, IReadOnlyList<string>> families) : IQueryModelFacts
    {
        public IReadOnlyList<string> ModelAndDescendants(string modelId) => families.GetValueOrDefault(modelId) ?? [modelId];
    }

    private sealed class NoModels : IQueryModelFacts
    {
        public IReadOnlyList<string> ModelAndDescendants(string modelId) => [modelId];
    }
}
