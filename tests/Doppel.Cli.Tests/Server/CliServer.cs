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

    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _error = new();
    private Task<int>? _run;

    internal TemporaryDirectory Data { get; } = new();

    public int Port { get; } = FreePort.Find();

    public string Origin => $"https://localhost:{Port}";

    public string CaPath => Data.Combine("ca.crt");

    public async Task InitializeAsync()
    {
        var context = new ServerRunContext
        {
            Out = TextWriter.Null,
            Error = TextWriter.Synchronized(_error),
            GetEnvironmentVariable = name => name == "DOPPEL_ADMIN_PASSWORD" ? AdminPassword : null,
            LoggerProvider = new CapturingLoggerProvider(),
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
                using var client = new TrustingClient(CaPath);
                try
                {
                    using var response = await client.Http.GetAsync(new Uri($"{Origin}/readyz"));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
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
