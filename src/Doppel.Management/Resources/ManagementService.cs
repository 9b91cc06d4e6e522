using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Doppel.Management.Access;
using Doppel.Storage;
using Doppel.Storage.Management;

namespace Doppel.Management;

/// <summary>
/// The control plane's operations, each checking the caller's access first: subscriptions, resource groups,
/// Digital Twins instances with their asynchronous operations, and role assignments. Long work (provisioning,
/// deletion) is queued to <see cref="RunWorkerAsync"/> and recorded as an operation whose status clients poll; a
/// poll that finds an operation running for longer than <see cref="ManagementOptions.StaleOperationAge"/> finishes
/// it itself, so a server that stopped half-way never leaves an operation running for ever.
/// </summary>
public sealed partial class ManagementService(
    IManagementStore store,
    IInstanceStore instances,
    AccessEvaluator access,
    DataPlaneAccess dataPlaneAccess,
    ManagementOptions options,
    SecretProtector protector,
    TimeProvider time)
{
    private readonly Channel<AsyncOperationRecord> _work = Channel.CreateUnbounded<AsyncOperationRecord>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Raised with the lower-case name of a data-plane instance that was deleted.</summary>
    public event Action<string>? InstanceRemoved;

    /// <summary>The options the service runs with.</summary>
    public ManagementOptions Options => options;

    /// <summary>The access evaluator the service asks.</summary>
    public AccessEvaluator Access => access;

    /// <summary>
    /// Creates the subscription when missing, and makes each of <paramref name="owners"/> its Owner (the server's
    /// <c>--subscription</c> and <c>--subscription-owner</c> options: ARM has no API that creates subscriptions).
    /// </summary>
    public async Task EnsureSubscriptionAsync(string subscriptionId, string displayName, string? tenantId, IReadOnlyList<string> owners, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owners);
        if (!Guid.TryParse(subscriptionId, out var id))
        {
            throw new ArgumentException($"'{subscriptionId}' is not a subscription id: use a GUID.", nameof(subscriptionId));
        }

        var key = id.ToString("D");
        await store.EnsureSubscriptionAsync(new SubscriptionRecord(key, displayName, tenantId, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        foreach (var owner in owners)
        {
            // A deterministic id, so a restart with the same options adds nothing.
            var assignmentId = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"owner:{key}:{owner.ToLowerInvariant()}")).AsSpan(0, 16)).ToString("D");
            await store.CreateRoleAssignmentAsync(
                new RoleAssignmentRecord(key, assignmentId, ResourceScope.Subscription(key).ToString(), BuiltInRoles.Owner.Id, owner, "User", time.GetUtcNow(), null),
                cancellationToken).ConfigureAwait(false);
        }

        access.Invalidate(key);
    }

    /// <summary>The subscriptions in which the caller holds any role assignment.</summary>
    public async Task<IReadOnlyList<SubscriptionRecord>> ListSubscriptionsAsync(Principal principal, CancellationToken cancellationToken)
    {
        var all = await store.ListSubscriptionsAsync(cancellationToken).ConfigureAwait(false);
        var visible = new List<SubscriptionRecord>();
        foreach (var subscription in all)
        {
            if (await access.HasAnyAssignmentAsync(principal, subscription.Id, cancellationToken).ConfigureAwait(false))
            {
                visible.Add(subscription);
            }
        }

        return visible;
    }

    /// <summary>The subscription, when it exists and the caller holds a role assignment in it; else <c>SubscriptionNotFound</c>.</summary>
    public async Task<SubscriptionRecord> GetSubscriptionAsync(Principal principal, string subscriptionId, CancellationToken cancellationToken)
    {
        var subscription = await store.GetSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        if (subscription is null || !await access.HasAnyAssignmentAsync(principal, subscription.Id, cancellationToken).ConfigureAwait(false))
        {
            throw SubscriptionNotFound(subscriptionId);
        }

        return subscription;
    }

    /// <summary>Runs queued operations until <paramref name="cancellationToken"/> fires; the server runs one per process.</summary>
    public async Task RunWorkerAsync(CancellationToken cancellationToken)
    {
        await foreach (var operation in _work.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await CompleteAsync(operation, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreUnavailableException)
            {
                // The operation stays Running; the next status poll after StaleOperationAge runs it again.
            }
        }
    }

    /// <summary>An operation's status, finishing it first when it has been running for too long. Any authenticated caller who knows the operation's id may read it.</summary>
    public async Task<AsyncOperationRecord> GetOperationAsync(Principal principal, string subscriptionId, string operationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await RequireSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        var operation = await store.GetOperationAsync(subscriptionId, operationId, cancellationToken).ConfigureAwait(false);
        if (operation is null)
        {
            throw new ManagementException(ManagementErrorKind.NotFound, ManagementErrorCodes.OperationNotFound, $"The operation '{operationId}' could not be found.");
        }

        // No role check: the id is an unguessable GUID handed to the caller that started the operation, and a
        // deletion removes the assignments at the deleted scope, which may be the very ones that let the caller start it.
        if (operation.Status == ProvisioningStates.Running && time.GetUtcNow() - operation.StartedAt >= options.StaleOperationAge)
        {
            await CompleteAsync(operation, cancellationToken).ConfigureAwait(false);
            operation = await store.GetOperationAsync(subscriptionId, operationId, cancellationToken).ConfigureAwait(false) ?? operation;
        }

        return operation;
    }

    private async Task CompleteAsync(AsyncOperationRecord operation, CancellationToken cancellationToken)
    {
        if (!ResourceScope.TryParse(operation.ResourceId, out var scope))
        {
            return;
        }

        switch (operation.Kind)
        {
            case OperationKinds.CreateDigitalTwins:
                await FinishProvisioningAsync(operation, scope, cancellationToken).ConfigureAwait(false);
                break;
            case OperationKinds.DeleteDigitalTwins:
                await DeleteInstanceNowAsync(scope, cancellationToken).ConfigureAwait(false);
                await FinishAsync(operation, ProvisioningStates.Succeeded, null, null, cancellationToken).ConfigureAwait(false);
                break;
            case OperationKinds.DeleteResourceGroup:
                await DeleteGroupNowAsync(scope, cancellationToken).ConfigureAwait(false);
                await FinishAsync(operation, ProvisioningStates.Succeeded, null, null, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await FinishAsync(operation, ProvisioningStates.Failed, ManagementErrorCodes.InternalServerError, $"Doppel does not know operations of kind '{operation.Kind}'.", cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private Task<bool> FinishAsync(AsyncOperationRecord operation, string status, string? code, string? message, CancellationToken cancellationToken) =>
        store.FinishOperationAsync(operation.SubscriptionId, operation.Id, status, code, message, time.GetUtcNow(), cancellationToken);

    private async Task DeleteAssignmentsWithinAsync(ResourceScope scope, CancellationToken cancellationToken)
    {
        foreach (var assignment in await store.ListRoleAssignmentsAsync(scope.SubscriptionId, cancellationToken).ConfigureAwait(false))
        {
            if (ResourceScope.TryParse(assignment.Scope, out var at) && scope.Contains(at))
            {
                await store.DeleteRoleAssignmentAsync(scope.SubscriptionId, assignment.Id, cancellationToken).ConfigureAwait(false);
            }
        }

        access.Invalidate(scope.SubscriptionId);
    }

    private AsyncOperationRecord NewOperation(ResourceScope scope, string location, string kind) =>
        new(scope.SubscriptionId, Guid.NewGuid().ToString("D"), location, kind, scope.ToString(), ProvisioningStates.Running, null, null, time.GetUtcNow(), null);

    private async Task RequireSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        if (await store.GetSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw SubscriptionNotFound(subscriptionId);
        }
    }

    private static ManagementException SubscriptionNotFound(string subscriptionId) =>
        new(ManagementErrorKind.NotFound, ManagementErrorCodes.SubscriptionNotFound, $"The subscription '{subscriptionId}' could not be found.");

    private string RequireLocation(string? location)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidRequestContent, "The request content is missing the required property 'location'.");
        }

        var normalized = ManagementOptions.NormalizeLocation(location);
        if (!options.Locations.Contains(normalized, StringComparer.Ordinal))
        {
            throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.LocationNotAvailableForResourceType,
                $"The provided location '{location}' is not available for this server. List of available locations is '{string.Join(",", options.Locations)}'.");
        }

        return normalized;
    }
}

/// <summary>The control-plane actions of Digital Twins instances.</summary>
public static class DigitalTwinsActions
{
#pragma warning disable CS1591 // Each constant is the ARM action of the same name.
    public const string Read = "Microsoft.DigitalTwins/digitalTwinsInstances/read";
    public const string Write = "Microsoft.DigitalTwins/digitalTwinsInstances/write";
    public const string Delete = "Microsoft.DigitalTwins/digitalTwinsInstances/delete";
    public const string CheckNameAvailability = "Microsoft.DigitalTwins/locations/checkNameAvailability/action";
#pragma warning restore CS1591
}

/// <summary>The control-plane actions of resource groups.</summary>
public static class ResourceGroupActions
{
#pragma warning disable CS1591 // Each constant is the ARM action of the same name.
    public const string Read = "Microsoft.Resources/subscriptions/resourceGroups/read";
    public const string Write = "Microsoft.Resources/subscriptions/resourceGroups/write";
    public const string Delete = "Microsoft.Resources/subscriptions/resourceGroups/delete";
#pragma warning restore CS1591
}

/// <summary>The control-plane actions of role assignments and definitions.</summary>
public static class AuthorizationActions
{
#pragma warning disable CS1591 // Each constant is the ARM action of the same name.
    public const string AssignmentRead = "Microsoft.Authorization/roleAssignments/read";
    public const string AssignmentWrite = "Microsoft.Authorization/roleAssignments/write";
    public const string AssignmentDelete = "Microsoft.Authorization/roleAssignments/delete";
    public const string DefinitionRead = "Microsoft.Authorization/roleDefinitions/read";
#pragma warning restore CS1591
}
