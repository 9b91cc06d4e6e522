using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Cli.Output;

namespace Doppel.Cli.Connection;

/// <summary>
/// Calls to the server's control plane, as ARM: tokens for <c>https://management.azure.com/.default</c>, ARM's
/// error envelope as one line, long-running operations followed through <c>Azure-AsyncOperation</c>.
/// </summary>
internal sealed class ArmClient(CliContext context, CliProfile profile, CliTokens tokens)
{
    public const string ManagementScope = "https://management.azure.com/.default";
    public const string DigitalTwinsApiVersion = "2023-01-31";
    public const string ResourcesApiVersion = "2021-04-01";

    public static ArmClient For(CliContext context)
    {
        var profile = context.Config.RequireProfile();
        return new ArmClient(context, profile, new CliTokens(context.Config, profile, context.Http));
    }

    /// <summary>The subscription to work in: the one given, else the only one the caller can see.</summary>
    public async Task<string> SubscriptionAsync(string? given, CancellationToken cancellationToken)
    {
        if (given is { Length: > 0 })
        {
            return given;
        }

        if (profile.SubscriptionId is { Length: > 0 } chosen)
        {
            return chosen;
        }

        var (body, _, _) = await SendAsync(HttpMethod.Get, "/subscriptions?api-version=2022-12-01", null, cancellationToken).ConfigureAwait(false);
        var ids = (body?["value"]?.AsArray() ?? []).Select(s => (string?)s?["subscriptionId"]).OfType<string>().ToList();
        return ids.Count switch
        {
            1 => ids[0],
            0 => throw new CliException(ExitCodes.Invalid, "The signed-in account has no subscription; the server's --subscription-owner must name it."),
            _ => throw new CliException(ExitCodes.UsageError, $"The account sees {ids.Count} subscriptions: pass --subscription or run 'doppel account set --subscription ID' ({string.Join(", ", ids)})."),
        };
    }

    /// <summary>The subscriptions the caller holds a role in, as ARM lists them.</summary>
    public async Task<JsonArray> SubscriptionsAsync(CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Get, "/subscriptions?api-version=2022-12-01", null, cancellationToken).ConfigureAwait(false)).Body?["value"]?.DeepClone().AsArray() ?? [];

    public async Task<(JsonNode? Body, HttpStatusCode Status, HttpResponseHeaders Headers)> SendAsync(HttpMethod method, string pathAndQuery, JsonNode? body, CancellationToken cancellationToken)
    {
        var url = pathAndQuery.StartsWith("https://", StringComparison.Ordinal) ? new Uri(pathAndQuery) : new Uri(profile.Server.TrimEnd('/') + pathAndQuery);
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(ManagementScope, cancellationToken).ConfigureAwait(false));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await context.Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw CliException.FromResponse(response.StatusCode, text, "the server");
        }

        return (text.Length == 0 ? null : JsonNode.Parse(text), response.StatusCode, response.Headers);
    }

    /// <summary>Follows a long-running operation until it ends; a Failed one becomes an error with its reason.</summary>
    public async Task WaitAsync(HttpResponseHeaders headers, CancellationToken cancellationToken)
    {
        var status = headers.TryGetValues("Azure-AsyncOperation", out var values) ? values.FirstOrDefault() : headers.Location?.ToString();
        if (status is null)
        {
            return;
        }

        // A spinner on standard error, only on a terminal: scripts and pipes see nothing but the result.
        var spinner = context.Console.IsTerminal ? context.Console.Error : null;
        const string Frames = "|/-\\";
        var frame = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                spinner?.Write($"\r{Frames[frame++ % Frames.Length]} Running ..");
                var (body, code, _) = await SendAsync(HttpMethod.Get, status, null, cancellationToken).ConfigureAwait(false);
                var state = (string?)body?["status"];
                if (state is null && code != HttpStatusCode.Accepted)
                {
                    return;
                }

                switch (state)
                {
                    case "Succeeded":
                        return;
                    case "Failed" or "Canceled":
                        throw new CliException(ExitCodes.Invalid, $"The operation {state.ToLowerInvariant()}: {(string?)body?["error"]?["message"]} ({(string?)body?["error"]?["code"]})");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            }

            throw new CliException(ExitCodes.Invalid, "The operation did not end within 10 minutes.");
        }
        finally
        {
            spinner?.Write("\r           \r");
        }
    }
}
