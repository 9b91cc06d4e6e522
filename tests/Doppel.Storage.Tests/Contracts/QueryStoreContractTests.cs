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

    private static int Occurrences(string text, string part) => text.Split(part).Length - 1;

    private sealed class NoModels : IQueryModelFacts
    {
        public IReadOnlyList<string> ModelAndDescendants(string modelId) => [modelId];
    }
}
