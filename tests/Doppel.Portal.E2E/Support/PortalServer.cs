using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Doppel.Server.Tests.Support;

namespace Doppel.Portal.E2E.Support;

/// <summary>
/// The real server as its own process, started from its build output (where the portal's static files are), with a
/// known administrator password and a subscription the administrator owns.
/// </summary>
public sealed class PortalServer : IAsyncLifetime, IDisposable
{
    public const string AdminName = "admin@doppel.local";
    public const string AdminPassword = "E2e-Adm1n-Passw0rd!";
    public const string SubscriptionId = "e2e00000-0000-4000-8000-000000000e2e";

    private readonly StringBuilder _log = new();
    private Process? _process;

    internal TemporaryDirectory Data { get; } = new();

    public int Port { get; } = FreePort.Find();

    public string Origin => $"https://localhost:{Port}";

    public string CaPath => Data.Combine("ca.crt");

    /// <summary>What the server wrote, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[ServerAssembly(), "--data-dir", Data.Path, "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--subscription", SubscriptionId, "--subscription-owner", AdminName])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOPPEL_ADMIN_PASSWORD"] = AdminPassword;
        start.Environment.Remove("DOPPEL_DATA_DIR");
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {_process.ExitCode}: {Log}");
            }

            if (await TrustingClient.IsReadyAsync(new Uri(Origin), CaPath))
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The server was not ready within 90 s: {Log}");
    }

    /// <summary>
    /// The server's own build output, next to this test's (same configuration): run from there, the server finds
    /// the portal's static web assets the build recorded.
    /// </summary>
    private static string ServerAssembly()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory); // tests/Doppel.Portal.E2E/bin/<Configuration>/net10.0/
        var configuration = testBin.Parent!.Name;
        var root = testBin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Doppel.slnx")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Doppel.slnx was not found above the test's folder."),
            "src", "Doppel.Server", "bin", configuration, testBin.Name, "Doppel.Server.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"Build the server first: {path} does not exist.");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
        Data.Dispose();
    }
}
