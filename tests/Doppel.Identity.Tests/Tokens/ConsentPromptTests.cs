using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Web;
using Doppel.Identity.Tests.Support;
using Doppel.Server.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Doppel.Identity.Tests.Tokens;

/// <summary>
/// The consent prompt: after signing in on the authorization page (or the device-code page) to an app whose delegated
/// permissions the user has not consented to, a user who may consent sees "Permissions requested"; Accept records the
/// grant and continues, Cancel answers <c>access_denied</c> (AADSTS65004).
/// </summary>
public sealed partial class ConsentPromptTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private const string Adt = "0b07f429-9f4b-4714-9392-cc5e8e80c8b0";
    private const string ReadWrite = "4589bd03-58cb-4e6c-b17f-b580e39652f8";
    private const string GraphApi = "00000003-0000-0000-c000-000000000000";
    private const string DirectoryAccessAsUser = "0e263e50-5827-48a4-b97c-d940288653c7";
    private const string UserPassword = "User-Passw0rd!";
    private const string Redirect = "http://localhost:41300";
    private const string AdtScope = "https://digitaltwins.azure.net/.default openid profile offline_access";

    private IdentityServer Server => fixture.Server;

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private async Task<string> PublicAppAsync(string name, string resourceAppId = Adt, string permission = ReadWrite)
    {
        var (appId, _, _) = await Server.RegisterAppAsync(name, new
        {
            isFallbackPublicClient = true,
            publicClient = new { redirectUris = new[] { "http://localhost" } },
            requiredResourceAccess = new[] { new { resourceAppId, resourceAccess = new[] { new { id = permission, type = "Scope" } } } },
        });
        return appId;
    }

    private async Task<string> UserAsync(string name)
    {
        var admin = await Server.AdminTokenAsync();
        var (status, user) = await Server.GraphAsync(HttpMethod.Post, "users", admin,
            new { userPrincipalName = $"{name}@doppel.local", displayName = name, passwordProfile = new { password = UserPassword } });
        Assert.True(status == HttpStatusCode.Created, user?.ToJsonString());
        return $"{name}@doppel.local";
    }

    private Uri AuthorizeUri(string clientId, string challenge, string scope = AdtScope) =>
        new(Server.Origin, $"{Server.TenantId}/oauth2/v2.0/authorize?client_id={clientId}&response_type=code&response_mode=query"
            + $"&redirect_uri={Uri.EscapeDataString(Redirect)}&scope={Uri.EscapeDataString(scope)}&state=s1&code_challenge={challenge}&code_challenge_method=S256");

    /// <summary>Opens the authorization page and signs in; returns the response (a redirect, or the consent prompt).</summary>
    private static async Task<HttpResponseMessage> SignInAsync(TrustingClient browser, Uri authorize, string userName, string password)
    {
        var page = await browser.Http.GetAsync(authorize);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        var fields = Fields(html);
        fields["username"] = userName;
        fields["password"] = password;
        return await browser.Http.PostAsync(new Uri(authorize.GetLeftPart(UriPartial.Path)), new FormUrlEncodedContent(fields));
    }

    /// <summary>Presses a button of the consent prompt in <paramref name="html"/>.</summary>
    private static Task<HttpResponseMessage> AnswerAsync(TrustingClient browser, Uri page, string html, string decision, bool forOrganization = false)
    {
        var fields = Fields(html);
        fields["doppel_consent"] = decision;
        if (forOrganization)
        {
            fields["consent_org"] = "1";
        }

        return browser.Http.PostAsync(new Uri(page.GetLeftPart(UriPartial.Path)), new FormUrlEncodedContent(fields));
    }

    private static Dictionary<string, string> Fields(string html) =>
        HiddenField().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));

    private Task<(HttpStatusCode Status, JsonObject Body)> RedeemAsync(string clientId, Uri location, string verifier, string scope = AdtScope) =>
        Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = clientId, ["code"] = HttpUtility.ParseQueryString(location.Query)["code"] ?? string.Empty,
            ["code_verifier"] = verifier, ["redirect_uri"] = Redirect, ["scope"] = scope,
        });

    private async Task<JsonArray> GrantsOfAsync(string appId)
    {
        var admin = await Server.AdminTokenAsync();
        var (_, sp) = await Server.GraphAsync(HttpMethod.Get, $"servicePrincipals/{appId}", admin);
        var (_, grants) = await Server.GraphAsync(HttpMethod.Get, "oauth2PermissionGrants", admin);
        return [.. grants!["value"]!.AsArray().Where(g => (string?)g!["clientId"] == (string?)sp!["id"]).Select(g => g!.DeepClone())];
    }

    [Fact]
    public async Task A_user_without_consent_sees_the_prompt_and_Accept_records_their_grant_and_gets_a_token_with_Read_Write()
    {
        var appId = await PublicAppAsync("Contoso twins viewer");
        var user = await UserAsync("prompted");
        using var browser = new TrustingClient(Server.CaPath, followRedirects: false);
        var (verifier, challenge) = Pkce();
        var authorize = AuthorizeUri(appId, challenge);

        using var prompt = await SignInAsync(browser, authorize, user, UserPassword);
        var html = await prompt.Content.ReadAsStringAsync();
        using var accepted = await AnswerAsync(browser, authorize, html, "accept");
        var (status, tokens) = await RedeemAsync(appId, accepted.Headers.Location!, verifier);
        var grants = await GrantsOfAsync(appId);

        Assert.Equal(HttpStatusCode.OK, prompt.StatusCode);
        Assert.Contains("Permissions requested", html, StringComparison.Ordinal);
        Assert.Contains("Contoso twins viewer", html, StringComparison.Ordinal);
        Assert.Contains("Default Directory", html, StringComparison.Ordinal);
        Assert.Contains("Read and write access to Azure Digital Twins", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Consent on behalf of your organization", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal("s1", HttpUtility.ParseQueryString(accepted.Headers.Location!.Query)["state"]);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        Assert.Equal("Read.Write", new JsonWebToken((string)tokens["access_token"]!).GetClaim("scp").Value);
        var grant = Assert.Single(grants);
        Assert.Equal("Principal", (string?)grant!["consentType"]);
        Assert.Equal(new JsonWebToken((string)tokens["access_token"]!).GetClaim("oid").Value, (string?)grant["principalId"]);
        Assert.Equal("Read.Write", (string?)grant["scope"]);
    }

    [Fact]
    public async Task A_second_sign_in_after_consent_is_not_prompted_again()
    {
        var appId = await PublicAppAsync("second sign-in");
        var user = await UserAsync("returning");
        using var browser = new TrustingClient(Server.CaPath, followRedirects: false);
        var (_, firstChallenge) = Pkce();
        using (var prompt = await SignInAsync(browser, AuthorizeUri(appId, firstChallenge), user, UserPassword))
        {
            using var accepted = await AnswerAsync(browser, AuthorizeUri(appId, firstChallenge), await prompt.Content.ReadAsStringAsync(), "accept");
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        }

        var (verifier, challenge) = Pkce();
        using var second = await SignInAsync(browser, AuthorizeUri(appId, challenge), user, UserPassword);
        var (status, tokens) = await RedeemAsync(appId, second.Headers.Location!, verifier);

        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        Assert.Equal("Read.Write", new JsonWebToken((string)tokens["access_token"]!).GetClaim("scp").Value);
        Assert.Single(await GrantsOfAsync(appId));
    }

    [Fact]
    public async Task Prompt_consent_asks_again_although_consent_was_given()
    {
        var appId = await PublicAppAsync("prompt consent");
        var user = await UserAsync("reconsenting");
        using var browser = new TrustingClient(Server.CaPath, followRedirects: false);
        var (_, firstChallenge) = Pkce();
        using (var prompt = await SignInAsync(browser, AuthorizeUri(appId, firstChallenge), user, UserPassword))
        {
            using var accepted = await AnswerAsync(browser, AuthorizeUri(appId, firstChallenge), await prompt.Content.ReadAsStringAsync(), "accept");
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        }

        var (_, challenge) = Pkce();
        using var again = await SignInAsync(browser, new Uri(AuthorizeUri(appId, challenge) + "&prompt=consent"), user, UserPassword);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("Permissions requested", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_on_the_prompt_redirects_with_access_denied_AADSTS65004_and_records_nothing()
    {
        var appId = await PublicAppAsync("cancelled");
        var user = await UserAsync("declining");
        using var browser = new TrustingClient(Server.CaPath, followRedirects: false);
        var (_, challenge) = Pkce();
        var authorize = AuthorizeUri(appId, challenge);

        using var prompt = await SignInAsync(browser, authorize, user, UserPassword);
        using var cancelled = await AnswerAsync(browser, authorize, await prompt.Content.ReadAsStringAsync(), "cancel");
        var query = HttpUtility.ParseQueryString(cancelled.Headers.Location?.Query ?? string.Empty);

        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        Assert.Equal(Redirect, cancelled.Headers.Location!.GetLeftPart(UriPartial.Authority));
        Assert.Equal("access_denied", query["error"]);
        Assert.StartsWith("AADSTS65004:", query["error_description"], StringComparison.Ordinal);
        Assert.Equal("s1", query["state"]);
        Assert.Null(query["code"]);
        Assert.Empty(await GrantsOfAsync(appId));
    }

    [Fact]
    public async Task An_admin_only_scope_is_not_offered_to_a_user_and_the_code_redeems_to_AADSTS65001()
    {
        var appId = await PublicAppAsync("directory tool", GraphApi, DirectoryAccessAsUser);
        var user = await UserAsync("plainuser");
        using var browser = new TrustingClient(Server.CaPath, followRedirects: false);
        var (verifier, challenge) = Pkce();
        const string scope = "https://graph.microsoft.com/.default openid profile";

        using var response = await SignInAsync(browser, AuthorizeUri(appId, challenge, scope), user, UserPassword);
        var (status, body) = await RedeemAsync(appId, response.Headers.Location!, verifier, scope);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);
        Assert.Equal(65001, (int)body["error_codes"]![0]!);
        Assert.Empty(await GrantsOfAsync(appId));
    }

    [Fact]
    public async Task An_administrator_may_consent_for_the_organization_and_then_other_users_are_not_asked()
    {
        var appId = await PublicAppAsync("org-wide");
        var user = await UserAsync("colleague");
        using var browser = new TrustingClient(Server.CaPath, followRedirects: false);
        var (_, adminChallenge) = Pkce();
        var authorize = AuthorizeUri(appId, adminChallenge);

        using var prompt = await SignInAsync(browser, authorize, IdentityServer.AdminName, IdentityServer.AdminPassword);
        var html = await prompt.Content.ReadAsStringAsync();
        using var accepted = await AnswerAsync(browser, authorize, html, "accept", forOrganization: true);
        var (verifier, challenge) = Pkce();
        using var colleague = await SignInAsync(browser, AuthorizeUri(appId, challenge), user, UserPassword);
        var (status, tokens) = await RedeemAsync(appId, colleague.Headers.Location!, verifier);

        Assert.Contains("Consent on behalf of your organization", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal("AllPrincipals", (string?)Assert.Single(await GrantsOfAsync(appId))!["consentType"]);
        Assert.Equal(HttpStatusCode.Redirect, colleague.StatusCode);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
    }

    [Fact]
    public async Task A_user_cannot_tick_consent_for_the_organization_by_forging_the_form()
    {
        var appId = await PublicAppAsync("forged org consent");
        var user = await UserAsync("forger");
        using var browser = new TrustingClient(Server.CaPath, followRedirects: false);
        var (_, challenge) = Pkce();
        var authorize = AuthorizeUri(appId, challenge);

        using var prompt = await SignInAsync(browser, authorize, user, UserPassword);
        using var accepted = await AnswerAsync(browser, authorize, await prompt.Content.ReadAsStringAsync(), "accept", forOrganization: true);

        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal("Principal", (string?)Assert.Single(await GrantsOfAsync(appId))!["consentType"]);
    }

    [Fact]
    public async Task The_prompt_refuses_a_post_without_its_CSRF_token_or_with_a_ticket_of_another_request()
    {
        var appId = await PublicAppAsync("csrf");
        var user = await UserAsync("csrfuser");
        using var browser = new TrustingClient(Server.CaPath, followRedirects: false);
        var (_, challenge) = Pkce();
        var authorize = AuthorizeUri(appId, challenge);
        using var prompt = await SignInAsync(browser, authorize, user, UserPassword);
        var fields = Fields(await prompt.Content.ReadAsStringAsync());
        fields["doppel_consent"] = "accept";

        var withoutCsrf = new Dictionary<string, string>(fields);
        withoutCsrf.Remove("__csrf");
        using var noCsrf = await browser.Http.PostAsync(new Uri(authorize.GetLeftPart(UriPartial.Path)), new FormUrlEncodedContent(withoutCsrf));
        var otherRequest = new Dictionary<string, string>(fields) { ["code_challenge"] = Pkce().Challenge };
        using var replayed = await browser.Http.PostAsync(new Uri(authorize.GetLeftPart(UriPartial.Path)), new FormUrlEncodedContent(otherRequest));
        var forgedTicket = new Dictionary<string, string>(fields) { ["doppel_consent_ticket"] = "not-a-ticket" };
        using var forged = await browser.Http.PostAsync(new Uri(authorize.GetLeftPart(UriPartial.Path)), new FormUrlEncodedContent(forgedTicket));

        Assert.Equal(HttpStatusCode.BadRequest, noCsrf.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(replayed.Headers.Location);
        Assert.Empty(await GrantsOfAsync(appId));
    }

    [Fact]
    public async Task When_the_tenant_stops_user_consent_users_are_not_asked_and_get_AADSTS65001()
    {
        var appId = await PublicAppAsync("no user consent");
        var user = await UserAsync("restricted");
        var admin = await Server.AdminTokenAsync();
        using var browser = new TrustingClient(Server.CaPath, followRedirects: false);
        var (verifier, challenge) = Pkce();

        var (patchStatus, _) = await Server.GraphAsync(HttpMethod.Patch, "policies/authorizationPolicy", admin,
            new { defaultUserRolePermissions = new { permissionGrantPoliciesAssigned = Array.Empty<string>() } });
        try
        {
            var (_, policy) = await Server.GraphAsync(HttpMethod.Get, "policies/authorizationPolicy", admin);
            using var response = await SignInAsync(browser, AuthorizeUri(appId, challenge), user, UserPassword);
            var (status, body) = await RedeemAsync(appId, response.Headers.Location!, verifier);

            Assert.Equal(HttpStatusCode.NoContent, patchStatus);
            Assert.Empty(policy!["defaultUserRolePermissions"]!["permissionGrantPoliciesAssigned"]!.AsArray());
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(65001, (int)body["error_codes"]![0]!);
        }
        finally
        {
            var (restored, _) = await Server.GraphAsync(HttpMethod.Patch, "policies/authorizationPolicy", admin,
                new { defaultUserRolePermissions = new { permissionGrantPoliciesAssigned = new[] { "ManagePermissionGrantsForSelf.microsoft-user-default-legacy" } } });
            Assert.Equal(HttpStatusCode.NoContent, restored);
        }
    }

    [Fact]
    public async Task The_authorization_policy_refuses_a_user_and_a_malformed_body_with_4xx()
    {
        var user = await UserAsync("policyreader");
        var (_, tokens) = await Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = IdentityServer.CliClientId, ["username"] = user, ["password"] = UserPassword,
            ["scope"] = "https://graph.microsoft.com/.default",
        });
        var admin = await Server.AdminTokenAsync();

        var (userStatus, _) = await Server.GraphAsync(HttpMethod.Patch, "policies/authorizationPolicy", (string)tokens["access_token"]!,
            new { defaultUserRolePermissions = new { permissionGrantPoliciesAssigned = Array.Empty<string>() } });
        var (badStatus, bad) = await Server.GraphAsync(HttpMethod.Patch, "policies/authorizationPolicy", admin,
            new { defaultUserRolePermissions = new { permissionGrantPoliciesAssigned = new object[] { 42 } } });
        var (_, policy) = await Server.GraphAsync(HttpMethod.Get, "policies/authorizationPolicy", admin);

        Assert.Equal(HttpStatusCode.Forbidden, userStatus);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Equal("Request_BadRequest", (string?)bad!["error"]!["code"]);
        Assert.Equal("ManagePermissionGrantsForSelf.microsoft-user-default-legacy", (string?)policy!["defaultUserRolePermissions"]!["permissionGrantPoliciesAssigned"]![0]);
    }

    [Theory]
    [InlineData("accept")]
    [InlineData("cancel")]
    public async Task The_device_code_page_asks_for_consent_and_the_poll_gets_Read_Write_or_access_denied(string decision)
    {
        var appId = await PublicAppAsync($"device {decision}");
        var user = await UserAsync($"device{decision}");
        using var start = await Server.Client.Http.PostAsync(new Uri(Server.Origin, $"{Server.TenantId}/oauth2/v2.0/devicecode"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = appId, ["scope"] = AdtScope }));
        var started = JsonNode.Parse(await start.Content.ReadAsStringAsync())!.AsObject();
        var page = new Uri((string)started["verification_uri"]!);
        using var browser = new TrustingClient(Server.CaPath);

        var csrf = CsrfField().Match(await browser.Http.GetStringAsync(page)).Groups[1].Value;
        using var signedIn = await browser.Http.PostAsync(page, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = WebUtility.HtmlDecode(csrf), ["user_code"] = (string)started["user_code"]!, ["username"] = user, ["password"] = UserPassword,
        }));
        var prompt = await signedIn.Content.ReadAsStringAsync();
        using var answered = await AnswerAsync(browser, page, prompt, decision);
        var (status, body) = await Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "device_code", ["client_id"] = appId, ["device_code"] = (string)started["device_code"]!, ["scope"] = AdtScope,
        });

        Assert.Contains("Permissions requested", prompt, StringComparison.Ordinal);
        Assert.Contains("Read and write access to Azure Digital Twins", prompt, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        if (decision == "accept")
        {
            Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
            Assert.Equal("Read.Write", new JsonWebToken((string)body["access_token"]!).GetClaim("scp").Value);
            Assert.Equal("Principal", (string?)Assert.Single(await GrantsOfAsync(appId))!["consentType"]);
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("access_denied", (string?)body["error"]);
            Assert.Equal(65004, (int)body["error_codes"]![0]!);
            Assert.Empty(await GrantsOfAsync(appId));
        }
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]*)\"")]
    private static partial Regex CsrfField();
}
