using System.Text.Json.Nodes;
using static Doppel.Portal.Services.JsonReading;

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

    /// <summary>The app registrations of the tenant.</summary>
    public async Task<IReadOnlyList<AppSummary>> ApplicationsAsync(CancellationToken cancellationToken = default) =>
        [.. Items(await api.GetAsync(PortalApi.Graph, "/v1.0/applications", cancellationToken).ConfigureAwait(false))
            .Select(a => new AppSummary(Str(a, "id"), Str(a, "displayName"), Str(a, "appId"), Date(a, "createdDateTime")))];

    /// <summary>The tenant the person signed in to.</summary>
    public async Task<OrganizationInfo> OrganizationAsync(CancellationToken cancellationToken = default)
    {
        var organization = Items(await api.GetAsync(PortalApi.Graph, "/v1.0/organization", cancellationToken).ConfigureAwait(false)).First();
        var domains = (organization["verifiedDomains"] as JsonArray ?? []).OfType<JsonNode>().ToList();
        var primary = domains.FirstOrDefault(d => (bool?)d["isDefault"] == true) ?? domains.FirstOrDefault();
        return new OrganizationInfo(Str(organization, "id"), Str(organization, "displayName"), primary is null ? "" : Str(primary, "name"));
    }

    /// <summary>One user (by object id or user principal name), as Graph returns it.</summary>
    public async Task<JsonNode> UserAsync(string id, CancellationToken cancellationToken = default) =>
        (await api.GetAsync(PortalApi.Graph, $"/v1.0/users/{Uri.EscapeDataString(id)}", cancellationToken).ConfigureAwait(false))!;

    /// <summary>Creates a user with a password; returns its object id.</summary>
    public async Task<string> CreateUserAsync(string userPrincipalName, string displayName, string password, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject
        {
            ["accountEnabled"] = true,
            ["displayName"] = displayName,
            ["mailNickname"] = userPrincipalName.Split('@')[0],
            ["userPrincipalName"] = userPrincipalName,
            ["passwordProfile"] = new JsonObject { ["forceChangePasswordNextSignIn"] = false, ["password"] = password },
        };
        return Str((await api.SendAsync(PortalApi.Graph, HttpMethod.Post, "/v1.0/users", body, cancellationToken: cancellationToken).ConfigureAwait(false)).Body!, "id");
    }

    /// <summary>One group.</summary>
    public async Task<JsonNode> GroupAsync(string id, CancellationToken cancellationToken = default) =>
        (await api.GetAsync(PortalApi.Graph, $"/v1.0/groups/{Uri.EscapeDataString(id)}", cancellationToken).ConfigureAwait(false))!;

    /// <summary>Creates a security group; returns its object id.</summary>
    public async Task<string> CreateGroupAsync(string displayName, string mailNickname, string? description, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject
        {
            ["displayName"] = displayName,
            ["mailNickname"] = mailNickname,
            ["description"] = description,
            ["securityEnabled"] = true,
            ["mailEnabled"] = false,
        };
        return Str((await api.SendAsync(PortalApi.Graph, HttpMethod.Post, "/v1.0/groups", body, cancellationToken: cancellationToken).ConfigureAwait(false)).Body!, "id");
    }

    /// <summary>A group's direct members.</summary>
    public async Task<IReadOnlyList<DirectoryPrincipal>> MembersAsync(string groupId, CancellationToken cancellationToken = default) =>
        [.. Items(await api.GetAsync(PortalApi.Graph, $"/v1.0/groups/{Uri.EscapeDataString(groupId)}/members", cancellationToken).ConfigureAwait(false))
            .Select(m => (string?)m["@odata.type"] switch
            {
                "#microsoft.graph.user" => new DirectoryPrincipal(Str(m, "id"), Str(m, "displayName"), Str(m, "userPrincipalName"), "User"),
                "#microsoft.graph.group" => new DirectoryPrincipal(Str(m, "id"), Str(m, "displayName"), Str(m, "description"), "Group"),
                _ => new DirectoryPrincipal(Str(m, "id"), Str(m, "displayName"), Str(m, "appId"), "ServicePrincipal"),
            })];

    /// <summary>Adds a user, group or service principal to a group.</summary>
    public Task AddMemberAsync(string groupId, string memberId, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.Graph, HttpMethod.Post, $"/v1.0/groups/{Uri.EscapeDataString(groupId)}/members/$ref",
            new JsonObject { ["@odata.id"] = $"https://graph.microsoft.com/v1.0/directoryObjects/{memberId}" }, cancellationToken: cancellationToken);

    /// <summary>An app registration (its manifest), without the OData annotations.</summary>
    public async Task<JsonObject> ApplicationAsync(string id, CancellationToken cancellationToken = default)
    {
        var app = (await api.GetAsync(PortalApi.Graph, $"/v1.0/applications/{Uri.EscapeDataString(id)}", cancellationToken).ConfigureAwait(false))!.AsObject();
        foreach (var annotation in app.Select(p => p.Key).Where(k => k.StartsWith("@odata", StringComparison.Ordinal)).ToList())
        {
            app.Remove(annotation);
        }

        return app;
    }

    /// <summary>Registers an app; returns it as Graph created it.</summary>
    public async Task<JsonObject> CreateApplicationAsync(JsonObject manifest, CancellationToken cancellationToken = default) =>
        (await api.SendAsync(PortalApi.Graph, HttpMethod.Post, "/v1.0/applications", manifest, cancellationToken: cancellationToken).ConfigureAwait(false)).Body!.AsObject();

    /// <summary>Deletes an app registration.</summary>
    public Task DeleteApplicationAsync(string id, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.Graph, HttpMethod.Delete, $"/v1.0/applications/{Uri.EscapeDataString(id)}", null, cancellationToken: cancellationToken);

    /// <summary>Changes properties of an app registration (only those in <paramref name="changes"/>).</summary>
    public Task UpdateApplicationAsync(string id, JsonObject changes, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.Graph, HttpMethod.Patch, $"/v1.0/applications/{Uri.EscapeDataString(id)}", changes, cancellationToken: cancellationToken);

    /// <summary>Adds a client secret; the answer carries its value (<c>secretText</c>), the only time it is shown.</summary>
    public async Task<JsonObject> AddPasswordAsync(string id, string? description, DateTimeOffset expires, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["passwordCredential"] = new JsonObject { ["displayName"] = description, ["endDateTime"] = expires } };
        return (await api.SendAsync(PortalApi.Graph, HttpMethod.Post, $"/v1.0/applications/{Uri.EscapeDataString(id)}/addPassword", body, cancellationToken: cancellationToken).ConfigureAwait(false)).Body!.AsObject();
    }

    /// <summary>Removes a client secret.</summary>
    public Task RemovePasswordAsync(string id, string keyId, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.Graph, HttpMethod.Post, $"/v1.0/applications/{Uri.EscapeDataString(id)}/removePassword", new JsonObject { ["keyId"] = keyId }, cancellationToken: cancellationToken);

    /// <summary>Creates an app's service principal (its identity in this tenant).</summary>
    public async Task<ApiInfo> CreateServicePrincipalAsync(string appId, CancellationToken cancellationToken = default) =>
        Api((await api.SendAsync(PortalApi.Graph, HttpMethod.Post, "/v1.0/servicePrincipals", new JsonObject { ["appId"] = appId }, cancellationToken: cancellationToken).ConfigureAwait(false)).Body!);

    /// <summary>A service principal by object id or app id, with the permissions its API publishes; null when there is none.</summary>
    public async Task<ApiInfo?> ServicePrincipalAsync(string idOrAppId, CancellationToken cancellationToken = default)
    {
        try
        {
            return Api((await api.GetAsync(PortalApi.Graph, $"/v1.0/servicePrincipals/{Uri.EscapeDataString(idOrAppId)}", cancellationToken).ConfigureAwait(false))!);
        }
        catch (PortalApiException ex) when (ex.Status == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Service principals whose name (or former name) holds every word of <paramref name="text"/>, by Graph's <c>$search</c>.</summary>
    public async Task<IReadOnlyList<ApiInfo>> SearchServicePrincipalsAsync(string text, CancellationToken cancellationToken = default)
    {
        // Graph's $search takes the quoted "property:words" form; quotes inside the words would end it early.
        var words = text.Replace("\"", "", StringComparison.Ordinal).Trim();
        var path = words.Length == 0 ? "/v1.0/servicePrincipals" : "/v1.0/servicePrincipals?$search=" + Uri.EscapeDataString($"\"displayName:{words}\"");
        return [.. Items(await api.GetAsync(PortalApi.Graph, path, cancellationToken).ConfigureAwait(false)).Select(Api)];
    }

    /// <summary>The tenant's delegated permission grants.</summary>
    public async Task<IReadOnlyList<PermissionGrantInfo>> GrantsAsync(CancellationToken cancellationToken = default) =>
        [.. Items(await api.GetAsync(PortalApi.Graph, "/v1.0/oauth2PermissionGrants", cancellationToken).ConfigureAwait(false))
            .Select(g => new PermissionGrantInfo(Str(g, "id"), Str(g, "clientId"), Str(g, "consentType"), Str(g, "resourceId"), Str(g, "scope")))];

    /// <summary>Grants delegated permissions of a resource to a client for every user of the tenant (admin consent).</summary>
    public Task GrantForEveryoneAsync(string clientSpId, string resourceSpId, string scope, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.Graph, HttpMethod.Post, "/v1.0/oauth2PermissionGrants",
            new JsonObject { ["clientId"] = clientSpId, ["consentType"] = "AllPrincipals", ["resourceId"] = resourceSpId, ["scope"] = scope }, cancellationToken: cancellationToken);

    /// <summary>Replaces the scopes of a delegated permission grant.</summary>
    public Task UpdateGrantScopeAsync(string grantId, string scope, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.Graph, HttpMethod.Patch, $"/v1.0/oauth2PermissionGrants/{Uri.EscapeDataString(grantId)}", new JsonObject { ["scope"] = scope }, cancellationToken: cancellationToken);

    /// <summary>The application permissions (app role ids by resource service principal) granted to a service principal.</summary>
    public async Task<IReadOnlyList<(string ResourceId, string AppRoleId)>> AppRoleAssignmentsAsync(string spId, CancellationToken cancellationToken = default) =>
        [.. Items(await api.GetAsync(PortalApi.Graph, $"/v1.0/servicePrincipals/{Uri.EscapeDataString(spId)}/appRoleAssignments", cancellationToken).ConfigureAwait(false))
            .Select(a => (Str(a, "resourceId"), Str(a, "appRoleId")))];

    /// <summary>Grants an application permission (an app role of a resource) to a service principal.</summary>
    public Task AssignAppRoleAsync(string spId, string resourceSpId, string appRoleId, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.Graph, HttpMethod.Post, $"/v1.0/servicePrincipals/{Uri.EscapeDataString(spId)}/appRoleAssignments",
            new JsonObject { ["principalId"] = spId, ["resourceId"] = resourceSpId, ["appRoleId"] = appRoleId }, cancellationToken: cancellationToken);

    private static ApiInfo Api(JsonNode sp) => new(
        Str(sp, "id"), Str(sp, "appId"), Str(sp, "displayName"), (string?)sp["appOwnerOrganizationId"],
        [.. (sp["oauth2PermissionScopes"] as JsonArray ?? []).OfType<JsonNode>().Where(s => (bool?)s["isEnabled"] != false)
            .Select(s => new ApiPermissionInfo(Str(s, "id"), Str(s, "value"), PermissionKind.Delegated, Str(s, "adminConsentDisplayName"), Str(s, "type") == "Admin"))],
        [.. (sp["appRoles"] as JsonArray ?? []).OfType<JsonNode>()
            .Where(r => (bool?)r["isEnabled"] != false && (r["allowedMemberTypes"] as JsonArray ?? []).Any(t => (string?)t == "Application"))
            .Select(r => new ApiPermissionInfo(Str(r, "id"), Str(r, "value"), PermissionKind.Application, Str(r, "displayName"), AdminConsentRequired: true))]);

    private static DateTimeOffset? Date(JsonNode node, string name) =>
        DateTimeOffset.TryParse((string?)node[name], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var value) ? value : null;
}
