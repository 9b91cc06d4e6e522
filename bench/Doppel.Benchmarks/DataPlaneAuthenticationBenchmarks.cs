using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Doppel.Api.Authentication;
using Doppel.Identity.Tokens;
using Doppel.Server.Hosting;
using Doppel.Storage.Sqlite;
using Doppel.Storage.Sqlite.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Doppel.Benchmarks;

/// <summary>
/// What token validation costs the data plane, against a GET twin measured in the same run (issue 5: at most 5 % of
/// GET-twin throughput). A real server runs in the benchmark process (SQLite, TLS, its own identity plane, an open
/// instance with one model and one twin); the token is a real one from its token endpoint (RS256, Entra's claims,
/// the administrator through the first-party client for <c>https://digitaltwins.azure.net/.default</c>).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>GetTwin</c> (baseline): one <c>GET /instances/bench/digitaltwins/room1</c> over loopback HTTPS with a
/// keep-alive connection, as a client sees it (the client's own work and the loopback included).</item>
/// <item><c>AuthenticateCached</c>: the data plane's authentication step alone, <c>AuthenticateAsync</c> of its bearer
/// scheme (<see cref="DataPlaneAuthentication.AddDataPlaneBearer"/>: header, JwtBearer handler,
/// <see cref="CachingJsonWebTokenHandler"/>, issuer and key checks) on the same token, which the handler remembers after
/// the first validation — what every request of a client that reuses its token pays.</item>
/// <item><c>AuthenticateUncached</c>: the same scheme with a plain <see cref="JsonWebTokenHandler"/>, so every call checks
/// the RS256 signature — what the first request with a token (and one request every five minutes after) pays.</item>
/// <item><c>ScopeAndContextOnly</c>: the per-call scaffolding of the two above (a DI scope, an <see cref="HttpContext"/>,
/// the header), which the server pays per request anyway; the authentication step's own cost is the difference.</item>
/// </list>
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
[MedianColumn]
public class DataPlaneAuthenticationBenchmarks : IDisposable
{
    private const string AdminPassword = "Bench-Adm1n-Passw0rd!";
    private const string UncachedScheme = "UncachedBearer";

    private readonly CancellationTokenSource _stop = new();
    private string _data = string.Empty;
    private Task<int>? _server;
    private HttpClient _client = null!;
    private Uri _twin = null!;
    private string _token = string.Empty;
    private ServiceProvider _services = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _data = Directory.CreateTempSubdirectory("doppel-bench-auth-").FullName;
        var port = FreePort();
        var context = new ServerRunContext
        {
            Out = TextWriter.Null,
            Error = TextWriter.Null,
            GetEnvironmentVariable = name => name == "DOPPEL_ADMIN_PASSWORD" ? AdminPassword : null,
            LoggerProvider = NullLoggerProvider.Instance,
        };
        string[] args = ["--data-dir", _data, "--port", port.ToString(CultureInfo.InvariantCulture), "--instance", "bench"];
        _server = Task.Run(() => ServerApp.RunAsync(args, context, _stop.Token));
        var origin = new Uri($"https://localhost:{port}/");
        _client = await ReadyClientAsync(origin, Path.Combine(_data, "ca.crt"));

        using (var tokenResponse = await _client.PostAsync(new Uri(origin, "doppel.local/oauth2/v2.0/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = BuiltInClientId, ["username"] = "admin@doppel.local", ["password"] = AdminPassword,
            ["scope"] = "https://digitaltwins.azure.net/.default",
        })))
        {
            var body = JsonNode.Parse(await tokenResponse.Content.ReadAsStringAsync())!;
            _token = (string?)body["access_token"] ?? throw new InvalidOperationException($"No token: {body.ToJsonString()}");
        }

        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        const string model = """[{"@id":"dtmi:bench:Room;1","@type":"Interface","@context":"dtmi:dtdl:context;3","contents":[{"@type":"Property","name":"area","schema":"double"}]}]""";
        await SendAsync(HttpMethod.Post, new Uri(origin, "instances/bench/models?api-version=2023-10-31"), model, HttpStatusCode.Created);
        _twin = new Uri(origin, "instances/bench/digitaltwins/room1?api-version=2023-10-31");
        await SendAsync(HttpMethod.Put, _twin, """{"$metadata":{"$model":"dtmi:bench:Room;1"},"area":12.5}""", HttpStatusCode.OK);

        // The data plane's authentication, as the server registers it, trusting the server's own token service
        // (its key ring read from its store, as a second server of a cluster would).
        var store = new SqliteStore(SqliteStoreOptions.InDataDirectory(_data));
        var ring = new TokenKeyRing(new SqliteDirectoryStore(store), TimeProvider.System);
        await ring.LoadAsync(CancellationToken.None);
        var keys = new TrustedIssuerKeys([], TimeProvider.System, local: new BenchLocalIssuer(ring));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataPlaneBearer(keys).AddTrustedBearer(UncachedScheme, keys, DataPlaneAuthentication.Audiences);
        services.PostConfigure<JwtBearerOptions>(UncachedScheme, options =>
        {
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(new JsonWebTokenHandler { MapInboundClaims = false });
        });
        _services = services.BuildServiceProvider();

        // A benchmark of a refusal would measure the wrong thing.
        await AuthenticateAsync(DataPlaneAuthentication.Scheme);
        await AuthenticateAsync(UncachedScheme);
        await GetTwin();
    }

    [Benchmark(Baseline = true)]
    public async Task<int> GetTwin()
    {
        using var response = await _client.GetAsync(_twin);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode == HttpStatusCode.OK ? bytes.Length : throw new InvalidOperationException($"GET twin answered {response.StatusCode}");
    }

    /// <summary>What <see cref="AuthenticateAsync"/> does besides authenticating (a scope, a context, the header): subtracted from the two below.</summary>
    [Benchmark]
    public async Task<int> ScopeAndContextOnly()
    {
        await using var scope = _services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Headers.Authorization = "Bearer " + _token;
        return http.Request.Headers.Authorization.Count;
    }

    [Benchmark]
    public Task<AuthenticateResult> AuthenticateCached() => AuthenticateAsync(DataPlaneAuthentication.Scheme);

    [Benchmark]
    public Task<AuthenticateResult> AuthenticateUncached() => AuthenticateAsync(UncachedScheme);

    private async Task<AuthenticateResult> AuthenticateAsync(string scheme)
    {
        // A scope per call, as per request in the server: the handler provider keeps one handler per scope, and a
        // handler answers its first result again (so one shared scope would measure nothing). Creating the scope is
        // counted here, so the figure is a little above the step's own cost.
        await using var scope = _services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Headers.Authorization = "Bearer " + _token;
        var result = await http.AuthenticateAsync(scheme);
        return result.Succeeded ? result : throw new InvalidOperationException($"The token was refused: {result.Failure?.Message}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _client.Dispose();
        _stop.Cancel();
        _server?.Wait(TimeSpan.FromSeconds(30));
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // The SQLite file may still be held for a moment; the temporary directory is the system's to clean.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the server's stop signal.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Dispose();
        }
    }

    /// <summary>The first-party public client (the Azure CLI's app id), preauthorized for the built-in APIs.</summary>
    private static string BuiltInClientId => Doppel.Identity.Directory.BuiltInApis.Cli.AppId;

    private async Task SendAsync(HttpMethod method, Uri uri, string json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await _client.SendAsync(request);
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{method} {uri} answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private async Task<HttpClient> ReadyClientAsync(Uri origin, string caPath)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_server!.IsCompleted)
            {
                throw new InvalidOperationException($"The server stopped with exit code {await _server}.");
            }

            if (File.Exists(caPath))
            {
                var client = Trusting(caPath);
                try
                {
                    using var ready = await client.GetAsync(new Uri(origin, "readyz"));
                    if (ready.StatusCode == HttpStatusCode.OK)
                    {
                        return client;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                client.Dispose();
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The server was not ready within 60 s.");
    }

    /// <summary>An HTTP/1.1 keep-alive client that trusts the server's generated CA (and nothing else).</summary>
    private static HttpClient Trusting(string caPath)
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(caPath);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        };
        return new HttpClient(handler);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class BenchLocalIssuer(TokenKeyRing ring) : ILocalIssuer
    {
        public IReadOnlyList<SecurityKey> SigningKeys => ring.SigningKeys;

        public bool IsIssuer(string issuer) => TokenKeyRing.IsOwnIssuerShape(issuer);
    }

    private sealed class NullLoggerProvider : ILoggerProvider
    {
        public static readonly NullLoggerProvider Instance = new();

        public ILogger CreateLogger(string categoryName) => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }
    }
}
