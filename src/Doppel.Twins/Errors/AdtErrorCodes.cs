namespace Doppel.Twins.Errors;

/// <summary>
/// ADT's error codes, copied verbatim from the data-plane Swagger and the live service (adt-facts.md §4), and the
/// codes Doppel adds. Every code the data plane answers with is a constant here, and each has its page at
/// <c>docs/errors/&lt;code&gt;.md</c> (a test checks that).
/// </summary>
public static class AdtErrorCodes
{
#pragma warning disable CS1591 // Each constant is its own documentation: the ADT code of the same name.
    public const string BadRequest = "BadRequest";
    public const string InvalidArgument = "InvalidArgument";
    public const string MissingArgument = "MissingArgument";
    public const string LimitExceeded = "LimitExceeded";
    public const string DtdlParserError = "DTDLParserError";
    public const string ModelVersionNotSupported = "ModelVersionNotSupported";
    public const string ModelAlreadyExists = "ModelAlreadyExists";
    public const string ModelNotFound = "ModelNotFound";
    public const string ModelReferencesNotDeleted = "ModelReferencesNotDeleted";
    public const string ModelReferencesNotDecommissioned = "ModelReferencesNotDecommissioned";
    public const string ModelDecommissioned = "ModelDecommissioned";
    public const string JsonPatchInvalid = "JsonPatchInvalid";
    public const string DigitalTwinNotFound = "DigitalTwinNotFound";
    public const string ValidationFailed = "ValidationFailed";
    public const string PreconditionFailed = "PreconditionFailed";
    public const string RelationshipsNotDeleted = "RelationshipsNotDeleted";
    public const string RelationshipNotFound = "RelationshipNotFound";
    public const string InvalidRelationship = "InvalidRelationship";
    public const string OperationNotAllowed = "OperationNotAllowed";
    public const string TargetTwinNotFound = "TargetTwinNotFound";
    public const string ComponentNotFound = "ComponentNotFound";
    public const string TwinLimitReached = "TwinLimitReached";
    public const string SqlQueryError = "SqlQueryError";
    public const string TimeoutError = "TimeoutError";
    public const string QuotaReachedError = "QuotaReachedError";

    // Codes ADT's documents do not name; Doppel's choices, listed in docs/differences-from-adt.md.
    public const string Unauthorized = "Unauthorized";
    public const string Forbidden = "Forbidden";
    public const string SubDomainNotFound = "SubDomainNotFound";
    public const string InstanceNotFound = "InstanceNotFound";
    public const string MissingApiVersionParameter = "MissingApiVersionParameter";
    public const string InvalidApiVersionParameter = "InvalidApiVersionParameter";
    public const string PayloadTooLarge = "PayloadTooLarge";
    public const string UnsupportedMediaType = "UnsupportedMediaType";
    public const string NotFound = "NotFound";
    public const string MethodNotAllowed = "MethodNotAllowed";
    public const string NotImplemented = "NotImplemented";
    public const string ServiceUnavailable = "ServiceUnavailable";
    public const string InternalServerError = "InternalServerError";
#pragma warning restore CS1591
}
