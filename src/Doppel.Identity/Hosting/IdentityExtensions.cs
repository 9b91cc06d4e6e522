using Doppel.Identity.Directory;
using Doppel.Identity.Graph;
using Doppel.Identity.Tokens;
using Doppel.Storage.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Doppel.Identity.Hosting;

/// <summary>Composition of the identity plane: the directory, OpenIddict's server, the Entra-shaped endpoints and Graph.</summary>
public static class IdentityExtensions
{
    /// <summary>The endpoint paths under <c>/{tenant}/</c>, relative as OpenIddict takes them.</summary>
    internal const string TokenPath = "oauth2/v2.0/token";
    internal const string ConfigurationPath = "v2.0/.well-known/openid-configuration";
    internal const string KeysPath = "discovery/v2.0/keys";
    internal const string AuthorizationPath = "oauth2/v2.0/authorize";

    /// <summary>
    /// Registers the identity plane over <paramref name="store"/>. Call <see cref="TokenKeyRing.LoadAsync"/> (after the
    /// store's migrations) before the first request; a <see cref="TokenKeyRing"/> registered before this call is used.
    /// </summary>
    public static IServiceCollection AddDoppelIdentity(this IServiceCollection services, IdentityOptions options, IDirectoryStore store)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(store);
        services.AddSingleton<DirectoryService>();
        services.TryAddSingleton<TokenKeyRing>();
        services.AddSingleton<TokenIssuance>();
        services.AddSingleton<DeviceCodes>();
        services.AddSingleton<DelegatedConsent>();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "doppel-signin-csrf";
            antiforgery.FormFieldName = "__csrf";
        });
        services.AddSingleton<GraphAuthentication>();

        services.AddOpenIddict().AddServer(server =>
        {
            server.SetTokenEndpointUris(TokenPath)
                .SetConfigurationEndpointUris(ConfigurationPath)
                .SetJsonWebKeySetEndpointUris(KeysPath)
                .SetAuthorizationEndpointUris(AuthorizationPath);
            server.AllowClientCredentialsFlow().AllowPasswordFlow().AllowRefreshTokenFlow()
                .AllowCustomFlow(TokenIssuance.DeviceCodeGrantType)
                .AllowAuthorizationCodeFlow();
            server.RequireProofKeyForCodeExchange();

            // The directory is Doppel's own (no OpenIddict application, authorization or token stores): clients,
            // users, scopes and consent are checked by ValidateTokenRequestHandler, in Entra's words.
            server.EnableDegradedMode();
            server.DisableScopeValidation();
            server.DisableAccessTokenEncryption();
            server.SetAccessTokenLifetime(options.AccessTokenLifetime);
            server.SetIdentityTokenLifetime(options.AccessTokenLifetime);
            server.UseAspNetCore();

            // Entra's refresh tokens are multi-resource: a refresh may ask for another resource's scopes than the
            // first sign-in did (MSAL's silent calls do). ValidateTokenRequestHandler checks consent for whatever is
            // asked, so OpenIddict's "only scopes granted at first" rule is removed.
            server.RemoveEventHandler(OpenIddictServerHandlers.Exchange.ValidateGrantedScopes.Descriptor);

            // Entra's clients send the scope with the code they redeem (it names the resource); OpenIddict refuses a
            // scope parameter there. ValidateTokenRequestHandler checks it instead.
            server.RemoveEventHandler(OpenIddictServerHandlers.Exchange.ValidateScopeParameter.Descriptor);
            server.AddEventHandler(ValidateTokenRequestHandler.Descriptor);
            server.AddEventHandler(SignInTokenHandler.Descriptor);
            server.AddEventHandler(NormalizeDeviceCodeGrantHandler.Descriptor);
            server.AddEventHandler(ValidateAuthorizationRequestHandler.Descriptor);
            server.AddEventHandler(HandleAuthorizationRequestHandler.Descriptor);
            server.AddEventHandler(AttachTenantIssuerHandler.Descriptor);
            server.AddEventHandler(ShapeTokenHandler.Descriptor);
            server.AddEventHandler(EntraErrorShape.Descriptor);
        });

        // The keys live in the store; they are read when OpenIddict's options are first needed (the first request).
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, KeyRingOptions>();
        return services;
    }

    /// <summary>Adds the identity plane's front door (tenant resolution and OpenIddict's endpoints); call before routing.</summary>
    public static IApplicationBuilder UseDoppelIdentity(this IApplicationBuilder app) => app.UseMiddleware<IdentityEndpointsMiddleware>();

    /// <summary>Maps the Graph v1.0 subset.</summary>
    public static IEndpointRouteBuilder MapDoppelIdentity(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGraphApi();
        return endpoints;
    }

    private sealed class KeyRingOptions(TokenKeyRing ring) : IConfigureOptions<OpenIddictServerOptions>
    {
        public void Configure(OpenIddictServerOptions options)
        {
            if (ring.SigningKeys.Count == 0)
            {
                throw new InvalidOperationException("The token key ring was not loaded before the first identity request.");
            }

            foreach (var key in ring.SigningKeys)
            {
                options.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
            }

            options.EncryptionCredentials.Add(new EncryptingCredentials(ring.EncryptionKey, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }
}
