using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Server.Hosting;
using Doppel.Server.Tests.Support;

namespace Doppel.Identity.Tests.Support;

/// <summary>
/// A real Doppel server (TLS with its own generated CA, Kestrel, SQLite) on a free port with a temporary data
/// directory, no external trusted issuer, and a known administrator password; with helpers for the token
/// endpoint, Graph and the data plane.
/// </summary>
internal sealed class IdentityServer : IAsyncDisposable
{
    public const string AdminPassword = "Adm1n-Passw0rd!";
    public const string AdminName = "admin@doppel.local";
    public const string CliClientId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    public const string Instance = "main";

    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();
    private Task<int>? _run;

    private IdentityServer()
    {
        Port = FreePort.Find();
    }

    public TemporaryDirectory Data { get; } = new();

    public int Port { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public Uri Origin => new($"https://localhost:{Port}/");

    public string OriginText => $"https://localhost:{Port}";

    public string CaPath => Data.Combine("ca.crt");

    /// <summary>The first tenant's id (from its discovery document).</summary>
    public string TenantId { get; private set; } = string.Empty;

    /// <summary>What the server printed (the banner).</summary>
    public string Output => _out.ToString();

    public TrustingClient Client { get; private set; } = null!;

    public static async Task<IdentityServer> StartAsync()
    {
        var server = new IdentityServer();
        await server.RunAsync();
        return server;
    }

    private async Task RunAsync()
    {
        var context = new ServerRunContext
        {
            Out = TextWriter.Synchronized(_out),
            Error = TextWriter.Synchronized(_error),
            GetEnvironmentVariable = name => name == "DOPPEL_ADMIN_PASSWORD" ? AdminPassword : null,
            LoggerProvider = Logs,
        };
        string[] args = ["--data-dir", Data.Path, "--port", Port.ToString(CultureInfo.InvariantCulture), "--instance", Instance];
        _run = Task.Run(() => ServerApp.RunAsync(args, context, _stop.Token));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_run.IsCompleted)
            {
                throw new InvalidOperationException($"The server stopped with exit code {await _run}: {_error}");
            }

            if (File.Exists(CaPath))
            {
                Client ??= new TrustingClient(CaPath);
                try
                {
                    using var response = await Client.Http.GetAsync(new Uri(Origin, "readyz"));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var discovery = await Client.Http.GetFromJsonAsync<JsonObject>(new Uri(Origin, "doppel.local/v2.0/.well-known/openid-configuration"));
                        TenantId = ((string)discovery!["issuer"]!).Split('/')[3];
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The server was not ready within 60 s: {_error}");
    }

    /// <summary>POSTs a form to the tenant's token endpoint.</summary>
    public async Task<(HttpStatusCode Status, JsonObject Body)> TokenAsync(IDictionary<string, string> form, string? tenant = null)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await Client.Http.PostAsync(new Uri(Origin, $"{tenant ?? TenantId}/oauth2/v2.0/token"), content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>An access token of the administrator for <paramref name="scope"/>, through the first-party CLI client (ROPC).</summary>
    public async Task<string> AdminTokenAsync(string scope = "https://graph.microsoft.com/.default")
    {
        var (status, body) = await TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = CliClientId, ["username"] = AdminName, ["password"] = AdminPassword, ["scope"] = scope,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return (string)body["access_token"]!;
    }

    /// <summary>Sends a Graph request with a bearer token.</summary>
    public async Task<(HttpStatusCode Status, JsonObject? Body)> GraphAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Origin, "v1.0/" + path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await Client.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>Registers a confidential app with a secret and its service principal through Graph; returns its app id, object id and secret.</summary>
    public async Task<(string AppId, string ObjectId, string Secret)> RegisterAppAsync(string name, object? extra = null)
    {
        var token = await AdminTokenAsync();
        var manifest = JsonSerializer.SerializeToNode(extra ?? new { })!.AsObject();
        manifest["displayName"] = name;
        var (status, app) = await GraphAsync(HttpMethod.Post, "applications", token, manifest);
        Assert.True(status == HttpStatusCode.Created, app?.ToJsonString());
        var (passwordStatus, password) = await GraphAsync(HttpMethod.Post, $"applications/{app!["id"]}/addPassword", token, new { passwordCredential = new { displayName = "test" } });
        Assert.Equal(HttpStatusCode.OK, passwordStatus);
        var (spStatus, sp) = await GraphAsync(HttpMethod.Post, "servicePrincipals", token, new { appId = (string)app["appId"]! });
        Assert.True(spStatus == HttpStatusCode.Created, sp?.ToJsonString());
        return ((string)app["appId"]!, (string)app["id"]!, (string)password!["secretText"]!);
    }

    /// <summary>GET /instances/main/models with a bearer token.</summary>
    public async Task<HttpResponseMessage> ListModelsAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Origin, $"instances/{Instance}/models?api-version=2023-10-31"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Client.Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        if (_run is not null)
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Client?.Dispose();
        _stop.Dispose();
        Logs.Dispose();
        Data.Dispose();
    }
}

/// <summary>One server for a test class.</summary>
public sealed class IdentityServerFixture : IAsyncLifetime
{
    internal IdentityServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await IdentityServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
