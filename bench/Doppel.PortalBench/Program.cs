using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

// dotnet run -c Release --project bench/Doppel.PortalBench -- [--twins 1000] [--rounds 5]
var twins = Option("--twins", 1000);
var rounds = Option("--rounds", 5);
const string Password = "Bench-Adm1n-Passw0rd!";
const string Subscription = "be7c0000-0000-4000-8000-00000000be7c";
const string CliClient = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
var port = FreePort();
var origin = $"https://localhost:{port}";
var data = Directory.CreateTempSubdirectory("doppel-portalbench-");

using var server = StartServer();
using var http = new HttpClient(new SocketsHttpHandler
{
    // The server's certificate chains to the CA it generated in its data directory.
    SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, errors) => errors == SslPolicyErrors.None || ChainsToLocalCa(certificate) },
}) { Timeout = TimeSpan.FromSeconds(60) };
try
{
    await WaitReadyAsync();
    var seedClock = Stopwatch.StartNew();
    var (instanceBase, group) = await SeedAsync();
    Console.Error.WriteLine($"seeded {twins} twins in {seedClock.Elapsed.TotalSeconds:F1} s");

    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Environment.GetEnvironmentVariable("DOPPEL_CHROMIUM") is { Length: > 0 } given ? given : "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-dev-shm-usage"],
    });
    var context = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, ViewportSize = new() { Width = 1366, Height = 860 } });
    context.SetDefaultTimeout(30_000);
    var page = await context.NewPageAsync();
    await page.GotoAsync($"{origin}/portal");
    await page.GetByLabel("User name").FillAsync("admin@doppel.local");
    await page.GetByLabel("Password").FillAsync(Password);
    await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    await page.GetByRole(AriaRole.Heading, new() { Name = "Welcome to Doppel" }).WaitForAsync();

    // Each page: a full load (a new Blazor circuit, the worst case) until the element that shows its data is there.
    var pages = new (string Name, string Path, Func<IPage, Task> Ready)[]
    {
        ("Home", "/portal", p => p.Locator("table.grid td a").First.WaitForAsync()),
        ("Azure Digital Twins (list)", "/portal/digitaltwins", p => p.Locator("table.grid td a").First.WaitForAsync()),
        ("Instance Overview", instanceBase, p => p.Locator("[data-field='Host name']").WaitForAsync()),
        ("Access control (IAM)", instanceBase + "/iam", p => p.Locator("[data-test=role-assignments] tbody tr").First.WaitForAsync()),
        ("Models", instanceBase + "/models", p => p.Locator("[data-test=models-table] tbody tr").First.WaitForAsync()),
        ("Twins (first page)", instanceBase + "/twins", p => p.Locator("[data-test=twins-table] tbody tr").First.WaitForAsync()),
        ($"Graph ({twins} twins drawn)", instanceBase + "/graph", p => p.Locator("[data-test=graph-status]").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^{twins} twins") }).WaitForAsync()),
        ("Resource group", $"/portal/resourcegroups/{Subscription}/{group}", p => p.Locator("table.grid td a").First.WaitForAsync()),
        ("App registrations", "/portal/entra/apps", p => p.GetByRole(AriaRole.Heading, new() { Name = "App registrations" }).WaitForAsync()),
        ("Users", "/portal/entra/users", p => p.Locator("table.grid tbody tr").First.WaitForAsync()),
    };

    var timings = pages.ToDictionary(p => p.Name, _ => new List<double>());
    var baseline = new List<double>();
    var signInPage = await context.NewPageAsync();
    for (var round = 0; round <= rounds; round++)
    {
        // The server-rendered sign-in page (no Blazor, no API calls) is the baseline in the same run.
        var clock = Stopwatch.StartNew();
        await signInPage.GotoAsync($"{origin}/{CliClient}/oauth2/v2.0/authorize".Replace(CliClient, "doppel.local", StringComparison.Ordinal) +
            $"?client_id={CliClient}&response_type=code&redirect_uri=http://localhost&scope=openid&code_challenge=abcdefghijabcdefghijabcdefghijabcdefghij123&code_challenge_method=S256");
        await signInPage.GetByLabel("User name").WaitForAsync();
        if (round > 0)
        {
            baseline.Add(clock.Elapsed.TotalMilliseconds);
        }

        foreach (var (name, path, ready) in pages)
        {
            clock.Restart();
            await page.GotoAsync(origin + path);
            await ready(page);
            // Round 0 warms the JIT and the caches; it is not counted.
            if (round > 0)
            {
                timings[name].Add(clock.Elapsed.TotalMilliseconds);
            }
        }
    }

    var report = new StringBuilder();
    report.AppendLine(CultureInfo.InvariantCulture, $"| page | median | max | median ÷ sign-in page |");
    report.AppendLine("| --- | --- | --- | --- |");
    var baseMedian = Median(baseline);
    report.AppendLine(CultureInfo.InvariantCulture, $"| sign-in page (server-rendered; baseline) | {baseMedian:F0} ms | {baseline.Max():F0} ms | 1.0 |");
    foreach (var (name, list) in timings)
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Median(list):F0} ms | {list.Max():F0} ms | {Median(list) / baseMedian:F1} |");
    }

    Console.WriteLine($"{rounds} rounds, {twins} twins and {twins - 1} relationships, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    Console.WriteLine(report);
    return 0;
}
finally
{
    if (!server.HasExited)
    {
        server.Kill(entireProcessTree: true);
        await server.WaitForExitAsync();
    }

    data.Delete(recursive: true);
}

// Seeds through the public APIs as the administrator: a resource group, an instance, the Data Owner role, a model,
// the twins in a chain of relationships. Returns the instance's portal path and its group.
async Task<(string InstanceBase, string Group)> SeedAsync()
{
    const string Group = "bench-rg";
    const string Name = "bench-adt";
    var arm = await TokenAsync("https://management.azure.com/.default");
    await SendAsync(arm, HttpMethod.Put, $"/subscriptions/{Subscription}/resourcegroups/{Group}?api-version=2021-04-01", new JsonObject { ["location"] = "local" });
    var instancePath = $"/subscriptions/{Subscription}/resourceGroups/{Group}/providers/Microsoft.DigitalTwins/digitalTwinsInstances/{Name}";
    await SendAsync(arm, HttpMethod.Put, instancePath + "?api-version=2023-01-31", new JsonObject { ["location"] = "local", ["properties"] = new JsonObject() });
    for (var i = 0; i < 100 && (string?)(await SendAsync(arm, HttpMethod.Get, instancePath + "?api-version=2023-01-31", null))?["properties"]?["provisioningState"] != "Succeeded"; i++)
    {
        await Task.Delay(100);
    }

    var oid = Claim(arm, "oid");
    await SendAsync(arm, HttpMethod.Put, $"{instancePath}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?api-version=2022-04-01", new JsonObject
    {
        ["properties"] = new JsonObject
        {
            ["roleDefinitionId"] = $"/subscriptions/{Subscription}/providers/Microsoft.Authorization/roleDefinitions/bcd981a7-7f74-457b-83e1-cceb9e632ffe",
            ["principalId"] = oid,
            ["principalType"] = "User",
        },
    });

    var adt = await TokenAsync("https://digitaltwins.azure.net/.default");
    var data = $"/instances/{Name}";
    await SendAsync(adt, HttpMethod.Post, $"{data}/models?api-version=2023-10-31", JsonNode.Parse("""
        [{"@context": "dtmi:dtdl:context;3", "@id": "dtmi:bench:Room;1", "@type": "Interface", "displayName": "Room",
          "contents": [{"@type": "Property", "name": "temperature", "schema": "double"},
                       {"@type": "Relationship", "name": "next", "target": "dtmi:bench:Room;1"}]}]
        """));
    await Parallel.ForEachAsync(Enumerable.Range(0, twins), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        await SendAsync(adt, HttpMethod.Put, $"{data}/digitaltwins/room-{i}?api-version=2023-10-31",
            new JsonObject { ["$metadata"] = new JsonObject { ["$model"] = "dtmi:bench:Room;1" }, ["temperature"] = 20 + (i % 10) }));
    await Parallel.ForEachAsync(Enumerable.Range(1, twins - 1), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        await SendAsync(adt, HttpMethod.Put, $"{data}/digitaltwins/room-{i - 1}/relationships/next-{i}?api-version=2023-10-31",
            new JsonObject { ["$targetId"] = $"room-{i}", ["$relationshipName"] = "next" }));
    return ($"/portal/digitaltwins/{Subscription}/{Group}/{Name}", Group);
}

async Task<string> TokenAsync(string scope)
{
    using var form = new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["grant_type"] = "password", ["client_id"] = CliClient, ["username"] = "admin@doppel.local", ["password"] = Password, ["scope"] = scope,
    });
    using var response = await http.PostAsync(new Uri($"{origin}/doppel.local/oauth2/v2.0/token"), form);
    return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!;
}

async Task<JsonNode?> SendAsync(string token, HttpMethod method, string path, JsonNode? body)
{
    using var request = new HttpRequestMessage(method, origin + path);
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    if (body is not null)
    {
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
    }

    using var response = await http.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
    }

    return text.Length == 0 ? null : JsonNode.Parse(text);
}

bool ChainsToLocalCa(System.Security.Cryptography.X509Certificates.X509Certificate? certificate)
{
    var caPath = Path.Combine(data.FullName, "ca.crt");
    if (certificate is null || !File.Exists(caPath))
    {
        return false;
    }

    using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
    chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
    chain.ChainPolicy.CustomTrustStore.ImportFromPemFile(caPath);
    chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
    using var leaf = new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate);
    return chain.Build(leaf);
}

static string Claim(string token, string name)
{
    var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
    payload += new string('=', (4 - (payload.Length % 4)) % 4);
    return JsonDocument.Parse(Convert.FromBase64String(payload)).RootElement.GetProperty(name).GetString()!;
}

Process StartServer()
{
    var bin = new DirectoryInfo(AppContext.BaseDirectory); // bench/Doppel.PortalBench/bin/<Configuration>/net10.0/
    var root = bin;
    while (root is not null && !File.Exists(Path.Combine(root.FullName, "Doppel.slnx")))
    {
        root = root.Parent;
    }

    var dll = Path.Combine(root!.FullName, "src", "Doppel.Server", "bin", bin.Parent!.Name, bin.Name, "Doppel.Server.dll");
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var arg in (string[])[dll, "--data-dir", data.FullName, "--port", port.ToString(CultureInfo.InvariantCulture),
        "--subscription", Subscription, "--subscription-owner", "admin@doppel.local", "--log-format", "json"])
    {
        start.ArgumentList.Add(arg);
    }

    start.Environment["DOPPEL_ADMIN_PASSWORD"] = Password;
    var process = Process.Start(start)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

async Task WaitReadyAsync()
{
    for (var i = 0; i < 300; i++)
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"{origin}/readyz"));
            if (response.IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
        }

        await Task.Delay(200);
    }

    throw new TimeoutException("The server did not become ready within 60 s.");
}

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
