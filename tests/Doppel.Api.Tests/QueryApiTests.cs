using System.Globalization;
using System.Net;
using System.Text.Json;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests;

/// <summary>POST /query on the wire: row shapes, paging, the query-charge header, errors in ADT's envelope.</summary>
public sealed class QueryApiTests : IAsyncLifetime
{
    private DataPlaneServer _server = null!;
    private InstanceClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await DataPlaneServer.StartAsync();
        _client = _server.Client(await _server.NewInstanceAsync());
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
        for (var i = 1; i <= 5; i++)
        {
            await Adt.OkAsync(await _client.PutAsync($"digitaltwins/r{i}", Samples.RoomTwin(area: i * 10)));
        }

        await Adt.OkAsync(await _client.PutAsync("digitaltwins/f1", Samples.FloorTwin()));
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/f1/relationships/c1", """{"$targetId":"r1","$relationshipName":"contains"}"""));
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/f1/relationships/c2", """{"$targetId":"r2","$relationshipName":"contains"}"""));
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/r1/relationships/a1", """{"$targetId":"r2","$relationshipName":"adjacentTo","doorCount":2}"""));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<(HttpResponseMessage Response, JsonElement Body)> QueryAsync(string query, int? pageSize = null, string? token = null)
    {
        var body = JsonSerializer.Serialize(token is null ? new Dictionary<string, string> { ["query"] = query } : new Dictionary<string, string> { ["continuationToken"] = token });
        var headers = pageSize is null ? null : new Dictionary<string, string> { ["max-items-per-page"] = pageSize.Value.ToString(CultureInfo.InvariantCulture) };
        var response = await _client.PostAsync("query", body, headers);
        return (response, response.StatusCode == HttpStatusCode.OK ? await Adt.JsonAsync(response) : default);
    }

    [Fact]
    public async Task Select_star_returns_each_twin_document_with_a_query_charge_and_a_null_token()
    {
        var (response, body) = await QueryAsync("SELECT * FROM DIGITALTWINS T WHERE T.area >= 30");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(double.Parse(response.Headers.GetValues("query-charge").Single(), CultureInfo.InvariantCulture) > 0);
        Assert.Equal(["r3", "r4", "r5"], body.GetProperty("value").EnumerateArray().Select(t => t.GetProperty("$dtId").GetString()));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("continuationToken").ValueKind);
        using var twin = await _client.GetAsync("digitaltwins/r3");
        Assert.Equal((await Adt.JsonAsync(twin)).GetRawText(), body.GetProperty("value")[0].GetRawText());
    }

    [Fact]
    public async Task A_join_returns_one_object_per_row_keyed_by_alias_and_projections_leave_out_absent_values()
    {
        var (_, joined) = await QueryAsync("SELECT F, R FROM DIGITALTWINS F JOIN R RELATED F.contains WHERE F.$dtId = 'f1'");
        var (_, projected) = await QueryAsync("SELECT R.area, R.level AS lvl, R.$dtId FROM DIGITALTWINS R WHERE IS_OF_MODEL('dtmi:doppel:test:Space;1') AND R.area < 25");

        Assert.Equal(["r1", "r2"], joined.GetProperty("value").EnumerateArray().Select(row => row.GetProperty("R").GetProperty("$dtId").GetString()));
        Assert.All(joined.GetProperty("value").EnumerateArray(), row => Assert.Equal("f1", row.GetProperty("F").GetProperty("$dtId").GetString()));
        Assert.Equal("""[{"area":10,"$dtId":"r1"},{"area":20,"$dtId":"r2"}]""", projected.GetProperty("value").GetRawText());
    }

    [Fact]
    public async Task Count_returns_one_row_with_the_COUNT_key()
    {
        var (_, body) = await QueryAsync("SELECT COUNT() FROM DIGITALTWINS WHERE IS_OF_MODEL('dtmi:doppel:test:Room;1')");

        Assert.Equal("""[{"COUNT":5}]""", body.GetProperty("value").GetRawText());
    }

    [Fact]
    public async Task Pages_follow_continuation_tokens_until_the_last_page_which_has_none()
    {
        var ids = new List<string>();
        var (response, body) = await QueryAsync("SELECT T.$dtId FROM DIGITALTWINS T", pageSize: 2);
        var pages = 1;
        while (true)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            ids.AddRange(body.GetProperty("value").EnumerateArray().Select(r => r.GetProperty("$dtId").GetString()!));
            if (body.GetProperty("continuationToken").ValueKind == JsonValueKind.Null)
            {
                break;
            }

            (response, body) = await QueryAsync("ignored", pageSize: 2, token: body.GetProperty("continuationToken").GetString());
            pages++;
        }

        Assert.Equal(["f1", "r1", "r2", "r3", "r4", "r5"], ids);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Top_limits_the_rows_of_all_pages_together()
    {
        var (_, first) = await QueryAsync("SELECT TOP(3) T FROM DIGITALTWINS T", pageSize: 2);
        var (_, second) = await QueryAsync(string.Empty, pageSize: 2, token: first.GetProperty("continuationToken").GetString());

        Assert.Equal(2, first.GetProperty("value").GetArrayLength());
        Assert.Equal(1, second.GetProperty("value").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("continuationToken").ValueKind);
    }

    [Fact]
    public async Task A_write_is_seen_by_the_next_query()
    {
        await Adt.OkAsync(await _client.PatchAsync("digitaltwins/r5", """[{"op":"replace","path":"/area","value":999}]"""), HttpStatusCode.NoContent);
        var (_, body) = await QueryAsync("SELECT T.$dtId FROM DIGITALTWINS T WHERE T.area = 999");

        Assert.Equal("""[{"$dtId":"r5"}]""", body.GetProperty("value").GetRawText());
    }

    [Fact]
    public async Task Bad_queries_are_400_SqlQueryError_with_the_position()
    {
        using var syntax = await _client.PostAsync("query", """{"query":"SELECT * FROM DIGITIALTWINS"}""");
        using var unknownAlias = await _client.PostAsync("query", """{"query":"SELECT X FROM DIGITALTWINS T JOIN R RELATED T.contains"}""");
        using var star = await _client.PostAsync("query", """{"query":"SELECT * FROM DIGITALTWINS T JOIN R RELATED T.contains"}""");

        var error = await Adt.ErrorAsync(syntax, HttpStatusCode.BadRequest, "SqlQueryError");
        Assert.Contains("Line=1, Position=14", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await Adt.ErrorAsync(unknownAlias, HttpStatusCode.BadRequest, "SqlQueryError");
        await Adt.ErrorAsync(star, HttpStatusCode.BadRequest, "SqlQueryError");
    }

    [Fact]
    public async Task An_altered_or_foreign_continuation_token_is_refused_with_400()
    {
        var (_, first) = await QueryAsync("SELECT T FROM DIGITALTWINS T", pageSize: 1);
        var token = first.GetProperty("continuationToken").GetString()!;
        var other = _server.Client(await _server.NewInstanceAsync());

        using var altered = await _client.PostAsync("query", JsonSerializer.Serialize(new { continuationToken = "x" + token[1..] }));
        using var foreign = await other.PostAsync("query", JsonSerializer.Serialize(new { continuationToken = token }));
        using var garbage = await _client.PostAsync("query", """{"continuationToken":"%%%"}""");
        var notBase64 = new[] { "ab!c.abcd", "AAAA.BB.CC", "abc=d.x", "AAAA.", "A.AAAA", token.Replace('.', '!') + ".AA", token + "==" };

        await Adt.ErrorAsync(altered, HttpStatusCode.BadRequest, "BadRequest");
        await Adt.ErrorAsync(foreign, HttpStatusCode.BadRequest, "BadRequest");
        await Adt.ErrorAsync(garbage, HttpStatusCode.BadRequest, "BadRequest");
        foreach (var bad in notBase64)
        {
            using var response = await _client.PostAsync("query", JsonSerializer.Serialize(new { continuationToken = bad }));
            await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "BadRequest");
        }

        other.Dispose();
    }

    [Fact]
    public async Task Match_walks_relationships_both_ways_and_over_several_hops()
    {
        var (_, oneHop) = await QueryAsync("SELECT b.$dtId FROM DIGITALTWINS MATCH (a)-[:contains]->(b) WHERE a.$dtId = 'f1'");
        var (_, twoHops) = await QueryAsync("SELECT b.$dtId FROM DIGITALTWINS MATCH (a)-[*2]->(b) WHERE a.$dtId = 'f1'");
        var (_, backward) = await QueryAsync("SELECT a.$dtId FROM DIGITALTWINS MATCH (a)-[r:adjacentTo]-(b) WHERE b.$dtId = 'r1'");

        Assert.Equal("""[{"$dtId":"r1"},{"$dtId":"r2"}]""", oneHop.GetProperty("value").GetRawText());
        Assert.Equal("""[{"$dtId":"r2"}]""", twoHops.GetProperty("value").GetRawText());
        Assert.Equal("""[{"$dtId":"r2"}]""", backward.GetProperty("value").GetRawText());
    }
}
