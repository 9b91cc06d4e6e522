namespace Doppel.Api.Management;

/// <summary>Settings of the control plane's HTTP side, composed by the server.</summary>
public sealed record ControlPlaneOptions
{
    /// <summary>The ARM token audiences every server accepts.</summary>
    public static IReadOnlyList<string> DefaultAudiences { get; } = ["https://management.azure.com/", "https://management.azure.com", "https://management.core.windows.net/"];

    /// <summary>
    /// The token audiences accepted: ARM's, plus the server's own origins, which is what the ARM SDKs ask for when
    /// pointed at another endpoint (scope <c>{endpoint}/.default</c>).
    /// </summary>
    public IReadOnlyList<string> Audiences { get; init; } = DefaultAudiences;

    /// <summary>Accept any api-version (D18's opt-out).</summary>
    public bool SkipApiVersionCheck { get; init; }
}
