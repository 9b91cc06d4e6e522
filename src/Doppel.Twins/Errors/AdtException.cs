namespace Doppel.Twins.Errors;

/// <summary>The class of an ADT error; the API layer turns it into an HTTP status (CONVENTIONS B11).</summary>
public enum AdtErrorKind
{
    /// <summary>The request is malformed or breaks a rule (HTTP 400).</summary>
    BadRequest,

    /// <summary>The caller is not authenticated (HTTP 401).</summary>
    Unauthorized,

    /// <summary>The addressed entity does not exist (HTTP 404).</summary>
    NotFound,

    /// <summary>The entity already exists or is still referenced (HTTP 409).</summary>
    Conflict,

    /// <summary>An <c>If-Match</c> or <c>If-None-Match</c> precondition failed (HTTP 412).</summary>
    PreconditionFailed,

    /// <summary>The request body is larger than the limit (HTTP 413).</summary>
    PayloadTooLarge,

    /// <summary>The request body has a media type the operation does not take (HTTP 415).</summary>
    UnsupportedMediaType,

    /// <summary>The store cannot be used right now (HTTP 503).</summary>
    Unavailable,

    /// <summary>The caller sends more requests than allowed (HTTP 429, with <c>Retry-After</c>).</summary>
    TooManyRequests,

    /// <summary>No role assignment grants the caller the operation's data action (HTTP 403).</summary>
    Forbidden,
}

/// <summary>One entry of an error's <c>details</c> list.</summary>
/// <param name="Code">The detail's code.</param>
/// <param name="Message">The detail's message.</param>
public sealed record AdtErrorDetail(string Code, string Message);

/// <summary>
/// A data-plane error with ADT's code and message. Services throw it; the API maps it once into
/// <c>{"error":{"code","message","details"}}</c> with the status of its <see cref="Kind"/>.
/// </summary>
public sealed class AdtException : Exception
{
    /// <summary>Creates the error.</summary>
    public AdtException(AdtErrorKind kind, string code, string message, IReadOnlyList<AdtErrorDetail>? details = null)
        : base(message)
    {
        Kind = kind;
        Code = code;
        Details = details ?? [];
    }

    /// <summary>Creates a generic bad-request error.</summary>
    public AdtException()
        : this(AdtErrorKind.BadRequest, AdtErrorCodes.BadRequest, "The request is invalid.")
    {
    }

    /// <summary>Creates a generic bad-request error with a message.</summary>
    public AdtException(string message)
        : this(AdtErrorKind.BadRequest, AdtErrorCodes.BadRequest, message)
    {
    }

    /// <summary>Creates a generic bad-request error with a message and cause.</summary>
    public AdtException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = AdtErrorKind.BadRequest;
        Code = AdtErrorCodes.BadRequest;
        Details = [];
    }

    /// <summary>The class of error, which decides the HTTP status.</summary>
    public AdtErrorKind Kind { get; }

    /// <summary>ADT's error code, such as <c>DigitalTwinNotFound</c>.</summary>
    public string Code { get; }

    /// <summary>Further errors, such as every DTDL diagnostic of a rejected upload.</summary>
    public IReadOnlyList<AdtErrorDetail> Details { get; }
}
