using System.Net;
using System.Text.RegularExpressions;
using Doppel.Identity.Tests.Support;
using Doppel.Server.Tests.Support;
using Microsoft.Identity.Client;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Doppel.Identity.Tests.Tokens;

/// <summary>The device-code flow: the start endpoint, the sign-in page (with CSRF protection), and polling as MSAL does it.</summary>
public sealed partial class DeviceCodeFlowTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    /// <summary>Opens the sign-in page and submits the code with a user's credentials, as a person in a browser would.</summary>
    private static async Task<(HttpStatusCode Status, string Html)> SignInOnPageAsync(TrustingClient browser, string verificationUri, string userCode, string password, bool decline = false)
    {
        var page = await browser.Http.GetStringAsync(new Uri(verificationUri));
        var csrf = CsrfField().Match(page).Groups[1].Value;
        var fields = new Dictionary<string, string> { ["__csrf"] = WebUtility.HtmlDecode(csrf), ["user_code"] = userCode, ["username"] = IdentityServer.AdminName, ["password"] = password };
        if (decline)
        {
            fields["decline"] = "1";
        }

        using var response = await browser.Http.PostAsync(new Uri(verificationUri), new FormUrlEncodedContent(fields));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<System.Text.Json.Nodes.JsonObject> StartAsync()
    {
        using var response = await Server.Client.Http.PostAsync(new Uri(Server.Origin, $"{Server.TenantId}/oauth2/v2.0/devicecode"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = IdentityServer.CliClientId, ["scope"] = "https://digitaltwins.azure.net/.default openid profile offline_access",
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonObject Body)> PollAsync(string deviceCode, string grantType = "device_code") =>
        Server.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = grantType, ["client_id"] = IdentityServer.CliClientId, ["device_code"] = deviceCode,
            ["scope"] = "https://digitaltwins.azure.net/.default openid profile offline_access", ["client_info"] = "1",
        });

    [Fact]
    public async Task A_device_code_is_pending_until_the_user_signs_in_on_the_page_and_then_redeems_once()
    {
        var start = await StartAsync();
        var deviceCode = (string)start["device_code"]!;
        using var browser = new TrustingClient(Server.CaPath);

        var (pendingStatus, pending) = await PollAsync(deviceCode);
        var (pageStatus, _) = await SignInOnPageAsync(browser, (string)start["verification_uri"]!, (string)start["user_code"]!, IdentityServer.AdminPassword);
        var (status, tokens) = await PollAsync(deviceCode, "urn:ietf:params:oauth:grant-type:device_code");
        var (againStatus, again) = await PollAsync(deviceCode);
        using var models = await Server.ListModelsAsync((string)tokens["access_token"]!);

        Assert.Equal(900, (int)start["expires_in"]!);
        Assert.Contains((string)start["user_code"]!, (string?)start["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, pendingStatus);
        Assert.Equal("authorization_pending", (string?)pending["error"]);
        Assert.Equal(70016, (int)pending["error_codes"]![0]!);
        Assert.Equal(HttpStatusCode.OK, pageStatus);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        Assert.Equal(IdentityServer.AdminName, new JsonWebToken((string)tokens["id_token"]!).GetClaim("preferred_username").Value);
        Assert.NotNull(tokens["refresh_token"]);
        Assert.Equal(HttpStatusCode.BadRequest, againStatus);
        Assert.Equal("bad_verification_code", (string?)again["error"]);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    [Fact]
    public async Task A_declined_device_code_answers_authorization_declined()
    {
        var start = await StartAsync();
        using var browser = new TrustingClient(Server.CaPath);

        await SignInOnPageAsync(browser, (string)start["verification_uri"]!, (string)start["user_code"]!, "irrelevant", decline: true);
        var (status, body) = await PollAsync((string)start["device_code"]!);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("authorization_declined", (string?)body["error"]);
    }

    [Fact]
    public async Task The_sign_in_page_refuses_a_post_without_its_CSRF_token_and_a_wrong_password()
    {
        var start = await StartAsync();
        using var browser = new TrustingClient(Server.CaPath);
        var uri = new Uri((string)start["verification_uri"]!);

        using var forged = await browser.Http.PostAsync(uri, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["user_code"] = (string)start["user_code"]!, ["username"] = IdentityServer.AdminName, ["password"] = IdentityServer.AdminPassword,
        }));
        var (wrongStatus, wrongPage) = await SignInOnPageAsync(browser, uri.ToString(), (string)start["user_code"]!, "Wrong-Passw0rd");
        var (stillStatus, still) = await PollAsync((string)start["device_code"]!);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongStatus);
        Assert.Contains("incorrect", wrongPage, StringComparison.Ordinal);
        Assert.Equal("authorization_pending", (string?)still["error"]);
        Assert.Equal(HttpStatusCode.BadRequest, stillStatus);
    }

    [Fact]
    public async Task MSAL_device_code_flow_completes_when_the_user_signs_in_on_the_page()
    {
        using var browser = new TrustingClient(Server.CaPath);
        var app = PublicClientApplicationBuilder.Create(IdentityServer.CliClientId)
            .WithAuthority($"{Server.OriginText}/{Server.TenantId}", validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new FixedHttpClientFactory(Server.Client.Http))
            .Build();

        var result = await app.AcquireTokenWithDeviceCode(["https://digitaltwins.azure.net/.default"], async code =>
        {
            var (status, html) = await SignInOnPageAsync(browser, code.VerificationUrl, code.UserCode, IdentityServer.AdminPassword);
            Assert.True(status == HttpStatusCode.OK, html);
        }).ExecuteAsync();
        using var models = await Server.ListModelsAsync(result.AccessToken);

        Assert.Equal(IdentityServer.AdminName, result.Account.Username);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]*)\"")]
    private static partial Regex CsrfField();

    private sealed class FixedHttpClientFactory(HttpClient client) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => client;
    }
}
