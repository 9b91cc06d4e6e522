using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Doppel.LoadBench;

/// <summary>One benchmark run: starts Doppel and the bare baseline, measures every workload, prints and writes the report.</summary>
internal sealed class Bench(BenchOptions options)
{
    private const string ApiVersion = "api-version=2023-10-31";
    private const string ModelId = "dtmi:loadbench:Sensor;1";
    private const string Model = """
        [{"@id":"dtmi:loadbench:Sensor;1","@type":"Interface","@context":"dtmi:dtdl:context;3","displayName":"Sensor",
          "contents":[{"@type":"Property","name":"temperature","schema":"double","writable":true},
                      {"@type":"Property","name":"label","schema":"string","writable":true}]}]
        """;

    private readonly List<string> _notes = [];
    private readonly List<double> _loads = [];

    public async Task<int> RunAsync()
    {
        var repository = FindRepository();
        var serverDll = options.ServerDll ?? Path.Combine(repository, "src", "Doppel.Server", "bin", "Release", "net10.0", "Doppel.Server.dll");
        if (!File.Exists(serverDll))
        {
            await Console.Error.WriteLineAsync($"loadbench: {serverDll} does not exist; build it first: dotnet build -c Release src/Doppel.Server");
            return 2;
        }

        var ontology = Ontology.Load(Path.Combine(repository, "testdata", "dtdl", "ontologies", "realestatecore-v3"));
        var loadAtStart = await WaitForQuietAsync();

        var work = options.KeepData ?? Directory.CreateTempSubdirectory("doppel-loadbench-").FullName;
        Directory.CreateDirectory(work);
        try
        {
            return await MeasureAsync(serverDll, ontology, work, loadAtStart);
        }
        finally
        {
            if (options.KeepData is null)
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private async Task<int> MeasureAsync(string serverDll, Ontology ontology, string work, double loadAtStart)
    {
        using var issuer = new Token(work);
        var dataDirectory = Path.Combine(work, "data");
        var doppelPort = ChildProcess.FreePort();
        List<string> doppelArgs =
        [
            serverDll, "--data-dir", dataDirectory, "--port", doppelPort.ToString(CultureInfo.InvariantCulture),
            "--instance", "bench", "--trusted-issuer", Token.Issuer, "--trusted-key", issuer.PublicKeyPath,
        ];
        for (var i = 1; i <= options.RecRounds; i++)
        {
            doppelArgs.AddRange(["--instance", $"rec{i}"]);
        }

        var prefilled = options.Prefill > 0
            ? await Prefill.RunAsync(dataDirectory, "bench", ModelId, Model, options.Prefill)
            : 0;

        var caPath = Path.Combine(dataDirectory, "ca.crt");
        await using var doppel = ChildProcess.Start("dotnet", doppelArgs, Path.Combine(work, "doppel.log"), doppelPort);
        await doppel.WaitReadyAsync(() => ReadyAsync(caPath, doppelPort), TimeSpan.FromSeconds(60));
        Console.WriteLine($"Doppel {serverDll} is ready on port {doppelPort} (pid {doppel.Id}), log {doppel.LogPath}");

        // The baseline serves Doppel's own generated certificate, so both servers do the same TLS work.
        var barePort = ChildProcess.FreePort();
        var self = typeof(Bench).Assembly.Location;
        List<string> bareArgs = [self, "serve-bare", "--port", barePort.ToString(CultureInfo.InvariantCulture), "--cert", Path.Combine(dataDirectory, "server.crt"), "--key", Path.Combine(dataDirectory, "server.key")];
        await using var bare = ChildProcess.Start("dotnet", bareArgs, Path.Combine(work, "bare.log"), barePort);
        await bare.WaitReadyAsync(() => ReadyAsync(caPath, barePort), TimeSpan.FromSeconds(60));
        Console.WriteLine($"Bare baseline is ready on port {barePort} (pid {bare.Id})");

        using var client = Clients.Create(caPath, options.Workers);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issuer.Mint(TimeSpan.FromHours(3)));
        var doppelBase = $"https://127.0.0.1:{doppelPort}/instances/bench";
        var bareUrl = new Uri($"https://127.0.0.1:{barePort}{BareServer.Path}");

        if (prefilled == 0)
        {
            await ExpectAsync(client, Post($"https://127.0.0.1:{doppelPort}/instances/bench/models?{ApiVersion}", Model), HttpStatusCode.Created);
        }

        var workers = options.Workers;
        var created = Enumerable.Range(0, workers).Select(_ => new List<string>()).ToArray();
        var stored = prefilled;

        // 0. Warm-up of both servers with every workload, so that tiered JIT compilation (which rejits hot methods
        //    in the background for seconds after start) is done before the first measured round.
        if (options.JitWarmup > TimeSpan.Zero)
        {
            Console.WriteLine($"Warming up both servers, {options.JitWarmup.TotalSeconds:F0} s per workload");
            await LoadRunner.RunAsync("warm create", client, workers, TimeSpan.Zero, options.JitWarmup, (w, s) => Put($"{doppelBase}/digitaltwins/w-{w}-{s}?{ApiVersion}", TwinJson(s)), HttpStatusCode.OK, (w, s) => created[w].Add($"w-{w}-{s}"));
            var warm = created.SelectMany(ids => ids).ToArray();
            if (warm.Length < workers)
            {
                throw new InvalidOperationException($"the warm-up created only {warm.Length} twins; see {doppel.LogPath}");
            }

            await LoadRunner.RunAsync("warm get", client, workers, TimeSpan.Zero, options.JitWarmup, (w, s) => new HttpRequestMessage(HttpMethod.Get, $"{doppelBase}/digitaltwins/{warm[(w + (s * workers)) % warm.Length]}?{ApiVersion}"), HttpStatusCode.OK);
            await LoadRunner.RunAsync("warm patch", client, workers, TimeSpan.Zero, options.JitWarmup, (w, s) => Patch($"{doppelBase}/digitaltwins/{warm[(w + (s * workers)) % (warm.Length / workers * workers)]}?{ApiVersion}", """[{"op":"replace","path":"/temperature","value":1.5}]"""), HttpStatusCode.NoContent);
            await LoadRunner.RunAsync("warm bare", client, workers, TimeSpan.Zero, options.JitWarmup, (_, _) => new HttpRequestMessage(HttpMethod.Get, bareUrl), HttpStatusCode.OK);
        }

        // 1. Creates: PUT of new twins, each id used once.
        var creates = new List<Measured>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var r = round;
            var result = await MeasureAsync(doppel, "PUT twin (create)", () => LoadRunner.RunAsync(
                "create", client, workers, options.Warmup, options.Duration,
                (w, s) => Put($"{doppelBase}/digitaltwins/c{r}-{w}-{s}?{ApiVersion}", TwinJson(s)),
                HttpStatusCode.OK,
                (w, s) => created[w].Add($"c{r}-{w}-{s}")));
            creates.Add(result);
        }

        var pool = created.SelectMany(ids => ids).ToArray();
        stored += pool.Length;
        // With a prefill, GETs spread over the whole instance (a prefilled twin for every created one), not only
        // the twins just created and still in SQLite's page cache.
        var reads = prefilled == 0
            ? pool
            : [.. pool.Zip(Enumerable.Range(0, pool.Length).Select(i => $"p{1 + ((long)i * 7_919 % prefilled)}"), (a, b) => new[] { a, b }).SelectMany(x => x)];
        if (pool.Length < workers)
        {
            throw new InvalidOperationException($"only {pool.Length} twins were created; see {doppel.LogPath}");
        }

        // 2. Bare endpoint vs GET twin, in the same round, the order alternating between rounds.
        var bares = new List<Measured>();
        var gets = new List<Measured>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            async Task BareAsync() => bares.Add(await MeasureAsync(bare, "GET bare 1 KiB", () => LoadRunner.RunAsync(
                "bare", client, workers, options.Warmup, options.Duration,
                (_, _) => new HttpRequestMessage(HttpMethod.Get, bareUrl),
                HttpStatusCode.OK)));
            async Task GetAsync() => gets.Add(await MeasureAsync(doppel, "GET twin", () => LoadRunner.RunAsync(
                "get", client, workers, options.Warmup, options.Duration,
                (w, s) => new HttpRequestMessage(HttpMethod.Get, $"{doppelBase}/digitaltwins/{reads[(w + (s * workers)) % reads.Length]}?{ApiVersion}"),
                HttpStatusCode.OK)));
            if (round % 2 == 1)
            {
                await BareAsync();
                await GetAsync();
            }
            else
            {
                await GetAsync();
                await BareAsync();
            }
        }

        // 3. Patches: JSON Patch, concurrent requests always on distinct twins (worker w owns ids w, w+N, w+2N, ...).
        var patches = new List<Measured>();
        var slots = pool.Length / workers * workers;
        for (var round = 1; round <= options.Rounds; round++)
        {
            patches.Add(await MeasureAsync(doppel, "PATCH twin", () => LoadRunner.RunAsync(
                "patch", client, workers, options.Warmup, options.Duration,
                (w, s) => Patch($"{doppelBase}/digitaltwins/{pool[(w + (s * workers)) % slots]}?{ApiVersion}", $$"""[{"op":"replace","path":"/temperature","value":{{s % 1000}}.5}]"""),
                HttpStatusCode.NoContent)));
        }

        // 4. RealEstateCore v3, each round into a fresh instance, batches one after the other.
        var uploads = new List<double>();
        for (var round = 1; round <= options.RecRounds; round++)
        {
            Sample($"REC v3 upload round {round}");
            var clock = Stopwatch.StartNew();
            foreach (var batch in ontology.Batches)
            {
                await ExpectAsync(client, Post($"https://127.0.0.1:{doppelPort}/instances/rec{round}/models?{ApiVersion}", batch), HttpStatusCode.Created);
            }

            uploads.Add(clock.Elapsed.TotalSeconds);
            Console.WriteLine($"  REC v3 upload ({ontology.Interfaces} Interfaces in {ontology.Batches.Count} POSTs, largest cycle {ontology.LargestCycle}): {clock.Elapsed.TotalSeconds:F2} s");
        }

        // 5. Fill to the twin count, then read the server's peak resident set.
        var hwmBefore = doppel.StatusKilobytes("VmHWM");
        LoadResult? fill = null;
        var toCreate = Math.Max(0, options.Twins - stored);
        if (toCreate > 0)
        {
            Sample("fill");
            Console.WriteLine($"Storing {toCreate:N0} more twins (budget {options.FillBudget.TotalSeconds:F0} s); peak RSS so far {hwmBefore / 1024.0:F0} MiB");
            var already = stored;
            fill = await LoadRunner.RunCountAsync(
                "fill", client, workers, toCreate, options.FillBudget,
                n => Put($"{doppelBase}/digitaltwins/f{n}?{ApiVersion}", TwinJson(n)),
                HttpStatusCode.OK,
                (count, elapsed) => Console.WriteLine($"  {already + count:N0} twins after {elapsed.TotalSeconds:F0} s ({count / elapsed.TotalSeconds:F0}/s), RSS {doppel.StatusKilobytes("VmRSS") / 1024.0:F0} MiB, peak {doppel.StatusKilobytes("VmHWM") / 1024.0:F0} MiB, load {LoadAverage():F2}"));
            stored += fill.Requests;
            if (fill.FirstError is not null)
            {
                _notes.Add($"fill: {fill.Errors} errors, the first: {Shorten(fill.FirstError)}");
            }
        }

        var hwm = doppel.StatusKilobytes("VmHWM");
        var rss = doppel.StatusKilobytes("VmRSS");
        var database = Directory.EnumerateFiles(dataDirectory, "doppel.db*").Sum(f => new FileInfo(f).Length);

        var report = new Report(options, loadAtStart, _loads, _notes)
        {
            Creates = creates,
            Bares = bares,
            Gets = gets,
            Patches = patches,
            Uploads = uploads,
            UploadBatches = ontology.Batches.Count,
            Interfaces = ontology.Interfaces,
            TwinsStored = stored,
            Fill = fill,
            Prefilled = prefilled,
            PeakRssKb = hwm,
            PeakRssBeforeFillKb = hwmBefore,
            RssKb = rss,
            DatabaseBytes = database,
        };
        var text = report.Render();
        Console.WriteLine();
        Console.WriteLine(text);
        if (options.Markdown is { } markdown)
        {
            await File.WriteAllTextAsync(markdown, text);
        }

        return 0;
    }

    private async Task<Measured> MeasureAsync(ChildProcess server, string name, Func<Task<LoadResult>> run)
    {
        var load = Sample(name);
        using var process = Process.GetProcessById(server.Id);
        var serverCpu = process.TotalProcessorTime;
        var ownCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = await run();
        process.Refresh();
        var wall = clock.Elapsed.TotalSeconds;
        var measured = new Measured(
            result,
            (process.TotalProcessorTime - serverCpu).TotalSeconds / wall,
            (Process.GetCurrentProcess().TotalProcessorTime - ownCpu).TotalSeconds / wall,
            load);
        Console.WriteLine($"  {name}: {result.PerSecond,9:N0}/s ({result.Requests:N0} in {result.Elapsed.TotalSeconds:F1} s, {result.Errors} errors), server CPU {measured.ServerCores:F2} cores, client {measured.ClientCores:F2}, load {load:F2}");
        if (result.FirstError is not null)
        {
            _notes.Add($"{name}: {result.Errors} errors in the measured window, the first: {Shorten(result.FirstError)}");
        }

        return measured;
    }

    private double Sample(string phase)
    {
        var load = LoadAverage();
        _loads.Add(load);
        return load;
    }

    private async Task<double> WaitForQuietAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var load = LoadAverage();
            var dotnets = Process.GetProcessesByName("dotnet").Length;
            if (load < options.QuietLoad)
            {
                Console.WriteLine($"Machine quiet enough: 1-minute load {load:F2}, {dotnets} dotnet processes");
                return load;
            }

            if (clock.Elapsed >= options.QuietWait)
            {
                Console.WriteLine($"Machine not quiet after {clock.Elapsed.TotalSeconds:F0} s (1-minute load {load:F2}, {dotnets} dotnet processes); measuring anyway");
                _notes.Add($"The machine did not get quiet: the 1-minute load was still {load:F2} after {clock.Elapsed.TotalMinutes:F0} minutes of waiting.");
                return load;
            }

            Console.WriteLine($"Waiting for a quiet machine: 1-minute load {load:F2} (want < {options.QuietLoad}), {dotnets} dotnet processes");
            await Task.Delay(TimeSpan.FromSeconds(15));
        }
    }

    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    internal static async Task<bool> ReadyAsync(string caPath, int port)
    {
        if (!File.Exists(caPath))
        {
            return false;
        }

        using var probe = Clients.Create(caPath, 1);
        using var response = await probe.GetAsync(new Uri($"https://127.0.0.1:{port}/readyz"));
        return response.StatusCode == HttpStatusCode.OK;
    }

    private static async Task ExpectAsync(HttpClient client, HttpRequestMessage request, HttpStatusCode expected)
    {
        using (request)
        {
            using var response = await client.SendAsync(request);
            if (response.StatusCode != expected)
            {
                throw new InvalidOperationException($"{request.Method} {request.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode} {Shorten(await response.Content.ReadAsStringAsync())}");
            }
        }
    }

    private static string TwinJson(long n) =>
        $$"""{"$metadata":{"$model":"{{ModelId}}"},"temperature":{{n % 100}}.25,"label":"sensor {{n}}"}""";

    private static HttpRequestMessage Put(string url, string json) => WithBody(HttpMethod.Put, url, json, "application/json");

    private static HttpRequestMessage Post(string url, string json) => WithBody(HttpMethod.Post, url, json, "application/json");

    private static HttpRequestMessage Patch(string url, string json) => WithBody(HttpMethod.Patch, url, json, "application/json-patch+json");

    private static HttpRequestMessage WithBody(HttpMethod method, string url, string json, string contentType)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new HttpRequestMessage(method, url) { Content = content };
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    internal static string FindRepository()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Doppel.slnx")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("run inside the Doppel repository (no Doppel.slnx above the current directory)");
    }
}

/// <summary>A measured workload with the CPU its server and the benchmark used meanwhile (in cores) and the load average at its start.</summary>
internal sealed record Measured(LoadResult Result, double ServerCores, double ClientCores, double Load)
{
    public double PerSecond => Result.PerSecond;
}
