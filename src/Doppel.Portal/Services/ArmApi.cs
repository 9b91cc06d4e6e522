using System.Text.Json.Nodes;
using static Doppel.Portal.Services.JsonReading;

namespace Doppel.Portal.Services;

/// <summary>A subscription as ARM lists it.</summary>
public sealed record SubscriptionInfo(string Id, string SubscriptionId, string DisplayName, string TenantId);

/// <summary>A resource group.</summary>
public sealed record ResourceGroupInfo(string Id, string Name, string Location, string SubscriptionId);

/// <summary>An Azure Digital Twins instance as the control plane describes it.</summary>
public sealed record InstanceInfo(string Id, string Name, string ResourceGroup, string SubscriptionId, string Location, string? HostName, string ProvisioningState, DateTimeOffset? CreatedTime)
{
    /// <summary>The data-plane endpoint URL (<c>https://{hostName}</c>).</summary>
    public string? Endpoint => HostName is null ? null : "https://" + HostName;
}

/// <summary>A role definition.</summary>
public sealed record RoleInfo(string Id, string Name, string RoleName, string Description, string Type);

/// <summary>A role assignment.</summary>
public sealed record AssignmentInfo(string Id, string Name, string Scope, string RoleDefinitionId, string PrincipalId, string PrincipalType);

/// <summary>The answer of <c>checkNameAvailability</c>.</summary>
public sealed record NameCheck(bool Available, string? Reason, string? Message);

/// <summary>A write in a resource group, as its Deployments list shows it.</summary>
public sealed record DeploymentInfo(string Name, string Status, string Time, string Caller);

/// <summary>A long-running operation's state.</summary>
public sealed record OperationState(string Status, string? ErrorCode, string? ErrorMessage);

/// <summary>
/// The control plane as the portal uses it: ARM's resource paths and api-versions, the same calls
/// <c>az</c> and the ARM SDKs make.
/// </summary>
public sealed class ArmApi(PortalApi api)
{
    /// <summary>The Microsoft.DigitalTwins api-version.</summary>
    public const string DigitalTwinsVersion = "2023-01-31";

    private const string ResourcesVersion = "2021-04-01";
    private const string SubscriptionsVersion = "2022-12-01";
    private const string AuthorizationVersion = "2022-04-01";

    /// <summary>The subscriptions the person holds a role in.</summary>
    public async Task<IReadOnlyList<SubscriptionInfo>> SubscriptionsAsync(CancellationToken cancellationToken = default) =>
        [.. Items(await api.GetAsync(PortalApi.Arm, $"/subscriptions?api-version={SubscriptionsVersion}", cancellationToken).ConfigureAwait(false))
            .Select(s => new SubscriptionInfo(Str(s, "id"), Str(s, "subscriptionId"), Str(s, "displayName"), Str(s, "tenantId")))];

    /// <summary>The locations a subscription offers.</summary>
    public async Task<IReadOnlyList<string>> LocationsAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        [.. Items(await api.GetAsync(PortalApi.Arm, $"/subscriptions/{subscriptionId}/locations?api-version={SubscriptionsVersion}", cancellationToken).ConfigureAwait(false))
            .Select(l => Str(l, "name"))];

    /// <summary>The resource groups of a subscription.</summary>
    public async Task<IReadOnlyList<ResourceGroupInfo>> ResourceGroupsAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        [.. (await AllPagesAsync($"/subscriptions/{subscriptionId}/resourcegroups?api-version={ResourcesVersion}", cancellationToken).ConfigureAwait(false))
            .Select(g => new ResourceGroupInfo(Str(g, "id"), Str(g, "name"), Str(g, "location"), subscriptionId))];

    /// <summary>Creates (or keeps) a resource group.</summary>
    public Task CreateResourceGroupAsync(string subscriptionId, string name, string location, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.Arm, HttpMethod.Put, $"/subscriptions/{subscriptionId}/resourcegroups/{Uri.EscapeDataString(name)}?api-version={ResourcesVersion}",
            new JsonObject { ["location"] = location }, cancellationToken: cancellationToken);

    /// <summary>Whether a name is free for a new instance in a location of a subscription.</summary>
    public async Task<NameCheck> CheckNameAsync(string subscriptionId, string location, string name, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["name"] = name, ["type"] = "Microsoft.DigitalTwins/digitalTwinsInstances" };
        var response = await api.SendAsync(PortalApi.Arm, HttpMethod.Post,
            $"/subscriptions/{subscriptionId}/providers/Microsoft.DigitalTwins/locations/{Uri.EscapeDataString(location)}/checkNameAvailability?api-version={DigitalTwinsVersion}",
            body, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new NameCheck((bool?)response.Body?["nameAvailable"] ?? false, (string?)response.Body?["reason"], (string?)response.Body?["message"]);
    }

    /// <summary>Starts creating an instance; returns the URL to follow the deployment at.</summary>
    public async Task<string?> CreateInstanceAsync(string subscriptionId, string resourceGroup, string name, string location, CancellationToken cancellationToken = default)
    {
        var response = await api.SendAsync(PortalApi.Arm, HttpMethod.Put, InstancePath(subscriptionId, resourceGroup, name),
            new JsonObject { ["location"] = location, ["properties"] = new JsonObject() }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Header("Azure-AsyncOperation") ?? response.Header("Location");
    }

    /// <summary>The state of a long-running operation.</summary>
    public async Task<OperationState> OperationAsync(string url, CancellationToken cancellationToken = default)
    {
        var body = await api.GetAsync(PortalApi.Arm, url, cancellationToken).ConfigureAwait(false);
        return new OperationState((string?)body?["status"] ?? "Running", (string?)body?["error"]?["code"], (string?)body?["error"]?["message"]);
    }

    /// <summary>The instances of a subscription.</summary>
    public async Task<IReadOnlyList<InstanceInfo>> InstancesAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        [.. (await AllPagesAsync($"/subscriptions/{subscriptionId}/providers/Microsoft.DigitalTwins/digitalTwinsInstances?api-version={DigitalTwinsVersion}", cancellationToken).ConfigureAwait(false))
            .Select(Instance)];

    /// <summary>The instances of every subscription the person sees.</summary>
    public async Task<IReadOnlyList<InstanceInfo>> AllInstancesAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<InstanceInfo>();
        foreach (var subscription in await SubscriptionsAsync(cancellationToken).ConfigureAwait(false))
        {
            all.AddRange(await InstancesAsync(subscription.SubscriptionId, cancellationToken).ConfigureAwait(false));
        }

        return all;
    }

    /// <summary>One instance.</summary>
    public async Task<InstanceInfo> InstanceAsync(string subscriptionId, string resourceGroup, string name, CancellationToken cancellationToken = default) =>
        Instance((await api.GetAsync(PortalApi.Arm, InstancePath(subscriptionId, resourceGroup, name), cancellationToken).ConfigureAwait(false))!);

    /// <summary>Starts deleting an instance; returns the URL to follow it at.</summary>
    public async Task<string?> DeleteInstanceAsync(string subscriptionId, string resourceGroup, string name, CancellationToken cancellationToken = default)
    {
        var response = await api.SendAsync(PortalApi.Arm, HttpMethod.Delete, InstancePath(subscriptionId, resourceGroup, name), null, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Header("Azure-AsyncOperation") ?? response.Header("Location");
    }

    /// <summary>
    /// The writes to resources in a resource group, newest first, from the subscription's activity log (Doppel
    /// deploys each resource by itself; there are no template deployments).
    /// </summary>
    public async Task<IReadOnlyList<DeploymentInfo>> DeploymentsAsync(string subscriptionId, string resourceGroup, CancellationToken cancellationToken = default) =>
        [.. Items(await api.GetAsync(PortalApi.Arm, $"/subscriptions/{subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01", cancellationToken).ConfigureAwait(false))
            .Where(e => string.Equals((string?)e["resourceGroupName"], resourceGroup, StringComparison.OrdinalIgnoreCase)
                && ((string?)e["operationName"]?["value"] ?? "").EndsWith("/write", StringComparison.OrdinalIgnoreCase))
            .Select(e => new DeploymentInfo(((string?)e["resourceId"] ?? "").Split('/').Last(), (string?)e["status"]?["value"] ?? "", (string?)e["eventTimestamp"] ?? "", (string?)e["caller"] ?? ""))
            .OrderByDescending(d => d.Time, StringComparer.Ordinal)];

    /// <summary>The role definitions assignable at a scope.</summary>
    public async Task<IReadOnlyList<RoleInfo>> RolesAsync(string scope, CancellationToken cancellationToken = default) =>
        [.. Items(await api.GetAsync(PortalApi.Arm, $"{scope}/providers/Microsoft.Authorization/roleDefinitions?api-version={AuthorizationVersion}", cancellationToken).ConfigureAwait(false))
            .Select(r => new RoleInfo(Str(r, "id"), Str(r, "name"), (string?)r["properties"]?["roleName"] ?? "", (string?)r["properties"]?["description"] ?? "", (string?)r["properties"]?["type"] ?? ""))];

    /// <summary>The role assignments that apply at a scope (its own and inherited ones).</summary>
    public async Task<IReadOnlyList<AssignmentInfo>> AssignmentsAsync(string scope, CancellationToken cancellationToken = default) =>
        [.. Items(await api.GetAsync(PortalApi.Arm, $"{scope}/providers/Microsoft.Authorization/roleAssignments?api-version={AuthorizationVersion}", cancellationToken).ConfigureAwait(false))
            .Select(a => new AssignmentInfo(Str(a, "id"), Str(a, "name"), (string?)a["properties"]?["scope"] ?? scope,
                (string?)a["properties"]?["roleDefinitionId"] ?? "", (string?)a["properties"]?["principalId"] ?? "", (string?)a["properties"]?["principalType"] ?? "User"))];

    /// <summary>Assigns a role to a principal at a scope.</summary>
    public Task AssignAsync(string scope, string roleDefinitionId, string principalId, string principalType, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.Arm, HttpMethod.Put, $"{scope}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?api-version={AuthorizationVersion}",
            new JsonObject { ["properties"] = new JsonObject { ["roleDefinitionId"] = roleDefinitionId, ["principalId"] = principalId, ["principalType"] = principalType } },
            cancellationToken: cancellationToken);

    /// <summary>Removes a role assignment (by its full id).</summary>
    public Task RemoveAssignmentAsync(string assignmentId, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.Arm, HttpMethod.Delete, $"{assignmentId}?api-version={AuthorizationVersion}", null, cancellationToken: cancellationToken);

    /// <summary>The instance path ARM addresses.</summary>
    public static string InstancePath(string subscriptionId, string resourceGroup, string name) =>
        $"/subscriptions/{subscriptionId}/resourceGroups/{Uri.EscapeDataString(resourceGroup)}/providers/Microsoft.DigitalTwins/digitalTwinsInstances/{Uri.EscapeDataString(name)}?api-version={DigitalTwinsVersion}";

    /// <summary>An instance's scope (its resource id).</summary>
    public static string InstanceScope(string subscriptionId, string resourceGroup, string name) =>
        $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DigitalTwins/digitalTwinsInstances/{name}";

    private async Task<List<JsonNode>> AllPagesAsync(string first, CancellationToken cancellationToken)
    {
        var all = new List<JsonNode>();
        string? next = first;
        while (next is not null)
        {
            var page = await api.GetAsync(PortalApi.Arm, next, cancellationToken).ConfigureAwait(false);
            all.AddRange(Items(page));
            next = (string?)page?["nextLink"];
        }

        return all;
    }

    private static InstanceInfo Instance(JsonNode node)
    {
        var id = Str(node, "id");
        var parts = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var created = (string?)node["properties"]?["createdTime"];
        return new InstanceInfo(id, Str(node, "name"), parts.Length > 3 ? parts[3] : "", parts.Length > 1 ? parts[1] : "", Str(node, "location"),
            (string?)node["properties"]?["hostName"], (string?)node["properties"]?["provisioningState"] ?? "",
            created is null ? null : DateTimeOffset.Parse(created, System.Globalization.CultureInfo.InvariantCulture));
    }
}
