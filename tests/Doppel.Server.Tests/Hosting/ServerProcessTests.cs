using System.Net;
using System.Text.Json;
using Doppel.Server.Hosting;
using Doppel.Server.Tests.Support;

namespace Doppel.Server.Tests.Hosting;

/// <summary>The real server process: exit codes as a shell sees them, signals, and console logs.</summary>
public sealed class ServerProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Server_process_stops_gracefully_on_SIGTERM_and_logs_the_callers_trace_id()
    {
        using var data = new TemporaryDirectory();
        var port = FreePort.Find();
        using var server = ServerProcess.Start("--data-dir", data.Path, "--port", Port(port), "--log-format", "json");
        await WaitUntilReadyAsync(server, data.Combine("ca.crt"), port);
        using var client = new TrustingClient(data.Combine("ca.crt"));
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://localhost:{port}/healthz");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        (await client.Http.SendAsync(request)).Dispose();

        await server.TerminateAsync();
        var exitCode = await server.WaitForExitAsync(Patience);

        Assert.Equal(ExitCodes.Success, exitCode);
        var events = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith('{'))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();
        var requestEvent = Assert.Single(events, e =>
            e.GetProperty("EventId").GetInt32() == 6001 && e.GetProperty("State").GetProperty("Path").GetString() == "/healthz");
        Assert.StartsWith($"00-{traceId}-", requestEvent.GetProperty("State").GetProperty("TraceParent").GetString(), StringComparison.Ordinal);
        Assert.Contains(events, e => e.GetProperty("Message").GetString() == "Doppel stopped");
        Assert.Empty(server.ErrorOutput);
    }

    [Fact]
    public async Task Server_process_with_a_bad_option_exits_with_code_2_without_a_stack_trace()
    {
        using var data = new TemporaryDirectory();
        using var server = ServerProcess.Start("--data-dir", data.Path, "--port", "not-a-port");

        var exitCode = await server.WaitForExitAsync(Patience);

        Assert.Equal(ExitCodes.StartupFailed, exitCode);
        Assert.Equal("doppel: --port must be a number from 1 to 65535, not 'not-a-port' (see --help)", server.ErrorOutput.Trim());
    }

    [Fact]
    public async Task Server_process_on_a_busy_port_exits_with_code_2_without_a_stack_trace()
    {
        using var data = new TemporaryDirectory();
        using var occupant = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        using var server = ServerProcess.Start("--data-dir", data.Path, "--port", Port(port));

        var exitCode = await server.WaitForExitAsync(Patience);

        Assert.Equal(ExitCodes.StartupFailed, exitCode);
        Assert.Equal(
            $"doppel: port {port} is already in use on 127.0.0.1 or [::1]; stop the program using it or choose another --port",
            server.ErrorOutput.Trim());
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task WaitUntilReadyAsync(ServerProcess server, string caPath, int port)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(caPath))
            {
                using var client = new TrustingClient(caPath);
                try
                {
                    using var response = await client.Http.GetAsync(new Uri($"https://localhost:{port}/readyz"));
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

        throw new TimeoutException($"The server process was not ready in time. stderr: {server.ErrorOutput}");
    }
}
