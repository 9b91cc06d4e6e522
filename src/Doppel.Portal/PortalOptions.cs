namespace Doppel.Portal;

/// <summary>What the portal needs to know about the server that hosts it.</summary>
public sealed class PortalOptions
{
    /// <summary>The path the portal's pages live under.</summary>
    public const string BasePath = "/portal";

    /// <summary>The origin the portal calls the public APIs at, such as <c>https://localhost:5443</c>.</summary>
    public required string ApiOrigin { get; init; }

    /// <summary>
    /// The tenant people sign in to (its id). Settable because the host learns it only once the store is migrated,
    /// after the services are registered; it is read on the first request.
    /// </summary>
    public string TenantId { get; set; } = "organizations";

    /// <summary>The portal's first-party client id in the identity plane.</summary>
    public required string ClientId { get; init; }

    /// <summary>
    /// Makes the handler for the portal's own calls to <see cref="ApiOrigin"/>: it must trust the server's
    /// certificate (Doppel's local CA by default).
    /// </summary>
    public required Func<HttpMessageHandler> CreateBackchannelHandler { get; init; }

    /// <summary>The authority people sign in at.</summary>
    public string Authority => $"{ApiOrigin}/{TenantId}/v2.0";
}
