using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json.Nodes;
using Doppel.Server.Tests.Support;
using static Doppel.Server.Tests.Hosting.DevClient;

namespace Doppel.Server.Tests.Hosting;

// File modes are checked as POSIX modes; on Windows the files rely on the profile's ACLs instead.
[UnsupportedOSPlatform("windows")]
public sealed class DevSetupTests
{
    [Fact]
    public async Task Server_started_with_dev_writes_credentials_json_with_the_issue_shape_readable_by_the_owner_only()
    {
        using var data = new TemporaryDirectory();
        await using var server = await InProcessServer.StartReadyAsync(data.Path, "--dev");

        var credentials = await ReadCredentialsAsync(server);

        Assert.Equal(server.BaseAddress.GetLeftPart(UriPartial.Authority), credentials["authorityHost"]!.GetValue<string>());
        Assert.Equal(credentials["authorityHost"]!.GetValue<string>(), credentials["armEndpoint"]!.GetValue<string>());
        Assert.True(Guid.TryParse(credentials["tenantId"]!.GetValue<string>(), out _));
        Assert.True(Guid.TryParse(credentials["subscriptionId"]!.GetValue<string>(), out _));
        Assert.Equal("dev-rg", credentials["resourceGroup"]!.GetValue<string>());
        Assert.Equal("local", credentials["location"]!.GetValue<string>());
        Assert.Equal("dev", credentials["instance"]!["name"]!.GetValue<string>());
        Assert.Equal($"dev.api.local.digitaltwins.localhost:{server.Port}", credentials["instance"]!["hostName"]!.GetValue<string>());
        Assert.Equal(new Uri(server.BaseAddress, "instances/dev").ToString(), credentials["instance"]!["endpoint"]!.GetValue<string>());
        Assert.Equal(server.CaCertificatePath, credentials["caCertificate"]!.GetValue<string>());
        foreach (var client in new[] { "owner", "reader", "norole" })
        {
            Assert.True(Guid.TryParse(credentials["clients"]![client]!["clientId"]!.GetValue<string>(), out _));
            Assert.Equal(40, credentials["clients"]![client]!["clientSecret"]!.GetValue<string>().Length);
        }

        Assert.Equal("admin@doppel.local", credentials["admin"]!["userName"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(credentials["admin"]!["password"]!.GetValue<string>()));
        var credentialsPath = Path.Combine(data.Path, "dev", "credentials.json");
        var environmentPath = Path.Combine(data.Path, "dev", "dev.env");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentialsPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(environmentPath));
        var environment = await File.ReadAllTextAsync(environmentPath);
        Assert.Contains($"AZURE_CLIENT_ID={credentials["clients"]!["owner"]!["clientId"]}\n", environment, StringComparison.Ordinal);
        Assert.Contains($"AZURE_CLIENT_SECRET={credentials["clients"]!["owner"]!["clientSecret"]}\n", environment, StringComparison.Ordinal);
        Assert.Contains($"AZURE_TENANT_ID={credentials["tenantId"]}\n", environment, StringComparison.Ordinal);
        Assert.Contains($"AZURE_AUTHORITY_HOST={credentials["authorityHost"]}\n", environment, StringComparison.Ordinal);
        Assert.Contains($"AZURE_DIGITALTWINS_URL={credentials["instance"]!["endpoint"]}\n", environment, StringComparison.Ordinal);
        Assert.Contains($"NODE_EXTRA_CA_CERTS={server.CaCertificatePath}\n", environment, StringComparison.Ordinal);
        Assert.Contains($"SSL_CERT_FILE={server.CaCertificatePath}\n", environment, StringComparison.Ordinal);
        Assert.Contains("Dev setup created", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_owner_creates_a_model_dev_reader_gets_403_on_writes_and_dev_norole_gets_403_on_reads()
    {
        using var data = new TemporaryDirectory();
        await using var server = await InProcessServer.StartReadyAsync(data.Path, "--dev");
        var credentials = await ReadCredentialsAsync(server);
        using var client = new TrustingClient(server.CaCertificatePath);
        var owner = await TokenAsync(client, credentials, "owner");
        var reader = await TokenAsync(client, credentials, "reader");
        var noRole = await TokenAsync(client, credentials, "norole");

        using var created = await SendAsync(client, server, HttpMethod.Post, ModelsPath, owner, ModelJson("dtmi:dev:Room;1"));
        using var readerWrite = await SendAsync(client, server, HttpMethod.Post, ModelsPath, reader, ModelJson("dtmi:dev:Floor;1"));
        using var readerRead = await SendAsync(client, server, HttpMethod.Get, ModelsPath, reader, null);
        using var noRoleRead = await SendAsync(client, server, HttpMethod.Get, ModelsPath, noRole, null);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, readerWrite.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readerRead.StatusCode);
        Assert.Contains("dtmi:dev:Room;1", await readerRead.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, noRoleRead.StatusCode);
    }

    [Fact]
    public async Task Dev_owner_token_for_arm_reads_the_dev_instance_through_the_control_plane()
    {
        using var data = new TemporaryDirectory();
        await using var server = await InProcessServer.StartReadyAsync(data.Path, "--dev");
        var credentials = await ReadCredentialsAsync(server);
        using var client = new TrustingClient(server.CaCertificatePath);
        var arm = await TokenAsync(client, credentials, "owner", "https://management.azure.com/.default");
        var path = $"subscriptions/{credentials["subscriptionId"]}/resourceGroups/dev-rg/providers/Microsoft.DigitalTwins/digitalTwinsInstances/dev?api-version=2023-01-31";

        using var response = await SendAsync(client, server, HttpMethod.Get, path, arm, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Succeeded", body["properties"]!["provisioningState"]!.GetValue<string>());
    }

    [Fact]
    public async Task Second_start_with_DOPPEL_DEV_reuses_the_same_client_ids_secrets_and_instance()
    {
        using var data = new TemporaryDirectory();
        JsonNode first;
        await using (var server = await InProcessServer.StartReadyAsync(data.Path, "--dev"))
        {
            first = await ReadCredentialsAsync(server);
        }

        var port = FreePort.Find();
        await using var again = InProcessServer.StartWithArgs(
            data.Path, port, ["--data-dir", data.Path, "--port", port.ToString(CultureInfo.InvariantCulture)], new Dictionary<string, string> { ["DOPPEL_DEV"] = "1" });
        await again.WaitUntilReadyAsync();
        var second = await ReadCredentialsAsync(again);

        Assert.Contains("Dev setup reused", again.Output, StringComparison.Ordinal);
        Assert.Equal(first["clients"]!.ToJsonString(), second["clients"]!.ToJsonString());
        Assert.Equal(first["subscriptionId"]!.GetValue<string>(), second["subscriptionId"]!.GetValue<string>());
        Assert.Equal(first["admin"]!.ToJsonString(), second["admin"]!.ToJsonString());
        Assert.Equal($"https://localhost:{port}", second["authorityHost"]!.GetValue<string>());
        using var client = new TrustingClient(again.CaCertificatePath);
        var owner = await TokenAsync(client, second, "owner");
        using var created = await SendAsync(client, again, HttpMethod.Post, ModelsPath, owner, ModelJson("dtmi:dev:Again;1"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task Server_started_without_dev_creates_no_dev_setup()
    {
        using var data = new TemporaryDirectory();
        await using var server = await InProcessServer.StartReadyAsync(data.Path);

        await server.StopAsync();

        Assert.False(Directory.Exists(Path.Combine(data.Path, "dev")));
        Assert.DoesNotContain("Dev setup", server.Output, StringComparison.Ordinal);
    }
}

/// <summary>Calls a server started with <c>--dev</c> with the credentials it wrote.</summary>
internal static class DevClient
{
    internal const string ModelsPath = "instances/dev/models?api-version=2023-10-31";

    internal static async Task<JsonNode> ReadCredentialsAsync(InProcessServer server)
    {
        // The server writes the file once the dev instance is provisioned, which may be just after /readyz answers.
        var path = Path.Combine(server.DataDirectory, "dev", "credentials.json");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!server.Output.Contains("Press Ctrl+C", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline || server.Run.IsCompleted)
            {
                throw new TimeoutException($"No dev setup: {server.ErrorOutput}");
            }

            await Task.Delay(50);
        }

        return JsonNode.Parse(await File.ReadAllTextAsync(path))!;
    }

    internal static async Task<string> TokenAsync(TrustingClient client, JsonNode credentials, string who, string scope = "https://digitaltwins.azure.net/.default")
    {
        var authority = credentials["authorityHost"]!.GetValue<string>();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = credentials["clients"]![who]!["clientId"]!.GetValue<string>(),
            ["client_secret"] = credentials["clients"]![who]!["clientSecret"]!.GetValue<string>(),
            ["scope"] = scope,
        });
        using var response = await client.Http.PostAsync(new Uri($"{authority}/{credentials["tenantId"]}/oauth2/v2.0/token"), form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    internal static async Task<HttpResponseMessage> SendAsync(TrustingClient client, InProcessServer server, HttpMethod method, string path, string token, string? json)
    {
        using var request = new HttpRequestMessage(method, new Uri(server.BaseAddress, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await client.Http.SendAsync(request);
    }

    internal static string ModelJson(string id) =>
        $$"""[{"@id":"{{id}}","@type":"Interface","@context":"dtmi:dtdl:context;3","contents":[{"@type":"Property","name":"area","schema":"double"}]}]""";
}
