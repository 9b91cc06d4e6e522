using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Doppel.Server.Hosting;
using Doppel.Server.Tests.Support;
using Doppel.Storage.DataPlane;
using Doppel.Storage.Sqlite;
using Doppel.Storage.Sqlite.DataPlane;

namespace Doppel.Api.Tests.Support;

/// <summary>
/// A real Doppel server (TLS, Kestrel, SQLite) on a free port with a temporary data directory, trusting one test
/// issuer, with helpers to call the data plane of an instance under <c>/instances/{name}</c>.
/// </summary>
internal sealed class DataPlaneServer : IAsyncDisposable
{
    public const string ApiVersion = "2023-10-31";
    private readonly string[] _extraArgs;
    private CancellationTokenSource _stop = new();
    private Task<int>? _run;
    private StringWriter _error = new();

    private DataPlaneServer(string[] extraArgs)
    {
        _extraArgs = extraArgs;
        Issuer = new TokenIssuer("https://issuer.doppel.test/tenant/v2.0", Data.Path);
        Port = FreePort.Find();
    }

    public TemporaryDirectory Data { get; } = new();

    public TokenIssuer Issuer { get; }

    public int Port { get; private set; }

    public CapturingLoggerProvider Logs { get; private set; } = new();

    public string Token { get; private set; } = string.Empty;

    public Uri Origin => new($"https://localhost:{Port}/");

    public string CaPath => Data.Combine("ca.crt");

    public static async Task<DataPlaneServer> StartAsync(params string[] extraArgs)
    {
        var server = new DataPlaneServer(extraArgs);
        await server.RunAsync();
        server.Token = server.Issuer.Mint();
        return server;
    }

    public IEnumerable<string> Args() =>
    [
        "--data-dir", Data.Path, "--port", Port.ToString(CultureInfo.InvariantCulture), "--instance", "main",
        "--trusted-issuer", Issuer.Issuer, "--trusted-key", Issuer.PublicKeyPath, .. _extraArgs,
    ];

    public async Task RestartAsync()
    {
        await StopAsync();
        await RunAsync();
    }

    /// <summary>Creates an instance while the server runs, as the control plane will, through a second store on the file.</summary>
    public async Task<string> NewInstanceAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..20];
        await using var store = new SqliteStore(SqliteStoreOptions.InDataDirectory(Data.Path));
        await store.Instances.EnsureAsync(name, CancellationToken.None);
        return name;
    }

    /// <summary>The instance's change events after <paramref name="after"/>, read from the outbox through a second store on the file.</summary>
    public async Task<IReadOnlyList<OutboxEvent>> ReadEventsAsync(string instance, long after = 0)
    {
        await using var store = new SqliteStore(SqliteStoreOptions.InDataDirectory(Data.Path));
        var record = await store.Instances.FindByNameAsync(instance, CancellationToken.None)
            ?? throw new InvalidOperationException($"There is no instance {instance}.");
        return await new SqliteDataPlaneStore(store).Outbox.ReadAsync(record.Id, after, 10_000, CancellationToken.None);
    }

    /// <summary>An HTTPS client trusting the server's CA, with the test token, based at the instance.</summary>
    public InstanceClient Client(string instance = "main", string? token = null) => new(this, instance, token ?? Token);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Issuer.Dispose();
        Data.Dispose();
    }

    private async Task RunAsync()
    {
        _stop = new CancellationTokenSource();
        _error = new StringWriter();
        Logs = new CapturingLoggerProvider();
        var context = new ServerRunContext
        {
            Out = TextWriter.Null,
            Error = TextWriter.Synchronized(_error),
            GetEnvironmentVariable = _ => null,
            LoggerProvider = Logs,
        };
        var args = Args().ToArray();
        _run = Task.Run(() => ServerApp.RunAsync(args, context, _stop.Token));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_run.IsCompleted)
            {
                throw new InvalidOperationException($"The server stopped with exit code {await _run}: {_error}");
            }

            if (await TrustingClient.IsReadyAsync(Origin, CaPath))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The server was not ready within 30 s: {_error}");
    }

    private async Task StopAsync()
    {
        if (_run is null)
        {
            return;
        }

        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(30));
        _run = null;
        _stop.Dispose();
        Logs.Dispose();
    }
}

/// <summary>Calls one instance's data plane with a bearer token; every call adds the api-version.</summary>
internal sealed class InstanceClient : IDisposable
{
    private readonly TrustingClient _client;

    public InstanceClient(DataPlaneServer server, string instance, string token)
    {
        _client = new TrustingClient(server.CaPath);
        BaseAddress = new Uri(server.Origin, $"instances/{instance}/");
        if (token.Length > 0)
        {
            _client.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri BaseAddress { get; }

    public HttpClient Http => _client.Http;

    public static string Encode(string id) => Uri.EscapeDataString(id);

    public Uri Url(string path, string? apiVersion = DataPlaneServer.ApiVersion)
    {
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return new Uri(BaseAddress, apiVersion is null ? path : $"{path}{separator}api-version={apiVersion}");
    }

    public Task<HttpResponseMessage> GetAsync(string path, IDictionary<string, string>? headers = null) => SendAsync(HttpMethod.Get, path, null, null, headers);

    public Task<HttpResponseMessage> DeleteAsync(string path, IDictionary<string, string>? headers = null) => SendAsync(HttpMethod.Delete, path, null, null, headers);

    public Task<HttpResponseMessage> PutAsync(string path, string json, IDictionary<string, string>? headers = null) => SendAsync(HttpMethod.Put, path, json, "application/json", headers);

    public Task<HttpResponseMessage> PostAsync(string path, string json, IDictionary<string, string>? headers = null) => SendAsync(HttpMethod.Post, path, json, "application/json", headers);

    public Task<HttpResponseMessage> PatchAsync(string path, string json, IDictionary<string, string>? headers = null) => SendAsync(HttpMethod.Patch, path, json, "application/json-patch+json", headers);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body, string? contentType, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, Url(path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(request);
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>Assertions on ADT responses.</summary>
internal static class Adt
{
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts status, the <c>{"error":{"code","message"}}</c> envelope and the x-ms-error-code header; returns the error.</summary>
    public static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error").Clone();
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(code, response.Headers.GetValues("x-ms-error-code").Single());
        return error;
    }

    public static async Task OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        if (response.StatusCode != status)
        {
            Assert.Fail($"Expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
