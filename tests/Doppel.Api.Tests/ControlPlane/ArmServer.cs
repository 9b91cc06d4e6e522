using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Doppel.Api.Tests.Support;
using Doppel.Server.Tests.Support;

namespace Doppel.Api.Tests.ControlPlane;

/// <summary>
/// A real Doppel server with one subscription whose Owner is <see cref="OwnerId"/>, in the tenant the test issuer's
/// tokens name, listing two instances a page; with helpers to call ARM and an instance's data plane as any principal.
/// </summary>
public sealed class ArmServer : IAsyncLifetime
{
    public const string SubscriptionId = "6a1f2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b";
    public const string OwnerId = "0000aaaa-0000-0000-0000-000000000001";
    public const string ArmAudience = "https://management.azure.com/";
    public const string DigitalTwinsApiVersion = "2023-01-31";
    public const string AuthorizationApiVersion = "2022-04-01";
    public const string DataOwnerRole = "bcd981a7-7f74-457b-83e1-cceb9e632ffe";
    public const string DataReaderRole = "d57506d4-4c8d-48b1-8587-93c323f6a5a3";
    public const string OwnerRole = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    public const string ContributorRole = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    public const string ReaderRole = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    public const string UserAccessAdministratorRole = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";

    private readonly string[] _extraArgs;
    private DataPlaneServer? _server;

    // The shared fixture's tests create far more than ADT's 10 instances in one subscription: no quota for it.
    public ArmServer()
        : this(["--max-instances-per-subscription", "0"])
    {
    }

    private ArmServer(string[] extraArgs) => _extraArgs = extraArgs;

    internal DataPlaneServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public string Origin => Server.Origin.ToString().TrimEnd('/');

    public async Task InitializeAsync() => _server = await DataPlaneServer.StartAsync(
        ["--subscription", SubscriptionId, "--subscription-owner", OwnerId, "--subscription-tenant", "tenant", "--arm-page-size", "2", .. _extraArgs]);

    /// <summary>Starts a server of its own with further options, for tests that need other settings than the shared fixture's.</summary>
    public static async Task<ArmServer> StartAsync(params string[] extraArgs)
    {
        var server = new ArmServer(extraArgs);
        await server.InitializeAsync();
        return server;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>An ARM client for the principal <paramref name="objectId"/> (the subscription's Owner by default).</summary>
    internal ArmClient Arm(string objectId = OwnerId, IReadOnlyList<string>? groups = null, string tenant = "tenant") =>
        new(this, Server.Issuer.MintFor(ArmAudience, objectId, groups, tenant));

    /// <summary>A data-plane client of <paramref name="instance"/> for the principal <paramref name="objectId"/>.</summary>
    internal InstanceClient DataPlane(string instance, string objectId, IReadOnlyList<string>? groups = null, string tenant = "tenant") =>
        Server.Client(instance, Server.Issuer.MintFor("https://digitaltwins.azure.net", objectId, groups, tenant));

    public static string NewName(string prefix = "adt") => $"{prefix}-{Guid.NewGuid():N}"[..20];

    public static string InstancePath(string group, string name) =>
        $"/subscriptions/{SubscriptionId}/resourceGroups/{group}/providers/Microsoft.DigitalTwins/digitalTwinsInstances/{name}";
}

/// <summary>Calls the control plane with one bearer token.</summary>
internal sealed class ArmClient : IDisposable
{
    private readonly TrustingClient _client;
    private readonly ArmServer _server;

    public ArmClient(ArmServer server, string token)
    {
        _server = server;
        _client = new TrustingClient(server.Server.CaPath);
        if (token.Length > 0)
        {
            _client.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public HttpClient Http => _client.Http;

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string? json = null)
    {
        var url = pathAndQuery.StartsWith("https://", StringComparison.Ordinal) ? new Uri(pathAndQuery) : new Uri(_server.Origin + pathAndQuery);
        var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery) => SendAsync(HttpMethod.Get, pathAndQuery);

    public Task<HttpResponseMessage> PutAsync(string pathAndQuery, string json) => SendAsync(HttpMethod.Put, pathAndQuery, json);

    public Task<HttpResponseMessage> DeleteAsync(string pathAndQuery) => SendAsync(HttpMethod.Delete, pathAndQuery);

    /// <summary>Creates (or updates) a resource group in the local location.</summary>
    public async Task CreateGroupAsync(string group)
    {
        using var response = await PutAsync($"/subscriptions/{ArmServer.SubscriptionId}/resourcegroups/{group}?api-version=2021-04-01", """{"location":"local"}""");
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Creates an instance and polls its operation until it ends; returns the final status.</summary>
    public async Task<string> CreateInstanceAsync(string group, string name)
    {
        using var response = await PutAsync($"{ArmServer.InstancePath(group, name)}?api-version={ArmServer.DigitalTwinsApiVersion}", """{"location":"local"}""");
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await PollAsync(response.Headers.GetValues("Azure-AsyncOperation").Single());
    }

    /// <summary>Polls an Azure-AsyncOperation URL until its status is terminal.</summary>
    public async Task<string> PollAsync(string url)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            using var poll = await GetAsync(url);
            var text = await poll.Content.ReadAsStringAsync();
            Assert.True(poll.StatusCode == HttpStatusCode.OK, text);
            var status = JsonDocument.Parse(text).RootElement.GetProperty("status").GetString()!;
            if (status != "Running" || DateTime.UtcNow > deadline)
            {
                return status;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Assigns a role to a principal at a scope; returns the assignment's name.</summary>
    public async Task<string> AssignAsync(string scope, string roleId, string principalId, string principalType = "User", HttpStatusCode expected = HttpStatusCode.Created)
    {
        var id = Guid.NewGuid().ToString();
        using var response = await PutAsync(
            $"{scope}/providers/Microsoft.Authorization/roleAssignments/{id}?api-version={ArmServer.AuthorizationApiVersion}",
            $$$"""{"properties":{"roleDefinitionId":"/subscriptions/{{{ArmServer.SubscriptionId}}}/providers/Microsoft.Authorization/roleDefinitions/{{{roleId}}}","principalId":"{{{principalId}}}","principalType":"{{{principalType}}}"}}""");
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return id;
    }

    public void Dispose() => _client.Dispose();
}
