namespace Doppel.Portal.Services;

/// <summary>An app registration as the "All applications" list shows it.</summary>
public sealed record AppSummary(string Id, string DisplayName, string AppId, DateTimeOffset? CreatedDateTime);

/// <summary>The tenant: its id, name and primary domain.</summary>
public sealed record OrganizationInfo(string Id, string DisplayName, string PrimaryDomain);

/// <summary>Whether a permission is used on behalf of a signed-in user or by the app itself.</summary>
public enum PermissionKind
{
    /// <summary>A delegated permission (an <c>oauth2PermissionScope</c>; <c>Scope</c> in requiredResourceAccess).</summary>
    Delegated,

    /// <summary>An application permission (an <c>appRole</c>; <c>Role</c> in requiredResourceAccess).</summary>
    Application,
}

/// <summary>A permission an API publishes.</summary>
public sealed record ApiPermissionInfo(string Id, string Value, PermissionKind Kind, string Description, bool AdminConsentRequired)
{
    /// <summary>The <c>type</c> requiredResourceAccess records it with.</summary>
    public string AccessType => Kind == PermissionKind.Delegated ? "Scope" : "Role";
}

/// <summary>An API (a service principal) with the permissions it publishes.</summary>
public sealed record ApiInfo(string Id, string AppId, string DisplayName, string? OwnerTenantId, IReadOnlyList<ApiPermissionInfo> Scopes, IReadOnlyList<ApiPermissionInfo> Roles)
{
    /// <summary>Whether it publishes any permission a client can request.</summary>
    public bool PublishesPermissions => Scopes.Count + Roles.Count > 0;

    /// <summary>The permissions of one kind.</summary>
    public IReadOnlyList<ApiPermissionInfo> Permissions(PermissionKind kind) => kind == PermissionKind.Delegated ? Scopes : Roles;

    /// <summary>A permission by its id and requiredResourceAccess type, or null.</summary>
    public ApiPermissionInfo? Find(string id, string accessType) =>
        (accessType == "Role" ? Roles : Scopes).FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A delegated permission grant.</summary>
public sealed record PermissionGrantInfo(string Id, string ClientId, string ConsentType, string ResourceId, string Scope);
