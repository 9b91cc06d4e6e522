using System.Diagnostics.CodeAnalysis;

namespace Doppel.Management.Access;

/// <summary>
/// A scope role assignments can be made at: a subscription, a resource group in it, or a Digital Twins instance in
/// that. Names compare without regard to case, as ARM's do.
/// </summary>
public sealed record ResourceScope
{
    /// <summary>The resource type of Digital Twins instances.</summary>
    public const string InstanceType = "Microsoft.DigitalTwins/digitalTwinsInstances";

    private ResourceScope(string subscriptionId, string? resourceGroup, string? instance)
    {
        SubscriptionId = subscriptionId;
        ResourceGroup = resourceGroup;
        Instance = instance;
    }

    /// <summary>The subscription id, lower case.</summary>
    public string SubscriptionId { get; }

    /// <summary>The resource group name, when the scope is a group or below.</summary>
    public string? ResourceGroup { get; }

    /// <summary>The instance name, when the scope is an instance.</summary>
    public string? Instance { get; }

    /// <summary>The subscription scope.</summary>
    public static ResourceScope Subscription(string subscriptionId) => new(subscriptionId.ToLowerInvariant(), null, null);

    /// <summary>A resource group scope.</summary>
    public static ResourceScope Group(string subscriptionId, string resourceGroup) => new(subscriptionId.ToLowerInvariant(), resourceGroup, null);

    /// <summary>An instance scope.</summary>
    public static ResourceScope DigitalTwins(string subscriptionId, string resourceGroup, string name) => new(subscriptionId.ToLowerInvariant(), resourceGroup, name);

    /// <summary>Reads an ARM id of one of the three kinds; <see langword="false"/> for anything else.</summary>
    public static bool TryParse(string? id, [NotNullWhen(true)] out ResourceScope? scope)
    {
        scope = null;
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        var parts = id.Trim('/').Split('/');
        if (parts.Length < 2 || !Is(parts[0], "subscriptions") || parts[1].Length == 0)
        {
            return false;
        }

        switch (parts.Length)
        {
            case 2:
                scope = Subscription(parts[1]);
                return true;
            case 4 when Is(parts[2], "resourceGroups") && parts[3].Length > 0:
                scope = Group(parts[1], parts[3]);
                return true;
            case 8 when Is(parts[2], "resourceGroups") && Is(parts[4], "providers") && Is(parts[5], "Microsoft.DigitalTwins") && Is(parts[6], "digitalTwinsInstances") && parts[7].Length > 0:
                scope = DigitalTwins(parts[1], parts[3], parts[7]);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Whether this scope is <paramref name="other"/> or one of its ancestors.</summary>
    public bool Contains(ResourceScope other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Eq(SubscriptionId, other.SubscriptionId)
            && (ResourceGroup is null || Eq(ResourceGroup, other.ResourceGroup))
            && (Instance is null || Eq(Instance, other.Instance));
    }

    /// <summary>The ARM id: <c>/subscriptions/{s}[/resourceGroups/{rg}[/providers/Microsoft.DigitalTwins/digitalTwinsInstances/{name}]]</c>.</summary>
    public override string ToString() => (ResourceGroup, Instance) switch
    {
        (null, _) => $"/subscriptions/{SubscriptionId}",
        (_, null) => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}",
        _ => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/{InstanceType}/{Instance}",
    };

    /// <inheritdoc />
    public bool Equals(ResourceScope? other) => other is not null && Contains(other) && other.Contains(this);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(ToString());

    private static bool Is(string text, string expected) => string.Equals(text, expected, StringComparison.OrdinalIgnoreCase);

    private static bool Eq(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
