using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Doppel.Portal.Tests.Support;

/// <summary>A request the portal sent: method, path and query, and body.</summary>
public sealed record SentRequest(HttpMethod Method, string PathAndQuery, string? Body);

/// <summary>
/// Stands in for the server behind <see cref="PortalOptions.CreateBackchannelHandler"/>: answers the token endpoint,
/// and the API calls a test sets up with canned JSON; anything else is a 404 in Graph's shape. Records every request.
/// </summary>
public sealed class FakeApi : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, Func<string?, (HttpStatusCode Status, string? Json)>> routes = new(StringComparer.Ordinal);

    /// <summary>The requests the portal made, the token requests included.</summary>
    public ConcurrentQueue<SentRequest> Requests { get; } = new();

    /// <summary>The API requests (not the token endpoint's).</summary>
    public IReadOnlyList<SentRequest> ApiRequests => [.. Requests.Where(r => !r.PathAndQuery.Contains("/oauth2/", StringComparison.Ordinal))];

    /// <summary>Answers <paramref name="method"/> on <paramref name="pathAndQuery"/> with a status and JSON (null for none).</summary>
    public FakeApi On(HttpMethod method, string pathAndQuery, HttpStatusCode status, string? json) => On(method, pathAndQuery, _ => (status, json));

    /// <summary>Answers with what <paramref name="answer"/> makes of the request body.</summary>
    public FakeApi On(HttpMethod method, string pathAndQuery, Func<string?, (HttpStatusCode Status, string? Json)> answer)
    {
        ArgumentNullException.ThrowIfNull(method);
        routes[method.Method + " " + pathAndQuery] = answer;
        return this;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = Uri.UnescapeDataString(request.RequestUri!.PathAndQuery);
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue(new SentRequest(request.Method, path, body));
        if (path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal))
        {
            return Json(HttpStatusCode.OK, """{"token_type":"Bearer","access_token":"fake-access-token","expires_in":3600}""");
        }

        return routes.TryGetValue(request.Method.Method + " " + path, out var answer)
            ? Json(answer(body).Status, answer(body).Json)
            : Json(HttpStatusCode.NotFound, new JsonObject { ["error"] = new JsonObject { ["code"] = "Request_ResourceNotFound", ["message"] = $"No canned answer for {request.Method} {path}." } }.ToJsonString());
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string? json) => new(status)
    {
        Content = new StringContent(json ?? "", Encoding.UTF8, "application/json"),
    };
}
