using System.Net;
using Doppel.Identity.Tests.Support;

namespace Doppel.Identity.Tests.Graph;

/// <summary>The Graph reads the portal's directory pages depend on: the organization, a group's members, an API's published permissions.</summary>
public sealed class GraphDirectoryPagesTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task Organization_lists_the_callers_tenant_with_its_default_domain()
    {
        var token = await Server.AdminTokenAsync();

        var (status, body) = await Server.GraphAsync(HttpMethod.Get, "organization", token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("https://graph.microsoft.com/v1.0/$metadata#organization", (string?)body!["@odata.context"]);
        var organization = Assert.Single(body["value"]!.AsArray())!;
        Assert.Equal(Server.TenantId, (string?)organization["id"]);
        Assert.False(string.IsNullOrEmpty((string?)organization["displayName"]));
        var domain = Assert.Single(organization["verifiedDomains"]!.AsArray())!;
        Assert.True((bool)domain["isDefault"]!);
        Assert.Equal(IdentityServer.AdminName.Split('@')[1], (string?)domain["name"]);
    }

    [Fact]
    public async Task Group_members_are_directory_objects_typed_by_odata_type()
    {
        var token = await Server.AdminTokenAsync();
        var (_, group) = await Server.GraphAsync(HttpMethod.Post, "groups", token, new { displayName = "Operators", mailNickname = "operators", securityEnabled = true, mailEnabled = false });
        var (_, user) = await Server.GraphAsync(HttpMethod.Post, "users", token, new { userPrincipalName = "operator@doppel.local", displayName = "Operator", passwordProfile = new { password = "Operat0r-Passw0rd" } });
        var (_, appObjectId, _) = await Server.RegisterAppAsync("operator-app");
        var (_, app) = await Server.GraphAsync(HttpMethod.Get, $"applications/{appObjectId}", token);
        var (_, sp) = await Server.GraphAsync(HttpMethod.Get, $"servicePrincipals/{app!["appId"]}", token);
        await Server.GraphAsync(HttpMethod.Post, $"groups/{group!["id"]}/members/$ref", token, new Dictionary<string, string> { ["@odata.id"] = $"https://graph.microsoft.com/v1.0/directoryObjects/{user!["id"]}" });
        await Server.GraphAsync(HttpMethod.Post, $"groups/{group["id"]}/members/$ref", token, new Dictionary<string, string> { ["@odata.id"] = $"https://graph.microsoft.com/v1.0/directoryObjects/{sp!["id"]}" });

        var (status, members) = await Server.GraphAsync(HttpMethod.Get, $"groups/{group["id"]}/members", token);
        var (missingStatus, _) = await Server.GraphAsync(HttpMethod.Get, $"groups/{Guid.NewGuid()}/members", token);

        Assert.Equal(HttpStatusCode.OK, status);
        var list = members!["value"]!.AsArray();
        Assert.Equal(2, list.Count);
        Assert.Contains(list, m => (string?)m!["@odata.type"] == "#microsoft.graph.user" && (string?)m["userPrincipalName"] == "operator@doppel.local" && m["passwordHash"] is null);
        Assert.Contains(list, m => (string?)m!["@odata.type"] == "#microsoft.graph.servicePrincipal" && (string?)m["appId"] == (string?)app["appId"]);
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
    }

    [Fact]
    public async Task A_service_principal_carries_the_delegated_and_application_permissions_its_API_publishes()
    {
        var token = await Server.AdminTokenAsync();

        var (_, found) = await Server.GraphAsync(HttpMethod.Get, "servicePrincipals?$search=\"displayName:digital twins\"", token);
        var (_, graph) = await Server.GraphAsync(HttpMethod.Get, "servicePrincipals/00000003-0000-0000-c000-000000000000", token);

        var adt = Assert.Single(found!["value"]!.AsArray())!;
        var scope = Assert.Single(adt["oauth2PermissionScopes"]!.AsArray())!;
        Assert.Equal("Read.Write", (string?)scope["value"]);
        Assert.Equal("User", (string?)scope["type"]);
        Assert.True((bool)scope["isEnabled"]!);
        Assert.Empty(adt["appRoles"]!.AsArray());
        Assert.Contains(graph!["appRoles"]!.AsArray(), r => (string?)r!["value"] == "Application.ReadWrite.All" && (string?)r["allowedMemberTypes"]![0] == "Application");
    }

    [Fact]
    public async Task App_role_assignments_of_a_service_principal_are_listed_after_they_are_granted()
    {
        var token = await Server.AdminTokenAsync();
        var (appId, _, _) = await Server.RegisterAppAsync("role-holder");
        var (_, client) = await Server.GraphAsync(HttpMethod.Get, $"servicePrincipals/{appId}", token);
        var (_, graph) = await Server.GraphAsync(HttpMethod.Get, "servicePrincipals/00000003-0000-0000-c000-000000000000", token);
        var (_, before) = await Server.GraphAsync(HttpMethod.Get, $"servicePrincipals/{client!["id"]}/appRoleAssignments", token);
        await Server.GraphAsync(HttpMethod.Post, $"servicePrincipals/{client["id"]}/appRoleAssignments", token,
            new { principalId = (string)client["id"]!, resourceId = (string)graph!["id"]!, appRoleId = "7ab1d382-f21e-4acd-a863-ba3e13f7da61" });

        var (status, after) = await Server.GraphAsync(HttpMethod.Get, $"servicePrincipals/{client["id"]}/appRoleAssignments", token);

        Assert.Empty(before!["value"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, status);
        var assignment = Assert.Single(after!["value"]!.AsArray())!;
        Assert.Equal((string?)graph["id"], (string?)assignment["resourceId"]);
        Assert.Equal("7ab1d382-f21e-4acd-a863-ba3e13f7da61", (string?)assignment["appRoleId"]);
    }

    [Fact]
    public async Task A_grants_scopes_are_changed_by_PATCH_and_a_scope_the_API_does_not_publish_is_refused()
    {
        var token = await Server.AdminTokenAsync();
        var (appId, _, _) = await Server.RegisterAppAsync("grant-editor");
        var (_, client) = await Server.GraphAsync(HttpMethod.Get, $"servicePrincipals/{appId}", token);
        var (_, graph) = await Server.GraphAsync(HttpMethod.Get, "servicePrincipals/00000003-0000-0000-c000-000000000000", token);
        var (_, grant) = await Server.GraphAsync(HttpMethod.Post, "oauth2PermissionGrants", token,
            new { clientId = (string)client!["id"]!, consentType = "AllPrincipals", resourceId = (string)graph!["id"]!, scope = "User.Read" });

        var (status, _) = await Server.GraphAsync(HttpMethod.Patch, $"oauth2PermissionGrants/{grant!["id"]}", token, new { scope = "User.Read Directory.Read.All" });
        var (badStatus, bad) = await Server.GraphAsync(HttpMethod.Patch, $"oauth2PermissionGrants/{grant["id"]}", token, new { scope = "User.Read Nope.All" });
        var (_, grants) = await Server.GraphAsync(HttpMethod.Get, "oauth2PermissionGrants", token);

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Equal("Request_BadRequest", (string?)bad!["error"]!["code"]);
        Assert.Equal("User.Read Directory.Read.All", (string?)grants!["value"]!.AsArray().Single(g => (string?)g!["id"] == (string?)grant["id"])!["scope"]);
    }
}
