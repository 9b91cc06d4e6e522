using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;
using Doppel.Identity.Tests.Support;
using Doppel.Server.Tests.Support;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensibility;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Doppel.Identity.Tests.Tokens;

/// <summary>The authorization-code flow with PKCE: the sign-in page, exact redirect URIs (loopback port aside), and MSAL's interactive flow.</summary>
public sealed partial class AuthorizationCodeFlowTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private Uri AuthorizeUri(string clientId, string redirect, string? challenge, string state = "xyz") =>
        new(Server.Origin, $"{Server.TenantId}/oauth2/v2.0/authorize?client_id={clientId}&response_type=code&response_mode=query"
            + $"&redirect_uri={Uri.EscapeDataString(redirect)}&scope={Uri.EscapeDataString("https://digitaltwins.azure.net/.default openid profile offline_access")}&state={state}"
            + (challenge is null ? string.Empty : $"&code_challenge={challenge}&code_challenge_method=S256"));

    /// <summary>Does what a person does in the browser: opens the page, fills in the form, submits; returns the final response.</summary>
    internal static async Task<HttpResponseMessage> SignInAsync(TrustingClient browser, Uri authorize, string password)
    {
        var page = await browser.Http.GetAsync(authorize);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        var fields = HiddenField().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["username"] = IdentityServer.AdminName;
        fields["password"] = password;
        return await browser.Http.PostAsync(new Uri(authorize.GetLeftPart(UriPartial.Path)), new FormUrlEncodedContent(fields));
    }

    [Fact]
    public async Task A_user_signs_in_on_the_page_and_the_code_is_redeemed_once_with_the_PKCE_verifier()
    {
        using var browser = new TrustingClient(Server.CaPath, followRedirects: false);
        var (verifier, challenge) = Pkce();
        var redirect = "http://localhost:41234";

        using var response = await SignInAsync(browser, AuthorizeUri(IdentityServer.CliClientId, redirect, challenge), IdentityServer.AdminPassword);
        var location = response.Headers.Location!;
        var query = HttpUtility.ParseQueryString(location.Query);
        Dictionary<string, string> Redeem(string codeVerifier) => new()
        {
            ["grant_type"] = "authorization_code", ["client_id"] = IdentityServer.CliClientId, ["code"] = query["code"]!, ["code_verifier"] = codeVerifier,
            ["redirect_uri"] = redirect, ["scope"] = "https://digitaltwins.azure.net/.default openid profile offline_access",
        };
        var (wrongStatus, wrong) = await Server.TokenAsync(Redeem(Pkce().Verifier));
        var (status, tokens) = await Server.TokenAsync(Redeem(verifier));
        using var models = await Server.ListModelsAsync((string)tokens["access_token"]!);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(redirect, location.GetLeftPart(UriPartial.Authority));
        Assert.Equal("xyz", query["state"]);
        Assert.Equal(HttpStatusCode.BadRequest, wrongStatus);
        Assert.Equal("invalid_grant", (string?)wrong["error"]);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        Assert.Equal("Read.Write", new JsonWebToken((string)tokens["access_token"]!).GetClaim("scp").Value);
        Assert.NotNull(tokens["id_token"]);
        Assert.NotNull(tokens["client_info"]);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    [Fact]
    public async Task An_unregistered_redirect_URI_is_refused_on_the_server_and_never_redirected_to()
    {
        var (appId, _, _) = await Server.RegisterAppAsync("redirects", new { publicClient = new { redirectUris = new[] { "http://localhost/callback", "https://app.example/signin" } } });
        using var browser = new TrustingClient(Server.CaPath, followRedirects: false);
        var (_, challenge) = Pkce();

        using var evil = await browser.Http.GetAsync(AuthorizeUri(appId, "https://evil.example/signin", challenge));
        using var prefix = await browser.Http.GetAsync(AuthorizeUri(appId, "https://app.example/signin/more", challenge));
        using var loopbackPort = await browser.Http.GetAsync(AuthorizeUri(appId, "http://localhost:50123/callback", challenge));
        using var loopbackPath = await browser.Http.GetAsync(AuthorizeUri(appId, "http://localhost:50123/other", challenge));

        Assert.Equal(HttpStatusCode.BadRequest, evil.StatusCode);
        Assert.Null(evil.Headers.Location);
        Assert.Contains("AADSTS50011", await evil.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, prefix.StatusCode);
        Assert.Equal(HttpStatusCode.OK, loopbackPort.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, loopbackPath.StatusCode);
    }

    [Fact]
    public async Task A_request_without_a_PKCE_challenge_gets_no_code()
    {
        using var browser = new TrustingClient(Server.CaPath, followRedirects: false);

        using var response = await browser.Http.GetAsync(AuthorizeUri(IdentityServer.CliClientId, "http://localhost:41235", challenge: null));

        var location = response.Headers.Location;
        Assert.True(response.StatusCode != HttpStatusCode.OK, "the sign-in page was shown without PKCE");
        Assert.True(location is null || HttpUtility.ParseQueryString(location.Query)["code"] is null);
        Assert.True(location is null || HttpUtility.ParseQueryString(location.Query)["error"] is "invalid_request");
    }

    [Fact]
    public async Task The_sign_in_page_refuses_a_post_without_its_CSRF_token_and_a_wrong_password()
    {
        using var browser = new TrustingClient(Server.CaPath, followRedirects: false);
        var (_, challenge) = Pkce();
        var authorize = AuthorizeUri(IdentityServer.CliClientId, "http://localhost:41236", challenge);

        using var wrong = await SignInAsync(browser, authorize, "Wrong-Passw0rd");
        var fields = HttpUtility.ParseQueryString(authorize.Query);
        var forged = fields.AllKeys.ToDictionary(k => k!, k => fields[k]!);
        forged["doppel_signin"] = "1";
        forged["username"] = IdentityServer.AdminName;
        forged["password"] = IdentityServer.AdminPassword;
        using var withoutToken = await browser.Http.PostAsync(new Uri(authorize.GetLeftPart(UriPartial.Path)), new FormUrlEncodedContent(forged));

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("incorrect", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Null(withoutToken.Headers.Location);
    }

    [Fact]
    public async Task MSAL_interactive_sign_in_with_a_scripted_browser_gets_a_token_the_data_plane_accepts()
    {
        using var browser = new TrustingClient(Server.CaPath, followRedirects: false);
        var app = PublicClientApplicationBuilder.Create(IdentityServer.CliClientId)
            .WithAuthority($"{Server.OriginText}/{Server.TenantId}", validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithRedirectUri("http://localhost")
            .WithHttpClientFactory(new FixedHttpClientFactory(Server.Client.Http))
            .Build();

        var result = await app.AcquireTokenInteractive(["https://digitaltwins.azure.net/.default"])
            .WithCustomWebUi(new ScriptedBrowser(browser))
            .ExecuteAsync();
        using var models = await Server.ListModelsAsync(result.AccessToken);

        Assert.Equal(IdentityServer.AdminName, result.Account.Username);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();

    /// <summary>Stands in for the system browser: signs the administrator in and hands MSAL the redirect it got.</summary>
    private sealed class ScriptedBrowser(TrustingClient browser) : ICustomWebUi
    {
        public async Task<Uri> AcquireAuthorizationCodeAsync(Uri authorizationUri, Uri redirectUri, CancellationToken cancellationToken)
        {
            using var response = await SignInAsync(browser, authorizationUri, IdentityServer.AdminPassword);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            return response.Headers.Location!;
        }
    }

    private sealed class FixedHttpClientFactory(HttpClient client) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => client;
    }
}
