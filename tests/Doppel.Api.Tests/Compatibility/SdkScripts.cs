using System.Diagnostics;
using System.Text.Json;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests.Compatibility;

/// <summary>
/// Runs the Node scripts in <c>Compatibility/js</c>, which drive a Doppel instance with the official
/// <c>@azure/digital-twins-core</c> (versions pinned by <c>package-lock.json</c>, installed by
/// <c>npm ci --prefix tests/Doppel.Api.Tests/Compatibility/js</c>, which <c>.ci/run</c> does).
/// Without Node or the packages the tests skip with the reason on a developer's machine and fail under
/// <c>CI=true</c>: CI must never pass by skipping the compatibility suite.
/// </summary>
internal static class SdkScripts
{
    private static readonly Lazy<string?> Missing = new(FindWhatIsMissing);

    /// <summary>
    /// <c>tests/Doppel.Api.Tests/Compatibility/js</c>, found upwards from the test assembly, so that it does not
    /// matter whether the build writes to the project's <c>bin</c> or to an artifacts folder.
    /// </summary>
    public static string Directory { get; } = FindDirectory();

    /// <summary>Skips (locally) or fails (on CI) the calling test when the SDK cannot run here.</summary>
    public static void Require()
    {
        if (Missing.Value is not { } missing)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{missing}, and CI=true: CI must run the SDK compatibility tests, not skip them.");
        }

        throw new SkipException($"{missing}, so the SDK compatibility test is skipped.");
    }

    /// <summary>
    /// Runs <c>node {script} {scenario}</c> against <paramref name="instance"/> and returns the <c>result</c> the script
    /// printed as its last line; a non-zero exit fails the test with the script's output.
    /// </summary>
    public static async Task<JsonElement> RunAsync(DataPlaneServer server, string instance, string script, string scenario)
    {
        var (exitCode, output, errors) = await RunProcessAsync(server, instance, script, scenario);
        Assert.True(exitCode == 0, $"node {script} {scenario} exited with {exitCode}\n--- stderr\n{errors}\n--- stdout\n{output}");
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"node {script} {scenario} printed nothing\n{errors}");
        using var document = JsonDocument.Parse(last);
        return document.RootElement.GetProperty("result").Clone();
    }

    /// <summary>Runs a script with the instance's endpoint, a token the server trusts and its CA; returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunProcessAsync(DataPlaneServer server, string instance, params string[] arguments)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["DOPPEL_ENDPOINT"] = $"https://localhost:{server.Port}/instances/{instance}",
                ["DOPPEL_TOKEN"] = server.Token,
                ["NODE_EXTRA_CA_CERTS"] = server.CaPath,
            },
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The SDK honours proxy variables; loopback traffic must not go through a proxy.
        foreach (var name in new[] { "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy" })
        {
            start.Environment.Remove(name);
        }

        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        try
        {
            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {string.Join(' ', arguments)} did not finish within 2 minutes\n{await errors}");
        }

        return (node.ExitCode, await output, await errors);
    }

    private static string FindDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(directory.FullName, "Compatibility", "js"), Path.Combine(directory.FullName, "tests", "Doppel.Api.Tests", "Compatibility", "js") })
            {
                if (File.Exists(Path.Combine(candidate, "package.json")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException($"Compatibility/js (the SDK scripts) was not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>Why the scripts cannot run here (no node on PATH, packages not installed or not the pinned versions), or null.</summary>
    private static string? FindWhatIsMissing()
    {
        var install = $"run `npm ci --prefix {Directory}`";
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        if (!path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, "node"))))
        {
            return "Node.js (node) is not on PATH";
        }

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "package.json")));
        foreach (var dependency in manifest.RootElement.GetProperty("dependencies").EnumerateObject())
        {
            var installed = Path.Combine(Directory, "node_modules", dependency.Name, "package.json");
            if (!File.Exists(installed))
            {
                return $"{dependency.Name} is not installed: {install}";
            }

            using var package = JsonDocument.Parse(File.ReadAllText(installed));
            var version = package.RootElement.GetProperty("version").GetString();
            if (version != dependency.Value.GetString())
            {
                return $"{dependency.Name} {version} is installed, but {dependency.Value.GetString()} is pinned: {install}";
            }
        }

        return null;
    }
}
