namespace Doppel.Portal.Services;

/// <summary>The one HTTP client the portal calls its own server's public APIs with (shared by every circuit).</summary>
public sealed class PortalHttp(PortalOptions options) : IDisposable
{
    /// <summary>The client; it trusts the server's certificate through <see cref="PortalOptions.CreateBackchannelHandler"/>.</summary>
    public HttpClient Client { get; } = new(options.CreateBackchannelHandler()) { Timeout = TimeSpan.FromSeconds(100) };

    /// <inheritdoc />
    public void Dispose() => Client.Dispose();
}
