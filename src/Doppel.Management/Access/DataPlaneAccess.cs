using System.Collections.Concurrent;
using Doppel.Storage;
using Doppel.Storage.Management;

namespace Doppel.Management.Access;

/// <summary>What the data plane should do with a request.</summary>
public enum DataPlaneDecision
{
    /// <summary>A role assignment grants the data action.</summary>
    Allowed,

    /// <summary>The instance has no control-plane resource (created by <c>--instance</c> or directly in the store): any trusted token may do everything, as before the control plane existed.</summary>
    Open,

    /// <summary>No role assignment grants the data action: 403.</summary>
    Forbidden,

    /// <summary>The instance is not provisioned (still being created, or being deleted): 404, as for an unknown instance.</summary>
    NotFound,

    /// <summary>The token's tenant is not the tenant of the instance's subscription: ADT's "Sub-Domain not found" 404.</summary>
    ForeignTenant,
}

/// <summary>
/// The data plane's access decisions: finds the resource that owns an instance (remembered for
/// <see cref="ManagementOptions.AccessCacheLifetime"/>) and asks the <see cref="AccessEvaluator"/> for the data action
/// at the instance's scope, which inherits assignments from its resource group and subscription.
/// </summary>
public sealed class DataPlaneAccess(IManagementStore store, IInstanceStore instances, AccessEvaluator evaluator, ManagementOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Owner> _owners = new(StringComparer.Ordinal);

    /// <summary>Decides whether <paramref name="principal"/> may perform <paramref name="dataAction"/> on the instance (null: only whether the instance answers).</summary>
    public async ValueTask<DataPlaneDecision> CheckAsync(InstanceRecord instance, Principal principal, string? dataAction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(principal);
        var owner = await OwnerAsync(instance, cancellationToken).ConfigureAwait(false);
        if (!owner.Exists)
        {
            // Deleted (by another server, whose deletion this server's instance cache has not seen yet).
            return DataPlaneDecision.NotFound;
        }

        if (owner.Resource is not { } resource)
        {
            return DataPlaneDecision.Open;
        }

        if (resource.ProvisioningState is not (ProvisioningStates.Succeeded or ProvisioningStates.Updating))
        {
            return DataPlaneDecision.NotFound;
        }

        if (owner.TenantId is { } tenant && principal.TenantId is { } tokenTenant && !string.Equals(tenant, tokenTenant, StringComparison.OrdinalIgnoreCase))
        {
            return DataPlaneDecision.ForeignTenant;
        }

        if (dataAction is null)
        {
            // A path no operation answers: routing gives it 404.
            return DataPlaneDecision.Allowed;
        }

        return await evaluator.IsAllowedAsync(principal, owner.Scope!, dataAction, isDataAction: true, cancellationToken).ConfigureAwait(false)
            ? DataPlaneDecision.Allowed
            : DataPlaneDecision.Forbidden;
    }

    /// <summary>Forgets what this server remembers of the instance's owner.</summary>
    public void Invalidate(string instanceId) => _owners.TryRemove(instanceId, out _);

    private async ValueTask<Owner> OwnerAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_owners.TryGetValue(instance.Id, out var cached) && cached.Until > now)
        {
            return cached;
        }

        var resource = await store.FindDigitalTwinsByInstanceAsync(instance.Id, cancellationToken).ConfigureAwait(false);
        // No resource: an instance outside the control plane, or one whose resource was just deleted with it.
        var exists = resource is not null
            || (await instances.FindByNameAsync(instance.Name, cancellationToken).ConfigureAwait(false))?.Id == instance.Id;
        var tenant = resource is null ? null : (await store.GetSubscriptionAsync(resource.SubscriptionId, cancellationToken).ConfigureAwait(false))?.TenantId;
        var scope = resource is null ? null : ResourceScope.DigitalTwins(resource.SubscriptionId, resource.ResourceGroup, resource.Name);
        var owner = new Owner(exists, resource, tenant, scope, now + options.AccessCacheLifetime);
        _owners[instance.Id] = owner;
        return owner;
    }

    private sealed record Owner(bool Exists, DigitalTwinsResourceRecord? Resource, string? TenantId, ResourceScope? Scope, DateTimeOffset Until);
}
