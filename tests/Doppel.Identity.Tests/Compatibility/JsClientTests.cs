using System.Diagnostics;
using System.Text.Json;
using Doppel.Identity.Tests.Support;

namespace Doppel.Identity.Tests.Compatibility;

/// <summary>
/// The official JavaScript clients: <c>@azure/identity</c> (ClientSecretCredential, DefaultAzureCredential from
/// environment variables, DeviceCodeCredential with the sign-in page done by the script, InteractiveBrowserCredential with a scripted $BROWSER) gets tokens from a real
/// Doppel server and <c>@azure/digital-twins-core</c> uses them on the data plane. Packages pinned by
/// <c>Compatibility/js/package-lock.json</c> (installed by <c>npm ci</c>, which <c>.ci/run</c> does). Without Node or the
/// packages the tests skip locally and fail under <c>CI=true</c>.
/// </summary>
public sealed class JsClientTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    private static string ScriptsDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Doppel.Identity.Tests", "Compatibility", "js");
            if (File.Exists(Path.Combine(candidate, "identity.mjs")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/Doppel.Identity.Tests/Compatibility/js was not found above the test assembly.");
    }

    private static void RequireNode(string scripts)
    {
        var missing = File.Exists(Path.Combine(scripts, "node_modules", "@azure", "identity", "package.json"))
            && File.Exists(Path.Combine(scripts, "node_modules", "@azure", "digital-twins-core", "package.json"))
            ? null
            : $"the npm packages are not installed (npm ci --prefix {scripts})";
        if (missing is null)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{missing}, and CI=true: CI must run the JS identity tests, not skip them.");
        }

        throw new SkipException($"{missing}, so the JS identity test is skipped.");
    }

    private async Task<JsonElement> RunAsync(string scenario, IDictionary<string, string> environment)
    {
        var scripts = ScriptsDirectory();
        RequireNode(scripts);
        var start = new ProcessStartInfo("node") { WorkingDirectory = scripts, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("identity.mjs");
        start.ArgumentList.Add(scenario);
        foreach (var name in new[] { "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_AUTHORITY_HOST", "AZURE_USERNAME", "AZURE_PASSWORD" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["NODE_EXTRA_CA_CERTS"] = Server.CaPath;
        start.Environment["DOPPEL_ENDPOINT"] = $"{Server.OriginText}/instances/{IdentityServer.Instance}";
        start.Environment["DOPPEL_AUTHORITY"] = Server.OriginText;
        start.Environment["DOPPEL_TENANT"] = Server.TenantId;
        start.Environment["DOPPEL_USER"] = IdentityServer.AdminName;
        start.Environment["DOPPEL_PASSWORD"] = IdentityServer.AdminPassword;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"node identity.mjs {scenario} exited with {process.ExitCode}\n--- stderr\n{await errors}\n--- stdout\n{await output}");
        var last = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        using var document = JsonDocument.Parse(last);
        return document.RootElement.GetProperty("result").Clone();
    }

    [SkippableFact]
    public async Task ClientSecretCredential_gets_a_token_that_the_JS_Digital_Twins_SDK_uses()
    {
        var (appId, _, secret) = await Server.RegisterAppAsync("js-daemon");

        var result = await RunAsync("client-secret", new Dictionary<string, string> { ["DOPPEL_CLIENT_ID"] = appId, ["DOPPEL_CLIENT_SECRET"] = secret });

        Assert.InRange(result.GetProperty("expiresInMinutes").GetInt32(), 55, 60);
        Assert.Equal(0, result.GetProperty("models").GetInt32());
        // The SDK reached the data plane with the token: the twin's model does not exist there.
        Assert.Equal("ValidationFailed", result.GetProperty("created").GetString());
    }

    [SkippableFact]
    public async Task DefaultAzureCredential_works_from_environment_variables_alone_with_instance_discovery_disabled()
    {
        var (appId, _, secret) = await Server.RegisterAppAsync("js-default");

        var result = await RunAsync("default-env", new Dictionary<string, string>
        {
            ["AZURE_TENANT_ID"] = Server.TenantId, ["AZURE_CLIENT_ID"] = appId, ["AZURE_CLIENT_SECRET"] = secret, ["AZURE_AUTHORITY_HOST"] = Server.OriginText,
        });

        Assert.Equal("ValidationFailed", result.GetProperty("created").GetString());
    }

    [SkippableFact]
    public async Task InteractiveBrowserCredential_completes_the_authorization_code_flow_with_a_scripted_browser()
    {
        var browser = Path.Combine(ScriptsDirectory(), "scripted-browser.mjs");

        var result = await RunAsync("interactive", new Dictionary<string, string> { ["DOPPEL_CLIENT_ID"] = IdentityServer.CliClientId, ["BROWSER"] = browser });

        Assert.Equal("ValidationFailed", result.GetProperty("created").GetString());
    }

    [SkippableFact]
    public async Task DeviceCodeCredential_completes_when_the_user_signs_in_on_the_page()
    {
        var result = await RunAsync("device-code", new Dictionary<string, string> { ["DOPPEL_CLIENT_ID"] = IdentityServer.CliClientId });

        Assert.Equal("ValidationFailed", result.GetProperty("created").GetString());
    }
}
