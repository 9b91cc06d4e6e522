using System.Security.Claims;
using Bunit;
using Doppel.Portal.Services;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Doppel.Portal.Tests.Support;

/// <summary>
/// A bUnit context with the portal's services as the server registers them, a signed-in person whose cookie carries a
/// refresh token, and <see cref="FakeApi"/> in place of the server.
/// </summary>
public sealed class PortalTestContext : IDisposable
{
    public const string TenantId = "11111111-aaaa-bbbb-cccc-222222222222";

    public PortalTestContext()
    {
        Bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        var options = new PortalOptions { ApiOrigin = "https://doppel.test", ClientId = "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", CreateBackchannelHandler = () => Api, TenantId = TenantId };
        Bunit.Services.AddSingleton(options);
        Bunit.Services.AddSingleton<PortalHttp>();
        Bunit.Services.AddSingleton(TimeProvider.System);
        Bunit.Services.AddSingleton<AuthenticationStateProvider, SignedInPerson>();
        Bunit.Services.AddScoped<PortalTokens>();
        Bunit.Services.AddScoped<PortalApi>();
        Bunit.Services.AddScoped<GraphApi>();
        Bunit.Services.AddFluentUIComponents();
        Api.On(HttpMethod.Get, "/v1.0/organization", System.Net.HttpStatusCode.OK,
            $$"""{"value":[{"id":"{{TenantId}}","displayName":"Doppel","verifiedDomains":[{"name":"doppel.local","isDefault":true,"isInitial":true}]}]}""");
    }

    /// <summary>The server's stand-in.</summary>
    public FakeApi Api { get; } = new();

    /// <summary>The bUnit context.</summary>
    public BunitContext Bunit { get; } = new();

    /// <inheritdoc />
    public void Dispose()
    {
        Bunit.Dispose();
        Api.Dispose();
    }

    private sealed class SignedInPerson : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim("name", "Administrator"), new Claim("preferred_username", "admin@doppel.local"), new Claim(PortalTokens.RefreshTokenClaim, "fake-refresh-token")],
                "test"))));
    }
}
