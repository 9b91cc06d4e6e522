using Doppel.Identity.Directory;

namespace Doppel.Identity.Tokens;

/// <summary>
/// Which delegated permissions a user flow asks for, which of them the user (or the whole organization) has
/// consented to, and whether the consent prompt may ask for the rest. The token endpoint uses the first two (a
/// missing grant is <c>AADSTS65001</c>); the authorization and device-code pages use <see cref="PromptForAsync"/>
/// after the sign-in. Who may consent follows Entra's default policy: an administrator to anything (for themselves,
/// or for the organization), a user for themselves to permissions users may consent to (type <c>User</c>) while the
/// tenant allows user consent.
/// </summary>
public sealed class DelegatedConsent(DirectoryService directory, TokenIssuance issuance)
{
    /// <summary>
    /// The scope values a user flow asks for from <paramref name="resource"/>: for <c>/.default</c>, the app's
    /// delegated API permissions on it; for named scopes, those. Null when a named scope does not exist.
    /// <paramref name="app"/> is null for a first-party client, which asks for every scope.
    /// </summary>
    public static List<string>? Requested(Application? app, TokenIssuance.Resource resource, IReadOnlyList<PermissionScope> defined, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(defined);
        ArgumentNullException.ThrowIfNull(names);
        var wanted = new List<string>();
        foreach (var name in names)
        {
            if (name == ".default")
            {
                wanted.AddRange(app is null
                    ? defined.Select(d => d.Value)
                    : app.RequiredResourceAccess
                        .Where(r => string.Equals(r.ResourceAppId, resource.AppId, StringComparison.OrdinalIgnoreCase))
                        .SelectMany(r => r.ResourceAccess.Where(a => a.Type == "Scope"))
                        .Select(a => defined.FirstOrDefault(d => string.Equals(d.Id, a.Id, StringComparison.OrdinalIgnoreCase))?.Value)
                        .OfType<string>());
            }
            else if (defined.FirstOrDefault(d => string.Equals(d.Value, name, StringComparison.OrdinalIgnoreCase)) is { } scope)
            {
                wanted.Add(scope.Value);
            }
            else
            {
                return null;
            }
        }

        return [.. wanted.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The scopes of a resource the client holds for a user: the organization's grant and the user's own.</summary>
    public async Task<HashSet<string>> ConsentedAsync(string tenantId, string clientSpId, string resourceSpId, string userId, CancellationToken cancellationToken)
    {
        var grants = await directory.ListGrantsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return grants
            .Where(g => g.ClientId == clientSpId && g.ResourceId == resourceSpId && (g.ConsentType == "AllPrincipals" || g.PrincipalId == userId))
            .SelectMany(g => g.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// What the consent prompt should ask <paramref name="user"/> after signing in to <paramref name="clientId"/> with
    /// <paramref name="scopes"/>, or null when there is nothing to ask: a first-party (preauthorized) client, consent
    /// already given (unless <paramref name="force"/>, for <c>prompt=consent</c>), a user who may not consent (the token
    /// endpoint then answers <c>AADSTS65001</c> as before), or a request the token endpoint will refuse anyway (an
    /// unknown scope or resource, two resources).
    /// </summary>
    public async Task<ConsentPrompt?> PromptForAsync(TenantRequest tenant, string clientId, IEnumerable<string> scopes, User user, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(user);
        var tenantId = tenant.Tenant.Id;
        var app = await directory.FindApplicationAsync(tenantId, clientId, cancellationToken).ConfigureAwait(false);
        if (app is null || !string.Equals(app.AppId, clientId, StringComparison.OrdinalIgnoreCase)
            || await directory.FindServicePrincipalAsync(tenantId, app.AppId, cancellationToken).ConfigureAwait(false) is not { AccountEnabled: true } clientSp)
        {
            return null;
        }

        var resourceScopes = scopes.Where(s => !TokenIssuance.OidcScopes.Contains(s)).ToList();
        if (resourceScopes.Count == 0)
        {
            resourceScopes.Add("https://graph.microsoft.com/User.Read");
        }

        var parsed = resourceScopes.Select(TokenIssuance.ParseScope).ToList();
        if (parsed.Select(p => p.Resource.TrimEnd('/')).Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1
            || await issuance.ResolveResourceAsync(tenantId, parsed[0].Resource, tenant.Origin, cancellationToken).ConfigureAwait(false) is not { ServicePrincipalId: { } resourceSpId } resource)
        {
            return null;
        }

        var defined = await directory.ScopesOfAsync(tenantId, resource.AppId, cancellationToken).ConfigureAwait(false);
        if (Requested(app, resource, defined, parsed.Select(p => p.Name)) is not { Count: > 0 } wanted)
        {
            return null;
        }

        var consented = await ConsentedAsync(tenantId, clientSp.Id, resourceSpId, user.Id, cancellationToken).ConfigureAwait(false);
        var missing = force ? wanted : [.. wanted.Where(s => !consented.Contains(s))];
        if (missing.Count == 0)
        {
            return null;
        }

        var mayConsent = user.IsAdministrator
            || await directory.MayUserConsentAsync(tenantId, resourceSpId, string.Join(' ', missing), cancellationToken).ConfigureAwait(false);
        if (!mayConsent)
        {
            return null;
        }

        var publisher = app.PublisherTenantId is { } publisherId && publisherId != tenantId
            ? await directory.FindTenantAsync(publisherId, cancellationToken).ConfigureAwait(false)
            : tenant.Tenant;
        return new ConsentPrompt(
            app.AppId,
            app.DisplayName,
            publisher ?? tenant.Tenant,
            clientSp.Id,
            resource,
            resourceSpId,
            [.. missing.Select(m => defined.First(d => string.Equals(d.Value, m, StringComparison.Ordinal)))],
            user.IsAdministrator);
    }

    /// <summary>
    /// Records the consent the prompt asked for: the user's own grant (<c>Principal</c>), or, for an administrator who
    /// ticked "Consent on behalf of your organization", the organization's (<c>AllPrincipals</c>).
    /// </summary>
    public Task<PermissionGrant> RecordAsync(string tenantId, ConsentPrompt prompt, User user, bool forOrganization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(user);
        // Only an administrator consents for everyone; a forged tick from anyone else records their own consent.
        var forEveryone = forOrganization && user.IsAdministrator;
        return directory.ConsentAsync(tenantId, prompt.ClientServicePrincipalId, prompt.ResourceServicePrincipalId,
            [.. prompt.Permissions.Select(p => p.Value)], forEveryone ? null : user.Id, cancellationToken);
    }
}

/// <summary>What the consent prompt shows and records.</summary>
/// <param name="ClientAppId">The client's app id.</param>
/// <param name="ClientName">The client's display name.</param>
/// <param name="Publisher">The tenant the client is registered in.</param>
/// <param name="ClientServicePrincipalId">The client's service principal in this tenant.</param>
/// <param name="Resource">The API the permissions belong to.</param>
/// <param name="ResourceServicePrincipalId">The API's service principal.</param>
/// <param name="Permissions">The permissions not consented yet.</param>
/// <param name="OfferOrganization">Whether to offer "Consent on behalf of your organization" (to administrators).</param>
public sealed record ConsentPrompt(
    string ClientAppId,
    string ClientName,
    Tenant Publisher,
    string ClientServicePrincipalId,
    TokenIssuance.Resource Resource,
    string ResourceServicePrincipalId,
    IReadOnlyList<PermissionScope> Permissions,
    bool OfferOrganization);
