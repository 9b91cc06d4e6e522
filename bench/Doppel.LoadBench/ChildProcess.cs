using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Doppel.LoadBench;

/// <summary>
/// A server process of the benchmark (Doppel or the bare baseline), its output going to a log file through
/// <c>sh -c exec</c> so that the benchmark spends nothing on reading it and the process id is the server's own.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process, string logPath, int port)
    {
        _process = process;
        LogPath = logPath;
        Port = port;
    }

    public int Id => _process.Id;

    public int Port { get; }

    public string LogPath { get; }

    public static ChildProcess Start(string fileName, IReadOnlyList<string> arguments, string logPath, int port)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >\"$DOPPEL_BENCH_LOG\" 2>&1");
        start.ArgumentList.Add(fileName);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOPPEL_BENCH_LOG"] = logPath;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {fileName}");
        return new ChildProcess(process, logPath, port);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task WaitReadyAsync(Func<Task<bool>> probe, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the process exited with {_process.ExitCode}: {Tail()}");
            }

            try
            {
                if (await probe())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"not ready within {timeout.TotalSeconds} s: {Tail()}");
    }

    /// <summary>A field of /proc/{pid}/status in kB, e.g. VmHWM (peak resident set) or VmRSS.</summary>
    public long StatusKilobytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Id}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var value = line[(field.Length + 1)..].Trim();
                return long.Parse(value[..value.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"no {field} in /proc/{Id}/status");
    }

    public string Tail()
    {
        try
        {
            var lines = File.ReadAllLines(LogPath);
            return string.Join(Environment.NewLine, lines.TakeLast(10));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first: Doppel shuts down gracefully and closes its database.
            using (var kill = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
