using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Doppel.Identity.Tests.Support;

namespace Doppel.Identity.Tests.Graph;

/// <summary>The Graph v1.0 subset on a real server: protected by Graph tokens, Graph's error shape, secrets shown once.</summary>
public sealed class GraphApiTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    private static void AssertGraphError(HttpStatusCode status, JsonObject? body, HttpStatusCode expected, string code)
    {
        Assert.True(status == expected, $"expected {(int)expected}, got {(int)status}: {body?.ToJsonString()}");
        var error = body!["error"]!;
        Assert.Equal(code, (string?)error["code"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
        Assert.True(Guid.TryParse((string?)error["innerError"]!["request-id"], out _));
        Assert.NotNull(error["innerError"]!["date"]);
    }

    [Fact]
    public async Task Graph_without_a_token_or_with_a_token_for_another_resource_answers_401_InvalidAuthenticationToken()
    {
        var adt = await Server.AdminTokenAsync("https://digitaltwins.azure.net/.default");

        var (noneStatus, none) = await Server.GraphAsync(HttpMethod.Get, "me", null);
        var (otherStatus, other) = await Server.GraphAsync(HttpMethod.Get, "me", adt);
        var (garbageStatus, garbage) = await Server.GraphAsync(HttpMethod.Get, "users", "not.a.jwt");

        AssertGraphError(noneStatus, none, HttpStatusCode.Unauthorized, "InvalidAuthenticationToken");
        AssertGraphError(otherStatus, other, HttpStatusCode.Unauthorized, "InvalidAuthenticationToken");
        AssertGraphError(garbageStatus, garbage, HttpStatusCode.Unauthorized, "InvalidAuthenticationToken");
    }

    [Fact]
    public async Task Me_is_the_signed_in_user_without_any_stored_secret()
    {
        var token = await Server.AdminTokenAsync();

        var (status, me) = await Server.GraphAsync(HttpMethod.Get, "me", token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(IdentityServer.AdminName, (string?)me!["userPrincipalName"]);
        Assert.Equal("https://graph.microsoft.com/v1.0/$metadata#users/$entity", (string?)me["@odata.context"]);
        Assert.Null(me["passwordHash"]);
        Assert.Null(me["failedSignIns"]);
    }

    [Fact]
    public async Task A_second_user_with_the_same_sign_in_name_is_refused_with_Graphs_duplicate_code()
    {
        var token = await Server.AdminTokenAsync();
        var user = new { userPrincipalName = "dup@doppel.local", displayName = "Dup", accountEnabled = true, passwordProfile = new { password = "Dup-Passw0rd1" } };

        var (firstStatus, first) = await Server.GraphAsync(HttpMethod.Post, "users", token, user);
        var (secondStatus, second) = await Server.GraphAsync(HttpMethod.Post, "users", token, user);

        Assert.True(firstStatus == HttpStatusCode.Created, first?.ToJsonString());
        AssertGraphError(secondStatus, second, HttpStatusCode.BadRequest, "Request_MultipleObjectsWithSameKeyValue");
    }

    [Fact]
    public async Task A_client_secret_is_shown_by_addPassword_only_and_never_logged()
    {
        var (appId, objectId, secret) = await Server.RegisterAppAsync("secret-once");
        var token = await Server.AdminTokenAsync();

        var (status, app) = await Server.GraphAsync(HttpMethod.Get, $"applications/{objectId}", token);
        var (_, list) = await Server.GraphAsync(HttpMethod.Get, "applications", token);
        await Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = appId, ["client_secret"] = secret, ["scope"] = "https://digitaltwins.azure.net/.default",
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var credential = app!["passwordCredentials"]![0]!;
        Assert.Null((string?)credential["secretText"]);
        Assert.Null(credential["secretHash"]);
        Assert.Equal(secret[..3], (string?)credential["hint"]);
        Assert.DoesNotContain(secret, list!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Server.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal) || line.Contains(IdentityServer.AdminPassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_user_who_is_not_an_administrator_cannot_register_apps()
    {
        var admin = await Server.AdminTokenAsync();
        await Server.GraphAsync(HttpMethod.Post, "users", admin, new { userPrincipalName = "member@doppel.local", displayName = "Member", passwordProfile = new { password = "Member-Passw0rd" } });
        var (_, body) = await Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = IdentityServer.CliClientId, ["username"] = "member@doppel.local", ["password"] = "Member-Passw0rd",
            ["scope"] = "https://graph.microsoft.com/.default",
        });

        var (status, error) = await Server.GraphAsync(HttpMethod.Post, "applications", (string)body["access_token"]!, new { displayName = "nope" });
        var (meStatus, _) = await Server.GraphAsync(HttpMethod.Get, "me", (string)body["access_token"]!);

        AssertGraphError(status, error, HttpStatusCode.Forbidden, "Authorization_RequestDenied");
        Assert.Equal(HttpStatusCode.OK, meStatus);
    }

    [Fact]
    public async Task An_app_with_the_Application_ReadWrite_All_role_registers_apps_and_one_without_it_may_not()
    {
        var admin = await Server.AdminTokenAsync();
        var (appId, _, secret) = await Server.RegisterAppAsync("automation");
        async Task<string> AppTokenAsync() => (string)(await Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = appId, ["client_secret"] = secret, ["scope"] = "https://graph.microsoft.com/.default",
        })).Body["access_token"]!;

        var (beforeStatus, before) = await Server.GraphAsync(HttpMethod.Post, "applications", await AppTokenAsync(), new { displayName = "made-by-automation" });
        var (_, client) = await Server.GraphAsync(HttpMethod.Get, $"servicePrincipals/{appId}", admin);
        var (_, graph) = await Server.GraphAsync(HttpMethod.Get, "servicePrincipals/00000003-0000-0000-c000-000000000000", admin);
        var (assignStatus, assignment) = await Server.GraphAsync(HttpMethod.Post, $"servicePrincipals/{client!["id"]}/appRoleAssignments", admin,
            new { principalId = (string)client["id"]!, resourceId = (string)graph!["id"]!, appRoleId = "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9" });
        var (afterStatus, after) = await Server.GraphAsync(HttpMethod.Post, "applications", await AppTokenAsync(), new { displayName = "made-by-automation" });

        AssertGraphError(beforeStatus, before, HttpStatusCode.Forbidden, "Authorization_RequestDenied");
        Assert.True(assignStatus == HttpStatusCode.Created, assignment?.ToJsonString());
        Assert.True(afterStatus == HttpStatusCode.Created, after?.ToJsonString());
    }

    [Fact]
    public async Task Manifest_edits_are_validated_and_bad_bodies_get_400_not_500()
    {
        var token = await Server.AdminTokenAsync();
        var (_, objectId, _) = await Server.RegisterAppAsync("editable");

        var (goodStatus, _) = await Server.GraphAsync(HttpMethod.Patch, $"applications/{objectId}", token, new { publicClient = new { redirectUris = new[] { "http://localhost" } }, isFallbackPublicClient = true });
        var (badStatus, bad) = await Server.GraphAsync(HttpMethod.Patch, $"applications/{objectId}", token, new { appId = Guid.NewGuid() });
        var (typeStatus, typeError) = await Server.GraphAsync(HttpMethod.Patch, $"applications/{objectId}", token, new { identifierUris = "not-a-list" });
        using var malformed = new HttpRequestMessage(HttpMethod.Post, new Uri(Server.Origin, "v1.0/applications")) { Content = new StringContent("{not json", Encoding.UTF8, "application/json") };
        malformed.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var malformedResponse = await Server.Client.Http.SendAsync(malformed);
        var (_, app) = await Server.GraphAsync(HttpMethod.Get, $"applications/{objectId}", token);
        var (missingStatus, missing) = await Server.GraphAsync(HttpMethod.Get, $"applications/{Guid.NewGuid()}", token);

        Assert.Equal(HttpStatusCode.NoContent, goodStatus);
        AssertGraphError(badStatus, bad, HttpStatusCode.BadRequest, "Request_BadRequest");
        Assert.Equal(HttpStatusCode.BadRequest, typeStatus);
        Assert.NotNull(typeError!["error"]);
        Assert.Equal(HttpStatusCode.BadRequest, malformedResponse.StatusCode);
        Assert.True((bool)app!["isFallbackPublicClient"]!);
        AssertGraphError(missingStatus, missing, HttpStatusCode.NotFound, "Request_ResourceNotFound");
    }

    [Fact]
    public async Task Groups_get_members_from_the_tenant_only()
    {
        var token = await Server.AdminTokenAsync();
        var (_, me) = await Server.GraphAsync(HttpMethod.Get, "me", token);

        var (createStatus, group) = await Server.GraphAsync(HttpMethod.Post, "groups", token, new { displayName = "Operators", mailNickname = "operators", securityEnabled = true, mailEnabled = false });
        var (addStatus, _) = await Server.GraphAsync(HttpMethod.Post, $"groups/{group!["id"]}/members/$ref", token, new Dictionary<string, string> { ["@odata.id"] = $"https://graph.microsoft.com/v1.0/directoryObjects/{me!["id"]}" });
        var (strangerStatus, stranger) = await Server.GraphAsync(HttpMethod.Post, $"groups/{group["id"]}/members/$ref", token, new Dictionary<string, string> { ["@odata.id"] = $"https://graph.microsoft.com/v1.0/directoryObjects/{Guid.NewGuid()}" });
        var (_, read) = await Server.GraphAsync(HttpMethod.Get, $"groups/{group["id"]}", token);

        Assert.Equal(HttpStatusCode.Created, createStatus);
        Assert.Equal(HttpStatusCode.NoContent, addStatus);
        AssertGraphError(strangerStatus, stranger, HttpStatusCode.NotFound, "Request_ResourceNotFound");
        Assert.Equal([(string)me["id"]!], read!["members"]!.AsArray().Select(m => (string)m!));
    }
}

/// <summary>Finding the Azure Digital Twins API among the service principals, as the portal's "APIs my organization uses" search does.</summary>
public sealed class GraphSearchTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Theory]
    [InlineData("servicePrincipals?$search=\"displayName:azure digital twins\"")]
    [InlineData("servicePrincipals?$search=\"displayName:smart spaces\"")]
    [InlineData("servicePrincipals?$filter=appId eq '0b07f429-9f4b-4714-9392-cc5e8e80c8b0'")]
    [InlineData("servicePrincipals?$filter=startswith(displayName,'Azure Digital')")]
    public async Task The_Azure_Digital_Twins_API_is_found_by_name_former_name_and_app_id(string query)
    {
        var token = await Server.AdminTokenAsync();

        var (status, body) = await Server.GraphAsync(HttpMethod.Get, query, token);

        Assert.Equal(HttpStatusCode.OK, status);
        var found = Assert.Single(body!["value"]!.AsArray());
        Assert.Equal("0b07f429-9f4b-4714-9392-cc5e8e80c8b0", (string?)found!["appId"]);
        Assert.Equal("Azure Digital Twins", (string?)found["displayName"]);
    }

    [Fact]
    public async Task An_unsupported_filter_is_a_400_not_an_empty_list()
    {
        var token = await Server.AdminTokenAsync();

        var (status, body) = await Server.GraphAsync(HttpMethod.Get, "servicePrincipals?$filter=accountEnabled eq true", token);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Request_UnsupportedQuery", (string?)body!["error"]!["code"]);
    }

    [Fact]
    public async Task Sign_out_returns_only_to_a_registered_redirect_URI()
    {
        await Server.RegisterAppAsync("signout", new { web = new { redirectUris = new[] { "https://app.example/signed-out" } } });
        using var browser = new Doppel.Server.Tests.Support.TrustingClient(Server.CaPath, followRedirects: false);

        using var registered = await browser.Http.GetAsync(new Uri(Server.Origin, $"{Server.TenantId}/oauth2/v2.0/logout?post_logout_redirect_uri={Uri.EscapeDataString("https://app.example/signed-out")}&state=s1"));
        using var foreign = await browser.Http.GetAsync(new Uri(Server.Origin, $"{Server.TenantId}/oauth2/v2.0/logout?post_logout_redirect_uri={Uri.EscapeDataString("https://evil.example/")}"));

        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Equal("https://app.example/signed-out?state=s1", registered.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, foreign.StatusCode);
        Assert.Null(foreign.Headers.Location);
    }
}

/// <summary>Consent: administrators for everyone, users for themselves where the tenant allows it.</summary>
public sealed class ConsentTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task A_user_consents_for_themselves_to_Read_Write_and_then_gets_a_token_but_not_for_others()
    {
        var adt = "0b07f429-9f4b-4714-9392-cc5e8e80c8b0";
        var admin = await Server.AdminTokenAsync();
        var (_, other) = await Server.GraphAsync(HttpMethod.Post, "users", admin, new { userPrincipalName = "other@doppel.local", displayName = "Other", passwordProfile = new { password = "Other-Passw0rd" } });
        var (_, user) = await Server.GraphAsync(HttpMethod.Post, "users", admin, new { userPrincipalName = "self@doppel.local", displayName = "Self", passwordProfile = new { password = "Self-Passw0rd" } });
        var (appId, _, _) = await Server.RegisterAppAsync("self-consent", new
        {
            isFallbackPublicClient = true,
            requiredResourceAccess = new[] { new { resourceAppId = adt, resourceAccess = new[] { new { id = "4589bd03-58cb-4e6c-b17f-b580e39652f8", type = "Scope" } } } },
        });
        var (_, client) = await Server.GraphAsync(HttpMethod.Get, $"servicePrincipals/{appId}", admin);
        var (_, resource) = await Server.GraphAsync(HttpMethod.Get, $"servicePrincipals/{adt}", admin);
        var (_, userTokens) = await Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = IdentityServer.CliClientId, ["username"] = "self@doppel.local", ["password"] = "Self-Passw0rd",
            ["scope"] = "https://graph.microsoft.com/User.Read",
        });
        var userGraph = (string)userTokens["access_token"]!;
        object Grant(string principalId) => new { clientId = (string)client!["id"]!, consentType = "Principal", principalId, resourceId = (string)resource!["id"]!, scope = "Read.Write" };

        var (forOtherStatus, _) = await Server.GraphAsync(HttpMethod.Post, "oauth2PermissionGrants", userGraph, Grant((string)other!["id"]!));
        var (forAllStatus, _) = await Server.GraphAsync(HttpMethod.Post, "oauth2PermissionGrants", userGraph,
            new { clientId = (string)client!["id"]!, consentType = "AllPrincipals", resourceId = (string)resource!["id"]!, scope = "Read.Write" });
        var (selfStatus, self) = await Server.GraphAsync(HttpMethod.Post, "oauth2PermissionGrants", userGraph, Grant((string)user!["id"]!));
        Dictionary<string, string> Ropc(string name, string password) => new()
        {
            ["grant_type"] = "password", ["client_id"] = appId, ["username"] = name, ["password"] = password, ["scope"] = "https://digitaltwins.azure.net/.default",
        };
        var (selfTokenStatus, _) = await Server.TokenAsync(Ropc("self@doppel.local", "Self-Passw0rd"));
        var (otherTokenStatus, otherToken) = await Server.TokenAsync(Ropc("other@doppel.local", "Other-Passw0rd"));

        Assert.Equal(HttpStatusCode.Forbidden, forOtherStatus);
        Assert.Equal(HttpStatusCode.Forbidden, forAllStatus);
        Assert.True(selfStatus == HttpStatusCode.Created, self?.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, selfTokenStatus);
        Assert.Equal(HttpStatusCode.BadRequest, otherTokenStatus);
        Assert.Equal(65001, (int)otherToken["error_codes"]![0]!);
    }
}

/// <summary>Hostile manifests and bodies get 400s, never 500s, and leave the app usable.</summary>
public sealed class GraphBadInputTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Theory]
    [InlineData("""{"requiredResourceAccess":[{"resourceAppId":"0b07f429-9f4b-4714-9392-cc5e8e80c8b0","resourceAccess":[null]}]}""")]
    [InlineData("""{"requiredResourceAccess":[null]}""")]
    [InlineData("""{"publicClient":{"redirectUris":[null]}}""")]
    [InlineData("""{"identifierUris":[null]}""")]
    [InlineData("""{"api":{"requestedAccessTokenVersion":"two"}}""")]
    [InlineData("""{"api":{"requestedAccessTokenVersion":7}}""")]
    [InlineData("""{"appRoles":[{"id":"not-a-guid","value":"x"}]}""")]
    [InlineData("""{"signInAudience":"AzureADandPersonalMicrosoftAccount"}""")]
    [InlineData("""{"displayName":""}""")]
    [InlineData("""{"web":{"redirectUris":["javascript:alert(1)"]}}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""{"displayName":""" + "\"" + "x" + "\"" + ""","id":"00000000-0000-0000-0000-000000000000"}""")]
    public async Task A_bad_manifest_edit_is_a_400_and_the_app_still_issues_tokens(string body)
    {
        var (appId, objectId, secret) = await Server.RegisterAppAsync("hostile");
        var token = await Server.AdminTokenAsync();

        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(Server.Origin, $"v1.0/applications/{objectId}"))
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await Server.Client.Http.SendAsync(request);
        var (tokenStatus, tokenBody) = await Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = appId, ["client_secret"] = secret, ["scope"] = "https://digitaltwins.azure.net/.default",
        });

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.True(tokenStatus == HttpStatusCode.OK, tokenBody.ToJsonString());
    }

    [Theory]
    [InlineData("grant_type=client_credentials&client_id=&scope=x")]
    [InlineData("grant_type=password&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&scope=https://digitaltwins.azure.net/.default")]
    [InlineData("grant_type=refresh_token&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&refresh_token=garbage")]
    [InlineData("grant_type=authorization_code&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&code=garbage&redirect_uri=http://localhost")]
    [InlineData("grant_type=device_code&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&device_code=garbage&scope=https://digitaltwins.azure.net/.default")]
    [InlineData("grant_type=client_credentials&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&client_secret=x&scope=%2F%2F%2F.default")]
    public async Task Garbage_token_requests_get_Entra_shaped_4xx(string form)
    {
        using var content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await Server.Client.Http.PostAsync(new Uri(Server.Origin, $"{Server.TenantId}/oauth2/v2.0/token"), content);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.NotNull((string?)body["error"]);
        Assert.NotEmpty(body["error_codes"]!.AsArray());
    }
}
