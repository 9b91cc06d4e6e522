using System.Net;
using System.Text.Json;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests;

/// <summary>ORDER BY, a Doppel extension: refused as ADT refuses it, offered with <c>--query-order-by</c>.</summary>
public sealed class QueryOrderByTests : IAsyncLifetime
{
    private DataPlaneServer _server = null!;
    private InstanceClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await DataPlaneServer.StartAsync("--query-order-by");
        _client = _server.Client(await _server.NewInstanceAsync());
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
        var areas = new[] { 30.0, 10.5, 20.0, 10.5, 5.0 };
        for (var i = 0; i < areas.Length; i++)
        {
            await Adt.OkAsync(await _client.PutAsync($"digitaltwins/r{i}", Samples.RoomTwin(areas[i])));
        }

        await Adt.OkAsync(await _client.PutAsync("digitaltwins/f1", Samples.FloorTwin()));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<List<string>> IdsAsync(string query, int pageSize)
    {
        var ids = new List<string>();
        var body = JsonSerializer.Serialize(new { query });
        while (true)
        {
            using var response = await _client.PostAsync("query", body, new Dictionary<string, string> { ["max-items-per-page"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            var page = await Adt.JsonAsync(response);
            ids.AddRange(page.GetProperty("value").EnumerateArray().Select(r => r.GetProperty("$dtId").GetString()!));
            if (page.GetProperty("continuationToken").ValueKind == JsonValueKind.Null)
            {
                return ids;
            }

            body = JsonSerializer.Serialize(new { continuationToken = page.GetProperty("continuationToken").GetString() });
        }
    }

    [Fact]
    public async Task With_the_option_rows_come_in_the_order_asked_across_pages_with_undefined_values_first_and_ties_by_id()
    {
        var ascending = await IdsAsync("SELECT T.$dtId FROM DIGITALTWINS T ORDER BY T.area", pageSize: 2);
        var descending = await IdsAsync("SELECT T.$dtId FROM DIGITALTWINS T WHERE IS_DEFINED(T.area) ORDER BY T.area DESC, T.$dtId DESC", pageSize: 4);

        Assert.Equal(["f1", "r4", "r1", "r3", "r2", "r0"], ascending);
        Assert.Equal(["r0", "r2", "r3", "r1", "r4"], descending);
    }

    [Fact]
    public async Task Without_the_option_order_by_is_a_SqlQueryError()
    {
        await using var plain = await DataPlaneServer.StartAsync();
        using var client = plain.Client();

        using var response = await client.PostAsync("query", """{"query":"SELECT * FROM DIGITALTWINS T ORDER BY T.area"}""");

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "SqlQueryError");
    }
}

/// <summary>ADT's query rate limit: past it, 429 QuotaReachedError with Retry-After; the bucket refills.</summary>
public sealed class QueryThrottlingTests
{
    [Fact]
    public async Task Past_the_query_rate_the_instance_answers_429_QuotaReachedError_with_Retry_After_and_recovers()
    {
        await using var server = await DataPlaneServer.StartAsync("--query-rate", "3");
        using var client = server.Client();

        // One request, then seven at once: together they exceed 3 a second however slowly a loaded machine answers
        // each one (sent one after another, a slow machine let the bucket refill between them).
        var responses = new List<HttpResponseMessage> { await client.PostAsync("query", """{"query":"SELECT COUNT() FROM DIGITALTWINS"}""") };
        responses.AddRange(await Task.WhenAll(Enumerable.Range(0, 7).Select(_ => client.PostAsync("query", """{"query":"SELECT COUNT() FROM DIGITALTWINS"}"""))));

        var throttled = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        await Adt.ErrorAsync(throttled, HttpStatusCode.TooManyRequests, "QuotaReachedError");
        Assert.Equal(TimeSpan.FromSeconds(1), throttled.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, responses[0].StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var later = await client.PostAsync("query", """{"query":"SELECT COUNT() FROM DIGITALTWINS"}""");
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        responses.ForEach(r => r.Dispose());
    }
}
