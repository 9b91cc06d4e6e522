namespace Doppel.Management;

/// <summary>Settings of the control plane, composed by the server from its command line. Immutable.</summary>
public sealed record ManagementOptions
{
    /// <summary>The api-version of <c>Microsoft.DigitalTwins</c> the control plane implements (the Swagger's).</summary>
    public const string DigitalTwinsApiVersion = "2023-01-31";

    /// <summary>The api-version of <c>Microsoft.Authorization</c> role assignments and definitions the ARM SDKs send.</summary>
    public const string AuthorizationApiVersion = "2022-04-01";

    /// <summary>ADT's quota of instances per region per subscription (adt-facts.md §8).</summary>
    public const int DefaultMaxInstancesPerSubscription = 10;

    /// <summary>How many instances one subscription may hold in one location; 0 for no limit.</summary>
    public int MaxInstancesPerSubscription { get; init; } = DefaultMaxInstancesPerSubscription;

    /// <summary>The locations instances and resource groups may be created in, normalised (lower case, no spaces).</summary>
    public IReadOnlyList<string> Locations { get; init; } = ["local"];

    /// <summary>The DNS suffix of instance host names: <c>{name}.api.{location}.{suffix}</c>.</summary>
    public required string HostSuffix { get; init; }

    /// <summary>The HTTPS port clients reach the server on; added to host names unless it is 443.</summary>
    public int PublicPort { get; init; } = 443;

    /// <summary>How many resources one page of a list holds.</summary>
    public int ListPageSize { get; init; } = 100;

    /// <summary>How long access decisions' inputs (assignments, instance owners) are remembered; a revoked role stops working after at most this long on other servers, at once on this one.</summary>
    public TimeSpan AccessCacheLifetime { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How old a running operation must be before a status poll finishes it itself (its server may have stopped).</summary>
    public TimeSpan StaleOperationAge { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The seconds clients are told to wait between polls (<c>Retry-After</c>).</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>The normalised form of a location: lower case without spaces (<c>West US 2</c> → <c>westus2</c>).</summary>
    public static string NormalizeLocation(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
    }

    /// <summary>The data-plane host name of an instance.</summary>
    public string HostNameOf(string name, string location) =>
        $"{name.ToLowerInvariant()}.api.{location}.{HostSuffix}" + (PublicPort == 443 ? string.Empty : $":{PublicPort}");
}
