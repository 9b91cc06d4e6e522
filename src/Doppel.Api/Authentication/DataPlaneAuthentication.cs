using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;

namespace Doppel.Api.Authentication;

/// <summary>Bearer JWT validation of the data plane: signature, issuer, lifetime and audience, never anonymous.</summary>
public static class DataPlaneAuthentication
{
    /// <summary>The authentication scheme of the data plane.</summary>
    public const string Scheme = "DigitalTwinsBearer";

    /// <summary>The token audiences ADT accepts: the resource URI and the first-party app id.</summary>
    public static IReadOnlyList<string> Audiences { get; } = ["https://digitaltwins.azure.net", "0b07f429-9f4b-4714-9392-cc5e8e80c8b0"];

    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>Registers the scheme with the keys of <paramref name="keys"/>.</summary>
    public static AuthenticationBuilder AddDataPlaneBearer(this IServiceCollection services, TrustedIssuerKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        services.TryAddSingleton(keys);
        services.TryAddSingleton(new BearerPrincipalCache());
        return services.AddAuthentication().AddTrustedBearer(Scheme, keys, Audiences);
    }

    /// <summary>
    /// Registers a bearer scheme named <paramref name="scheme"/> that accepts tokens of the trusted issuers for
    /// <paramref name="audiences"/>: the data plane's and the control plane's schemes differ only in audience.
    /// </summary>
    public static AuthenticationBuilder AddTrustedBearer(this AuthenticationBuilder builder, string scheme, TrustedIssuerKeys keys, IReadOnlyList<string> audiences)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(keys);
        return builder.AddJwtBearer(scheme, options =>
        {
            options.MapInboundClaims = false;
            // Nothing reads the token back from the authentication properties.
            options.SaveToken = false;

            // Clients send one token with every request: check its signature once, not per request.
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(new CachingJsonWebTokenHandler { MapInboundClaims = false });
            options.ConfigurationManager = keys;
            options.RefreshOnIssuerKeyNotFound = true;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                // The configured issuers by name, and Doppel's own token service by the shape of its issuers.
                IssuerValidator = (issuer, _, _) => keys.IsTrustedIssuer(issuer)
                    ? issuer
                    : throw new SecurityTokenInvalidIssuerException($"The issuer {issuer} is not trusted.") { InvalidIssuer = issuer },
                ValidateAudience = true,
                ValidAudiences = audiences,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                ValidAlgorithms = AsymmetricAlgorithms,
                ClockSkew = TimeSpan.FromMinutes(5),
                IssuerSigningKeyValidator = (key, token, _) => token is not null && keys.KeyBelongsTo(key, token.Issuer),
            };
        });
    }

    /// <summary>A short reason for a failed validation, safe to show to the caller.</summary>
    public static string Describe(Exception? failure) => failure switch
    {
        null => "The bearer token is not valid.",
        SecurityTokenExpiredException => "The bearer token has expired.",
        SecurityTokenNotYetValidException => "The bearer token is not valid yet.",
        SecurityTokenInvalidAudienceException => $"The bearer token's audience is not {Audiences[0]} or {Audiences[1]}.",
        SecurityTokenInvalidIssuerException => "The bearer token's issuer is not trusted by this server.",
        SecurityTokenNoExpirationException => "The bearer token has no expiry (exp).",
        SecurityTokenInvalidSigningKeyException or SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException
            => "The bearer token's signature does not verify with a key of its issuer.",
        SecurityTokenInvalidAlgorithmException => "The bearer token is not signed with an asymmetric algorithm this server accepts.",
        SecurityTokenMalformedException or ArgumentException => "The bearer token is not a well-formed JWT.",
        _ => "The bearer token is not valid.",
    };
}
