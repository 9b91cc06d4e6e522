using System.Text.Json.Nodes;

namespace Doppel.Portal.Services;

/// <summary>A user, group or service principal, as a member picker shows it.</summary>
/// <param name="Id">Its object id.</param>
/// <param name="DisplayName">Its name.</param>
/// <param name="Detail">The user name for a user, the app id for a service principal, the description for a group.</param>
/// <param name="Type">User, Group or ServicePrincipal (ARM's principalType values).</param>
public sealed record DirectoryPrincipal(string Id, string DisplayName, string Detail, string Type);

/// <summary>The directory (the Graph v1.0 subset) as the portal uses it.</summary>
public sealed class GraphApi(PortalApi api)
{
    /// <summary>The users of the tenant.</summary>
    public async Task<IReadOnlyList<DirectoryPrincipal>> UsersAsync(CancellationToken cancellationToken = default) =>
        [.. Items(await api.GetAsync(PortalApi.Graph, "/v1.0/users", cancellationToken).ConfigureAwait(false))
            .Select(u => new DirectoryPrincipal(Str(u, "id"), Str(u, "displayName"), Str(u, "userPrincipalName"), "User"))];

    /// <summary>The groups of the tenant.</summary>
    public async Task<IReadOnlyList<DirectoryPrincipal>> GroupsAsync(CancellationToken cancellationToken = default) =>
        [.. Items(await api.GetAsync(PortalApi.Graph, "/v1.0/groups", cancellationToken).ConfigureAwait(false))
            .Select(g => new DirectoryPrincipal(Str(g, "id"), Str(g, "displayName"), Str(g, "description"), "Group"))];

    /// <summary>The service principals of the tenant (the apps that can hold roles).</summary>
    public async Task<IReadOnlyList<DirectoryPrincipal>> ServicePrincipalsAsync(CancellationToken cancellationToken = default) =>
        [.. Items(await api.GetAsync(PortalApi.Graph, "/v1.0/servicePrincipals", cancellationToken).ConfigureAwait(false))
            .Select(s => new DirectoryPrincipal(Str(s, "id"), Str(s, "displayName"), Str(s, "appId"), "ServicePrincipal"))];

    /// <summary>Users, groups and service principals together.</summary>
    public async Task<IReadOnlyList<DirectoryPrincipal>> PrincipalsAsync(CancellationToken cancellationToken = default) =>
        [.. await UsersAsync(cancellationToken).ConfigureAwait(false), .. await GroupsAsync(cancellationToken).ConfigureAwait(false),
            .. await ServicePrincipalsAsync(cancellationToken).ConfigureAwait(false)];

    /// <summary>The app registrations of the tenant: object id, name and client id.</summary>
    public async Task<IReadOnlyList<(string Id, string DisplayName, string AppId)>> ApplicationsAsync(CancellationToken cancellationToken = default) =>
        [.. Items(await api.GetAsync(PortalApi.Graph, "/v1.0/applications", cancellationToken).ConfigureAwait(false))
            .Select(a => (Str(a, "id"), Str(a, "displayName"), Str(a, "appId")))];

    private static IEnumerable<JsonNode> Items(JsonNode? page) => (page?["value"] as JsonArray ?? []).OfType<JsonNode>();

    private static string Str(JsonNode node, string name) => (string?)node[name] ?? "";
}
