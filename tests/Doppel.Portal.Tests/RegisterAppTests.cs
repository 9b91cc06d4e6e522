using System.Net;
using System.Text.Json.Nodes;
using Bunit;
using Doppel.Portal.Components.Pages.Entra;
using Doppel.Portal.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Doppel.Portal.Tests;

/// <summary>"Register an application": its checks before anything is sent, and what it sends.</summary>
public sealed class RegisterAppTests : IDisposable
{
    private readonly PortalTestContext context = new();

    public void Dispose() => context.Dispose();

    private IRenderedComponent<RegisterApp> Render() => context.Bunit.Render<RegisterApp>();

    private static void Type(IRenderedComponent<RegisterApp> form, string test, string value) => form.Find($"[data-test='{test}']").Input(value);

    private static void Platform(IRenderedComponent<RegisterApp> form, string platform) => form.Find("[data-test='redirect-platform']").Change(platform);

    private static void Register(IRenderedComponent<RegisterApp> form) => form.Find("[data-test='register']").Click();

    [Fact]
    public void Register_without_a_name_says_the_name_is_required_and_sends_nothing()
    {
        var form = Render();

        Register(form);

        Assert.Equal("The application name is required.", form.Find("[data-test='name-error']").TextContent);
        Assert.DoesNotContain(context.Api.ApiRequests, r => r.Method == HttpMethod.Post);
    }

    [Fact]
    public void A_name_of_only_spaces_is_refused_as_typed()
    {
        var form = Render();

        Type(form, "app-name", "   ");

        Assert.Equal("The application name is required.", form.Find("[data-test='name-error']").TextContent);
    }

    [Theory]
    [InlineData("Web", "not a uri", "must be a valid absolute URI")]
    [InlineData("PublicClient", "/relative/callback", "must be a valid absolute URI")]
    [InlineData("Web", "http://example.com/callback", "Must start with \"HTTPS\" or \"http://localhost\"")]
    [InlineData("Spa", "http://app.example.com", "Must start with \"HTTPS\" or \"http://localhost\"")]
    [InlineData("Web", "https://example.com/cb#fragment", "must not contain a fragment")]
    public void A_bad_redirect_uri_is_shown_as_typed_and_blocks_Register(string platform, string uri, string expected)
    {
        var form = Render();
        Type(form, "app-name", "my-app");
        Platform(form, platform);

        Type(form, "redirect-uri", uri);
        Register(form);

        Assert.Contains(expected, form.Find("[data-test='redirect-uri-error']").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(context.Api.ApiRequests, r => r.Method == HttpMethod.Post);
    }

    [Theory]
    [InlineData("Web", "https://example.com/signin-oidc")]
    [InlineData("Web", "http://localhost:5000/signin-oidc")]
    [InlineData("Spa", "http://127.0.0.1:3000")]
    [InlineData("PublicClient", "http://localhost")]
    [InlineData("PublicClient", "myapp://auth")]
    public void A_good_redirect_uri_shows_no_problem(string platform, string uri)
    {
        var form = Render();
        Platform(form, platform);

        Type(form, "redirect-uri", uri);

        Assert.Empty(form.FindAll("[data-test='redirect-uri-error']"));
    }

    [Fact]
    public void The_platform_starts_as_public_client_so_http_localhost_is_accepted()
    {
        var form = Render();

        Type(form, "redirect-uri", "http://localhost");

        Assert.Equal("PublicClient", form.Find("[data-test='redirect-platform']").GetAttribute("current-value"));
        Assert.Empty(form.FindAll("[data-test='redirect-uri-error']"));
    }

    [Fact]
    public void Register_posts_the_application_then_its_service_principal_and_opens_its_overview()
    {
        JsonObject? posted = null;
        context.Api.On(HttpMethod.Post, "/v1.0/applications", body =>
        {
            posted = JsonNode.Parse(body!)!.AsObject();
            return (HttpStatusCode.Created, """{"id":"0f0f0f0f-1111-2222-3333-444444444444","appId":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","displayName":"device-app"}""");
        });
        context.Api.On(HttpMethod.Post, "/v1.0/servicePrincipals", HttpStatusCode.Created,
            """{"id":"5p5p5p5p-0000-0000-0000-000000000000","appId":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","displayName":"device-app"}""");
        var form = Render();
        Type(form, "app-name", "  device-app ");
        form.Find("fluent-radio-group").TriggerEvent("onradiogroupchange", new ChangeEventArgs { Value = "AzureADMultipleOrgs" });
        Platform(form, "PublicClient");
        Type(form, "redirect-uri", "http://localhost");

        Register(form);

        form.WaitForAssertion(() => Assert.EndsWith("/portal/entra/apps/0f0f0f0f-1111-2222-3333-444444444444", context.Bunit.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal));
        Assert.Equal("device-app", (string?)posted!["displayName"]);
        Assert.Equal("AzureADMultipleOrgs", (string?)posted["signInAudience"]);
        Assert.Equal("http://localhost", (string?)posted["publicClient"]!["redirectUris"]![0]);
        Assert.Null(posted["web"]);
        var sp = Assert.Single(context.Api.ApiRequests, r => r.Method == HttpMethod.Post && r.PathAndQuery == "/v1.0/servicePrincipals");
        Assert.Equal("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", (string?)JsonNode.Parse(sp.Body!)!["appId"]);
    }

    [Fact]
    public void A_refusal_from_Graph_is_shown_on_the_form()
    {
        context.Api.On(HttpMethod.Post, "/v1.0/applications", HttpStatusCode.Forbidden,
            """{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}""");
        var form = Render();
        Type(form, "app-name", "my-app");

        Register(form);

        form.WaitForAssertion(() => Assert.Contains("Insufficient privileges to complete the operation.", form.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain(context.Api.ApiRequests, r => r.PathAndQuery == "/v1.0/servicePrincipals");
    }
}
