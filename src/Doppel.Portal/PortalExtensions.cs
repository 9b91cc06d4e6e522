using System.Security.Claims;
using Doppel.Portal.Components;
using Doppel.Portal.Services;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Doppel.Portal;

/// <summary>Registers and maps the portal.</summary>
public static class PortalExtensions
{
    /// <summary>The portal's cookie scheme.</summary>
    public const string CookieScheme = "DoppelPortal";

    /// <summary>The scheme that signs people in at Doppel's own authorization endpoint.</summary>
    public const string SignInScheme = "DoppelPortalOidc";

    private const string Policy = "DoppelPortal";

    /// <summary>
    /// Adds the portal: Blazor with interactive server rendering, Fluent UI, and sign-in as a client of the identity
    /// plane (authorization code with PKCE against <see cref="PortalOptions.Authority"/>). No default authentication
    /// scheme is set, so the other planes' own authentication is untouched.
    /// </summary>
    public static IServiceCollection AddDoppelPortal(this IServiceCollection services, PortalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton<PortalHttp>();
        services.AddScoped<PortalTokens>();
        services.AddScoped<PortalApi>();
        services.AddScoped<ArmApi>();
        services.AddScoped<GraphApi>();
        services.AddScoped<DataPlaneApi>();
        services.AddScoped<Notifications>();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddFluentUIComponents();
        services.AddCascadingAuthenticationState();

        services.AddAuthentication()
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "doppel_portal";
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
                cookie.ForwardChallenge = SignInScheme;
            })
            .AddOpenIdConnect(SignInScheme, oidc =>
            {
                oidc.SignInScheme = CookieScheme;
                oidc.Authority = options.Authority;
                oidc.ClientId = options.ClientId;
                oidc.ResponseType = "code";
                oidc.UsePkce = true;
                oidc.CallbackPath = PortalOptions.BasePath + "/signin-oidc";
                oidc.SignedOutCallbackPath = PortalOptions.BasePath + "/signout-callback-oidc";
                oidc.SignedOutRedirectUri = PortalOptions.BasePath;
                oidc.Scope.Clear();
                foreach (var scope in (string[])["openid", "profile", "offline_access", PortalApi.Arm + "user_impersonation"])
                {
                    oidc.Scope.Add(scope);
                }

                oidc.MapInboundClaims = false;
                oidc.TokenValidationParameters.NameClaimType = "name";
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.SaveTokens = false;
                oidc.BackchannelHttpHandler = options.CreateBackchannelHandler();
                oidc.Events.OnTokenValidated = context =>
                {
                    // The refresh token rides in the encrypted cookie; the circuit redeems it for each API's token.
                    if (context.TokenEndpointResponse?.RefreshToken is { Length: > 0 } refresh && context.Principal?.Identity is ClaimsIdentity identity)
                    {
                        identity.AddClaim(new Claim(PortalTokens.RefreshTokenClaim, refresh));
                    }

                    return Task.CompletedTask;
                };
            });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>Whether a request is the portal's (its pages, its sign-in callbacks, Blazor's hub and assets, and <c>/</c>).</summary>
    public static bool IsPortalRequest(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path;
        return path.StartsWithSegments(PortalOptions.BasePath, StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/_blazor", StringComparison.Ordinal)
            || path.StartsWithSegments("/_framework", StringComparison.Ordinal)
            || path.StartsWithSegments("/_content", StringComparison.Ordinal)
            || path.Value is "/" or "" or "/favicon.ico";
    }

    /// <summary>
    /// Serves the portal on a branch of its own: its routing, authentication, authorization, antiforgery and
    /// endpoints see only the portal's requests, and the other planes' routing never sees the portal's endpoints
    /// (the static files' catch-all route would otherwise answer their 404s and 405s). Goes before the host's routing.
    /// </summary>
    /// <param name="app">The host's pipeline.</param>
    /// <param name="staticAssetsManifest">The static web assets manifest of the host, or null when there is none.</param>
    public static IApplicationBuilder UseDoppelPortal(this IApplicationBuilder app, string? staticAssetsManifest)
    {
        app.MapWhen(IsPortalRequest, portal =>
        {
            // Endpoints mapped on this branch go to a route table of its own, not the application's.
            portal.Properties.Remove(GlobalEndpointRouteBuilderKey);
            portal.UseRouting();
            portal.UseAuthentication();
            portal.Use(async (context, next) =>
            {
                var result = await context.AuthenticateAsync(CookieScheme).ConfigureAwait(false);
                if (result.Succeeded)
                {
                    context.User = result.Principal;
                }

                await next(context).ConfigureAwait(false);
            });
            portal.UseAuthorization();
            portal.UseAntiforgery();
            portal.UseEndpoints(endpoints =>
            {
                if (staticAssetsManifest is not null)
                {
                    endpoints.MapStaticAssets(staticAssetsManifest);
                }

                endpoints.MapGet("/", () => Results.Redirect(PortalOptions.BasePath)).ExcludeFromDescription();
                endpoints.MapPost(PortalOptions.BasePath + "/signout", () =>
                    Results.SignOut(new AuthenticationProperties { RedirectUri = PortalOptions.BasePath }, [CookieScheme, SignInScheme]))
                    .RequireAuthorization(Policy).ExcludeFromDescription();
                endpoints.MapRazorComponents<App>()
                    .AddInteractiveServerRenderMode()
                    .RequireAuthorization(Policy);
            });
        });
        return app;
    }

    // The key under which minimal hosting shares one route table with every branch (WebApplication's own).
    private const string GlobalEndpointRouteBuilderKey = "__GlobalEndpointRouteBuilder";
}
