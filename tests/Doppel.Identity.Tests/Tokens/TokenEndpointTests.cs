using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Doppel.Identity.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Doppel.Identity.Tests.Tokens;

/// <summary>The token endpoint and discovery on a real server: Entra's shapes, claims and AADSTS errors.</summary>
public sealed class TokenEndpointTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    private static void AssertEntraError(HttpStatusCode status, JsonObject body, HttpStatusCode expectedStatus, string error, int code)
    {
        Assert.True(status == expectedStatus, $"expected {(int)expectedStatus}, got {(int)status}: {body.ToJsonString()}");
        Assert.Equal(error, (string?)body["error"]);
        Assert.Equal([code], body["error_codes"]!.AsArray().Select(n => (int)n!));
        Assert.StartsWith($"AADSTS{code}: ", (string?)body["error_description"], StringComparison.Ordinal);
        Assert.Contains("Trace ID: ", (string?)body["error_description"], StringComparison.Ordinal);
        Assert.True(Guid.TryParse((string?)body["correlation_id"], out _));
        Assert.NotNull(body["timestamp"]);
        Assert.NotNull(body["trace_id"]);
        Assert.Null(body["error_uri"]);
    }

    [Fact]
    public async Task Discovery_names_the_tenant_issuer_on_the_origin_the_client_used_and_the_endpoints_MSAL_needs()
    {
        var byDomain = await Server.Client.Http.GetFromJsonAsync<JsonObject>(new Uri(Server.Origin, "doppel.local/v2.0/.well-known/openid-configuration"));
        var byId = await Server.Client.Http.GetFromJsonAsync<JsonObject>(new Uri(Server.Origin, $"{Server.TenantId}/v2.0/.well-known/openid-configuration"));

        Assert.Equal($"{Server.OriginText}/{Server.TenantId}/v2.0", (string?)byDomain!["issuer"]);
        Assert.Equal((string?)byDomain["issuer"], (string?)byId!["issuer"]);
        Assert.Equal($"{Server.OriginText}/{Server.TenantId}/oauth2/v2.0/token", (string?)byId["token_endpoint"]);
        Assert.Equal($"{Server.OriginText}/{Server.TenantId}/oauth2/v2.0/authorize", (string?)byId["authorization_endpoint"]);
        Assert.Equal($"{Server.OriginText}/{Server.TenantId}/discovery/v2.0/keys", (string?)byId["jwks_uri"]);
        var keys = await Server.Client.Http.GetFromJsonAsync<JsonObject>(new Uri((string)byId["jwks_uri"]!));
        Assert.Contains(keys!["keys"]!.AsArray(), k => (string?)k!["kty"] == "RSA" && k["d"] is null);
    }

    [Fact]
    public async Task An_unknown_tenant_gets_AADSTS90002_on_discovery_and_token_endpoints()
    {
        using var discovery = await Server.Client.Http.GetAsync(new Uri(Server.Origin, "no-such.example/v2.0/.well-known/openid-configuration"));
        var (status, body) = await Server.TokenAsync(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }, tenant: Guid.NewGuid().ToString());

        AssertEntraError(discovery.StatusCode, JsonNode.Parse(await discovery.Content.ReadAsStringAsync())!.AsObject(), HttpStatusCode.BadRequest, "invalid_tenant", 90002);
        AssertEntraError(status, body, HttpStatusCode.BadRequest, "invalid_tenant", 90002);
    }

    [Fact]
    public async Task A_wrong_client_secret_gets_invalid_client_AADSTS7000215_with_401()
    {
        var (appId, _, _) = await Server.RegisterAppAsync("wrong-secret");

        var (status, body) = await Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = appId, ["client_secret"] = "not-the-secret", ["scope"] = "https://digitaltwins.azure.net/.default",
        });

        AssertEntraError(status, body, HttpStatusCode.Unauthorized, "invalid_client", 7000215);
    }

    [Fact]
    public async Task An_unknown_client_gets_unauthorized_client_AADSTS700016()
    {
        var (status, body) = await Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = Guid.NewGuid().ToString(), ["client_secret"] = "x", ["scope"] = "https://digitaltwins.azure.net/.default",
        });

        AssertEntraError(status, body, HttpStatusCode.BadRequest, "unauthorized_client", 700016);
    }

    [Fact]
    public async Task Client_credentials_without_a_default_scope_get_AADSTS1002012_and_an_unknown_resource_AADSTS500011()
    {
        var (appId, _, secret) = await Server.RegisterAppAsync("scopes");
        Dictionary<string, string> Form(string scope) => new() { ["grant_type"] = "client_credentials", ["client_id"] = appId, ["client_secret"] = secret, ["scope"] = scope };

        var (namedStatus, named) = await Server.TokenAsync(Form("https://digitaltwins.azure.net/Read.Write"));
        var (unknownStatus, unknown) = await Server.TokenAsync(Form("https://nothing.example/.default"));
        var (twoStatus, two) = await Server.TokenAsync(Form("https://digitaltwins.azure.net/.default https://graph.microsoft.com/.default"));

        AssertEntraError(namedStatus, named, HttpStatusCode.BadRequest, "invalid_scope", 1002012);
        AssertEntraError(unknownStatus, unknown, HttpStatusCode.BadRequest, "invalid_resource", 500011);
        AssertEntraError(twoStatus, two, HttpStatusCode.BadRequest, "invalid_scope", 28000);
    }

    [Fact]
    public async Task Requests_OpenIddict_refuses_itself_still_get_Entras_shape()
    {
        var (missingStatus, missing) = await Server.TokenAsync(new Dictionary<string, string> { ["client_id"] = IdentityServer.CliClientId });
        var (grantStatus, grant) = await Server.TokenAsync(new Dictionary<string, string> { ["grant_type"] = "urn:example:nothing", ["client_id"] = IdentityServer.CliClientId });

        AssertEntraError(missingStatus, missing, HttpStatusCode.BadRequest, "invalid_request", 900144);
        AssertEntraError(grantStatus, grant, HttpStatusCode.BadRequest, "unsupported_grant_type", 70003);
    }

    [Fact]
    public async Task A_client_credentials_token_carries_Entras_app_claims_and_opens_the_data_plane()
    {
        var (appId, _, secret) = await Server.RegisterAppAsync("daemon");

        var (status, body) = await Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = appId, ["client_secret"] = secret, ["scope"] = "https://digitaltwins.azure.net/.default",
            ["x-client-SKU"] = "test", ["claims"] = """{"access_token":{"xms_cc":{"values":["cp1"]}}}""",
        });
        var token = new JsonWebToken((string)body["access_token"]!);
        using var models = await Server.ListModelsAsync((string)body["access_token"]!);

        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("Bearer", (string?)body["token_type"]);
        Assert.InRange((int)body["expires_in"]!, 3000, 3600);
        Assert.Equal("JWT", token.Typ);
        Assert.Equal("RS256", token.Alg);
        Assert.Equal($"{Server.OriginText}/{Server.TenantId}/v2.0", token.Issuer);
        Assert.Equal(["https://digitaltwins.azure.net"], token.Audiences);
        Assert.Equal(Server.TenantId, token.GetClaim("tid").Value);
        Assert.Equal(appId, token.GetClaim("appid").Value);
        Assert.Equal("1", token.GetClaim("appidacr").Value);
        Assert.Equal("1.0", token.GetClaim("ver").Value);
        Assert.Equal("app", token.GetClaim("idtyp").Value);
        Assert.Equal(token.Subject, token.GetClaim("oid").Value);
        Assert.False(token.TryGetClaim("scope", out _));
        Assert.DoesNotContain(token.Claims, c => c.Type.StartsWith("oi_", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    [Fact]
    public async Task A_token_for_another_resource_is_refused_by_the_data_plane()
    {
        var graph = await Server.AdminTokenAsync();

        using var models = await Server.ListModelsAsync(graph);

        Assert.Equal(HttpStatusCode.Unauthorized, models.StatusCode);
    }

    [Fact]
    public async Task The_administrator_signs_in_with_the_password_grant_and_gets_user_tokens_with_id_token_client_info_and_refresh_token()
    {
        var (status, body) = await Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = IdentityServer.CliClientId, ["username"] = "ADMIN@doppel.local", ["password"] = IdentityServer.AdminPassword,
            ["scope"] = "https://digitaltwins.azure.net/.default openid profile offline_access", ["client_info"] = "1",
        });
        var access = new JsonWebToken((string)body["access_token"]!);
        var id = new JsonWebToken((string)body["id_token"]!);
        var clientInfo = JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode((string)body["client_info"]!))!;
        using var models = await Server.ListModelsAsync((string)body["access_token"]!);
        var (refreshStatus, refreshed) = await Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = IdentityServer.CliClientId, ["refresh_token"] = (string)body["refresh_token"]!,
            ["scope"] = "https://management.azure.com/.default openid offline_access",
        });

        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("Read.Write", access.GetClaim("scp").Value);
        Assert.Equal("user", access.GetClaim("idtyp").Value);
        Assert.Equal(IdentityServer.AdminName, access.GetClaim("upn").Value);
        Assert.Equal([IdentityServer.CliClientId], id.Audiences);
        Assert.Equal(access.GetClaim("oid").Value, id.GetClaim("oid").Value);
        Assert.Equal(IdentityServer.AdminName, id.GetClaim("preferred_username").Value);
        Assert.Equal("2.0", id.GetClaim("ver").Value);
        Assert.Equal(access.GetClaim("oid").Value, (string?)clientInfo["uid"]);
        Assert.Equal(Server.TenantId, (string?)clientInfo["utid"]);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.True(refreshStatus == HttpStatusCode.OK, refreshed.ToJsonString());
        Assert.Equal(["https://management.azure.com"], new JsonWebToken((string)refreshed["access_token"]!).Audiences);
    }

    [Fact]
    public async Task A_wrong_password_gets_AADSTS50126_and_an_unknown_user_the_same()
    {
        Dictionary<string, string> Form(string user) => new()
        {
            ["grant_type"] = "password", ["client_id"] = IdentityServer.CliClientId, ["username"] = user, ["password"] = "Wrong-Passw0rd", ["scope"] = "https://digitaltwins.azure.net/.default",
        };

        var (wrongStatus, wrong) = await Server.TokenAsync(Form(IdentityServer.AdminName));
        var (unknownStatus, unknown) = await Server.TokenAsync(Form("nobody@doppel.local"));

        AssertEntraError(wrongStatus, wrong, HttpStatusCode.BadRequest, "invalid_grant", 50126);
        AssertEntraError(unknownStatus, unknown, HttpStatusCode.BadRequest, "invalid_grant", 50126);
    }

    [Fact]
    public async Task Ten_wrong_passwords_at_the_token_endpoint_lock_the_user_out_with_AADSTS50053()
    {
        var admin = await Server.AdminTokenAsync();
        await Server.GraphAsync(HttpMethod.Post, "users", admin, new { userPrincipalName = "brute@doppel.local", displayName = "Brute", passwordProfile = new { password = "Right-Passw0rd" } });
        Dictionary<string, string> Form(string password) => new()
        {
            ["grant_type"] = "password", ["client_id"] = IdentityServer.CliClientId, ["username"] = "brute@doppel.local", ["password"] = password,
            ["scope"] = "https://digitaltwins.azure.net/.default",
        };

        for (var i = 0; i < 9; i++)
        {
            var (status, body) = await Server.TokenAsync(Form($"Guess-{i}-Passw0rd"));
            AssertEntraError(status, body, HttpStatusCode.BadRequest, "invalid_grant", 50126);
        }

        var (tenthStatus, tenth) = await Server.TokenAsync(Form("Guess-9-Passw0rd"));
        var (rightStatus, right) = await Server.TokenAsync(Form("Right-Passw0rd"));

        AssertEntraError(tenthStatus, tenth, HttpStatusCode.BadRequest, "invalid_grant", 50053);
        AssertEntraError(rightStatus, right, HttpStatusCode.BadRequest, "invalid_grant", 50053);
    }

    [Fact]
    public async Task A_public_client_without_consent_gets_AADSTS65001_and_after_admin_consent_gets_Read_Write()
    {
        var adt = "0b07f429-9f4b-4714-9392-cc5e8e80c8b0";
        var (appId, _, _) = await Server.RegisterAppAsync("public-tool", new
        {
            isFallbackPublicClient = true,
            requiredResourceAccess = new[] { new { resourceAppId = adt, resourceAccess = new[] { new { id = "4589bd03-58cb-4e6c-b17f-b580e39652f8", type = "Scope" } } } },
        });
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = appId, ["username"] = IdentityServer.AdminName, ["password"] = IdentityServer.AdminPassword,
            ["scope"] = "https://digitaltwins.azure.net/.default",
        };

        var (beforeStatus, before) = await Server.TokenAsync(form);
        var admin = await Server.AdminTokenAsync();
        var (_, client) = await Server.GraphAsync(HttpMethod.Get, $"servicePrincipals/{appId}", admin);
        var (_, resource) = await Server.GraphAsync(HttpMethod.Get, $"servicePrincipals/{adt}", admin);
        var (grantStatus, grant) = await Server.GraphAsync(HttpMethod.Post, "oauth2PermissionGrants", admin,
            new { clientId = (string)client!["id"]!, consentType = "AllPrincipals", resourceId = (string)resource!["id"]!, scope = "Read.Write" });
        var (afterStatus, after) = await Server.TokenAsync(form);

        AssertEntraError(beforeStatus, before, HttpStatusCode.BadRequest, "invalid_grant", 65001);
        Assert.True(grantStatus == HttpStatusCode.Created, grant?.ToJsonString());
        Assert.True(afterStatus == HttpStatusCode.OK, after.ToJsonString());
        Assert.Equal("Read.Write", new JsonWebToken((string)after["access_token"]!).GetClaim("scp").Value);
        Assert.Equal("0", new JsonWebToken((string)after["access_token"]!).GetClaim("appidacr").Value);
    }

    [Fact]
    public async Task A_confidential_client_without_a_secret_gets_AADSTS7000218()
    {
        var (appId, _, _) = await Server.RegisterAppAsync("confidential");

        var (status, body) = await Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = appId, ["scope"] = "https://digitaltwins.azure.net/.default",
        });

        AssertEntraError(status, body, HttpStatusCode.Unauthorized, "invalid_client", 7000218);
    }

    [Fact]
    public async Task Instance_discovery_is_answered_for_the_servers_own_host()
    {
        var body = await Server.Client.Http.GetFromJsonAsync<JsonObject>(new Uri(Server.Origin,
            $"common/discovery/instance?api-version=1.1&authorization_endpoint={Uri.EscapeDataString($"{Server.OriginText}/{Server.TenantId}/oauth2/v2.0/authorize")}"));

        Assert.Equal($"{Server.OriginText}/{Server.TenantId}/v2.0/.well-known/openid-configuration", (string?)body!["tenant_discovery_endpoint"]);
        Assert.Equal($"localhost:{Server.Port}", (string?)body["metadata"]![0]!["preferred_network"]);
    }
}
