using System.Globalization;
using System.Text.RegularExpressions;

namespace Doppel.Identity.Tokens;

/// <summary>
/// Entra's token-endpoint errors: the OAuth <c>error</c>, the AADSTS number and its text. A description given to
/// OpenIddict's <c>Reject</c> starts with <c>AADSTS{n}: </c>; <see cref="EntraErrorShape"/> turns that into
/// <c>error_codes</c> and adds the timestamp and ids as Entra does.
/// </summary>
public static partial class EntraErrors
{
    /// <summary>A refusal: the OAuth error and the AADSTS description.</summary>
    public readonly record struct Refusal(string Error, string Description);

    /// <summary>AADSTS90002: the tenant in the URL does not exist.</summary>
    public static Refusal TenantNotFound(string tenant) => new("invalid_tenant",
        $"AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.");

    /// <summary>AADSTS700016: no such client app in the tenant.</summary>
    public static Refusal ClientNotFound(string clientId, string tenant) => new("unauthorized_client",
        $"AADSTS700016: Application with identifier '{clientId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.");

    /// <summary>AADSTS7000215: wrong client secret.</summary>
    public static Refusal InvalidSecret(string clientId) => new("invalid_client",
        $"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.");

    /// <summary>AADSTS7000222: the secret has expired.</summary>
    public static Refusal ExpiredSecret(string clientId) => new("invalid_client",
        $"AADSTS7000222: The provided client secret keys for app '{clientId}' are expired. Create new keys for your app, or consider using certificate credentials for added security.");

    /// <summary>AADSTS7000218: a confidential client sent no secret.</summary>
    public static Refusal SecretRequired() => new("invalid_client",
        "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");

    /// <summary>AADSTS900144: a required parameter is missing.</summary>
    public static Refusal MissingParameter(string name) => new("invalid_request",
        $"AADSTS900144: The request body must contain the following parameter: '{name}'.");

    /// <summary>AADSTS1002012: client credentials need a <c>/.default</c> scope.</summary>
    public static Refusal DefaultScopeRequired(string scope) => new("invalid_scope",
        $"AADSTS1002012: The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");

    /// <summary>AADSTS70011: a scope is not valid.</summary>
    public static Refusal InvalidScope(string scope) => new("invalid_scope",
        $"AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid.");

    /// <summary>AADSTS28000: scopes of more than one resource.</summary>
    public static Refusal TwoResources() => new("invalid_scope",
        "AADSTS28000: Provided value for the input parameter scope is not valid because it contains more than one resource. Scope may only name one resource (plus openid, profile, offline_access).");

    /// <summary>AADSTS500011: the resource is unknown.</summary>
    public static Refusal ResourceNotFound(string resource, string tenant) => new("invalid_resource",
        $"AADSTS500011: The resource principal named {resource} was not found in the tenant named {tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.");

    /// <summary>AADSTS50126: wrong user name or password.</summary>
    public static Refusal InvalidCredentials() => new("invalid_grant",
        "AADSTS50126: Error validating credentials due to invalid username or password.");

    /// <summary>AADSTS50053: locked out.</summary>
    public static Refusal LockedOut() => new("invalid_grant",
        "AADSTS50053: The account is locked because the user tried to sign in too many times with an incorrect user ID or password. Try again later.");

    /// <summary>AADSTS50057: disabled account.</summary>
    public static Refusal Disabled() => new("invalid_grant", "AADSTS50057: The user account is disabled.");

    /// <summary>AADSTS65001: no consent for the delegated permission.</summary>
    public static Refusal ConsentRequired(string clientId, string resource) => new("invalid_grant",
        $"AADSTS65001: The user or administrator has not consented to use the application with ID '{clientId}'. Send an interactive authorization request for this user and resource ({resource}), or grant admin consent.");

    /// <summary>AADSTS65004: the user pressed Cancel on the consent prompt.</summary>
    public static Refusal ConsentDeclined() => new("access_denied", "AADSTS65004: User declined to consent to access the app.");

    /// <summary>AADSTS700082-like: the refresh token's user or app is gone.</summary>
    public static Refusal RefreshNoLongerValid() => new("invalid_grant",
        "AADSTS700082: The refresh token is no longer valid: its user or application no longer exists or is disabled.");

    /// <summary>AADSTS70016: the user has not finished signing in yet; keep polling.</summary>
    public static Refusal AuthorizationPending() => new("authorization_pending",
        "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.");

    /// <summary>AADSTS70019: the device code expired.</summary>
    public static Refusal DeviceCodeExpired() => new("expired_token", "AADSTS70019: Verification code expired.");

    /// <summary>The user declined the device sign-in.</summary>
    public static Refusal AuthorizationDeclined() => new("authorization_declined", "AADSTS70020: The user declined the sign-in on the device code page.");

    /// <summary>An unknown or already used device code.</summary>
    public static Refusal BadDeviceCode() => new("bad_verification_code", "AADSTS70021: The device code is unknown, was issued to another client, or has already been used.");

    /// <summary>AADSTS7000218-like for flows that need a public client.</summary>
    public static Refusal PublicClientRequired(string clientId) => new("invalid_client",
        $"AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'. Application '{clientId}' is not a public client (set isFallbackPublicClient).");

    /// <summary>AADSTS for errors OpenIddict raises itself, by their OAuth error.</summary>
    public static int DefaultCode(string error) => error switch
    {
        "invalid_request" => 900144,
        "invalid_client" => 7000215,
        "unauthorized_client" => 700016,
        "unsupported_grant_type" => 70003,
        "invalid_scope" => 70011,
        "invalid_grant" => 9002313,
        "invalid_tenant" => 90002,
        "invalid_resource" => 500011,
        _ => 90000,
    };

    /// <summary>The AADSTS number a description starts with, or null.</summary>
    public static int? CodeOf(string? description)
    {
        var match = description is null ? null : CodePattern().Match(description);
        return match is { Success: true } && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;
    }

    [GeneratedRegex("^AADSTS([0-9]{1,9}):")]
    private static partial Regex CodePattern();
}
