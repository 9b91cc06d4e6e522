using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Doppel.LoadBench;

/// <summary>
/// <c>Doppel.LoadBench authz</c>: what authorization adds to GET twin (issue 6's target: at most 5 %). Starts the
/// Release server with <c>--dev --instance open</c>: the instance <c>dev</c> belongs to the control plane, so every
/// request is checked against the role assignments (Data Owner of the dev-owner app), while <c>open</c> was created
/// with <c>--instance</c> and has no owner, so requests skip the role check. The same client-credential token of the
/// dev-owner app reads one twin set in each, in alternating rounds (A B B A ...), and the medians are compared.
/// </summary>
internal static class AuthzBench
{
    private const string ApiVersion = "api-version=2023-10-31";
    private const int TwinCount = 256;

    public static async Task<int> RunAsync(string[] args)
    {
        if (await ModeOptions.ParseAsync("authz", args, rounds: 4, warmup: TimeSpan.FromSeconds(2), duration: TimeSpan.FromSeconds(5)) is not { } options)
        {
            return 2;
        }

        var (workers, rounds, warmup, duration, serverDll) = options;

        var work = Directory.CreateTempSubdirectory("doppel-authzbench-").FullName;
        try
        {
            var dataDirectory = Path.Combine(work, "data");
            var port = ChildProcess.FreePort();
            var caPath = Path.Combine(dataDirectory, "ca.crt");
            var credentialsPath = Path.Combine(dataDirectory, "dev", "credentials.json");
            await using var doppel = ChildProcess.Start("dotnet", [serverDll, "--data-dir", dataDirectory, "--port", port.ToString(CultureInfo.InvariantCulture), "--dev", "--instance", "open"],
                Path.Combine(work, "doppel.log"), port);
            await doppel.WaitReadyAsync(async () => File.Exists(credentialsPath) && await Bench.ReadyAsync(caPath, port), TimeSpan.FromSeconds(60));
            Console.WriteLine($"Doppel {serverDll} is ready on port {port} (pid {doppel.Id})");

            var credentials = JsonNode.Parse(await File.ReadAllTextAsync(credentialsPath))!;
            using var client = Clients.Create(caPath, workers);
            var origin = $"https://localhost:{port}";
            var token = await TokenAsync(client, new Uri($"{origin}/{credentials["tenantId"]}/oauth2/v2.0/token"), new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = (string)credentials["clients"]!["owner"]!["clientId"]!,
                ["client_secret"] = (string)credentials["clients"]!["owner"]!["clientSecret"]!,
                ["scope"] = "https://digitaltwins.azure.net/.default",
            });
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            foreach (var instance in new[] { "dev", "open" })
            {
                await SeedAsync(client, $"{origin}/instances/{instance}");
            }

            // The JIT and the caches (token, owner, assignments) warm up on both before anything is measured.
            foreach (var instance in new[] { "dev", "open", "dev", "open" })
            {
                await MeasureAsync(client, origin, instance, workers, TimeSpan.Zero, warmup);
            }

            var checkedRounds = new List<LoadResult>();
            var openRounds = new List<LoadResult>();
            for (var round = 0; round < rounds; round++)
            {
                // A B, then B A: a drift of the machine's load during the run falls on both sides alike.
                foreach (var instance in round % 2 == 0 ? new[] { "dev", "open" } : ["open", "dev"])
                {
                    var result = await MeasureAsync(client, origin, instance, workers, warmup, duration);
                    (instance == "dev" ? checkedRounds : openRounds).Add(result);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round + 1} {instance,-4}: {result.PerSecond:0} GET twin/s ({result.Requests} in {result.Elapsed.TotalSeconds:0.0} s, {result.Errors} errors{(result.FirstError is null ? string.Empty : "; first: " + result.FirstError)})"));
                }
            }

            var withCheck = Median(checkedRounds.Select(r => r.PerSecond));
            var without = Median(openRounds.Select(r => r.PerSecond));

            // Each round's two measurements are neighbours in time; their ratio is less exposed to the machine's load
            // drifting over the run than the ratio of the two medians.
            var pairRatio = Median(checkedRounds.Zip(openRounds, (a, b) => a.PerSecond / b.PerSecond));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median of {rounds} rounds with {workers} workers on {Environment.ProcessorCount} cores: role-checked (dev) {withCheck:0}/s, unowned (open) {without:0}/s, ratio of medians {withCheck / without:0.000}; " +
                $"median of the per-round ratios {pairRatio:0.000}, i.e. authorization adds {(1 / pairRatio - 1) * 100:0.0} % to GET twin time (load average at the end {Bench.LoadAverage():0.00})"));
            return checkedRounds.Concat(openRounds).All(r => r.Errors == 0) ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static Task<LoadResult> MeasureAsync(HttpClient client, string origin, string instance, int workers, TimeSpan warmup, TimeSpan duration) =>
        LoadRunner.RunAsync($"GET twin ({instance})", client, workers, warmup, duration,
            (w, s) => new HttpRequestMessage(HttpMethod.Get, $"{origin}/instances/{instance}/digitaltwins/t{(w + (s * workers)) % TwinCount}?{ApiVersion}"),
            HttpStatusCode.OK);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task SeedAsync(HttpClient client, string instance)
    {
        using var models = await client.PostAsync($"{instance}/models?{ApiVersion}", new StringContent(
            """[{"@id":"dtmi:bench:Room;1","@type":"Interface","@context":"dtmi:dtdl:context;3","contents":[{"@type":"Property","name":"temperature","schema":"double"}]}]""",
            Encoding.UTF8, "application/json"));
        if (models.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"model upload to {instance} answered {(int)models.StatusCode}: {await models.Content.ReadAsStringAsync()}");
        }

        for (var i = 0; i < TwinCount; i++)
        {
            using var twin = await client.PutAsync($"{instance}/digitaltwins/t{i}?{ApiVersion}", new StringContent(
                $$"""{"$metadata":{"$model":"dtmi:bench:Room;1"},"temperature":{{i}}.5}""", Encoding.UTF8, "application/json"));
            if (twin.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"twin create in {instance} answered {(int)twin.StatusCode}: {await twin.Content.ReadAsStringAsync()}");
            }
        }
    }

    private static async Task<string> TokenAsync(HttpClient client, Uri url, Dictionary<string, string> form)
    {
        using var response = await client.PostAsync(url, new FormUrlEncodedContent(form));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return (string?)body?["access_token"] ?? throw new InvalidOperationException($"no token: {(int)response.StatusCode} {body}");
    }
}
