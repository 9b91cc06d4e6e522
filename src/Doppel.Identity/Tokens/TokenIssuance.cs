using System.Security.Claims;
using Doppel.Identity.Directory;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Doppel.Identity.Tokens;

/// <summary>
/// Who gets which token: resolves the client app, checks its secret, signs the user in (password grant) or takes
/// the user from the refresh token, resolves the one resource the scopes name, works out the delegated scopes
/// (consent) or app roles, and builds the principal with Entra's claims. No HTTP and no OpenIddict pipeline
/// types beyond the principal helpers, so the rules are testable on their own.
/// </summary>
public sealed class TokenIssuance(DirectoryService directory, DeviceCodes deviceCodes, TimeProvider time)
{
    /// <summary>The device-code grant type as MSAL sends it (Entra's short form of RFC 8628's URN).</summary>
    public const string DeviceCodeGrantType = "device_code";

    /// <summary>The OpenID Connect scopes that name no resource.</summary>
    public static readonly IReadOnlySet<string> OidcScopes = new HashSet<string>(StringComparer.Ordinal) { Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess, Scopes.Email };

    /// <summary>Transaction property names handed from the token handler to the response handler.</summary>
    public const string ClientInfoProperty = "doppel:client_info";

    /// <summary>
    /// The principal to sign in, or the refusal. <paramref name="refreshPrincipal"/> is the principal of the refresh
    /// token or authorization code being redeemed, if any.
    /// </summary>
    public async Task<(ClaimsPrincipal? Principal, EntraErrors.Refusal? Refusal)> IssueAsync(
        TenantRequest tenant, OpenIddictRequest request, ClaimsPrincipal? refreshPrincipal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(request);
        var tenantId = tenant.Tenant.Id;
        if (string.IsNullOrEmpty(request.ClientId))
        {
            return (null, EntraErrors.MissingParameter("client_id"));
        }

        // The client.
        // First-party clients (the CLI, the portal) are public clients preauthorized for the built-in APIs.
        var isCli = BuiltInApis.FindFirstParty(request.ClientId) is not null;
        var app = isCli ? null : await directory.FindApplicationAsync(tenantId, request.ClientId, cancellationToken).ConfigureAwait(false);
        if (!isCli && (app is null || !string.Equals(app.AppId, request.ClientId, StringComparison.OrdinalIgnoreCase)))
        {
            return (null, EntraErrors.ClientNotFound(request.ClientId, tenantId));
        }

        var clientSp = await directory.FindServicePrincipalAsync(tenantId, request.ClientId, cancellationToken).ConfigureAwait(false);
        if (clientSp is null || !clientSp.AccountEnabled)
        {
            return (null, EntraErrors.ClientNotFound(request.ClientId, tenantId));
        }

        var confidential = false;
        if (!string.IsNullOrEmpty(request.ClientSecret))
        {
            if (app is null)
            {
                return (null, EntraErrors.InvalidSecret(request.ClientId));
            }

            var now = time.GetUtcNow();
            var matching = app.PasswordCredentials.FirstOrDefault(c => Secrets.VerifySecret(c.SecretHash, request.ClientSecret));
            if (matching is null)
            {
                return (null, EntraErrors.InvalidSecret(request.ClientId));
            }

            if (matching.EndDateTime <= now || matching.StartDateTime > now.AddMinutes(5))
            {
                return (null, EntraErrors.ExpiredSecret(request.ClientId));
            }

            confidential = true;
        }
        else if (request.IsClientCredentialsGrantType() || !(isCli || app?.IsFallbackPublicClient == true || IsPublicRedirect(app, request)))
        {
            return (null, EntraErrors.SecretRequired());
        }

        // The resource.
        var requested = request.GetScopes();
        if (requested.IsEmpty && request.IsAuthorizationCodeGrantType() && refreshPrincipal is not null)
        {
            requested = refreshPrincipal.GetScopes();
        }

        var resourceScopes = requested.Where(s => !OidcScopes.Contains(s)).ToList();
        if (resourceScopes.Count == 0)
        {
            if (request.IsClientCredentialsGrantType())
            {
                return (null, EntraErrors.MissingParameter("scope"));
            }

            resourceScopes.Add("https://graph.microsoft.com/User.Read");
        }

        var parsed = resourceScopes.Select(ParseScope).ToList();
        if (parsed.Select(p => p.Resource.TrimEnd('/')).Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1)
        {
            return (null, EntraErrors.TwoResources());
        }

        if (request.IsClientCredentialsGrantType() && parsed.Any(p => p.Name != ".default"))
        {
            return (null, EntraErrors.DefaultScopeRequired(string.Join(' ', resourceScopes)));
        }

        var resource = await ResolveResourceAsync(tenantId, parsed[0].Resource, tenant.Origin, cancellationToken).ConfigureAwait(false);
        if (resource is null)
        {
            return (null, EntraErrors.ResourceNotFound(parsed[0].Resource, tenantId));
        }

        var identity = new ClaimsIdentity("Doppel", Claims.Name, Claims.Role);
        var tokenVersion = resource.TokenVersion;
        identity.AddClaim(new Claim("tid", tenantId));
        identity.AddClaim(new Claim("ver", tokenVersion == 2 ? "2.0" : "1.0"));
        identity.AddClaim(new Claim(tokenVersion == 2 ? "azp" : "appid", request.ClientId.ToLowerInvariant()));
        identity.AddClaim(new Claim(tokenVersion == 2 ? "azpacr" : "appidacr", confidential ? "1" : "0"));

        if (request.IsClientCredentialsGrantType())
        {
            var roles = await AppRolesAsync(tenantId, clientSp.Id, resource, cancellationToken).ConfigureAwait(false);
            identity.AddClaim(new Claim(Claims.Subject, clientSp.Id));
            identity.AddClaim(new Claim("oid", clientSp.Id));
            identity.AddClaim(new Claim("idtyp", "app"));
            foreach (var role in roles)
            {
                identity.AddClaim(new Claim("roles", role));
            }
        }
        else
        {
            User? user;
            if (request.IsPasswordGrantType())
            {
                if (string.IsNullOrEmpty(request.Username))
                {
                    return (null, EntraErrors.MissingParameter("username"));
                }

                if (string.IsNullOrEmpty(request.Password))
                {
                    return (null, EntraErrors.MissingParameter("password"));
                }

                var signIn = await directory.SignInAsync(tenantId, request.Username, request.Password, cancellationToken).ConfigureAwait(false);
                switch (signIn.Outcome)
                {
                    case SignInOutcome.LockedOut:
                        return (null, EntraErrors.LockedOut());
                    case SignInOutcome.Disabled:
                        return (null, EntraErrors.Disabled());
                    case SignInOutcome.InvalidCredentials:
                        return (null, EntraErrors.InvalidCredentials());
                }

                user = signIn.User!;
            }
            else if (request.GrantType == DeviceCodeGrantType)
            {
                if (request["device_code"]?.ToString() is not { Length: > 0 } deviceCode)
                {
                    return (null, EntraErrors.MissingParameter("device_code"));
                }

                var (userId, pending) = await deviceCodes.RedeemAsync(tenantId, deviceCode, request.ClientId, cancellationToken).ConfigureAwait(false);
                if (pending is { } notYet)
                {
                    return (null, notYet);
                }

                user = await directory.FindUserAsync(tenantId, userId!, cancellationToken).ConfigureAwait(false);
                if (user is null || !user.AccountEnabled)
                {
                    return (null, EntraErrors.Disabled());
                }
            }
            else if ((request.IsRefreshTokenGrantType() || request.IsAuthorizationCodeGrantType())
                && refreshPrincipal?.GetClaim("oid") is { } oid && refreshPrincipal.GetClaim("tid") == tenantId)
            {
                user = await directory.FindUserAsync(tenantId, oid, cancellationToken).ConfigureAwait(false);
                if (user is null || !user.AccountEnabled)
                {
                    return (null, EntraErrors.RefreshNoLongerValid());
                }
            }
            else
            {
                return (null, EntraErrors.RefreshNoLongerValid());
            }

            var scopes = await DelegatedScopesAsync(tenantId, app, clientSp, user, resource, parsed, cancellationToken).ConfigureAwait(false);
            if (scopes is null || scopes.Count == 0)
            {
                return (null, scopes is null
                    ? EntraErrors.InvalidScope(string.Join(' ', resourceScopes))
                    : EntraErrors.ConsentRequired(request.ClientId, resource.DisplayName));
            }

            identity.AddClaim(new Claim(Claims.Subject, user.Id));
            identity.AddClaim(new Claim("oid", user.Id));
            identity.AddClaim(new Claim("idtyp", "user"));
            identity.AddClaim(new Claim("scp", string.Join(' ', scopes)));
            identity.AddClaim(new Claim(Claims.Name, user.DisplayName));
            identity.AddClaim(new Claim(Claims.PreferredUsername, user.UserPrincipalName));
            if (tokenVersion != 2)
            {
                identity.AddClaim(new Claim("upn", user.UserPrincipalName));
                identity.AddClaim(new Claim("unique_name", user.UserPrincipalName));
            }
        }

        var principal = new ClaimsPrincipal(identity);
        principal.SetResources(resource.Audience);
        principal.SetScopes(requested.Where(OidcScopes.Contains));
        principal.SetDestinations(claim => claim.Type switch
        {
            "aud-resource" => [],
            Claims.Subject or "oid" or "tid" or Claims.Name => [Destinations.AccessToken, Destinations.IdentityToken],
            Claims.PreferredUsername => tokenVersion == 2 ? [Destinations.AccessToken, Destinations.IdentityToken] : [Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return (principal, null);
    }

    /// <summary>Whether an authorization-code redemption comes back to a public-client or single-page-app redirect URI (no secret needed).</summary>
    private static bool IsPublicRedirect(Application? app, OpenIddictRequest request) =>
        app is not null && request.IsAuthorizationCodeGrantType() && request.RedirectUri is { } redirect
        && app.PublicClient.RedirectUris.Concat(app.Spa.RedirectUris).Any(r => ValidateAuthorizationRequestHandler.RedirectMatches(r, redirect));

    /// <summary>A resolved resource: its app id, the audience of its tokens, their version, and its service principal.</summary>
    public sealed record Resource(string AppId, string DisplayName, string Audience, int TokenVersion, string? ServicePrincipalId);

    /// <summary>
    /// The resource a scope prefix names: a built-in API (by identifier URI, app id, or the server's own origin
    /// for ARM) or an app registered in the tenant (by identifier URI or app id).
    /// </summary>
    public async Task<Resource?> ResolveResourceAsync(string tenantId, string resource, string origin, CancellationToken cancellationToken)
    {
        if (BuiltInApis.FindByResource(resource, origin) is { } builtIn)
        {
            var sp = await directory.FindServicePrincipalAsync(tenantId, builtIn.AppId, cancellationToken).ConfigureAwait(false);
            // v1.0 tokens (what these APIs accept) carry the resource as it was asked for, as Entra does; an app
            // id asked for stands for the first identifier URI.
            var audience = string.Equals(resource, builtIn.AppId, StringComparison.OrdinalIgnoreCase) ? builtIn.IdentifierUris[0] : resource;
            return new Resource(builtIn.AppId, builtIn.DisplayName, audience, 1, sp?.Id);
        }

        var apps = await directory.ListApplicationsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var app = apps.FirstOrDefault(a => string.Equals(a.AppId, resource, StringComparison.OrdinalIgnoreCase)
            || a.IdentifierUris.Any(u => string.Equals(u.TrimEnd('/'), resource.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)));
        if (app is null)
        {
            return null;
        }

        var appSp = await directory.FindServicePrincipalAsync(tenantId, app.AppId, cancellationToken).ConfigureAwait(false);
        if (appSp is null)
        {
            return null;
        }

        return app.Api.RequestedAccessTokenVersion == 2
            ? new Resource(app.AppId, app.DisplayName, app.AppId, 2, appSp.Id)
            : new Resource(app.AppId, app.DisplayName, app.IdentifierUris.FirstOrDefault() ?? app.AppId, 1, appSp.Id);
    }

    /// <summary>Splits <c>{resource}/{name}</c>; a bare name is a Microsoft Graph scope, as Entra reads it.</summary>
    public static (string Resource, string Name) ParseScope(string scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var slash = scope.LastIndexOf('/');
        if (slash <= 0)
        {
            return ("https://graph.microsoft.com", scope);
        }

        var resource = scope[..slash];
        // "https://localhost:5443//.default" names https://localhost:5443/ (an endpoint with a trailing slash).
        return (resource.EndsWith("//", StringComparison.Ordinal) ? resource[..^1] : resource, scope[(slash + 1)..]);
    }

    private async Task<List<string>> AppRolesAsync(string tenantId, string clientSpId, Resource resource, CancellationToken cancellationToken)
    {
        if (resource.ServicePrincipalId is null)
        {
            return [];
        }

        var defined = await directory.RolesOfAsync(tenantId, resource.AppId, cancellationToken).ConfigureAwait(false);
        var assigned = await directory.ListAppRoleAssignmentsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return [.. assigned
            .Where(a => a.PrincipalId == clientSpId && a.ResourceId == resource.ServicePrincipalId)
            .Select(a => defined.FirstOrDefault(r => string.Equals(r.Id, a.AppRoleId, StringComparison.OrdinalIgnoreCase) && r.IsEnabled)?.Value)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The delegated scopes a user flow gets: for <c>/.default</c>, every consented scope the app asks for in its
    /// API permissions; for named scopes, those that are consented. Null when a named scope does not exist; empty
    /// when consent is missing. The first-party CLI is preauthorized for every scope.
    /// </summary>
    private async Task<List<string>?> DelegatedScopesAsync(string tenantId, Application? app, ServicePrincipal clientSp, User user, Resource resource, List<(string Resource, string Name)> parsed, CancellationToken cancellationToken)
    {
        var defined = await directory.ScopesOfAsync(tenantId, resource.AppId, cancellationToken).ConfigureAwait(false);
        if (DelegatedConsent.Requested(app, resource, defined, parsed.Select(p => p.Name)) is not { } wanted)
        {
            return null;
        }

        if (app is null)
        {
            return wanted;
        }

        if (resource.ServicePrincipalId is null)
        {
            return [];
        }

        var grants = await directory.ListGrantsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var consented = grants
            .Where(g => g.ClientId == clientSp.Id && g.ResourceId == resource.ServicePrincipalId && (g.ConsentType == "AllPrincipals" || g.PrincipalId == user.Id))
            .SelectMany(g => g.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return wanted.All(consented.Contains) ? wanted : [];
    }
}
