using System.Globalization;
using System.Net;
using Doppel.Server.Hosting;
using Doppel.Server.Tests.Support;

namespace Doppel.Cli.Tests.Server;

/// <summary>
/// A real Doppel server in-process (TLS with its own CA, SQLite in a temporary folder, identity plane with a known
/// administrator password, one instance) for the CLI to talk to over HTTPS; and a CLI configuration folder per test.
/// </summary>
public sealed class CliServer : IAsyncLifetime, IDisposable
{
    public const string AdminName = "admin@doppel.local";
    public const string AdminPassword = "Cl1-Adm1n-Passw0rd!";
    public const string Instance = "cli";

    private CancellationTokenSource _stop = new();
    private readonly StringWriter _error = new();
    private Task<int>? _run;

    internal TemporaryDirectory Data { get; } = new();

    public int Port { get; } = FreePort.Find();

    public string Origin => $"https://localhost:{Port}";

    public string CaPath => Data.Combine("ca.crt");

    /// <summary>The subscription the administrator owns (started with --subscription and --subscription-owner).</summary>
    public const string SubscriptionId = "5c1a2b3d-0000-4000-8000-00000000c1c1";

    /// <summary>
    /// Starts the server, learns the administrator's object id from a token, and starts it again with a
    /// subscription the administrator owns (ARM has no API that creates subscriptions, and the id is made at first start).
    /// </summary>
    public async Task InitializeAsync()
    {
        await StartAsync([]);
        var owner = await AdministratorObjectIdAsync();
        await _stop.CancelAsync();
        await _run!;
        _stop = new CancellationTokenSource();
        await StartAsync(["--subscription", SubscriptionId, "--subscription-owner", owner]);
    }

    private async Task<string> AdministratorObjectIdAsync()
    {
        using var client = new TrustingClient(CaPath);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "04b07795-8ddb-461a-bbee-02f9e1bf7b46", ["username"] = AdminName,
            ["password"] = AdminPassword, ["scope"] = "https://management.azure.com/.default",
        });
        using var response = await client.Http.PostAsync(new Uri($"{Origin}/doppel.local/oauth2/v2.0/token"), form);
        var token = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload += new string('=', (4 - (payload.Length % 4)) % 4);
        return System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(payload)).RootElement.GetProperty("oid").GetString()!;
    }

    private async Task StartAsync(string[] extra)
    {
        var context = new ServerRunContext
        {
            Out = TextWriter.Null,
            Error = TextWriter.Synchronized(_error),
            GetEnvironmentVariable = name => name == "DOPPEL_ADMIN_PASSWORD" ? AdminPassword : null,
            LoggerProvider = new CapturingLoggerProvider(),
        };
        string[] args = ["--data-dir", Data.Path, "--port", Port.ToString(CultureInfo.InvariantCulture), "--instance", Instance, .. extra];
        _run = Task.Run(() => ServerApp.RunAsync(args, context, _stop.Token));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_run.IsCompleted)
            {
                throw new InvalidOperationException($"The server stopped with exit code {await _run}: {_error}");
            }

            if (await TrustingClient.IsReadyAsync(new Uri(Origin), CaPath))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The server was not ready within 60 s: {_error}");
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run;
        }

        Dispose();
    }

    public void Dispose()
    {
        _stop.Dispose();
        _error.Dispose();
        Data.Dispose();
    }

    /// <summary>A CLI user of this server with a configuration folder of its own.</summary>
    internal CliUser NewUser() => new(this);
}

/// <summary>Runs the CLI with one configuration folder (one signed-in person).</summary>
internal sealed class CliUser(CliServer server) : IDisposable
{
    private readonly TemporaryDirectory _config = new();

    public string ConfigDirectory => _config.Path;

    internal CliRun Run(params string[] args) =>
        CliRunner.RunWith(new Dictionary<string, string> { ["DOPPEL_CONFIG_DIR"] = _config.Path }, args);

    /// <summary>Signs in as the administrator with the password flow; fails the test when that fails.</summary>
    internal CliRun LoginAsAdmin()
    {
        var run = Run("login", "--server", server.Origin, "--ca-file", server.CaPath, "-u", CliServer.AdminName, "-p", CliServer.AdminPassword);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    public void Dispose() => _config.Dispose();
}
