using Doppel.Management.Access;
using Doppel.Storage;
using Doppel.Storage.Management;

namespace Doppel.Management;

/// <summary>The fields of a PUT of an instance that Doppel keeps.</summary>
/// <param name="Location">The location (required; cannot change later).</param>
/// <param name="TagsJson">The tags as a JSON object, or <see langword="null"/> for none.</param>
/// <param name="PublicNetworkAccess"><c>Enabled</c>, <c>Disabled</c> or <see langword="null"/>.</param>
public sealed record DigitalTwinsPut(string? Location, string? TagsJson, string? PublicNetworkAccess);

/// <summary>The fields of a PATCH of an instance; <see langword="null"/> leaves a field as it is.</summary>
/// <param name="TagsJson">The new tags as a JSON object.</param>
/// <param name="PublicNetworkAccess">The new public network access.</param>
public sealed record DigitalTwinsPatch(string? TagsJson, string? PublicNetworkAccess);

/// <summary>What a write of an instance did.</summary>
/// <param name="Resource">The resource after the write.</param>
/// <param name="Operation">The asynchronous operation started, or <see langword="null"/> when the write finished at once.</param>
/// <param name="Created">Whether the write created the resource.</param>
public sealed record DigitalTwinsWrite(DigitalTwinsResourceRecord Resource, AsyncOperationRecord? Operation, bool Created);

/// <summary>The answer of <c>checkNameAvailability</c>.</summary>
/// <param name="NameAvailable">Whether the name can be used.</param>
/// <param name="Reason"><c>Invalid</c>, <c>AlreadyExists</c> or <see langword="null"/>.</param>
/// <param name="Message">Why not, or <see langword="null"/>.</param>
public sealed record NameAvailability(bool NameAvailable, string? Reason, string? Message);

public sealed partial class ManagementService
{
    /// <summary>Creates an instance (starting its provisioning) or updates an existing one's tags and network access.</summary>
    public async Task<DigitalTwinsWrite> PutDigitalTwinsAsync(Principal principal, string subscriptionId, string resourceGroup, string name, DigitalTwinsPut body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(body);
        RequireInstanceName(name);
        await RequireSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        var scope = ResourceScope.DigitalTwins(subscriptionId, resourceGroup, name);
        await access.RequireAsync(principal, scope, DigitalTwinsActions.Write, cancellationToken).ConfigureAwait(false);
        var location = RequireLocation(body.Location);
        var now = time.GetUtcNow();

        var existing = await store.GetDigitalTwinsAsync(subscriptionId, resourceGroup, name, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            if (existing.Location != location)
            {
                throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidResourceLocation,
                    $"The resource '{name}' already exists in location '{existing.Location}' in resource group '{resourceGroup}'. A resource with the same name cannot be created in location '{location}'. Please select a new resource name.");
            }

            if (existing.ProvisioningState is not (ProvisioningStates.Succeeded or ProvisioningStates.Failed))
            {
                throw OperationInProgress(name, existing.ProvisioningState);
            }

            var updated = existing with
            {
                TagsJson = body.TagsJson ?? "{}",
                PublicNetworkAccess = body.PublicNetworkAccess ?? existing.PublicNetworkAccess,
                UpdatedAt = now,
                LastModifiedBy = principal.DisplayName,
                LastModifiedByType = principal.Kind,
            };
            if (!await store.UpdateDigitalTwinsAsync(updated, existing.ProvisioningState, null, cancellationToken).ConfigureAwait(false))
            {
                throw OperationInProgress(name, "changing");
            }

            return new DigitalTwinsWrite(updated, null, Created: false);
        }

        var operation = NewOperation(scope, location, OperationKinds.CreateDigitalTwins);
        var resource = new DigitalTwinsResourceRecord(
            scope.SubscriptionId, resourceGroup, name, Guid.CreateVersion7().ToString("N"), location, body.TagsJson ?? "{}", body.PublicNetworkAccess,
            ProvisioningStates.Provisioning, operation.Id, now, now, principal.DisplayName, principal.Kind, principal.DisplayName, principal.Kind);
        // Instances being deleted still count, as in Azure, until their deletion finishes.
        var quota = Math.Max(0, options.MaxInstancesPerSubscription);
        var outcome = await store.CreateDigitalTwinsAsync(resource, operation, quota, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case ResourceCreateOutcome.ResourceGroupNotFound:
                throw ResourceGroupNotFound(resourceGroup);
            case ResourceCreateOutcome.NameTaken:
                throw new ManagementException(ManagementErrorKind.Conflict, ManagementErrorCodes.NameUnavailable, NameTakenMessage(name));
            case ResourceCreateOutcome.AlreadyExists:
                throw OperationInProgress(name, "being created by another request");
            case ResourceCreateOutcome.QuotaReached:
                throw new ManagementException(ManagementErrorKind.Conflict, ManagementErrorCodes.QuotaExceeded,
                    $"The subscription '{scope.SubscriptionId}' already has {quota} Digital Twins instances in location '{location}', its quota of {quota} instances per region per subscription. Delete an instance or ask for a higher quota (the server option --max-instances-per-subscription).");
            default:
                break;
        }

        dataPlaneAccess.Invalidate(resource.InstanceId);
        _work.Writer.TryWrite(operation);
        return new DigitalTwinsWrite(resource, operation, Created: true);
    }

    /// <summary>Changes an instance's tags or network access at once.</summary>
    public async Task<DigitalTwinsResourceRecord> PatchDigitalTwinsAsync(Principal principal, string subscriptionId, string resourceGroup, string name, DigitalTwinsPatch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(patch);
        var existing = await GetDigitalTwinsCheckedAsync(principal, subscriptionId, resourceGroup, name, DigitalTwinsActions.Write, cancellationToken).ConfigureAwait(false);
        if (existing.ProvisioningState is not (ProvisioningStates.Succeeded or ProvisioningStates.Failed))
        {
            throw OperationInProgress(name, existing.ProvisioningState);
        }

        var updated = existing with
        {
            TagsJson = patch.TagsJson ?? existing.TagsJson,
            PublicNetworkAccess = patch.PublicNetworkAccess ?? existing.PublicNetworkAccess,
            UpdatedAt = time.GetUtcNow(),
            LastModifiedBy = principal.DisplayName,
            LastModifiedByType = principal.Kind,
        };
        if (!await store.UpdateDigitalTwinsAsync(updated, existing.ProvisioningState, null, cancellationToken).ConfigureAwait(false))
        {
            throw OperationInProgress(name, "changing");
        }

        return updated;
    }

    /// <summary>The instance, when the caller may read it.</summary>
    public async Task<DigitalTwinsResourceRecord> GetDigitalTwinsAsync(Principal principal, string subscriptionId, string resourceGroup, string name, CancellationToken cancellationToken)
    {
        var resource = await GetDigitalTwinsCheckedAsync(principal, subscriptionId, resourceGroup, name, DigitalTwinsActions.Read, cancellationToken).ConfigureAwait(false);
        if (resource.ProvisioningState is ProvisioningStates.Provisioning or ProvisioningStates.Deleting
            && resource.OperationId is { } operationId
            && time.GetUtcNow() - resource.UpdatedAt >= options.StaleOperationAge
            && await store.GetOperationAsync(subscriptionId, operationId, cancellationToken).ConfigureAwait(false) is { Status: ProvisioningStates.Running } operation)
        {
            // Its server stopped before finishing: finish it here, as a status poll would.
            await CompleteAsync(operation, cancellationToken).ConfigureAwait(false);
            return await store.GetDigitalTwinsAsync(subscriptionId, resourceGroup, name, cancellationToken).ConfigureAwait(false)
                ?? throw ResourceNotFound(resourceGroup, name);
        }

        return resource;
    }

    /// <summary>Starts deleting an instance and all its data; <see langword="null"/> when there is no such instance.</summary>
    public async Task<DigitalTwinsWrite?> DeleteDigitalTwinsAsync(Principal principal, string subscriptionId, string resourceGroup, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await RequireSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        var scope = ResourceScope.DigitalTwins(subscriptionId, resourceGroup, name);
        await access.RequireAsync(principal, scope, DigitalTwinsActions.Delete, cancellationToken).ConfigureAwait(false);
        var existing = await store.GetDigitalTwinsAsync(subscriptionId, resourceGroup, name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return null;
        }

        if (existing.ProvisioningState == ProvisioningStates.Deleting && existing.OperationId is { } running
            && await store.GetOperationAsync(subscriptionId, running, cancellationToken).ConfigureAwait(false) is { } current)
        {
            return new DigitalTwinsWrite(existing, current, Created: false);
        }

        var operation = NewOperation(scope, existing.Location, OperationKinds.DeleteDigitalTwins);
        var deleting = existing with
        {
            ProvisioningState = ProvisioningStates.Deleting,
            OperationId = operation.Id,
            UpdatedAt = time.GetUtcNow(),
            LastModifiedBy = principal.DisplayName,
            LastModifiedByType = principal.Kind,
        };
        if (!await store.UpdateDigitalTwinsAsync(deleting, existing.ProvisioningState, operation, cancellationToken).ConfigureAwait(false))
        {
            throw OperationInProgress(name, "changing");
        }

        dataPlaneAccess.Invalidate(existing.InstanceId);
        _work.Writer.TryWrite(operation);
        return new DigitalTwinsWrite(deleting, operation, Created: false);
    }

    /// <summary>The instances of a subscription (or of one resource group) the caller may read.</summary>
    public async Task<IReadOnlyList<DigitalTwinsResourceRecord>> ListDigitalTwinsAsync(Principal principal, string subscriptionId, string? resourceGroup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await RequireSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        if (resourceGroup is not null)
        {
            _ = await store.GetResourceGroupAsync(subscriptionId, resourceGroup, cancellationToken).ConfigureAwait(false) ?? throw ResourceGroupNotFound(resourceGroup);
        }

        var visible = new List<DigitalTwinsResourceRecord>();
        foreach (var resource in await store.ListDigitalTwinsAsync(subscriptionId, resourceGroup, cancellationToken).ConfigureAwait(false))
        {
            if (await access.IsAllowedAsync(principal, ResourceScope.DigitalTwins(resource.SubscriptionId, resource.ResourceGroup, resource.Name), DigitalTwinsActions.Read, false, cancellationToken).ConfigureAwait(false))
            {
                visible.Add(resource);
            }
        }

        return visible;
    }

    /// <summary>Whether a name can be used for a new instance: valid, and not used by any instance on this server.</summary>
    public async Task<NameAvailability> CheckNameAvailabilityAsync(Principal principal, string subscriptionId, string location, string? name, string? type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await RequireSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        await access.RequireAsync(principal, ResourceScope.Subscription(subscriptionId), DigitalTwinsActions.CheckNameAvailability, cancellationToken).ConfigureAwait(false);
        if (name is null || type is null)
        {
            throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidRequestContent,
                "The request content must have the properties 'name' and 'type' (Microsoft.DigitalTwins/digitalTwinsInstances).");
        }

        if (!string.Equals(type, ResourceScope.InstanceType, StringComparison.OrdinalIgnoreCase))
        {
            throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidRequestContent,
                $"The type '{type}' is not supported; use '{ResourceScope.InstanceType}'.");
        }

        _ = RequireLocation(location);
        if (!InstanceName.IsValid(name))
        {
            return new NameAvailability(false, "Invalid", InvalidNameMessage(name));
        }

        return await instances.FindByNameAsync(name, cancellationToken).ConfigureAwait(false) is not null
            ? new NameAvailability(false, "AlreadyExists", NameTakenMessage(name))
            : new NameAvailability(true, null, null);
    }

    private async Task<DigitalTwinsResourceRecord> GetDigitalTwinsCheckedAsync(Principal principal, string subscriptionId, string resourceGroup, string name, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await RequireSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        await access.RequireAsync(principal, ResourceScope.DigitalTwins(subscriptionId, resourceGroup, name), action, cancellationToken).ConfigureAwait(false);
        return await store.GetDigitalTwinsAsync(subscriptionId, resourceGroup, name, cancellationToken).ConfigureAwait(false)
            ?? throw ResourceNotFound(resourceGroup, name);
    }

    private async Task FinishProvisioningAsync(AsyncOperationRecord operation, ResourceScope scope, CancellationToken cancellationToken)
    {
        var resource = await store.GetDigitalTwinsAsync(scope.SubscriptionId, scope.ResourceGroup!, scope.Instance!, cancellationToken).ConfigureAwait(false);
        if (resource is null || resource.OperationId != operation.Id)
        {
            await FinishAsync(operation, ProvisioningStates.Failed, ManagementErrorCodes.ResourceNotFound,
                $"The instance '{scope.Instance}' was deleted before its deployment finished.", cancellationToken).ConfigureAwait(false);
            return;
        }

        // The instance's data-plane row was written with the resource; provisioning makes it reachable.
        var succeeded = resource with { ProvisioningState = ProvisioningStates.Succeeded, UpdatedAt = time.GetUtcNow() };
        await store.UpdateDigitalTwinsAsync(succeeded, ProvisioningStates.Provisioning, null, cancellationToken).ConfigureAwait(false);
        dataPlaneAccess.Invalidate(resource.InstanceId);
        await FinishAsync(operation, ProvisioningStates.Succeeded, null, null, cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteInstanceNowAsync(ResourceScope scope, CancellationToken cancellationToken)
    {
        var resource = await store.GetDigitalTwinsAsync(scope.SubscriptionId, scope.ResourceGroup!, scope.Instance!, cancellationToken).ConfigureAwait(false);
        await DeleteAssignmentsWithinAsync(scope, cancellationToken).ConfigureAwait(false);
        if (resource is not null && await store.DeleteDigitalTwinsAsync(scope.SubscriptionId, scope.ResourceGroup!, scope.Instance!, cancellationToken).ConfigureAwait(false))
        {
            dataPlaneAccess.Invalidate(resource.InstanceId);
            InstanceRemoved?.Invoke(resource.Name.ToLowerInvariant());
        }
    }

    private static void RequireInstanceName(string name)
    {
        if (!InstanceName.IsValid(name))
        {
            throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidResourceName, InvalidNameMessage(name));
        }
    }

    private static string InvalidNameMessage(string name) =>
        $"The resource name '{name}' is invalid. It must be {InstanceName.MinLength} to {InstanceName.MaxLength} characters long, use only letters, digits and hyphens, and must not start or end with a hyphen.";

    private static string NameTakenMessage(string name) => $"Name '{name}' is already taken. Please specify a different name";

    private static ManagementException ResourceNotFound(string resourceGroup, string name) =>
        new(ManagementErrorKind.NotFound, ManagementErrorCodes.ResourceNotFound,
            $"The Resource '{ResourceScope.InstanceType}/{name}' under resource group '{resourceGroup}' was not found.");

    private static ManagementException OperationInProgress(string name, string state) =>
        new(ManagementErrorKind.Conflict, ManagementErrorCodes.AnotherOperationInProgress,
            $"Another operation is in progress on the instance '{name}' (it is {state}); wait for it to finish and try again.");
}
