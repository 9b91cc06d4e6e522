using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Doppel.Server.Tests.Support;

namespace Doppel.Server.Tests.Hosting;

/// <summary>
/// Role assignments to groups of the identity plane's directory: membership is read from the directory (transitively),
/// not only from a token's <c>groups</c> claim, and a member removed from the group loses access within a second.
/// </summary>
public sealed class DirectoryGroupAccessTests
{
    private const string FirstPartyClient = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    private const string DataReaderRole = "d57506d4-4c8d-48b1-8587-93c323f6a5a3";
    private const string ModelsPath = "instances/dev/models?api-version=2023-10-31";

    [Fact]
    public async Task A_user_added_to_a_group_holding_Data_Reader_can_read_and_gets_403_within_one_second_of_being_removed()
    {
        using var data = new TemporaryDirectory();
        await using var server = await InProcessServer.StartReadyAsync(data.Path, "--dev");
        using var client = new TrustingClient(server.CaCertificatePath);
        var session = await Session.OpenAsync(server, client);
        var user = await session.CreateUserAsync("alice");
        var group = await session.CreateGroupAsync("readers");
        await session.AssignDataReaderAsync(group);
        var token = await session.UserTokenAsync("alice");

        using var before = await session.DataPlaneGetAsync(token);
        await session.GraphAsync(HttpMethod.Post, $"groups/{group}/members/$ref", $$"""{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/{{user}}"}""");
        using var member = await session.DataPlaneGetAsync(token);
        await session.GraphAsync(HttpMethod.Delete, $"groups/{group}/members/{user}/$ref", null);
        var removedAt = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var after = await session.DataPlaneGetAsync(token);
            status = after.StatusCode;
        }
        while (status == HttpStatusCode.OK && removedAt.Elapsed < TimeSpan.FromSeconds(2));

        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, member.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.True(removedAt.Elapsed < TimeSpan.FromSeconds(1), $"Still allowed {removedAt.Elapsed} after the removal.");
    }

    [Fact]
    public async Task A_member_of_a_group_nested_in_the_group_holding_the_role_can_read()
    {
        using var data = new TemporaryDirectory();
        await using var server = await InProcessServer.StartReadyAsync(data.Path, "--dev");
        using var client = new TrustingClient(server.CaCertificatePath);
        var session = await Session.OpenAsync(server, client);
        var user = await session.CreateUserAsync("bob");
        var outer = await session.CreateGroupAsync("outer");
        var inner = await session.CreateGroupAsync("inner");
        await session.AssignDataReaderAsync(outer);
        await session.GraphAsync(HttpMethod.Post, $"groups/{outer}/members/$ref", $$"""{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/{{inner}}"}""");
        await session.GraphAsync(HttpMethod.Post, $"groups/{inner}/members/$ref", $$"""{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/{{user}}"}""");

        using var response = await session.DataPlaneGetAsync(await session.UserTokenAsync("bob"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Removing_someone_who_is_not_a_member_answers_404_not_500()
    {
        using var data = new TemporaryDirectory();
        await using var server = await InProcessServer.StartReadyAsync(data.Path, "--dev");
        using var client = new TrustingClient(server.CaCertificatePath);
        var session = await Session.OpenAsync(server, client);
        var group = await session.CreateGroupAsync("empty");

        using var response = await session.SendGraphAsync(HttpMethod.Delete, $"groups/{group}/members/{Guid.NewGuid()}/$ref", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private sealed class Session(InProcessServer server, TrustingClient client, JsonNode credentials, string graphToken, string armToken)
    {
        private const string Password = "Correct-Horse-9";

        public static async Task<Session> OpenAsync(InProcessServer server, TrustingClient client)
        {
            var credentials = await DevClient.ReadCredentialsAsync(server);
            var admin = await TokenAsync(client, credentials, new()
            {
                ["grant_type"] = "password",
                ["client_id"] = FirstPartyClient,
                ["username"] = credentials["admin"]!["userName"]!.GetValue<string>(),
                ["password"] = credentials["admin"]!["password"]!.GetValue<string>(),
                ["scope"] = "https://graph.microsoft.com/.default",
            });
            var arm = await TokenAsync(client, credentials, new()
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = credentials["clients"]!["owner"]!["clientId"]!.GetValue<string>(),
                ["client_secret"] = credentials["clients"]!["owner"]!["clientSecret"]!.GetValue<string>(),
                ["scope"] = "https://management.azure.com/.default",
            });
            return new Session(server, client, credentials, admin, arm);
        }

        public async Task<string> CreateUserAsync(string name)
        {
            var user = await GraphAsync(HttpMethod.Post, "users",
                $$$"""{"accountEnabled":true,"displayName":"{{{name}}}","userPrincipalName":"{{{name}}}@doppel.local","passwordProfile":{"password":"{{{Password}}}"}}""");
            return user!["id"]!.GetValue<string>();
        }

        public async Task<string> CreateGroupAsync(string name)
        {
            var group = await GraphAsync(HttpMethod.Post, "groups", $$"""{"displayName":"{{name}}","mailNickname":"{{name}}","securityEnabled":true}""");
            return group!["id"]!.GetValue<string>();
        }

        public async Task AssignDataReaderAsync(string groupId)
        {
            var scope = $"subscriptions/{credentials["subscriptionId"]}/resourceGroups/dev-rg/providers/Microsoft.DigitalTwins/digitalTwinsInstances/dev";
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(server.BaseAddress, $"{scope}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?api-version=2022-04-01"))
            {
                Content = new StringContent($$$"""{"properties":{"roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/{{{DataReaderRole}}}","principalId":"{{{groupId}}}","principalType":"Group"}}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", armToken);
            using var response = await client.Http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        public Task<string> UserTokenAsync(string name) => TokenAsync(client, credentials, new()
        {
            ["grant_type"] = "password",
            ["client_id"] = FirstPartyClient,
            ["username"] = $"{name}@doppel.local",
            ["password"] = Password,
            ["scope"] = "https://digitaltwins.azure.net/.default",
        });

        public async Task<HttpResponseMessage> DataPlaneGetAsync(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseAddress, ModelsPath));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await client.Http.SendAsync(request);
        }

        public async Task<JsonNode?> GraphAsync(HttpMethod method, string path, string? json)
        {
            using var response = await SendGraphAsync(method, path, json);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }

        public async Task<HttpResponseMessage> SendGraphAsync(HttpMethod method, string path, string? json)
        {
            using var request = new HttpRequestMessage(method, new Uri(server.BaseAddress, $"v1.0/{path}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", graphToken);
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            return await client.Http.SendAsync(request);
        }

        private static async Task<string> TokenAsync(TrustingClient client, JsonNode credentials, Dictionary<string, string> form)
        {
            using var content = new FormUrlEncodedContent(form);
            using var response = await client.Http.PostAsync(new Uri($"{credentials["authorityHost"]}/{credentials["tenantId"]}/oauth2/v2.0/token"), content);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
        }
    }
}
