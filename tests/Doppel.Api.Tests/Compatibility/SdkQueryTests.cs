namespace Doppel.Api.Tests.Compatibility;

/// <summary>Queries through the official SDK's <c>queryTwins</c> (<c>js/query.mjs</c>).</summary>
[Collection(OfficialSdk.Name)]
public sealed class SdkQueryTests(SdkServer sdk)
{
    [SkippableFact]
    public async Task QueryTwins_pages_through_every_row_with_a_page_size_and_a_query_charge_on_each_page()
    {
        var result = await sdk.RunAsync("query.mjs", "paging");

        Assert.Equal(result.Texts("names"), result.Texts("all"));
        var pages = result.At("pages").EnumerateArray().ToList();
        Assert.Equal([25, 25, 25, 25, 20], pages.Select(p => p.Number("count")));
        Assert.All(pages, p => Assert.True(p.At("queryCharge").GetDouble() > 0));
        Assert.Equal([true, true, true, true, false], pages.Select(p => p.Flag("hasToken")));
        var requests = result.At("pageRequests").EnumerateArray().ToList();
        Assert.All(requests, r =>
        {
            Assert.Equal(200, r.Number("status"));
            Assert.Equal("25", r.Text("maxItemsPerPage"));
        });
        Assert.All(requests.Skip(1), r => Assert.False(string.IsNullOrEmpty(r.Text("body.continuationToken"))));

        Assert.Equal("""[{"$dtId":"room-000","size":0},{"$dtId":"room-001","size":1}]""", result.At("projected").GetRawText());
        Assert.Equal("""[{"F":"floor","R":"room-001"}]""", result.At("joined").GetRawText());
        Assert.Equal("""[{"COUNT":120}]""", result.At("counted").GetRawText());
        Assert.Equal(400, result.Number("error.statusCode"));
        Assert.Equal("SqlQueryError", result.Text("error.code"));
    }
}
