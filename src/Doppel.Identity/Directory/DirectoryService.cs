using System.Text.RegularExpressions;
using Doppel.Storage.DataPlane;
using Doppel.Storage.Identity;

namespace Doppel.Identity.Directory;

/// <summary>
/// The directory's rules over <see cref="IDirectoryStore"/>: unique sign-in names, domains and identifier URIs,
/// hashed passwords and secrets, lockout, consent and app-role checks. Thread-safe; no HTTP types.
/// </summary>
public sealed partial class DirectoryService(IDirectoryStore store, IdentityOptions options, TimeProvider time)
{
    private const string Server = DirectoryObject.ServerScope;

    /// <summary>The settings.</summary>
    public IdentityOptions Options => options;

    /// <summary>
    /// Raised with the tenant id after a group's members changed through this service, so that caches of group
    /// membership (access decisions) can forget the tenant at once.
    /// </summary>
    public event Action<string>? MembershipChanged;

    // ---- tenants -------------------------------------------------------------------------------------------

    /// <summary>
    /// Makes sure a tenant and an administrator exist. On the first start creates both; the password is
    /// <see cref="IdentityOptions.AdminPassword"/> or a generated one, returned once and never stored in clear.
    /// </summary>
    public async Task<BootstrapResult?> EnsureBootstrapAsync(CancellationToken cancellationToken)
    {
        // Several servers may start together on one database: whoever creates the tenant or the administrator first
        // wins, the others find them. A tenant left without an administrator (a crash in between) gets one next time.
        var tenant = await FindTenantAsync(options.DefaultTenantDomain, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
        {
            if ((await store.ListAsync(Server, DirectoryKinds.Tenant, cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                return null;
            }

            try
            {
                tenant = await CreateTenantAsync(options.DefaultTenantName, options.DefaultTenantDomain, cancellationToken).ConfigureAwait(false);
            }
            catch (DirectoryException ex) when (ex.Error == DirectoryError.AlreadyExists)
            {
                tenant = await FindTenantAsync(options.DefaultTenantDomain, cancellationToken).ConfigureAwait(false);
            }
        }

        if (tenant is null || (await ListUsersAsync(tenant.Id, cancellationToken).ConfigureAwait(false)).Any(u => u.IsAdministrator))
        {
            return null;
        }

        var password = options.AdminPassword ?? Secrets.GeneratePassword();
        try
        {
            var admin = await CreateUserAsync(tenant.Id, $"admin@{tenant.Domain}", "Administrator", password, isAdministrator: true, cancellationToken).ConfigureAwait(false);
            return new BootstrapResult(tenant, admin, options.AdminPassword is null ? password : null);
        }
        catch (DirectoryException ex) when (ex.Error == DirectoryError.AlreadyExists)
        {
            return null;
        }
    }

    /// <summary>Creates a tenant with the built-in APIs' service principals.</summary>
    public async Task<Tenant> CreateTenantAsync(string displayName, string domain, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Length > 256)
        {
            throw new DirectoryException(DirectoryError.Invalid, "A tenant needs a display name of 1 to 256 characters.");
        }

        if (!DomainPattern().IsMatch(domain) || domain.Length > 253)
        {
            throw new DirectoryException(DirectoryError.Invalid, $"'{domain}' is not a domain name (letters, digits and hyphens in dot-separated labels).");
        }

        var tenant = new Tenant { Id = Guid.NewGuid().ToString(), DisplayName = displayName.Trim(), Domain = domain.ToLowerInvariant(), CreatedDateTime = time.GetUtcNow() };
        await CreateAsync(Server, DirectoryKinds.Tenant, tenant.Id, tenant.Domain, tenant, $"A tenant with the domain {tenant.Domain} already exists.", cancellationToken).ConfigureAwait(false);
        foreach (var api in BuiltInApis.All)
        {
            await EnsureServicePrincipalAsync(tenant.Id, api.AppId, api.DisplayName, api.IdentifierUris, null, cancellationToken).ConfigureAwait(false);
        }

        await EnsureFirstPartyClientsAsync(tenant.Id, cancellationToken).ConfigureAwait(false);
        return tenant;
    }

    /// <summary>
    /// Gives the tenant a service principal for each first-party client; run at every start too, so tenants created
    /// before a client existed (the portal's) get it.
    /// </summary>
    public async Task EnsureFirstPartyClientsAsync(string tenantId, CancellationToken cancellationToken)
    {
        foreach (var client in BuiltInApis.FirstPartyClients)
        {
            if (await FindServicePrincipalAsync(tenantId, client.AppId, cancellationToken).ConfigureAwait(false) is null)
            {
                await EnsureServicePrincipalAsync(tenantId, client.AppId, client.DisplayName, [], null, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The tenant an authority URL names, by id or domain; null when there is none.</summary>
    public async Task<Tenant?> FindTenantAsync(string idOrDomain, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(idOrDomain) || idOrDomain.Length > 253)
        {
            return null;
        }

        var found = Guid.TryParse(idOrDomain, out var id)
            ? await store.FindAsync(Server, DirectoryKinds.Tenant, id.ToString(), cancellationToken).ConfigureAwait(false)
            : await store.FindByNameAsync(Server, DirectoryKinds.Tenant, idOrDomain, cancellationToken).ConfigureAwait(false);
        return found is null ? null : DirectoryJson.Deserialize<Tenant>(found.Document);
    }

    /// <summary>All tenants.</summary>
    public async Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken) =>
        [.. (await store.ListAsync(Server, DirectoryKinds.Tenant, cancellationToken).ConfigureAwait(false)).Select(o => DirectoryJson.Deserialize<Tenant>(o.Document))];

    // ---- users ---------------------------------------------------------------------------------------------

    /// <summary>Creates a user with a password (hashed); the sign-in name must be unique in the tenant.</summary>
    public async Task<User> CreateUserAsync(string tenantId, string userPrincipalName, string displayName, string password, bool isAdministrator, CancellationToken cancellationToken)
    {
        if (!UpnPattern().IsMatch(userPrincipalName ?? string.Empty) || userPrincipalName!.Length > 113)
        {
            throw new DirectoryException(DirectoryError.Invalid, $"'{userPrincipalName}' is not a valid userPrincipalName: use alias@domain with letters, digits and . _ - ' in the alias.");
        }

        if (string.IsNullOrWhiteSpace(displayName) || displayName.Length > 256)
        {
            throw new DirectoryException(DirectoryError.Invalid, "A user needs a displayName of 1 to 256 characters.");
        }

        if (!Secrets.IsStrongPassword(password ?? string.Empty))
        {
            throw new DirectoryException(DirectoryError.Invalid, "The password must have 8 to 256 characters and three of: lower-case letters, upper-case letters, digits, symbols.");
        }

        var user = new User
        {
            Id = Guid.NewGuid().ToString(),
            UserPrincipalName = userPrincipalName,
            DisplayName = displayName.Trim(),
            Mail = null,
            IsAdministrator = isAdministrator,
            PasswordHash = Secrets.HashPassword(password!),
            CreatedDateTime = time.GetUtcNow(),
        };
        await CreateAsync(tenantId, DirectoryKinds.User, user.Id, user.UserPrincipalName, user, $"Another object with the same value for property userPrincipalName already exists: {userPrincipalName}.", cancellationToken).ConfigureAwait(false);
        return user;
    }

    /// <summary>A user by object id or sign-in name; null when there is none.</summary>
    public async Task<User?> FindUserAsync(string tenantId, string idOrName, CancellationToken cancellationToken)
    {
        var found = await FindObjectAsync(tenantId, DirectoryKinds.User, idOrName, cancellationToken).ConfigureAwait(false);
        return found is null ? null : DirectoryJson.Deserialize<User>(found.Document);
    }

    /// <summary>The tenant's users.</summary>
    public Task<IReadOnlyList<User>> ListUsersAsync(string tenantId, CancellationToken cancellationToken) => ListAsync<User>(tenantId, DirectoryKinds.User, cancellationToken);

    /// <summary>
    /// Checks a user's password. Counts failures; after <see cref="IdentityOptions.LockoutThreshold"/> in a row the
    /// user is locked out for <see cref="IdentityOptions.LockoutDuration"/>, during which even the right password
    /// is refused. An unknown user and a wrong password give the same answer.
    /// </summary>
    public async Task<SignInResult> SignInAsync(string tenantId, string userName, string password, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var found = string.IsNullOrEmpty(userName) ? null : await store.FindByNameAsync(tenantId, DirectoryKinds.User, userName, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                // The same work as for a real user, so timing does not tell which names exist.
                Secrets.VerifyPassword(DummyHash, password ?? string.Empty);
                return new SignInResult(SignInOutcome.InvalidCredentials, null);
            }

            var user = DirectoryJson.Deserialize<User>(found.Document);
            var now = time.GetUtcNow();
            if (user.LockedUntil is { } until && until > now)
            {
                return new SignInResult(SignInOutcome.LockedOut, user);
            }

            if (!user.AccountEnabled)
            {
                return new SignInResult(SignInOutcome.Disabled, user);
            }

            var good = user.PasswordHash is { } hash && Secrets.VerifyPassword(hash, password ?? string.Empty);
            if (good && user.FailedSignIns == 0 && user.LockedUntil is null)
            {
                return new SignInResult(SignInOutcome.Succeeded, user);
            }

            if (good)
            {
                user.FailedSignIns = 0;
                user.LockedUntil = null;
            }
            else
            {
                user.FailedSignIns++;
                if (user.FailedSignIns >= options.LockoutThreshold)
                {
                    user.LockedUntil = now + options.LockoutDuration;
                    user.FailedSignIns = 0;
                }
            }

            var outcome = await store.ReplaceAsync(found with { Document = DirectoryJson.Serialize(user) }, found.Version, cancellationToken).ConfigureAwait(false);
            if (outcome == StoreWriteOutcome.Written)
            {
                return new SignInResult(good ? SignInOutcome.Succeeded : user.LockedUntil is not null ? SignInOutcome.LockedOut : SignInOutcome.InvalidCredentials, user);
            }
        }

        throw new DirectoryException(DirectoryError.Conflict, "The user's sign-in state kept changing concurrently; try again.");
    }

    private static readonly string DummyHash = Secrets.HashPassword(Guid.NewGuid().ToString());

    // ---- groups --------------------------------------------------------------------------------------------

    /// <summary>Creates a group; the mail nickname must be unique in the tenant.</summary>
    public async Task<Group> CreateGroupAsync(string tenantId, string displayName, string mailNickname, string? description, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Length > 256)
        {
            throw new DirectoryException(DirectoryError.Invalid, "A group needs a displayName of 1 to 256 characters.");
        }

        if (!NicknamePattern().IsMatch(mailNickname ?? string.Empty))
        {
            throw new DirectoryException(DirectoryError.Invalid, $"'{mailNickname}' is not a valid mailNickname: 1 to 64 letters, digits and . _ -.");
        }

        var group = new Group { Id = Guid.NewGuid().ToString(), DisplayName = displayName.Trim(), MailNickname = mailNickname!, Description = description, CreatedDateTime = time.GetUtcNow() };
        await CreateAsync(tenantId, DirectoryKinds.Group, group.Id, group.MailNickname, group, $"Another object with the same value for property mailNickname already exists: {mailNickname}.", cancellationToken).ConfigureAwait(false);
        return group;
    }

    /// <summary>A group by id; null when there is none.</summary>
    public async Task<Group?> FindGroupAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var found = await store.FindAsync(tenantId, DirectoryKinds.Group, id, cancellationToken).ConfigureAwait(false);
        return found is null ? null : DirectoryJson.Deserialize<Group>(found.Document);
    }

    /// <summary>The tenant's groups.</summary>
    public Task<IReadOnlyList<Group>> ListGroupsAsync(string tenantId, CancellationToken cancellationToken) => ListAsync<Group>(tenantId, DirectoryKinds.Group, cancellationToken);

    /// <summary>Adds a user, group or service principal of the tenant to a group.</summary>
    public async Task AddGroupMemberAsync(string tenantId, string groupId, string memberId, CancellationToken cancellationToken)
    {
        var exists = await store.FindAsync(tenantId, DirectoryKinds.User, memberId, cancellationToken).ConfigureAwait(false) is not null
            || await store.FindAsync(tenantId, DirectoryKinds.Group, memberId, cancellationToken).ConfigureAwait(false) is not null
            || await store.FindAsync(tenantId, DirectoryKinds.ServicePrincipal, memberId, cancellationToken).ConfigureAwait(false) is not null;
        if (!exists)
        {
            throw new DirectoryException(DirectoryError.NotFound, $"Resource '{memberId}' does not exist or one of its queried reference-property objects are not present.");
        }

        await UpdateAsync<Group>(tenantId, DirectoryKinds.Group, groupId, group =>
        {
            if (group.Members.Contains(memberId, StringComparer.OrdinalIgnoreCase))
            {
                throw new DirectoryException(DirectoryError.AlreadyExists, "One or more added object references already exist for the following modified properties: 'members'.");
            }

            group.Members.Add(memberId);
            return null;
        }, cancellationToken).ConfigureAwait(false);
        MembershipChanged?.Invoke(tenantId);
    }

    /// <summary>Removes a member from a group.</summary>
    public async Task RemoveGroupMemberAsync(string tenantId, string groupId, string memberId, CancellationToken cancellationToken)
    {
        await UpdateAsync<Group>(tenantId, DirectoryKinds.Group, groupId, group =>
        {
            if (group.Members.RemoveAll(m => string.Equals(m, memberId, StringComparison.OrdinalIgnoreCase)) == 0)
            {
                throw NotFound(memberId);
            }

            return null;
        }, cancellationToken).ConfigureAwait(false);
        MembershipChanged?.Invoke(tenantId);
    }

    // ---- applications and service principals ---------------------------------------------------------------

    /// <summary>Registers an app from a manifest (validated); a new app id is assigned.</summary>
    public async Task<Application> CreateApplicationAsync(string tenantId, Application manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var app = new Application
        {
            Id = Guid.NewGuid().ToString(),
            AppId = Guid.NewGuid().ToString(),
            DisplayName = manifest.DisplayName,
            SignInAudience = manifest.SignInAudience,
            IdentifierUris = manifest.IdentifierUris,
            IsFallbackPublicClient = manifest.IsFallbackPublicClient,
            PublicClient = manifest.PublicClient,
            Web = manifest.Web,
            Spa = manifest.Spa,
            RequiredResourceAccess = manifest.RequiredResourceAccess,
            Api = manifest.Api,
            AppRoles = manifest.AppRoles,
            PublisherTenantId = tenantId,
            CreatedDateTime = time.GetUtcNow(),
        };
        await ValidateAsync(tenantId, app, cancellationToken).ConfigureAwait(false);
        await CreateAsync(tenantId, DirectoryKinds.Application, app.Id, app.AppId, app, "An application with this appId already exists.", cancellationToken).ConfigureAwait(false);
        return app;
    }

    /// <summary>Changes an app through <paramref name="change"/> (its manifest edits), validated as on creation.</summary>
    public Task<Application> UpdateApplicationAsync(string tenantId, string id, Action<Application> change, CancellationToken cancellationToken) =>
        UpdateAsync<Application>(tenantId, DirectoryKinds.Application, id, app =>
        {
            var before = (app.Id, app.AppId, Secrets: app.PasswordCredentials);
            change(app);
            if (app.Id != before.Id || app.AppId != before.AppId || !ReferenceEquals(app.PasswordCredentials, before.Secrets))
            {
                throw new DirectoryException(DirectoryError.Invalid, "id, appId and passwordCredentials cannot be changed this way; use addPassword and removePassword for secrets.");
            }

            return app2 => ValidateAsync(tenantId, app2, cancellationToken);
        }, cancellationToken);

    /// <summary>An app by object id or app id; null when there is none.</summary>
    public async Task<Application?> FindApplicationAsync(string tenantId, string idOrAppId, CancellationToken cancellationToken)
    {
        var found = await FindObjectAsync(tenantId, DirectoryKinds.Application, idOrAppId, cancellationToken).ConfigureAwait(false);
        return found is null ? null : DirectoryJson.Deserialize<Application>(found.Document);
    }

    /// <summary>The tenant's app registrations.</summary>
    public Task<IReadOnlyList<Application>> ListApplicationsAsync(string tenantId, CancellationToken cancellationToken) => ListAsync<Application>(tenantId, DirectoryKinds.Application, cancellationToken);

    /// <summary>Deletes an app registration and its service principal in this tenant.</summary>
    public async Task DeleteApplicationAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var app = await FindApplicationAsync(tenantId, id, cancellationToken).ConfigureAwait(false)
            ?? throw NotFound(id);
        await store.DeleteAsync(tenantId, DirectoryKinds.Application, app.Id, cancellationToken).ConfigureAwait(false);
        if (await FindServicePrincipalAsync(tenantId, app.AppId, cancellationToken).ConfigureAwait(false) is { } sp)
        {
            await store.DeleteAsync(tenantId, DirectoryKinds.ServicePrincipal, sp.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds a client secret; the returned text is the only time its value exists outside the caller.</summary>
    public async Task<(PasswordCredential Credential, string SecretText)> AddPasswordAsync(string tenantId, string appObjectId, string? displayName, DateTimeOffset? endDateTime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var end = endDateTime ?? now + options.DefaultSecretLifetime;
        if (end <= now || end > now.AddYears(2).AddDays(1))
        {
            throw new DirectoryException(DirectoryError.Invalid, "endDateTime must be in the future and at most two years away.");
        }

        if (displayName is { Length: > 256 })
        {
            throw new DirectoryException(DirectoryError.Invalid, "displayName is longer than 256 characters.");
        }

        var secret = Secrets.Generate(40);
        var credential = new PasswordCredential
        {
            KeyId = Guid.NewGuid().ToString(),
            DisplayName = displayName,
            Hint = secret[..3],
            StartDateTime = now,
            EndDateTime = end,
            SecretHash = Secrets.HashSecret(secret),
        };
        await UpdateAsync<Application>(tenantId, DirectoryKinds.Application, appObjectId, app =>
        {
            if (app.PasswordCredentials.Count >= 20)
            {
                throw new DirectoryException(DirectoryError.Invalid, "An application can have at most 20 client secrets.");
            }

            app.PasswordCredentials = [.. app.PasswordCredentials, credential];
            return null;
        }, cancellationToken).ConfigureAwait(false);
        return (credential, secret);
    }

    /// <summary>Removes a client secret.</summary>
    public Task RemovePasswordAsync(string tenantId, string appObjectId, string keyId, CancellationToken cancellationToken) =>
        UpdateAsync<Application>(tenantId, DirectoryKinds.Application, appObjectId, app =>
        {
            var left = app.PasswordCredentials.Where(c => !string.Equals(c.KeyId, keyId, StringComparison.OrdinalIgnoreCase)).ToList();
            if (left.Count == app.PasswordCredentials.Count)
            {
                throw new DirectoryException(DirectoryError.NotFound, $"No password credential found with keyId {keyId}.");
            }

            app.PasswordCredentials = left;
            return null;
        }, cancellationToken);

    /// <summary>Creates the service principal of an app registered in this tenant (or of a built-in API or client).</summary>
    public async Task<ServicePrincipal> CreateServicePrincipalAsync(string tenantId, string appId, CancellationToken cancellationToken)
    {
        var app = await FindApplicationAsync(tenantId, appId, cancellationToken).ConfigureAwait(false);
        if (app is null || !string.Equals(app.AppId, appId, StringComparison.OrdinalIgnoreCase))
        {
            throw new DirectoryException(DirectoryError.Invalid, $"The appId '{appId}' of the service principal does not reference a valid application object.");
        }

        if (await FindServicePrincipalAsync(tenantId, app.AppId, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new DirectoryException(DirectoryError.AlreadyExists, $"A service principal for the appId '{app.AppId}' already exists.");
        }

        return await EnsureServicePrincipalAsync(tenantId, app.AppId, app.DisplayName, app.IdentifierUris, tenantId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A service principal by object id or app id; null when there is none.</summary>
    public async Task<ServicePrincipal?> FindServicePrincipalAsync(string tenantId, string idOrAppId, CancellationToken cancellationToken)
    {
        var found = await FindObjectAsync(tenantId, DirectoryKinds.ServicePrincipal, idOrAppId, cancellationToken).ConfigureAwait(false);
        return found is null ? null : DirectoryJson.Deserialize<ServicePrincipal>(found.Document);
    }

    /// <summary>The tenant's service principals.</summary>
    public Task<IReadOnlyList<ServicePrincipal>> ListServicePrincipalsAsync(string tenantId, CancellationToken cancellationToken) => ListAsync<ServicePrincipal>(tenantId, DirectoryKinds.ServicePrincipal, cancellationToken);

    // ---- consent and app roles --------------------------------------------------------------------------------

    /// <summary>
    /// Grants delegated permissions of a resource to a client: for every user (<c>AllPrincipals</c>, admin consent)
    /// or for one user (<c>Principal</c>). The scopes must be the resource's.
    /// </summary>
    public async Task<PermissionGrant> GrantAsync(string tenantId, string clientSpId, string resourceSpId, string scope, string? principalId, CancellationToken cancellationToken)
    {
        var client = await FindServicePrincipalAsync(tenantId, clientSpId, cancellationToken).ConfigureAwait(false) ?? throw NotFound(clientSpId);
        var resource = await FindServicePrincipalAsync(tenantId, resourceSpId, cancellationToken).ConfigureAwait(false) ?? throw NotFound(resourceSpId);
        var known = await ScopesOfAsync(tenantId, resource.AppId, cancellationToken).ConfigureAwait(false);
        var scopes = (scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (scopes.Length == 0 || scopes.Any(s => !known.Any(k => string.Equals(k.Value, s, StringComparison.Ordinal))))
        {
            throw new DirectoryException(DirectoryError.Invalid, $"The scope '{scope}' is not a delegated permission of {resource.DisplayName} ({string.Join(", ", known.Select(k => k.Value))}).");
        }

        if (principalId is not null && await FindUserAsync(tenantId, principalId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw NotFound(principalId);
        }

        var grant = new PermissionGrant
        {
            Id = Guid.NewGuid().ToString(),
            ClientId = client.Id,
            ConsentType = principalId is null ? "AllPrincipals" : "Principal",
            PrincipalId = principalId,
            ResourceId = resource.Id,
            Scope = string.Join(' ', scopes),
        };
        var key = $"{client.Id}|{resource.Id}|{principalId ?? "*"}";
        await CreateAsync(tenantId, DirectoryKinds.PermissionGrant, grant.Id, key, grant, "A permission grant object already exists with the same clientId, consentType, principalId and resourceId.", cancellationToken).ConfigureAwait(false);
        return grant;
    }

    /// <summary>Replaces the scopes of a delegated permission grant; they must be the resource's.</summary>
    public Task<PermissionGrant> UpdateGrantScopeAsync(string tenantId, string grantId, string scope, CancellationToken cancellationToken) =>
        UpdateAsync<PermissionGrant>(tenantId, DirectoryKinds.PermissionGrant, grantId, grant =>
        {
            grant.Scope = string.Join(' ', (scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries));
            return async changed =>
            {
                var resource = await FindServicePrincipalAsync(tenantId, changed.ResourceId, cancellationToken).ConfigureAwait(false) ?? throw NotFound(changed.ResourceId);
                var known = await ScopesOfAsync(tenantId, resource.AppId, cancellationToken).ConfigureAwait(false);
                var scopes = changed.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (scopes.Length == 0 || scopes.Any(s => !known.Any(k => string.Equals(k.Value, s, StringComparison.Ordinal))))
                {
                    throw new DirectoryException(DirectoryError.Invalid, $"The scope '{scope}' is not a delegated permission of {resource.DisplayName} ({string.Join(", ", known.Select(k => k.Value))}).");
                }
            };
        }, cancellationToken);

    /// <summary>
    /// Records consent given on the consent prompt: adds <paramref name="scopes"/> to the grant of the client for the
    /// resource and the user (<c>Principal</c>), or for everyone when <paramref name="principalId"/> is null
    /// (<c>AllPrincipals</c>), creating the grant when there is none. Who may consent is the caller's check.
    /// </summary>
    public async Task<PermissionGrant> ConsentAsync(string tenantId, string clientSpId, string resourceSpId, IReadOnlyCollection<string> scopes, string? principalId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var key = $"{clientSpId}|{resourceSpId}|{principalId ?? "*"}";
            if (await store.FindByNameAsync(tenantId, DirectoryKinds.PermissionGrant, key, cancellationToken).ConfigureAwait(false) is null)
            {
                try
                {
                    return await GrantAsync(tenantId, clientSpId, resourceSpId, string.Join(' ', scopes), principalId, cancellationToken).ConfigureAwait(false);
                }
                catch (DirectoryException ex) when (ex.Error == DirectoryError.AlreadyExists)
                {
                    continue; // another request created it in between: add to that one
                }
            }

            return await UpdateAsync<PermissionGrant>(tenantId, DirectoryKinds.PermissionGrant, key, grant =>
            {
                grant.Scope = string.Join(' ', grant.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Union(scopes, StringComparer.Ordinal));
                return null;
            }, cancellationToken).ConfigureAwait(false);
        }

        throw new DirectoryException(DirectoryError.Conflict, "The permission grant kept changing concurrently; try again.");
    }

    /// <summary>
    /// Sets whether the tenant's users may consent for themselves (Graph's authorization policy,
    /// <c>permissionGrantPoliciesAssigned</c>).
    /// </summary>
    public async Task<Tenant> SetUsersCanConsentAsync(string tenantId, bool allowed, CancellationToken cancellationToken) =>
        await UpdateAsync<Tenant>(Server, DirectoryKinds.Tenant, tenantId, tenant =>
        {
            tenant.UsersCanConsent = allowed;
            return null;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Whether a user may consent for themselves to <paramref name="scope"/> of a resource: the tenant allows user
    /// consent and every scope is one users may consent to (type <c>User</c>), as Entra's default policy has it.
    /// </summary>
    public async Task<bool> MayUserConsentAsync(string tenantId, string resourceSpId, string scope, CancellationToken cancellationToken)
    {
        var tenant = await FindTenantAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var resource = await FindServicePrincipalAsync(tenantId, resourceSpId, cancellationToken).ConfigureAwait(false);
        if (tenant is null || !tenant.UsersCanConsent || resource is null)
        {
            return false;
        }

        var defined = await ScopesOfAsync(tenantId, resource.AppId, cancellationToken).ConfigureAwait(false);
        var scopes = (scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return scopes.Length > 0 && scopes.All(s => defined.Any(d => d.Value == s && d.Type == "User" && d.IsEnabled));
    }

    /// <summary>The tenant's delegated permission grants.</summary>
    public Task<IReadOnlyList<PermissionGrant>> ListGrantsAsync(string tenantId, CancellationToken cancellationToken) => ListAsync<PermissionGrant>(tenantId, DirectoryKinds.PermissionGrant, cancellationToken);

    /// <summary>Gives an app role of a resource to a service principal.</summary>
    public async Task<AppRoleAssignment> AssignAppRoleAsync(string tenantId, string principalSpId, string resourceSpId, string appRoleId, CancellationToken cancellationToken)
    {
        var principal = await FindServicePrincipalAsync(tenantId, principalSpId, cancellationToken).ConfigureAwait(false) ?? throw NotFound(principalSpId);
        var resource = await FindServicePrincipalAsync(tenantId, resourceSpId, cancellationToken).ConfigureAwait(false) ?? throw NotFound(resourceSpId);
        var roles = await RolesOfAsync(tenantId, resource.AppId, cancellationToken).ConfigureAwait(false);
        if (!roles.Any(r => string.Equals(r.Id, appRoleId, StringComparison.OrdinalIgnoreCase) && r.AllowedMemberTypes.Contains("Application")))
        {
            throw new DirectoryException(DirectoryError.Invalid, $"Permission being assigned was not found on application '{resource.AppId}'.");
        }

        var assignment = new AppRoleAssignment { Id = Guid.NewGuid().ToString(), PrincipalId = principal.Id, ResourceId = resource.Id, AppRoleId = appRoleId.ToLowerInvariant(), CreatedDateTime = time.GetUtcNow() };
        await CreateAsync(tenantId, DirectoryKinds.AppRoleAssignment, assignment.Id, $"{principal.Id}|{resource.Id}|{assignment.AppRoleId}", assignment, "Permission being assigned already exists on the object.", cancellationToken).ConfigureAwait(false);
        return assignment;
    }

    /// <summary>The tenant's app role assignments.</summary>
    public Task<IReadOnlyList<AppRoleAssignment>> ListAppRoleAssignmentsAsync(string tenantId, CancellationToken cancellationToken) => ListAsync<AppRoleAssignment>(tenantId, DirectoryKinds.AppRoleAssignment, cancellationToken);

    /// <summary>The delegated permissions an API defines (built-in or registered in the tenant).</summary>
    public async Task<IReadOnlyList<PermissionScope>> ScopesOfAsync(string tenantId, string resourceAppId, CancellationToken cancellationToken) =>
        BuiltInApis.FindByAppId(resourceAppId) is { } builtIn
            ? builtIn.Scopes
            : (await FindApplicationAsync(tenantId, resourceAppId, cancellationToken).ConfigureAwait(false))?.Api.Oauth2PermissionScopes ?? [];

    /// <summary>The app roles an API defines (built-in or registered in the tenant).</summary>
    public async Task<IReadOnlyList<AppRole>> RolesOfAsync(string tenantId, string resourceAppId, CancellationToken cancellationToken) =>
        BuiltInApis.FindByAppId(resourceAppId) is { } builtIn
            ? builtIn.AppRoles
            : (await FindApplicationAsync(tenantId, resourceAppId, cancellationToken).ConfigureAwait(false))?.AppRoles ?? [];

    // ---- helpers -----------------------------------------------------------------------------------------------

    private async Task<ServicePrincipal> EnsureServicePrincipalAsync(string tenantId, string appId, string displayName, IReadOnlyList<string> names, string? owner, CancellationToken cancellationToken)
    {
        var sp = new ServicePrincipal
        {
            Id = Guid.NewGuid().ToString(),
            AppId = appId,
            DisplayName = displayName,
            AppOwnerOrganizationId = owner,
            ServicePrincipalNames = [appId, .. names],
            CreatedDateTime = time.GetUtcNow(),
        };
        var outcome = await store.CreateAsync(new DirectoryObject(tenantId, DirectoryKinds.ServicePrincipal, sp.Id, appId, DirectoryJson.Serialize(sp)), cancellationToken).ConfigureAwait(false);
        return outcome == StoreWriteOutcome.Written ? sp : (await FindServicePrincipalAsync(tenantId, appId, cancellationToken).ConfigureAwait(false))!;
    }

    private async Task ValidateAsync(string tenantId, Application app, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(app.DisplayName) || app.DisplayName.Length > 256)
        {
            problems.Add("displayName must have 1 to 256 characters");
        }

        if (app.SignInAudience is not (SignInAudiences.MyOrg or SignInAudiences.MultipleOrgs))
        {
            problems.Add($"signInAudience must be {SignInAudiences.MyOrg} or {SignInAudiences.MultipleOrgs}");
        }

        // A manifest edit may send null for any list or object; what is stored is always complete.
        app.IdentifierUris ??= [];
        app.PublicClient ??= new();
        app.Web ??= new();
        app.Spa ??= new();
        app.PublicClient.RedirectUris ??= [];
        app.Web.RedirectUris ??= [];
        app.Spa.RedirectUris ??= [];
        app.RequiredResourceAccess ??= [];
        app.Api ??= new();
        app.Api.Oauth2PermissionScopes ??= [];
        app.AppRoles ??= [];
        foreach (var access in app.RequiredResourceAccess.OfType<RequiredResourceAccess>())
        {
            access.ResourceAccess ??= [];
        }

        if (app.RequiredResourceAccess.Any(a => a is null) || app.RequiredResourceAccess.Any(a => a.ResourceAccess.Any(r => r is null))
            || app.IdentifierUris.Any(u => u is null) || app.PublicClient.RedirectUris.Concat(app.Web.RedirectUris).Concat(app.Spa.RedirectUris).Any(u => u is null)
            || app.Api.Oauth2PermissionScopes.Any(x => x is null) || app.AppRoles.Any(x => x is null))
        {
            throw new DirectoryException(DirectoryError.Invalid, "The application is not valid: lists may not contain null.");
        }
        foreach (var uri in app.IdentifierUris)
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Fragment.Length > 0 || uri.Length > 255)
            {
                problems.Add($"identifierUris: '{uri}' is not an absolute URI without a fragment");
            }
            else if (BuiltInApis.FindByResource(uri, null) is not null)
            {
                problems.Add($"identifierUris: '{uri}' belongs to a built-in API");
            }
        }

        foreach (var (platform, uris, loopbackHttp) in new[] { ("publicClient", app.PublicClient.RedirectUris, true), ("web", app.Web.RedirectUris, true), ("spa", app.Spa.RedirectUris, true) })
        {
            foreach (var uri in uris ?? [])
            {
                if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Fragment.Length > 0 || uri.Length > 256
                    || !(parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && loopbackHttp && parsed.IsLoopback) || (platform == "publicClient" && parsed.Scheme is not ("http" or "https"))))
                {
                    problems.Add($"{platform}.redirectUris: '{uri}' must be an absolute https URI (http only for localhost) without a fragment");
                }
            }
        }

        foreach (var access in app.RequiredResourceAccess)
        {
            if (access is null || string.IsNullOrEmpty(access.ResourceAppId))
            {
                problems.Add("requiredResourceAccess: every entry needs a resourceAppId");
                continue;
            }

            var scopes = await ScopesOfAsync(tenantId, access.ResourceAppId, cancellationToken).ConfigureAwait(false);
            var roles = await RolesOfAsync(tenantId, access.ResourceAppId, cancellationToken).ConfigureAwait(false);
            if (scopes.Count == 0 && roles.Count == 0 && !string.Equals(access.ResourceAppId, app.AppId, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"requiredResourceAccess: there is no API with the app id '{access.ResourceAppId}' in this directory");
                continue;
            }

            foreach (var permission in access.ResourceAccess ?? [])
            {
                var known = permission?.Type switch
                {
                    "Scope" => scopes.Any(s => string.Equals(s.Id, permission.Id, StringComparison.OrdinalIgnoreCase)),
                    "Role" => roles.Any(r => string.Equals(r.Id, permission.Id, StringComparison.OrdinalIgnoreCase)),
                    _ => false,
                };
                if (!known)
                {
                    problems.Add($"requiredResourceAccess: the API '{access.ResourceAppId}' has no permission '{permission?.Id}' of type '{permission?.Type}' (type is Scope or Role)");
                }
            }
        }

        foreach (var scope in app.Api.Oauth2PermissionScopes ?? [])
        {
            if (scope is null || !Guid.TryParse(scope.Id, out _) || !ScopeValuePattern().IsMatch(scope.Value ?? string.Empty))
            {
                problems.Add("api.oauth2PermissionScopes: every scope needs a GUID id and a value of letters, digits and . _ -");
            }
        }

        if (app.Api.RequestedAccessTokenVersion is not (null or 1 or 2))
        {
            problems.Add("api.requestedAccessTokenVersion must be null, 1 or 2");
        }

        foreach (var role in app.AppRoles)
        {
            if (role is null || !Guid.TryParse(role.Id, out _) || !ScopeValuePattern().IsMatch(role.Value ?? string.Empty))
            {
                problems.Add("appRoles: every role needs a GUID id and a value of letters, digits and . _ -");
            }
        }

        if (problems.Count > 0)
        {
            throw new DirectoryException(DirectoryError.Invalid, $"The application is not valid: {string.Join("; ", problems)}.");
        }

        var others = await ListApplicationsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var taken = app.IdentifierUris.FirstOrDefault(u => others.Any(o => o.Id != app.Id && o.IdentifierUris.Contains(u, StringComparer.OrdinalIgnoreCase)));
        if (taken is not null)
        {
            throw new DirectoryException(DirectoryError.AlreadyExists, $"Another object with the same value for property identifierUris already exists: {taken}.");
        }
    }

    private async Task CreateAsync<T>(string tenantId, string kind, string id, string? uniqueName, T value, string conflict, CancellationToken cancellationToken)
    {
        var outcome = await store.CreateAsync(new DirectoryObject(tenantId, kind, id, uniqueName, DirectoryJson.Serialize(value)), cancellationToken).ConfigureAwait(false);
        if (outcome == StoreWriteOutcome.AlreadyExists)
        {
            throw new DirectoryException(DirectoryError.AlreadyExists, conflict);
        }
    }

    private async Task<DirectoryObject?> FindObjectAsync(string tenantId, string kind, string idOrName, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(idOrName) || idOrName.Length > 256)
        {
            return null;
        }

        return await store.FindAsync(tenantId, kind, idOrName.ToLowerInvariant(), cancellationToken).ConfigureAwait(false)
            ?? await store.FindByNameAsync(tenantId, kind, idOrName, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<T>> ListAsync<T>(string tenantId, string kind, CancellationToken cancellationToken) =>
        [.. (await store.ListAsync(tenantId, kind, cancellationToken).ConfigureAwait(false)).Select(o => DirectoryJson.Deserialize<T>(o.Document))];

    /// <summary>Read, change, write with the version read; retried when another writer came between.</summary>
    private async Task<T> UpdateAsync<T>(string tenantId, string kind, string idOrName, Func<T, Func<T, Task>?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var found = await FindObjectAsync(tenantId, kind, idOrName, cancellationToken).ConfigureAwait(false) ?? throw NotFound(idOrName);
            var value = DirectoryJson.Deserialize<T>(found.Document);
            var validate = change(value);
            if (validate is not null)
            {
                await validate(value).ConfigureAwait(false);
            }

            var outcome = await store.ReplaceAsync(found with { Document = DirectoryJson.Serialize(value) }, found.Version, cancellationToken).ConfigureAwait(false);
            switch (outcome)
            {
                case StoreWriteOutcome.Written:
                    return value;
                case StoreWriteOutcome.AlreadyExists:
                    throw new DirectoryException(DirectoryError.AlreadyExists, "Another object with the same unique name already exists.");
                case StoreWriteOutcome.NotFound:
                    throw NotFound(idOrName);
            }
        }

        throw new DirectoryException(DirectoryError.Conflict, "The object kept changing concurrently; try again.");
    }

    private static DirectoryException NotFound(string id) =>
        new(DirectoryError.NotFound, $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex("^[A-Za-z0-9._'-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")]
    private static partial Regex UpnPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NicknamePattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,120}$")]
    private static partial Regex ScopeValuePattern();
}

/// <summary>What the first start created.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Administrator">The administrator.</param>
/// <param name="GeneratedPassword">The generated password, to show once; null when it came from the environment.</param>
public sealed record BootstrapResult(Tenant Tenant, User Administrator, string? GeneratedPassword);

/// <summary>The outcome of a password sign-in.</summary>
public enum SignInOutcome
{
    /// <summary>The password is right.</summary>
    Succeeded,

    /// <summary>Unknown user or wrong password.</summary>
    InvalidCredentials,

    /// <summary>Too many failures; refused until the lockout ends.</summary>
    LockedOut,

    /// <summary>The account is disabled.</summary>
    Disabled,
}

/// <summary>A password sign-in's outcome and the user, when known.</summary>
/// <param name="Outcome">The outcome.</param>
/// <param name="User">The user, or null when the name is unknown.</param>
public sealed record SignInResult(SignInOutcome Outcome, User? User);
