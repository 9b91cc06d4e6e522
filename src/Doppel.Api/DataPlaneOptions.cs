using Doppel.Api.Authentication;
using Doppel.Twins;

namespace Doppel.Api;

/// <summary>Settings of the data plane, composed by the server from its command line.</summary>
public sealed record DataPlaneOptions
{
    /// <summary>The api-version the data plane implements.</summary>
    public const string CurrentApiVersion = "2023-10-31";

    /// <summary>The api-versions accepted (same shapes for what Doppel implements).</summary>
    public static IReadOnlyList<string> SupportedApiVersions { get; } = ["2020-10-31", "2022-05-31", "2023-06-30", CurrentApiVersion];

    /// <summary>The DNS suffix of instance host names: <c>{name}.api.{location}.{suffix}</c>.</summary>
    public required string HostSuffix { get; init; }

    /// <summary>The issuers whose tokens are accepted; none means every data-plane request gets 401.</summary>
    public IReadOnlyList<TrustedIssuer> TrustedIssuers { get; init; } = [];

    /// <summary>Accept any api-version (D18's opt-out).</summary>
    public bool SkipApiVersionCheck { get; init; }

    /// <summary>The limits of every instance.</summary>
    public DataPlaneLimits Limits { get; init; } = DataPlaneLimits.Default;

    /// <summary>Largest POST /models body in bytes.</summary>
    public long MaxModelsRequestBytes { get; init; } = 32L * 1024 * 1024;
}
