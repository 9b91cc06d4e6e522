using System.Net;

namespace Doppel.Portal.Services;

/// <summary>A call to one of the public APIs that was refused, with the service's own code and message.</summary>
public sealed class PortalApiException(HttpStatusCode status, string code, string message, IReadOnlyList<string>? details = null) : Exception(message)
{
    /// <summary>
    /// The messages of the envelope's <c>details</c> (ADT lists one per DTDL diagnostic there), empty when it has none.
    /// </summary>
    public IReadOnlyList<string> Details { get; } = details ?? [];

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode Status { get; } = status;

    /// <summary>The service's error code (ARM's, ADT's, Graph's or Entra's).</summary>
    public string Code { get; } = code;
}
