using System.Net;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests.Regressions;

/// <summary>
/// Issue 3 (`issues show 3`, "Bad input ... each a 4xx with ADT's code"): a method a data-plane resource does not
/// support got routing's bare 405 (empty body, no <c>x-ms-error-code</c>), because the middleware only wrapped a 405
/// when no endpoint had been chosen, and routing answers it through an endpoint of its own. Found by the HTTP
/// contract tests of the compatibility suite.
/// </summary>
public sealed class Issue_3_MethodNotAllowed_gets_ADTs_envelopeTests : IAsyncLifetime
{
    private DataPlaneServer _server = null!;
    private InstanceClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await DataPlaneServer.StartAsync();
        _client = _server.Client(await _server.NewInstanceAsync());
        await Adt.OkAsync(await _client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
        await Adt.OkAsync(await _client.PutAsync("digitaltwins/r1", Samples.RoomTwin()));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("POST", "digitaltwins/r1", "DELETE, GET, PATCH, PUT")]
    [InlineData("PUT", "models", "GET, POST")]
    [InlineData("DELETE", "digitaltwins/r1/relationships", "GET")]
    [InlineData("GET", "digitaltwins/r1/telemetry", "POST")]
    public async Task Method_the_resource_does_not_support_is_405_MethodNotAllowed_with_ADTs_envelope_and_Allow(string method, string path, string allow)
    {
        var hasBody = method is "POST" or "PUT";

        using var response = await _client.SendAsync(new HttpMethod(method), path, hasBody ? "{}" : null, hasBody ? "application/json" : null);

        await Adt.ErrorAsync(response, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow.Order(StringComparer.Ordinal)));
    }
}
