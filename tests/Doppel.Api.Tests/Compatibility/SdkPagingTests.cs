using System.Text.Json;

namespace Doppel.Api.Tests.Compatibility;

/// <summary>Paging with many items through the SDK's async iterators (<c>js/paging.mjs</c>).</summary>
[Collection(OfficialSdk.Name)]
public sealed class SdkPagingTests(SdkServer sdk)
{
    [SkippableFact]
    public async Task ListModels_pages_through_120_models_by_default_by_maxPageSize_and_from_a_saved_nextLink()
    {
        var result = await sdk.RunAsync("paging.mjs", "models");

        result.Succeeded("created", 201);
        Assert.Equal(120, result.Number("created.count"));
        var uploaded = result.Texts("uploaded");
        Assert.Equal(uploaded, result.Texts("all"));
        Assert.Equal([100, 20], result.Numbers("defaultPages"));
        var all = result.At("allRequests");
        Assert.Equal(2, all.GetArrayLength());
        AssertNextLinks(all, "/models?");
        Assert.All(all.EnumerateArray(), r => Assert.True(r.IsNull("maxItemsPerPage")));

        var small = result.At("smallPages").EnumerateArray().ToList();
        Assert.Equal([25, 25, 25, 25, 20], small.Select(p => p.Number("count")));
        Assert.All(small, p => Assert.True(p.Flag("withDefinitions")));
        Assert.Equal([true, true, true, true, false], small.Select(p => p.Flag("hasNextLink")));
        var smallRequests = result.At("smallRequests");
        Assert.Equal(5, smallRequests.GetArrayLength());
        AssertNextLinks(smallRequests, "/models?");
        Assert.All(smallRequests.EnumerateArray(), r =>
        {
            Assert.Equal("25", r.Text("maxItemsPerPage"));
            Assert.Contains("includeModelDefinition=true", r.Text("url"), StringComparison.Ordinal);
        });

        Assert.Equal(uploaded[..50], result.Texts("firstPage"));
        Assert.Equal(uploaded[50..], result.Texts("resumed"));
        Assert.Equal(1, result.At("resumedRequests").GetArrayLength());
    }

    [SkippableFact]
    public async Task Relationship_lists_page_past_1000_items_for_twin_ids_that_need_percent_encoding()
    {
        var result = await sdk.RunAsync("paging.mjs", "relationships");

        Assert.Equal(1003, result.Number("written"));
        Assert.Equal([200], result.Numbers("statuses"));
        var expected = new[] { "adjacent-1", "adjacent-2" }.Concat(Enumerable.Range(0, 1001).Select(i => $"near-{i:0000}")).ToList();
        var outgoing = result.Texts("outgoing");
        Assert.Equal(expected, outgoing.Order(StringComparer.Ordinal));
        Assert.Equal([1000, 3], result.Numbers("outgoingPages"));
        var source = Uri.EscapeDataString(result.Text("source")!);
        var target = Uri.EscapeDataString(result.Text("target")!);
        AssertNextLinks(result.At("outgoingRequests"), $"/digitaltwins/{source}/relationships?");

        Assert.Equal(1001, result.Number("namedCount"));
        Assert.Equal(["near"], result.Texts("namedNames"));
        Assert.Equal([result.Text("source")!], result.Texts("namedSources"));
        var named = result.At("namedRequests");
        Assert.Equal(2, named.GetArrayLength());
        AssertNextLinks(named, $"/digitaltwins/{source}/relationships?");
        Assert.All(named.EnumerateArray(), r => Assert.Contains("relationshipName=near", r.Text("url"), StringComparison.Ordinal));

        Assert.Equal(expected, result.Texts("incomingIds").Order(StringComparer.Ordinal));
        Assert.Equal([result.Text("source")!], result.Texts("incomingSources"));
        Assert.Equal([1000, 3], result.Numbers("incomingPages"));
        AssertNextLinks(result.At("incomingRequests"), $"/digitaltwins/{target}/incomingrelationships?");
    }

    /// <summary>Every page was a 200 from the same resource of the same instance: the nextLinks were absolute and kept the encoded path.</summary>
    private static void AssertNextLinks(JsonElement requests, string pathAndQueryStart)
    {
        var first = new Uri(requests.Text("0.url")!);
        var prefix = first.GetLeftPart(UriPartial.Authority) + first.AbsolutePath[..first.AbsolutePath.IndexOf('/', "/instances/".Length)];
        Assert.All(requests.EnumerateArray(), r =>
        {
            Assert.Equal(200, r.Number("status"));
            Assert.StartsWith(prefix + pathAndQueryStart, r.Text("url"), StringComparison.Ordinal);
            Assert.Contains("api-version=2022-05-31", r.Text("url"), StringComparison.Ordinal);
        });
        Assert.All(requests.EnumerateArray().Skip(1), r => Assert.Contains("continuationToken=", r.Text("url"), StringComparison.Ordinal));
    }
}
