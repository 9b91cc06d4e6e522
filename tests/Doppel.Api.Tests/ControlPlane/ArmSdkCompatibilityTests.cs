using System.Diagnostics;
using System.Text.Json;

namespace Doppel.Api.Tests.ControlPlane;

/// <summary>
/// The official <c>@azure/arm-digitaltwins</c> 3.3.0 creates, gets, lists, updates and deletes an instance through its
/// long-running-operation helpers (and creates, gets, lists and deletes an endpoint of it), and the official <c>@azure/digital-twins-core</c> then uses the instance as a Data
/// Owner (writes), a Data Reader (reads; 403 on writes) and a principal without a role (403). The script is
/// <c>ControlPlane/js/arm.mjs</c>, its packages pinned by <c>package-lock.json</c> and installed by <c>npm ci</c>
/// (<c>.ci/run</c> does it); without them the test skips locally and fails under <c>CI=true</c>.
/// </summary>
public sealed class ArmSdkCompatibilityTests(ArmServer server) : IClassFixture<ArmServer>
{
    [SkippableFact]
    public async Task Official_ARM_SDK_creates_gets_lists_updates_and_deletes_an_instance_that_the_ADT_SDK_then_uses_by_role()
    {
        var directory = FindDirectory();
        Require(directory);
        using var arm = server.Arm();
        var group = ArmServer.NewName("rg");
        var name = ArmServer.NewName("sdk");
        await arm.CreateGroupAsync(group);
        var ownerId = Guid.NewGuid().ToString();
        var readerId = Guid.NewGuid().ToString();
        var issuer = server.Server.Issuer;

        var result = await RunAsync(directory, new Dictionary<string, string>
        {
            ["DOPPEL_ORIGIN"] = server.Origin,
            ["DOPPEL_SUBSCRIPTION"] = ArmServer.SubscriptionId,
            ["DOPPEL_RESOURCE_GROUP"] = group,
            ["DOPPEL_INSTANCE"] = name,
            ["DOPPEL_ARM_TOKEN"] = issuer.MintFor(ArmServer.ArmAudience, ArmServer.OwnerId),
            ["DOPPEL_OWNER_ID"] = ownerId,
            ["DOPPEL_READER_ID"] = readerId,
            ["DOPPEL_OWNER_TOKEN"] = issuer.MintFor("https://digitaltwins.azure.net", ownerId),
            ["DOPPEL_READER_TOKEN"] = issuer.MintFor("https://digitaltwins.azure.net", readerId),
            ["DOPPEL_NOROLE_TOKEN"] = issuer.MintFor("https://digitaltwins.azure.net", Guid.NewGuid().ToString()),
            ["NODE_EXTRA_CA_CERTS"] = server.Server.CaPath,
        });

        Assert.True(result.GetProperty("before").GetProperty("nameAvailable").GetBoolean());
        Assert.Equal("Succeeded", result.GetProperty("created").GetProperty("provisioningState").GetString());
        Assert.Equal($"{name}.api.local.digitaltwins.localhost:{server.Server.Port}", result.GetProperty("created").GetProperty("hostName").GetString());
        Assert.Equal("AlreadyExists", result.GetProperty("after").GetProperty("reason").GetString());
        Assert.Equal("local", result.GetProperty("got").GetProperty("location").GetString());
        Assert.Equal([name], result.GetProperty("listedInGroup").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(name, result.GetProperty("listedInSubscription").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("updated", result.GetProperty("updatedTags").GetProperty("purpose").GetString());
        Assert.Equal("hub-1", result.GetProperty("endpointCreated").GetProperty("name").GetString());
        Assert.Equal("Succeeded", result.GetProperty("endpointCreated").GetProperty("provisioningState").GetString());
        Assert.Equal("EventHub", result.GetProperty("endpointGot").GetProperty("endpointType").GetString());
        Assert.Equal("************", result.GetProperty("endpointGot").GetProperty("secret").GetString());
        Assert.Equal(["hub-1"], result.GetProperty("endpointsListed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(404, result.GetProperty("endpointAfterDelete").GetProperty("status").GetInt32());
        Assert.Equal([201, 201], result.GetProperty("grants").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(200, result.GetProperty("ownerCreatesModel").GetInt32());
        Assert.Equal(200, result.GetProperty("ownerCreatesTwin").GetInt32());
        Assert.Equal(200, result.GetProperty("readerGetsTwin").GetInt32());
        Assert.Equal(403, result.GetProperty("readerUpdatesTwin").GetProperty("status").GetInt32());
        Assert.Equal("Forbidden", result.GetProperty("readerUpdatesTwin").GetProperty("code").GetString());
        Assert.Equal(403, result.GetProperty("norolesGetsTwin").GetProperty("status").GetInt32());
        Assert.Equal(404, result.GetProperty("afterDelete").GetProperty("status").GetInt32());
        Assert.Equal("ResourceNotFound", result.GetProperty("afterDelete").GetProperty("code").GetString());
        Assert.Equal(404, result.GetProperty("dataPlaneAfterDelete").GetProperty("status").GetInt32());
    }

    private static async Task<JsonElement> RunAsync(string directory, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("node", "arm.mjs")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        // The SDKs honour proxy variables; loopback traffic must not go through a proxy.
        foreach (var variable in new[] { "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy" })
        {
            start.Environment.Remove(variable);
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
            throw new TimeoutException($"node arm.mjs did not finish within 2 minutes\n{await errors}");
        }

        Assert.True(node.ExitCode == 0, $"node arm.mjs exited with {node.ExitCode}\n--- stderr\n{await errors}\n--- stdout\n{await output}");
        var last = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        using var document = JsonDocument.Parse(last);
        return document.RootElement.GetProperty("result").Clone();
    }

    private static string FindDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Doppel.Api.Tests", "ControlPlane", "js");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"ControlPlane/js (the ARM SDK script) was not found above {AppContext.BaseDirectory}.");
    }

    private static void Require(string directory)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        string? missing = null;
        if (!path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, "node"))))
        {
            missing = "Node.js (node) is not on PATH";
        }
        else
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "package.json")));
            foreach (var dependency in manifest.RootElement.GetProperty("dependencies").EnumerateObject())
            {
                var installed = Path.Combine(directory, "node_modules", dependency.Name, "package.json");
                if (!File.Exists(installed))
                {
                    missing = $"{dependency.Name} is not installed: run `npm ci --prefix {directory}`";
                    break;
                }
            }
        }

        if (missing is null)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{missing}, and CI=true: CI must run the SDK compatibility tests, not skip them.");
        }

        throw new SkipException($"{missing}, so the ARM SDK compatibility test is skipped.");
    }
}
