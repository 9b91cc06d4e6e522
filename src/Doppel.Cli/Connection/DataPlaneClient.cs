using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Cli.Output;

namespace Doppel.Cli.Connection;

/// <summary>
/// Calls to one instance's data plane: <c>{server}/instances/{name}</c>, or <c>https://{host}</c> when the name
/// given is a host name, at api-version 2023-10-31, with a token of the signed-in profile. ADT's error envelope
/// becomes one line with the server's code; 404 exits with 3.
/// </summary>
internal sealed class DataPlaneClient(CliContext context, Uri endpoint, CliTokens tokens)
{
    public const string ApiVersion = "2023-10-31";

    public static DataPlaneClient For(CliContext context, string instance)
    {
        var profile = context.Config.RequireProfile();
        var endpoint = instance.Contains('.', StringComparison.Ordinal)
            ? new Uri($"https://{instance}/")
            : new Uri($"{profile.Server.TrimEnd('/')}/instances/{Uri.EscapeDataString(instance)}/");
        return new DataPlaneClient(context, endpoint, new CliTokens(context.Config, profile, context.Http));
    }

    /// <summary>Escapes one path segment (ids may hold '/', '?', '#', '%', spaces).</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);

    /// <summary>Sends a request and returns the JSON body (null for an empty one) and the response headers.</summary>
    public async Task<(JsonNode? Body, HttpResponseHeaders Headers)> SendAsync(HttpMethod method, string pathAndQuery, string? body, string? contentType, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? headers = null)
    {
        var separator = pathAndQuery.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var url = pathAndQuery.StartsWith("https://", StringComparison.Ordinal)
            ? new Uri(pathAndQuery)
            : new Uri(endpoint, $"{pathAndQuery}{separator}api-version={ApiVersion}");
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(CliTokens.DigitalTwinsScope, cancellationToken).ConfigureAwait(false));
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }

        using var response = await context.Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw CliException.FromResponse(response.StatusCode, text, "the server");
        }

        return (text.Length == 0 ? null : JsonNode.Parse(text), response.Headers);
    }

    public async Task<JsonNode?> GetAsync(string path, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Get, path, null, null, cancellationToken).ConfigureAwait(false)).Body;

    /// <summary>Follows <c>nextLink</c> through every page of a list and returns all items.</summary>
    public async Task<JsonArray> ListAsync(string path, CancellationToken cancellationToken)
    {
        var items = new JsonArray();
        string? next = path;
        while (next is not null)
        {
            var page = await GetAsync(next, cancellationToken).ConfigureAwait(false);
            foreach (var item in page?["value"]?.AsArray() ?? [])
            {
                items.Add(item?.DeepClone());
            }

            next = (string?)page?["nextLink"];
        }

        return items;
    }
}
