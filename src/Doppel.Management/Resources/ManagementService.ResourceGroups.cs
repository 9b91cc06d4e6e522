using Doppel.Management.Access;
using Doppel.Storage.Management;

namespace Doppel.Management;

public sealed partial class ManagementService
{
    /// <summary>The longest resource-group name ARM accepts.</summary>
    public const int MaxResourceGroupNameLength = 90;

    /// <summary>Creates a resource group or replaces its tags; returns it and whether it was created.</summary>
    public async Task<(ResourceGroupRecord Group, bool Created)> PutResourceGroupAsync(Principal principal, string subscriptionId, string name, string? location, string? tagsJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        RequireResourceGroupName(name);
        await RequireSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        await access.RequireAsync(principal, ResourceScope.Group(subscriptionId, name), ResourceGroupActions.Write, cancellationToken).ConfigureAwait(false);
        var normalized = RequireLocation(location);
        var existing = await store.GetResourceGroupAsync(subscriptionId, name, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            if (existing.ProvisioningState == ProvisioningStates.Deleting)
            {
                throw BeingDeleted(name);
            }

            if (existing.Location != normalized)
            {
                throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidResourceGroupName,
                    $"Invalid resource group location '{normalized}'. The Resource group already exists in location '{existing.Location}'.");
            }
        }

        var group = new ResourceGroupRecord(subscriptionId.ToLowerInvariant(), existing?.Name ?? name, normalized, tagsJson ?? "{}", ProvisioningStates.Succeeded, existing?.CreatedAt ?? time.GetUtcNow());
        var created = await store.PutResourceGroupAsync(group, cancellationToken).ConfigureAwait(false);
        return (group, created);
    }

    /// <summary>The resource group, when the caller may read it.</summary>
    public async Task<ResourceGroupRecord> GetResourceGroupAsync(Principal principal, string subscriptionId, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await RequireSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        await access.RequireAsync(principal, ResourceScope.Group(subscriptionId, name), ResourceGroupActions.Read, cancellationToken).ConfigureAwait(false);
        return await store.GetResourceGroupAsync(subscriptionId, name, cancellationToken).ConfigureAwait(false) ?? throw ResourceGroupNotFound(name);
    }

    /// <summary>The resource groups of the subscription the caller may read.</summary>
    public async Task<IReadOnlyList<ResourceGroupRecord>> ListResourceGroupsAsync(Principal principal, string subscriptionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await RequireSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        var visible = new List<ResourceGroupRecord>();
        foreach (var group in await store.ListResourceGroupsAsync(subscriptionId, cancellationToken).ConfigureAwait(false))
        {
            if (await access.IsAllowedAsync(principal, ResourceScope.Group(subscriptionId, group.Name), ResourceGroupActions.Read, false, cancellationToken).ConfigureAwait(false))
            {
                visible.Add(group);
            }
        }

        return visible;
    }

    /// <summary>Starts deleting a resource group with everything in it; <see langword="null"/> when there is no such group.</summary>
    public async Task<AsyncOperationRecord?> DeleteResourceGroupAsync(Principal principal, string subscriptionId, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await RequireSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        var scope = ResourceScope.Group(subscriptionId, name);
        await access.RequireAsync(principal, scope, ResourceGroupActions.Delete, cancellationToken).ConfigureAwait(false);
        var existing = await store.GetResourceGroupAsync(subscriptionId, name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return null;
        }

        // Every instance in it is deleted too, so the caller must be allowed to delete each of them.
        foreach (var resource in await store.ListDigitalTwinsAsync(subscriptionId, name, cancellationToken).ConfigureAwait(false))
        {
            await access.RequireAsync(principal, ResourceScope.DigitalTwins(subscriptionId, resource.ResourceGroup, resource.Name), DigitalTwinsActions.Delete, cancellationToken).ConfigureAwait(false);
        }

        await store.PutResourceGroupAsync(existing with { ProvisioningState = ProvisioningStates.Deleting }, cancellationToken).ConfigureAwait(false);
        var operation = NewOperation(ResourceScope.Group(subscriptionId, existing.Name), existing.Location, OperationKinds.DeleteResourceGroup);
        await store.AddOperationAsync(operation, cancellationToken).ConfigureAwait(false);
        _work.Writer.TryWrite(operation);
        return operation;
    }

    private async Task DeleteGroupNowAsync(ResourceScope scope, CancellationToken cancellationToken)
    {
        foreach (var resource in await store.ListDigitalTwinsAsync(scope.SubscriptionId, scope.ResourceGroup, cancellationToken).ConfigureAwait(false))
        {
            await DeleteInstanceNowAsync(ResourceScope.DigitalTwins(scope.SubscriptionId, resource.ResourceGroup, resource.Name), cancellationToken).ConfigureAwait(false);
        }

        await DeleteAssignmentsWithinAsync(scope, cancellationToken).ConfigureAwait(false);
        await store.DeleteResourceGroupAsync(scope.SubscriptionId, scope.ResourceGroup!, cancellationToken).ConfigureAwait(false);
    }

    private static void RequireResourceGroupName(string name)
    {
        var valid = name.Length is > 0 and <= MaxResourceGroupNameLength
            && name[^1] != '.'
            && name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '(' or ')');
        if (!valid)
        {
            throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidResourceGroupName,
                $"Resource group name '{name}' is invalid. It must be 1 to {MaxResourceGroupNameLength} letters, digits, underscores, parentheses, hyphens and periods, and must not end with a period.");
        }
    }

    private static ManagementException ResourceGroupNotFound(string name) =>
        new(ManagementErrorKind.NotFound, ManagementErrorCodes.ResourceGroupNotFound, $"Resource group '{name}' could not be found.");

    private static ManagementException BeingDeleted(string name) =>
        new(ManagementErrorKind.Conflict, ManagementErrorCodes.ResourceGroupBeingDeleted, $"The resource group '{name}' is in deprovisioning state and cannot perform this operation.");
}
