namespace Doppel.Identity.Directory;

/// <summary>
/// The APIs every tenant has (as Entra's first-party service principals): Azure Digital Twins, Azure Resource
/// Manager and Microsoft Graph, with the ids their real counterparts use, and the first-party public client
/// Doppel's tools sign in with.
/// </summary>
public static class BuiltInApis
{
    /// <summary>Azure Digital Twins: the data plane's resource.</summary>
    public static BuiltInApi DigitalTwins { get; } = new(
        "0b07f429-9f4b-4714-9392-cc5e8e80c8b0",
        "Azure Digital Twins",
        ["https://digitaltwins.azure.net"],
        ["Azure Smart Spaces Service"],
        [new PermissionScope { Id = "4589bd03-58cb-4e6c-b17f-b580e39652f8", Value = "Read.Write", AdminConsentDisplayName = "Read and write access to Azure Digital Twins" }],
        []);

    /// <summary>Azure Resource Manager; ARM clients also ask for the server's own origin as the resource.</summary>
    public static BuiltInApi Management { get; } = new(
        "797f4846-ba00-4fd7-ba43-dac1f8f63013",
        "Windows Azure Service Management API",
        ["https://management.azure.com/", "https://management.core.windows.net/"],
        ["Azure Service Management"],
        [new PermissionScope { Id = "41094075-9dad-400e-a0bd-54e686782033", Value = "user_impersonation", AdminConsentDisplayName = "Access Azure Service Management as organization users" }],
        []);

    /// <summary>Microsoft Graph: the directory API (<c>/v1.0</c>).</summary>
    public static BuiltInApi Graph { get; } = new(
        "00000003-0000-0000-c000-000000000000",
        "Microsoft Graph",
        ["https://graph.microsoft.com"],
        [],
        [
            new PermissionScope { Id = "e1fe6dd8-ba31-4d61-89e7-88639da4683d", Value = "User.Read", AdminConsentDisplayName = "Sign in and read user profile" },
            new PermissionScope { Id = "06da0dbc-49e2-44d2-8312-53f166ab848a", Value = "Directory.Read.All", AdminConsentDisplayName = "Read directory data", Type = "Admin" },
            new PermissionScope { Id = "0e263e50-5827-48a4-b97c-d940288653c7", Value = "Directory.AccessAsUser.All", AdminConsentDisplayName = "Access directory as the signed in user", Type = "Admin" },
        ],
        [
            new AppRole { Id = "7ab1d382-f21e-4acd-a863-ba3e13f7da61", Value = "Directory.Read.All", DisplayName = "Read directory data" },
            new AppRole { Id = "19dbc75e-c2e2-444c-a770-ec69d8559fc7", Value = "Directory.ReadWrite.All", DisplayName = "Read and write directory data" },
            new AppRole { Id = "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", Value = "Application.ReadWrite.All", DisplayName = "Read and write all applications" },
            new AppRole { Id = "741f803b-c850-494e-b5df-cde7c675a1ca", Value = "User.ReadWrite.All", DisplayName = "Read and write all users' full profiles" },
            new AppRole { Id = "62a82d76-70ea-41e2-9197-370581804d09", Value = "Group.ReadWrite.All", DisplayName = "Read and write all groups" },
        ]);

    /// <summary>The three APIs.</summary>
    public static IReadOnlyList<BuiltInApi> All { get; } = [DigitalTwins, Management, Graph];

    /// <summary>
    /// The first-party public client (the Azure CLI's app id): preauthorized for every delegated permission of
    /// the built-in APIs, so an administrator can sign in with it before any app is registered.
    /// </summary>
    public static FirstPartyClient Cli { get; } = new("04b07795-8ddb-461a-bbee-02f9e1bf7b46", "Microsoft Azure CLI", _ => ["http://localhost"]);

    /// <summary>
    /// The portal's own client (the Azure portal's app id): a public client like the CLI, whose one redirect URI is
    /// the portal's sign-in callback on the origin the browser used, so the code only ever returns to this server.
    /// </summary>
    public static FirstPartyClient Portal { get; } = new("c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal", origin => [origin + PortalCallbackPath]);

    /// <summary>The path of the portal's sign-in callback.</summary>
    public const string PortalCallbackPath = "/portal/signin-oidc";

    /// <summary>The first-party clients every tenant has.</summary>
    public static IReadOnlyList<FirstPartyClient> FirstPartyClients { get; } = [Cli, Portal];

    /// <summary>The first-party client with this app id, or null.</summary>
    public static FirstPartyClient? FindFirstParty(string? appId) =>
        FirstPartyClients.FirstOrDefault(c => string.Equals(c.AppId, appId, StringComparison.OrdinalIgnoreCase));

    /// <summary>The built-in API with this app id, or null.</summary>
    public static BuiltInApi? FindByAppId(string appId) => All.FirstOrDefault(a => string.Equals(a.AppId, appId, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The built-in API one of whose identifiers is <paramref name="resource"/> (compared without a trailing slash
    /// and case), or whose app id it is; <paramref name="serverOrigin"/> (such as <c>https://localhost:5443</c>)
    /// stands for Azure Resource Manager.
    /// </summary>
    public static BuiltInApi? FindByResource(string resource, string? serverOrigin)
    {
        var wanted = resource.TrimEnd('/');
        if (serverOrigin is not null && string.Equals(wanted, serverOrigin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            return Management;
        }

        return All.FirstOrDefault(a =>
            string.Equals(a.AppId, wanted, StringComparison.OrdinalIgnoreCase) ||
            a.IdentifierUris.Any(u => string.Equals(u.TrimEnd('/'), wanted, StringComparison.OrdinalIgnoreCase)));
    }
}

/// <summary>A built-in API.</summary>
/// <param name="AppId">Its app id.</param>
/// <param name="DisplayName">Its name.</param>
/// <param name="IdentifierUris">Its Application ID URIs; the first is the <c>aud</c> of its (v1.0) tokens.</param>
/// <param name="OtherNames">Older display names that find it too.</param>
/// <param name="Scopes">Its delegated permissions.</param>
/// <param name="AppRoles">Its application permissions.</param>
public sealed record BuiltInApi(string AppId, string DisplayName, IReadOnlyList<string> IdentifierUris, IReadOnlyList<string> OtherNames, IReadOnlyList<PermissionScope> Scopes, IReadOnlyList<AppRole> AppRoles);

/// <summary>A first-party client app present in every tenant.</summary>
/// <param name="AppId">Its app id.</param>
/// <param name="DisplayName">Its name.</param>
/// <param name="RedirectUris">Its redirect URIs, given the origin the authorization request came to.</param>
public sealed record FirstPartyClient(string AppId, string DisplayName, Func<string, IReadOnlyList<string>> RedirectUris);
