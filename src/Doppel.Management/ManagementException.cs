namespace Doppel.Management;

/// <summary>The class of a control-plane error; the API turns it into an HTTP status.</summary>
public enum ManagementErrorKind
{
    /// <summary>HTTP 400.</summary>
    BadRequest,

    /// <summary>HTTP 401.</summary>
    Unauthorized,

    /// <summary>HTTP 403.</summary>
    Forbidden,

    /// <summary>HTTP 404.</summary>
    NotFound,

    /// <summary>HTTP 409.</summary>
    Conflict,
}

/// <summary>
/// A control-plane error with ARM's code and message. Services throw it; the API maps it once into
/// <c>{"error":{"code","message"}}</c>.
/// </summary>
public sealed class ManagementException : Exception
{
    /// <summary>Creates the error.</summary>
    public ManagementException(ManagementErrorKind kind, string code, string message)
        : base(message)
    {
        Kind = kind;
        Code = code;
    }

    /// <summary>Creates a generic bad-request error.</summary>
    public ManagementException()
        : this(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidRequestContent, "The request is invalid.")
    {
    }

    /// <summary>Creates a generic bad-request error with a message.</summary>
    public ManagementException(string message)
        : this(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidRequestContent, message)
    {
    }

    /// <summary>Creates a generic bad-request error with a message and cause.</summary>
    public ManagementException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = ManagementErrorKind.BadRequest;
        Code = ManagementErrorCodes.InvalidRequestContent;
    }

    /// <summary>The class of error, which decides the HTTP status.</summary>
    public ManagementErrorKind Kind { get; }

    /// <summary>ARM's error code, such as <c>ResourceNotFound</c>.</summary>
    public string Code { get; }
}

/// <summary>The ARM error codes the control plane answers with.</summary>
public static class ManagementErrorCodes
{
#pragma warning disable CS1591 // Each constant is its own documentation: the ARM code of the same name.
    public const string AuthenticationFailed = "AuthenticationFailed";
    public const string InvalidAuthenticationToken = "InvalidAuthenticationToken";
    public const string AuthorizationFailed = "AuthorizationFailed";
    public const string MissingApiVersionParameter = "MissingApiVersionParameter";
    public const string InvalidApiVersionParameter = "InvalidApiVersionParameter";
    public const string InvalidRequestContent = "InvalidRequestContent";
    public const string InvalidResourceName = "InvalidResourceName";
    public const string InvalidResourceGroupName = "InvalidResourceGroupName";
    public const string LocationNotAvailableForResourceType = "LocationNotAvailableForResourceType";
    public const string InvalidResourceLocation = "InvalidResourceLocation";
    public const string SubscriptionNotFound = "SubscriptionNotFound";
    public const string ResourceGroupNotFound = "ResourceGroupNotFound";
    public const string ResourceNotFound = "ResourceNotFound";
    public const string OperationNotFound = "OperationNotFound";
    public const string NameUnavailable = "NameUnavailable";
    public const string AnotherOperationInProgress = "AnotherOperationInProgress";
    public const string ResourceGroupBeingDeleted = "ResourceGroupBeingDeleted";
    public const string RoleAssignmentExists = "RoleAssignmentExists";
    public const string RoleAssignmentNotFound = "RoleAssignmentNotFound";
    public const string RoleDefinitionDoesNotExist = "RoleDefinitionDoesNotExist";
    public const string InvalidRoleAssignmentId = "InvalidRoleAssignmentId";
    public const string InvalidPrincipalId = "InvalidPrincipalId";
    public const string RoleAssignmentUpdateNotPermitted = "RoleAssignmentUpdateNotPermitted";
    public const string QuotaExceeded = "QuotaExceeded";
    public const string NotFound = "NotFound";
    public const string MethodNotAllowed = "MethodNotAllowed";
    public const string InternalServerError = "InternalServerError";
    public const string ServiceUnavailable = "ServiceUnavailable";
#pragma warning restore CS1591
}
