using System.Diagnostics;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests.Compatibility;

/// <summary>
/// The official JavaScript SDK (<c>@azure/digital-twins-core</c> 1.1.0, pinned in <c>Compatibility/js/package-lock.json</c>)
/// against a real server, unmodified (CONVENTIONS E21). Needs Node.js and <c>npm ci --prefix tests/Doppel.Api.Tests/Compatibility/js</c>;
/// without them the test is skipped and says why.
/// </summary>
public sealed class SdkCompatibilityTests
{
    private static string ScriptDirectory =>
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Compatibility", "js"));

    [SkippableFact]
    public async Task Official_JavaScript_SDK_drives_models_twins_components_relationships_and_telemetry()
    {
        Skip.IfNot(Directory.Exists(Path.Combine(ScriptDirectory, "node_modules", "@azure", "digital-twins-core")),
            $"the SDK is not installed: run npm ci --prefix {ScriptDirectory}");
        await using var server = await DataPlaneServer.StartAsync();
        var instance = await server.NewInstanceAsync();
        var start = new ProcessStartInfo("node", "sdk-smoke.mjs")
        {
            WorkingDirectory = ScriptDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["DOPPEL_ENDPOINT"] = $"https://localhost:{server.Port}/instances/{instance}",
                ["DOPPEL_TOKEN"] = server.Token,
                ["NODE_EXTRA_CA_CERTS"] = server.CaPath,
            },
        };

        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(node.ExitCode == 0, $"exit {node.ExitCode}\n{await output}\n{await errors}");
        Assert.Contains("all ok", await output, StringComparison.Ordinal);
    }
}
