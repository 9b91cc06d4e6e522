using System.Net;
using System.Text.Json;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests.Regressions;

/// <summary>
/// Issue 3 (`issues show 3`, "nextLink as an absolute URL ... percent-encoded ids"): the nextLink was built from the
/// routed path, which Kestrel has partly decoded, so for a twin id holding <c>%2F</c> (sent as <c>%252F</c>) the next
/// page went to the twin <c>.../</c> instead — a 404 in the official SDK's iterator, found by
/// <c>SdkPagingTests.Relationship_lists_page_past_1000_items_for_twin_ids_that_need_percent_encoding</c>.
/// </summary>
public sealed class Issue_3_NextLink_keeps_percent_encoded_idsTests : IAsyncLifetime
{
    private DataPlaneServer _server = null!;
    private InstanceClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await DataPlaneServer.StartAsync();
        _client = _server.Client(await _server.NewInstanceAsync());
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("a%2Fb")]
    [InlineData("100%25 sure?#")]
    [InlineData("x/y ü")]
    public async Task NextLink_of_outgoing_and_incoming_lists_leads_back_to_the_same_twin(string id)
    {
        var encoded = InstanceClient.Encode(id);
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/" + encoded, Samples.RoomTwin()));
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/other", Samples.RoomTwin()));
        foreach (var name in new[] { "n1", "n2", "n3" })
        {
            await Adt.OkAsync(await _client.PutAsync($"digitaltwins/{encoded}/relationships/{name}", """{"$targetId":"other","$relationshipName":"near"}"""));
            await Adt.OkAsync(await _client.PutAsync($"digitaltwins/other/relationships/{name}", $$"""{"$targetId":{{JsonSerializer.Serialize(id)}},"$relationshipName":"near"}"""));
        }

        var outgoing = await ListAllAsync($"digitaltwins/{encoded}/relationships", "$relationshipId");
        var incoming = await ListAllAsync($"digitaltwins/{encoded}/incomingrelationships", "$relationshipId");

        Assert.Equal(["n1", "n2", "n3"], outgoing.Ids);
        Assert.StartsWith($"{_client.BaseAddress}digitaltwins/{encoded}/relationships?", outgoing.NextLinks.Single(), StringComparison.Ordinal);
        Assert.Equal(["n1", "n2", "n3"], incoming.Ids);
        Assert.StartsWith($"{_client.BaseAddress}digitaltwins/{encoded}/incomingrelationships?", incoming.NextLinks.Single(), StringComparison.Ordinal);
    }

    private async Task<(List<string> Ids, List<string> NextLinks)> ListAllAsync(string path, string idProperty)
    {
        var ids = new List<string>();
        var links = new List<string>();
        var url = _client.Url(path).ToString();
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("max-items-per-page", "2");
            using var response = await _client.Http.SendAsync(request);
            await Adt.OkAsync(response);
            var page = await Adt.JsonAsync(response);
            ids.AddRange(page.GetProperty("value").EnumerateArray().Select(r => r.GetProperty(idProperty).GetString()!));
            if (!page.TryGetProperty("nextLink", out var next))
            {
                return (ids, links);
            }

            url = next.GetString()!;
            links.Add(url);
        }
    }
}
