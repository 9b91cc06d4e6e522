using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Doppel.LoadBench;

/// <summary>
/// <c>Doppel.LoadBench tokens</c>: client-credential tokens per second from Doppel's own token service (issue 5's
/// target is 1,000/s on the 2-core machine). Starts the Release server on a fresh data directory, registers an app
/// with a secret through Graph, then runs closed-loop clients that each POST client_credentials requests for
/// <c>https://digitaltwins.azure.net/.default</c>; every measured answer must be 200.
/// </summary>
internal static class TokenBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (await ModeOptions.ParseAsync("tokens", args, rounds: 3, warmup: TimeSpan.FromSeconds(3), duration: TimeSpan.FromSeconds(8)) is not { } options)
        {
            return 2;
        }

        var (workers, rounds, warmup, duration, serverDll) = options;

        var work = Directory.CreateTempSubdirectory("doppel-tokenbench-").FullName;
        try
        {
            // The child inherits the administrator's password; it is generated here and never printed.
            var password = "Bench-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
            Environment.SetEnvironmentVariable("DOPPEL_ADMIN_PASSWORD", password);
            var dataDirectory = Path.Combine(work, "data");
            var port = ChildProcess.FreePort();
            var caPath = Path.Combine(dataDirectory, "ca.crt");
            await using var doppel = ChildProcess.Start("dotnet", [serverDll, "--data-dir", dataDirectory, "--port", port.ToString(CultureInfo.InvariantCulture)], Path.Combine(work, "doppel.log"), port);
            await doppel.WaitReadyAsync(() => Bench.ReadyAsync(caPath, port), TimeSpan.FromSeconds(60));
            Environment.SetEnvironmentVariable("DOPPEL_ADMIN_PASSWORD", null);
            Console.WriteLine($"Doppel {serverDll} is ready on port {port} (pid {doppel.Id})");

            using var client = Clients.Create(caPath, workers);
            var origin = $"https://localhost:{port}";
            var tokenUrl = new Uri($"{origin}/doppel.local/oauth2/v2.0/token");
            var admin = await TokenAsync(client, tokenUrl, new Dictionary<string, string>
            {
                ["grant_type"] = "password", ["client_id"] = "04b07795-8ddb-461a-bbee-02f9e1bf7b46", ["username"] = "admin@doppel.local",
                ["password"] = password, ["scope"] = "https://graph.microsoft.com/.default",
            });
            var app = await GraphAsync(client, admin, $"{origin}/v1.0/applications", new JsonObject { ["displayName"] = "token bench" });
            var secret = (string)(await GraphAsync(client, admin, $"{origin}/v1.0/applications/{app["id"]}/addPassword", new JsonObject()))["secretText"]!;
            await GraphAsync(client, admin, $"{origin}/v1.0/servicePrincipals", new JsonObject { ["appId"] = (string)app["appId"]! });
            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = (string)app["appId"]!, ["client_secret"] = secret,
                ["scope"] = "https://digitaltwins.azure.net/.default",
            };

            var results = new List<LoadResult>();
            for (var round = 1; round <= rounds; round++)
            {
                var result = await LoadRunner.RunAsync("client-credentials token", client, workers, warmup, duration,
                    (_, _) => new HttpRequestMessage(HttpMethod.Post, tokenUrl) { Content = new FormUrlEncodedContent(form) }, HttpStatusCode.OK);
                results.Add(result);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: {result.PerSecond:0} tokens/s ({result.Requests} in {result.Elapsed.TotalSeconds:0.0} s, {result.Errors} errors{(result.FirstError is null ? string.Empty : "; first: " + result.FirstError)})"));
            }

            var median = results.Select(r => r.PerSecond).Order().ElementAt(results.Count / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median of {rounds} rounds: {median:0} client-credential tokens/s with {workers} workers on {Environment.ProcessorCount} cores (load average at the end {LoadAverage()})"));
            return results.All(r => r.Errors == 0) ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<string> TokenAsync(HttpClient client, Uri url, Dictionary<string, string> form)
    {
        using var response = await client.PostAsync(url, new FormUrlEncodedContent(form));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return (string?)body?["access_token"] ?? throw new InvalidOperationException($"no token: {(int)response.StatusCode} {body}");
    }

    private static async Task<JsonObject> GraphAsync(HttpClient client, string token, string url, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return await response.Content.ReadFromJsonAsync<JsonObject>() is { } json && response.IsSuccessStatusCode
            ? json
            : throw new InvalidOperationException($"Graph {url} answered {(int)response.StatusCode}");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
}
