namespace Doppel.Portal.Services;

/// <summary>The portal's addresses of an instance's pages.</summary>
public static class InstanceLinks
{
    /// <summary>The base of an instance's pages.</summary>
    public static string Base(string subscriptionId, string resourceGroup, string name) =>
        $"portal/digitaltwins/{subscriptionId}/{Uri.EscapeDataString(resourceGroup)}/{Uri.EscapeDataString(name)}";

    /// <summary>The instance's Overview.</summary>
    public static string Overview(InstanceInfo instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return Base(instance.SubscriptionId, instance.ResourceGroup, instance.Name);
    }
}
