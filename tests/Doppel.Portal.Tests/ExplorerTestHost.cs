using System.Net;
using System.Security.Claims;
using System.Text;
using Bunit;
using Doppel.Portal.Services;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Doppel.Portal.Tests;

/// <summary>
/// The public APIs as canned answers: the token endpoint always issues a token, and each data-plane call is answered
/// by the first route whose method and path match. Requests are recorded so tests can see what the portal sent.
/// </summary>
internal sealed class ExplorerFakeApi : HttpMessageHandler
{
    private readonly List<(HttpMethod Method, string PathPrefix, Func<HttpRequestMessage, string, HttpResponseMessage> Answer)> routes = [];

    public List<(HttpRequestMessage Request, string Body)> Requests { get; } = [];

    public ExplorerFakeApi On(HttpMethod method, string pathPrefix, HttpStatusCode status, string json, params (string Name, string Value)[] headers) =>
        On(method, pathPrefix, (_, _) => Json(status, json, headers));

    public ExplorerFakeApi On(HttpMethod method, string pathPrefix, Func<HttpRequestMessage, string, HttpResponseMessage> answer)
    {
        routes.Add((method, pathPrefix, answer));
        return this;
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal))
        {
            return Json(HttpStatusCode.OK, """{"access_token":"test-token","token_type":"Bearer","expires_in":3600}""");
        }

        Requests.Add((request, body));
        foreach (var (method, prefix, answer) in routes)
        {
            if (method == request.Method && path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return answer(request, body);
            }
        }

        return Json(HttpStatusCode.NotFound, """{"error":{"code":"NotFound","message":"No canned answer."}}""");
    }
}

/// <summary>A signed-in person whose cookie carries the refresh token the portal redeems per API.</summary>
internal sealed class ExplorerSignedIn : AuthenticationStateProvider
{
    public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
        Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("name", "Test Person"), new Claim(PortalTokens.RefreshTokenClaim, "refresh")], "test"))));
}

internal static class ExplorerTestHost
{
    /// <summary>The portal's services on a bUnit context, calling <paramref name="api"/> instead of a server.</summary>
    public static ExplorerFakeApi UsePortal(this BunitContext context, ExplorerFakeApi? api = null)
    {
        api ??= new ExplorerFakeApi();
        var fake = api;
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddSingleton(new PortalOptions { ApiOrigin = "https://doppel.test", ClientId = "portal", CreateBackchannelHandler = () => fake });
        context.Services.AddSingleton<PortalHttp>();
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddSingleton<AuthenticationStateProvider, ExplorerSignedIn>();
        context.Services.AddScoped<PortalTokens>();
        context.Services.AddScoped<PortalApi>();
        context.Services.AddScoped<DataPlaneApi>();
        context.Services.AddFluentUIComponents();
        return api;
    }
}
