using System.Text.Json.Serialization;

namespace Doppel.Identity.Directory;

// The directory's objects as stored (one JSON document each) and, through Graph, as shown. Names and shapes follow
// Microsoft Graph v1.0; what is only stored (hashes, lockout counters) is marked [JsonIgnore] for Graph by the
// views in Doppel.Identity.Graph, never here.

/// <summary>A tenant (directory).</summary>
public sealed class Tenant
{
    /// <summary>The directory (tenant) id, a GUID.</summary>
    public required string Id { get; init; }

    /// <summary>The display name.</summary>
    public required string DisplayName { get; set; }

    /// <summary>The tenant's default domain, such as <c>doppel.local</c>; usable in place of the id in authority URLs.</summary>
    public required string Domain { get; init; }

    /// <summary>Whether users may consent for themselves to delegated permissions that do not need an administrator.</summary>
    public bool UsersCanConsent { get; set; } = true;

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedDateTime { get; init; }
}

/// <summary>A user.</summary>
public sealed class User
{
    /// <summary>The object id, a GUID (the <c>oid</c> of the user's tokens).</summary>
    public required string Id { get; init; }

    /// <summary>The sign-in name, <c>name@domain</c>; unique in the tenant.</summary>
    public required string UserPrincipalName { get; set; }

    /// <summary>The display name.</summary>
    public required string DisplayName { get; set; }

    /// <summary>The e-mail address, if any.</summary>
    public string? Mail { get; set; }

    /// <summary>Whether the user may sign in.</summary>
    public bool AccountEnabled { get; set; } = true;

    /// <summary>Whether the user holds the Global Administrator directory role.</summary>
    public bool IsAdministrator { get; set; }

    /// <summary>The password hash (ASP.NET Core Identity's PBKDF2 format); never shown.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Failed sign-ins since the last successful one.</summary>
    public int FailedSignIns { get; set; }

    /// <summary>Until when sign-in is refused after too many failures.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedDateTime { get; init; }
}

/// <summary>A security group.</summary>
public sealed class Group
{
    /// <summary>The object id.</summary>
    public required string Id { get; init; }

    /// <summary>The display name.</summary>
    public required string DisplayName { get; set; }

    /// <summary>The mail nickname; unique in the tenant.</summary>
    public required string MailNickname { get; set; }

    /// <summary>A description.</summary>
    public string? Description { get; set; }

    /// <summary>The object ids of the member users, groups and service principals.</summary>
    public List<string> Members { get; init; } = [];

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedDateTime { get; init; }
}

/// <summary>An app registration (Graph's <c>application</c>); its manifest is this object as JSON.</summary>
public sealed class Application
{
    /// <summary>The object id.</summary>
    public required string Id { get; init; }

    /// <summary>The Application (client) ID.</summary>
    public required string AppId { get; init; }

    /// <summary>The display name.</summary>
    public required string DisplayName { get; set; }

    /// <summary><c>AzureADMyOrg</c> (this directory only) or <c>AzureADMultipleOrgs</c> (any directory).</summary>
    public string SignInAudience { get; set; } = SignInAudiences.MyOrg;

    /// <summary>The Application ID URIs, such as <c>api://{appId}</c>; unique in the tenant.</summary>
    public List<string> IdentifierUris { get; set; } = [];

    /// <summary>Whether public-client flows (ROPC, device code) may be used without a secret.</summary>
    public bool? IsFallbackPublicClient { get; set; }

    /// <summary>Redirect URIs of public clients (mobile and desktop).</summary>
    public RedirectUriSettings PublicClient { get; set; } = new();

    /// <summary>Redirect URIs of web apps.</summary>
    public RedirectUriSettings Web { get; set; } = new();

    /// <summary>Redirect URIs of single-page apps.</summary>
    public RedirectUriSettings Spa { get; set; } = new();

    /// <summary>The API permissions the app asks for.</summary>
    public List<RequiredResourceAccess> RequiredResourceAccess { get; set; } = [];

    /// <summary>The client secrets; their values are only stored as hashes.</summary>
    public List<PasswordCredential> PasswordCredentials { get; set; } = [];

    /// <summary>What the app exposes as an API.</summary>
    public ApiSettings Api { get; set; } = new();

    /// <summary>The app roles the app defines.</summary>
    public List<AppRole> AppRoles { get; set; } = [];

    /// <summary>The tenant the app was registered in.</summary>
    public string? PublisherTenantId { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedDateTime { get; init; }
}

/// <summary>The values of <see cref="Application.SignInAudience"/> Doppel supports.</summary>
public static class SignInAudiences
{
    /// <summary>This directory only.</summary>
    public const string MyOrg = "AzureADMyOrg";

    /// <summary>Any directory.</summary>
    public const string MultipleOrgs = "AzureADMultipleOrgs";
}

/// <summary>Redirect URIs of one platform.</summary>
public sealed class RedirectUriSettings
{
    /// <summary>The URIs.</summary>
    public List<string> RedirectUris { get; set; } = [];
}

/// <summary>An API the app needs, with the permissions it asks for.</summary>
public sealed class RequiredResourceAccess
{
    /// <summary>The app id of the API.</summary>
    public required string ResourceAppId { get; set; }

    /// <summary>The permissions.</summary>
    public List<ResourceAccess> ResourceAccess { get; set; } = [];
}

/// <summary>One permission: a delegated scope (<c>Scope</c>) or an app role (<c>Role</c>).</summary>
public sealed class ResourceAccess
{
    /// <summary>The permission's id.</summary>
    public required string Id { get; set; }

    /// <summary><c>Scope</c> or <c>Role</c>.</summary>
    public required string Type { get; set; }
}

/// <summary>A client secret. The value is shown once, when it is added; only its hash is kept.</summary>
public sealed class PasswordCredential
{
    /// <summary>The secret's id.</summary>
    public required string KeyId { get; init; }

    /// <summary>A description.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The first three characters of the value.</summary>
    public required string Hint { get; init; }

    /// <summary>From when it is valid.</summary>
    public DateTimeOffset StartDateTime { get; init; }

    /// <summary>Until when it is valid.</summary>
    public DateTimeOffset EndDateTime { get; init; }

    /// <summary>The SHA-256 of the value (the value has 256 random bits, so a fast hash suffices); never shown.</summary>
    public required string SecretHash { get; init; }
}

/// <summary>What an app exposes as an API.</summary>
public sealed class ApiSettings
{
    /// <summary>The access-token version the API accepts: null or 1 for v1.0 tokens, 2 for v2.0 tokens.</summary>
    public int? RequestedAccessTokenVersion { get; set; }

    /// <summary>The delegated permissions (scopes).</summary>
    public List<PermissionScope> Oauth2PermissionScopes { get; set; } = [];
}

/// <summary>A delegated permission of an API.</summary>
public sealed class PermissionScope
{
    /// <summary>The permission id.</summary>
    public required string Id { get; init; }

    /// <summary>The scope name, such as <c>Read.Write</c>.</summary>
    public required string Value { get; init; }

    /// <summary>What it allows, for consent screens.</summary>
    public string? AdminConsentDisplayName { get; init; }

    /// <summary><c>User</c> (users may consent) or <c>Admin</c>.</summary>
    public string Type { get; init; } = "User";

    /// <summary>Whether it can be granted.</summary>
    public bool IsEnabled { get; init; } = true;
}

/// <summary>An app role.</summary>
public sealed class AppRole
{
    /// <summary>The role id.</summary>
    public required string Id { get; init; }

    /// <summary>The value in the <c>roles</c> claim.</summary>
    public required string Value { get; init; }

    /// <summary>The display name.</summary>
    public string? DisplayName { get; init; }

    /// <summary><c>Application</c> and/or <c>User</c>.</summary>
    public List<string> AllowedMemberTypes { get; init; } = ["Application"];

    /// <summary>Whether it can be assigned.</summary>
    public bool IsEnabled { get; init; } = true;
}

/// <summary>A service principal: an app's instance in a tenant.</summary>
public sealed class ServicePrincipal
{
    /// <summary>The object id (the <c>oid</c> of app-only tokens).</summary>
    public required string Id { get; init; }

    /// <summary>The app id it stands for.</summary>
    public required string AppId { get; init; }

    /// <summary>The display name.</summary>
    public required string DisplayName { get; set; }

    /// <summary>The tenant the app is registered in.</summary>
    public string? AppOwnerOrganizationId { get; init; }

    /// <summary>Whether it may get tokens.</summary>
    public bool AccountEnabled { get; set; } = true;

    /// <summary>The app's identifier URIs, copied from the app.</summary>
    public List<string> ServicePrincipalNames { get; set; } = [];

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedDateTime { get; init; }
}

/// <summary>A delegated permission grant (Graph's <c>oAuth2PermissionGrant</c>): consent.</summary>
public sealed class PermissionGrant
{
    /// <summary>The grant id.</summary>
    public required string Id { get; init; }

    /// <summary>The object id of the client's service principal.</summary>
    public required string ClientId { get; init; }

    /// <summary><c>AllPrincipals</c> (admin consent) or <c>Principal</c> (one user's consent).</summary>
    public required string ConsentType { get; init; }

    /// <summary>The user who consented, for <c>Principal</c>.</summary>
    public string? PrincipalId { get; init; }

    /// <summary>The object id of the resource's service principal.</summary>
    public required string ResourceId { get; init; }

    /// <summary>The granted scopes, space-separated.</summary>
    public required string Scope { get; set; }
}

/// <summary>An app role given to a service principal, user or group (Graph's <c>appRoleAssignment</c>).</summary>
public sealed class AppRoleAssignment
{
    /// <summary>The assignment id.</summary>
    public required string Id { get; init; }

    /// <summary>Who holds the role.</summary>
    public required string PrincipalId { get; init; }

    /// <summary><c>ServicePrincipal</c>, <c>User</c> or <c>Group</c>.</summary>
    public string PrincipalType { get; init; } = "ServicePrincipal";

    /// <summary>The object id of the resource's service principal.</summary>
    public required string ResourceId { get; init; }

    /// <summary>The role's id.</summary>
    public required string AppRoleId { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedDateTime { get; init; }
}

/// <summary>The kinds of directory objects in the store.</summary>
public static class DirectoryKinds
{
    /// <summary>Tenants (server scope).</summary>
    public const string Tenant = "tenant";

    /// <summary>Users.</summary>
    public const string User = "user";

    /// <summary>Groups.</summary>
    public const string Group = "group";

    /// <summary>App registrations.</summary>
    public const string Application = "application";

    /// <summary>Service principals.</summary>
    public const string ServicePrincipal = "servicePrincipal";

    /// <summary>Delegated permission grants.</summary>
    public const string PermissionGrant = "oauth2PermissionGrant";

    /// <summary>App role assignments.</summary>
    public const string AppRoleAssignment = "appRoleAssignment";

    /// <summary>Token signing keys (server scope).</summary>
    public const string SigningKey = "signingKey";

    /// <summary>Token encryption keys (server scope).</summary>
    public const string EncryptionKey = "encryptionKey";
}

/// <summary>The JSON of stored documents.</summary>
internal static class DirectoryJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Serialize<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) => System.Text.Json.JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new InvalidOperationException($"A stored {typeof(T).Name} is null.");
}
