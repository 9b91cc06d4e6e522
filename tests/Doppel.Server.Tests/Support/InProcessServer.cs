using System.Net;
using Doppel.Server.Hosting;

namespace Doppel.Server.Tests.Support;

/// <summary>
/// Runs <see cref="ServerApp.RunAsync"/> inside the test process on a free port with its own writers and log
/// sink, so that tests can run servers side by side.
/// </summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();

    private InProcessServer(string dataDirectory, int port, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        DataDirectory = dataDirectory;
        Port = port;
        var context = new ServerRunContext
        {
            Out = TextWriter.Synchronized(_out),
            Error = TextWriter.Synchronized(_error),
            GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            LoggerProvider = Logs,
        };
        Run = Task.Run(() => ServerApp.RunAsync([.. args], context, _stop.Token));
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Completes with the exit code when the server stops.</summary>
    public Task<int> Run { get; }

    public string Output => _out.ToString();

    public string ErrorOutput => _error.ToString();

    public string CaCertificatePath => Path.Combine(DataDirectory, "ca.crt");

    public Uri BaseAddress => new($"https://localhost:{Port}/");

    /// <summary>Runs the server with <c>--data-dir</c> and <c>--port</c> added to <paramref name="extraArgs"/>.</summary>
    public static InProcessServer Start(string dataDirectory, int? port = null, params string[] extraArgs)
    {
        var chosen = port ?? FreePort.Find();
        return new InProcessServer(dataDirectory, chosen, ["--data-dir", dataDirectory, "--port", chosen.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extraArgs], null);
    }

    /// <summary>Runs the server with exactly <paramref name="args"/>.</summary>
    public static InProcessServer StartWithArgs(string dataDirectory, int port, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        new(dataDirectory, port, args, environment);

    /// <summary>Starts the server and waits until <c>/readyz</c> answers 200 over HTTPS.</summary>
    public static async Task<InProcessServer> StartReadyAsync(string dataDirectory, params string[] extraArgs)
    {
        var server = Start(dataDirectory, null, extraArgs);
        await server.WaitUntilReadyAsync();
        return server;
    }

    public async Task WaitUntilReadyAsync(string? caCertificatePath = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (Run.IsCompleted)
            {
                throw new InvalidOperationException($"The server stopped with exit code {await Run} before it was ready: {ErrorOutput}");
            }

            var ca = caCertificatePath ?? CaCertificatePath;
            if (await TrustingClient.IsReadyAsync(BaseAddress, ca))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The server was not ready within 20 s. Errors: {ErrorOutput}");
    }

    /// <summary>Stops the server as Ctrl+C would and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await Run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        if (!Run.IsCompleted)
        {
            await StopAsync();
        }

        _stop.Dispose();
        Logs.Dispose();
    }
}
