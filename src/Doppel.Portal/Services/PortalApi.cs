using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Doppel.Portal.Services;

/// <summary>A response of one of the public APIs: status, JSON body (null when empty) and headers.</summary>
public sealed record ApiResponse(HttpStatusCode Status, JsonNode? Body, HttpResponseHeaders Headers)
{
    /// <summary>A header's first value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>
/// Calls the server's public APIs — ARM, Graph, the ADT data plane — with the signed-in person's token for each,
/// exactly as any other client would; refusals become <see cref="PortalApiException"/> with the service's code.
/// </summary>
public sealed class PortalApi(PortalTokens tokens, PortalHttp http, PortalOptions options)
{
    /// <summary>The control plane's resource.</summary>
    public const string Arm = "https://management.azure.com/";

    /// <summary>The directory API's resource.</summary>
    public const string Graph = "https://graph.microsoft.com";

    /// <summary>The data plane's resource.</summary>
    public const string DigitalTwins = "https://digitaltwins.azure.net";

    /// <summary>The origin the APIs answer at.</summary>
    public string Origin => options.ApiOrigin;

    /// <summary>The tenant the portal signs people in to.</summary>
    public string TenantId => options.TenantId;

    /// <summary>GETs a JSON document.</summary>
    public async Task<JsonNode?> GetAsync(string resource, string pathAndQuery, CancellationToken cancellationToken = default) =>
        (await SendAsync(resource, HttpMethod.Get, pathAndQuery, null, cancellationToken: cancellationToken).ConfigureAwait(false)).Body;

    /// <summary>Sends a request with an optional JSON body (or any <see cref="HttpContent"/>).</summary>
    public async Task<ApiResponse> SendAsync(string resource, HttpMethod method, string pathAndQuery, object? body, string contentType = "application/json", CancellationToken cancellationToken = default)
    {
        var url = pathAndQuery.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? pathAndQuery : options.ApiOrigin + pathAndQuery;
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(resource, cancellationToken).ConfigureAwait(false));
        request.Content = body switch
        {
            null => null,
            HttpContent content => content,
            JsonNode node => new StringContent(node.ToJsonString(), Encoding.UTF8, contentType),
            string plain => new StringContent(plain, Encoding.UTF8, contentType),
            _ => throw new ArgumentException("The body must be JSON, text or HttpContent.", nameof(body)),
        };
        using var response = await http.Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw Refusal(response.StatusCode, text);
        }

        JsonNode? json = null;
        if (text.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
                json = JsonValue.Create(text);
            }
        }

        return new ApiResponse(response.StatusCode, json, response.Headers);
    }

    /// <summary>Reads the <c>{"error":{"code","message"}}</c> envelope ARM, ADT and Graph share.</summary>
    private static PortalApiException Refusal(HttpStatusCode status, string text)
    {
        try
        {
            if (JsonNode.Parse(text) is JsonObject root && root["error"] is JsonObject error)
            {
                var details = (error["details"] as JsonArray ?? []).Select(d => (string?)d?["message"]).OfType<string>().ToList();
                return new PortalApiException(status, (string?)error["code"] ?? status.ToString(), (string?)error["message"] ?? status.ToString(), details);
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON: the status says enough.
        }

        return new PortalApiException(status, status.ToString(), $"The server answered {(int)status} {status}.");
    }
}
