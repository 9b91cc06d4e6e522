using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Doppel.Identity.Tokens;

// Doppel's behaviour inside OpenIddict's pipeline (CONVENTIONS D17): each a small handler with a descriptor and an
// explicit order relative to OpenIddict's own handlers.

/// <summary>The tenant of the request being handled (set by the endpoint middleware before OpenIddict runs).</summary>
internal static class TransactionTenant
{
    public static TenantRequest Of(OpenIddictServerTransaction transaction) =>
        transaction.GetHttpRequest()?.HttpContext.Features.Get<TenantRequest>()
        ?? throw new InvalidOperationException("An identity request reached OpenIddict without a resolved tenant.");
}

/// <summary>
/// Validates every token request (degraded mode leaves it to us): client, secret, user, resource, scopes or roles;
/// refuses in Entra's words, or keeps the principal to sign in for <see cref="SignInTokenHandler"/>.
/// </summary>
public sealed class ValidateTokenRequestHandler(TokenIssuance issuance) : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    /// <summary>Where the principal waits for the handle step.</summary>
    public const string PrincipalProperty = "doppel:principal";

    /// <summary>Runs after OpenIddict's own checks of the request (grant type, parameters, the refresh token).</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<ValidateTokenRequestHandler>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tenant = TransactionTenant.Of(context.Transaction);
        var (principal, refusal) = await issuance.IssueAsync(tenant, context.Request, context.AuthorizationCodePrincipal ?? context.RefreshTokenPrincipal, context.CancellationToken).ConfigureAwait(false);
        if (refusal is { } r || principal is null)
        {
            context.Reject(refusal?.Error ?? Errors.ServerError, refusal?.Description ?? "The token could not be issued.");
            return;
        }

        if (principal.GetClaim("idtyp") == "user")
        {
            var info = JsonSerializer.Serialize(new Dictionary<string, string> { ["uid"] = principal.GetClaim("oid")!, ["utid"] = tenant.Tenant.Id });
            context.Transaction.Properties[TokenIssuance.ClientInfoProperty] = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(info));
        }

        context.Transaction.Properties[PrincipalProperty] = principal;
    }
}

/// <summary>Signs in the principal <see cref="ValidateTokenRequestHandler"/> built, so OpenIddict issues the tokens.</summary>
public sealed class SignInTokenHandler : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    /// <summary>Runs before OpenIddict's own handlers of the event, which act on the signed-in principal.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseSingletonHandler<SignInTokenHandler>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Transaction.Properties.TryGetValue(ValidateTokenRequestHandler.PrincipalProperty, out var value) && value is System.Security.Claims.ClaimsPrincipal principal)
        {
            context.SignIn(principal);
        }
        else
        {
            context.Reject(Errors.ServerError, "The token request was not validated.");
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// MSAL polls with <c>grant_type=device_code</c>; other clients send RFC 8628's URN. Both reach the one custom
/// grant Doppel registers (the built-in device flow needs OpenIddict's token storage, which Doppel does not use).
/// </summary>
public sealed class NormalizeDeviceCodeGrantHandler : IOpenIddictServerHandler<ExtractTokenRequestContext>
{
    /// <summary>Runs right after the request is read.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractTokenRequestContext>()
            .UseSingletonHandler<NormalizeDeviceCodeGrantHandler>()
            .SetOrder(OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreHandlers.ExtractPostRequest<ExtractTokenRequestContext>.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(ExtractTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request?.GrantType == GrantTypes.DeviceCode)
        {
            context.Request.GrantType = TokenIssuance.DeviceCodeGrantType;
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The discovery document's issuer is the tenant's (<c>{origin}/{tenant id}/v2.0</c>), as Entra's.</summary>
public sealed class AttachTenantIssuerHandler : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    /// <summary>Runs after OpenIddict's <c>AttachIssuer</c>.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<AttachTenantIssuerHandler>()
            .SetOrder(OpenIddictServerHandlers.Discovery.AttachIssuer.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tenant = TransactionTenant.Of(context.Transaction);
        context.Issuer = new Uri(tenant.Issuer, UriKind.Absolute);

        // MSAL derives the device-code endpoint from the token endpoint; the document names it anyway, and the
        // sign-out endpoint.
        if (context.BaseUri is { } baseUri)
        {
            var prefix = baseUri.AbsoluteUri.TrimEnd('/');
            context.AuthorizationEndpoint ??= new Uri($"{prefix}/oauth2/v2.0/authorize");
            context.DeviceAuthorizationEndpoint ??= new Uri($"{prefix}/oauth2/v2.0/devicecode");
            context.EndSessionEndpoint ??= new Uri($"{prefix}/oauth2/v2.0/logout");
        }

        foreach (var scope in new[] { Scopes.Profile, Scopes.Email })
        {
            context.Scopes.Add(scope);
        }
        context.Metadata["tenant_region_scope"] = "WW";
        context.Metadata["cloud_instance_name"] = new Uri(tenant.Origin).Authority;
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Access and identity tokens as Entra's: the tenant's issuer, <c>typ: JWT</c>, the audience of the resource, and
/// none of OpenIddict's private claims or its <c>scope</c> claim (Entra puts delegated scopes in <c>scp</c>).
/// Refresh tokens stay OpenIddict's (encrypted, for this server only).
/// </summary>
public sealed class ShapeTokenHandler : IOpenIddictServerHandler<GenerateTokenContext>
{
    /// <summary>Runs just before OpenIddict serialises the token.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<ShapeTokenHandler>()
            .SetOrder(OpenIddictServerHandlers.Protection.GenerateIdentityModelToken.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal) { Claims.Scope, Claims.ClientId };

    /// <inheritdoc />
    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var isAccess = context.TokenType == TokenTypeIdentifiers.AccessToken;
        var isIdentity = context.TokenType == TokenTypeIdentifiers.IdentityToken;
        if ((!isAccess && !isIdentity) || context.SecurityTokenDescriptor is not { } descriptor)
        {
            return ValueTask.CompletedTask;
        }

        var tenant = TransactionTenant.Of(context.Transaction);
        descriptor.Issuer = tenant.Issuer;
        if (isAccess)
        {
            descriptor.TokenType = "JWT";
        }

        if (descriptor.Claims is { } claims)
        {
            foreach (var key in claims.Keys.Where(k => Dropped.Contains(k) || k.StartsWith("oi_", StringComparison.Ordinal)).ToList())
            {
                claims.Remove(key);
            }
        }

        if (descriptor.Subject is { } subject)
        {
            foreach (var claim in subject.Claims.Where(c => Dropped.Contains(c.Type) || c.Type.StartsWith("oi_", StringComparison.Ordinal)).ToList())
            {
                subject.TryRemoveClaim(claim);
            }
        }

        if (isIdentity)
        {
            descriptor.Claims ??= new Dictionary<string, object>(StringComparer.Ordinal);
            descriptor.Claims["ver"] = "2.0";
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Token responses as Entra's: errors get <c>error_codes</c> (the AADSTS number), <c>timestamp</c>, <c>trace_id</c> and
/// <c>correlation_id</c>, and lose OpenIddict's documentation link; successes get <c>ext_expires_in</c> and, for user
/// flows, <c>client_info</c>.
/// </summary>
public sealed class EntraErrorShape : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    /// <summary>Runs before anything is written.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<EntraErrorShape>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Shape(context.Response, context.Transaction.GetHttpRequest()?.HttpContext, context.Transaction.Properties.TryGetValue(TokenIssuance.ClientInfoProperty, out var info) ? info as string : null);
        return ValueTask.CompletedTask;
    }

    /// <summary>Adds Entra's fields to a token-endpoint response.</summary>
    public static void Shape(OpenIddictResponse response, HttpContext? http, string? clientInfo)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (string.IsNullOrEmpty(response.Error))
        {
            if (response.ExpiresIn is { } expires)
            {
                response["ext_expires_in"] = expires;
            }

            if (clientInfo is not null)
            {
                response["client_info"] = clientInfo;
            }

            return;
        }

        // OpenIddict refuses a client-credentials request without a secret itself; Entra calls that invalid_client.
        if (response.Error == Errors.InvalidRequest && EntraErrors.CodeOf(response.ErrorDescription) is null
            && response.ErrorDescription?.Contains("'client_secret'", StringComparison.Ordinal) == true)
        {
            var required = EntraErrors.SecretRequired();
            response.Error = required.Error;
            response.ErrorDescription = required.Description;
        }

        var code = EntraErrors.CodeOf(response.ErrorDescription);
        var description = response.ErrorDescription ?? "The request was refused.";
        if (code is null)
        {
            code = EntraErrors.DefaultCode(response.Error);
            description = $"AADSTS{code.Value.ToString(CultureInfo.InvariantCulture)}: {StripOpenIddictId(description)}";
        }

        var traceId = http?.TraceIdentifier is { Length: > 0 } t ? t : Guid.NewGuid().ToString();
        var correlation = CorrelationId(http);
        var timestamp = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        response.ErrorDescription = $"{description} Trace ID: {traceId} Correlation ID: {correlation} Timestamp: {timestamp}";
        response.ErrorUri = null;
        response["error_codes"] = JsonSerializer.SerializeToElement(new[] { code.Value });
        response["timestamp"] = timestamp;
        response["trace_id"] = traceId;
        response["correlation_id"] = correlation;
    }

    /// <summary>The client's <c>client-request-id</c> (query or header), as Entra echoes it, or a new id.</summary>
    public static string CorrelationId(HttpContext? http)
    {
        var fromClient = http?.Request.Query["client-request-id"].FirstOrDefault() ?? http?.Request.Headers["client-request-id"].FirstOrDefault();
        return Guid.TryParse(fromClient, out var id) ? id.ToString() : Guid.NewGuid().ToString();
    }

    private static string StripOpenIddictId(string description)
    {
        // OpenIddict's messages end with " (ID2029)"-style references to its own catalogue.
        var open = description.LastIndexOf(" (ID", StringComparison.Ordinal);
        return open > 0 && description.EndsWith(')') ? description[..open] : description;
    }
}
