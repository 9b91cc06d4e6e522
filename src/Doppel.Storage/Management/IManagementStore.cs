namespace Doppel.Storage.Management;

/// <summary>
/// The control plane's data: subscriptions, resource groups, <c>Microsoft.DigitalTwins/digitalTwinsInstances</c>
/// resources, their asynchronous operations, and role assignments. Every key starts with the subscription id, so the
/// tables can be distributed by it (the data plane's tables are distributed by the instance id). Every write is one
/// transaction that checks its own preconditions.
/// </summary>
public interface IManagementStore
{
    /// <summary>Creates the subscription when there is none with its id; returns whether it did.</summary>
    Task<bool> EnsureSubscriptionAsync(SubscriptionRecord subscription, CancellationToken cancellationToken);

    /// <summary>The subscription with this id (compared without regard to case), or <see langword="null"/>.</summary>
    Task<SubscriptionRecord?> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Every subscription, ordered by id.</summary>
    Task<IReadOnlyList<SubscriptionRecord>> ListSubscriptionsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates the resource group, or replaces the tags and state of the existing one (its location never changes);
    /// returns <see langword="true"/> when it created it. The subscription must exist.
    /// </summary>
    Task<bool> PutResourceGroupAsync(ResourceGroupRecord group, CancellationToken cancellationToken);

    /// <summary>The resource group (name compared without regard to case), or <see langword="null"/>.</summary>
    Task<ResourceGroupRecord?> GetResourceGroupAsync(string subscriptionId, string name, CancellationToken cancellationToken);

    /// <summary>The subscription's resource groups, ordered by lower-case name.</summary>
    Task<IReadOnlyList<ResourceGroupRecord>> ListResourceGroupsAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Deletes an empty resource group; <see langword="false"/> when it is missing or still holds instances.</summary>
    Task<bool> DeleteResourceGroupAsync(string subscriptionId, string name, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: reserves the instance name server-wide (the data plane's <c>instances</c> row with
    /// <see cref="DigitalTwinsResourceRecord.InstanceId"/>), writes the resource and its first operation. Refused with
    /// <see cref="ResourceCreateOutcome.QuotaReached"/> when the subscription already has
    /// <paramref name="maxInLocation"/> instances in the resource's location (0: no limit); the count is taken in the
    /// same transaction, with concurrent creates in the subscription queued behind it, so that they cannot pass it together.
    /// </summary>
    Task<ResourceCreateOutcome> CreateDigitalTwinsAsync(DigitalTwinsResourceRecord resource, AsyncOperationRecord operation, int maxInLocation, CancellationToken cancellationToken);

    /// <summary>The resource at this path (names compared without regard to case), or <see langword="null"/>.</summary>
    Task<DigitalTwinsResourceRecord?> GetDigitalTwinsAsync(string subscriptionId, string resourceGroup, string name, CancellationToken cancellationToken);

    /// <summary>The resource whose data-plane instance has this id, or <see langword="null"/> (an instance no resource owns).</summary>
    Task<DigitalTwinsResourceRecord?> FindDigitalTwinsByInstanceAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>The subscription's resources (of one resource group when given), ordered by resource group and name.</summary>
    Task<IReadOnlyList<DigitalTwinsResourceRecord>> ListDigitalTwinsAsync(string subscriptionId, string? resourceGroup, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the resource's mutable fields (tags, public network access, state, operation, modification data)
    /// when its provisioning state is <paramref name="expectedState"/>, and writes <paramref name="operation"/> when
    /// given, in one transaction. <see langword="false"/> when the resource is missing or in another state.
    /// </summary>
    Task<bool> UpdateDigitalTwinsAsync(DigitalTwinsResourceRecord resource, string expectedState, AsyncOperationRecord? operation, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the resource and everything its data-plane instance holds (models, twins, relationships, events,
    /// counters and the instance itself) in one transaction; <see langword="false"/> when it is missing.
    /// </summary>
    Task<bool> DeleteDigitalTwinsAsync(string subscriptionId, string resourceGroup, string name, CancellationToken cancellationToken);

    /// <summary>Writes an operation that is not attached to a resource write (a resource-group deletion).</summary>
    Task AddOperationAsync(AsyncOperationRecord operation, CancellationToken cancellationToken);

    /// <summary>The operation, or <see langword="null"/>.</summary>
    Task<AsyncOperationRecord?> GetOperationAsync(string subscriptionId, string operationId, CancellationToken cancellationToken);

    /// <summary>Ends a running operation; <see langword="false"/> when it is missing or has already ended.</summary>
    Task<bool> FinishOperationAsync(string subscriptionId, string operationId, string status, string? errorCode, string? errorMessage, DateTimeOffset endedAt, CancellationToken cancellationToken);

    /// <summary>Writes a role assignment unless its id or its (scope, role, principal) is already taken.</summary>
    Task<RoleAssignmentCreateOutcome> CreateRoleAssignmentAsync(RoleAssignmentRecord assignment, CancellationToken cancellationToken);

    /// <summary>The role assignment with this id (lower-case GUID), or <see langword="null"/>.</summary>
    Task<RoleAssignmentRecord?> GetRoleAssignmentAsync(string subscriptionId, string assignmentId, CancellationToken cancellationToken);

    /// <summary>Every role assignment of the subscription at any scope, ordered by id.</summary>
    Task<IReadOnlyList<RoleAssignmentRecord>> ListRoleAssignmentsAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Deletes a role assignment; <see langword="false"/> when it is missing.</summary>
    Task<bool> DeleteRoleAssignmentAsync(string subscriptionId, string assignmentId, CancellationToken cancellationToken);

    /// <summary>
    /// Creates or replaces an endpoint of the instance <see cref="DigitalTwinsEndpointRecord.InstanceId"/>, in one
    /// transaction that checks the instance's resource still exists and that a new endpoint keeps the instance within
    /// <paramref name="maxPerInstance"/> endpoints. A replacement keeps the creation time and creator.
    /// </summary>
    Task<EndpointPutOutcome> PutEndpointAsync(DigitalTwinsEndpointRecord endpoint, int maxPerInstance, CancellationToken cancellationToken);

    /// <summary>The endpoint (name compared without regard to case), or <see langword="null"/>.</summary>
    Task<DigitalTwinsEndpointRecord?> GetEndpointAsync(string subscriptionId, string instanceId, string name, CancellationToken cancellationToken);

    /// <summary>The instance's endpoints, ordered by lower-case name.</summary>
    Task<IReadOnlyList<DigitalTwinsEndpointRecord>> ListEndpointsAsync(string subscriptionId, string instanceId, CancellationToken cancellationToken);

    /// <summary>Deletes an endpoint; <see langword="false"/> when it is missing.</summary>
    Task<bool> DeleteEndpointAsync(string subscriptionId, string instanceId, string name, CancellationToken cancellationToken);

    /// <summary>Appends an entry to the subscription's activity log, after every earlier one.</summary>
    Task AppendActivityAsync(ActivityRecord activity, CancellationToken cancellationToken);

    /// <summary>The subscription's activity log from <paramref name="from"/> on, newest first, at most <paramref name="limit"/> entries.</summary>
    Task<IReadOnlyList<ActivityRecord>> ListActivityAsync(string subscriptionId, DateTimeOffset from, int limit, CancellationToken cancellationToken);
}

/// <summary>One control-plane write in a subscription's activity log: who, what, when, and the result.</summary>
/// <param name="SubscriptionId">The subscription written to.</param>
/// <param name="Id">The entry's id, a GUID.</param>
/// <param name="Time">When the write was answered.</param>
/// <param name="Caller">Who: the user principal name, or the client id of an application.</param>
/// <param name="CallerId">Who: the caller's object id.</param>
/// <param name="Operation">What: the action, such as <c>Microsoft.DigitalTwins/digitalTwinsInstances/write</c>.</param>
/// <param name="ResourceId">What: the ARM id written to.</param>
/// <param name="Status"><c>Succeeded</c>, <c>Accepted</c> (an asynchronous operation started) or <c>Failed</c>.</param>
/// <param name="HttpStatus">The HTTP status of the answer.</param>
public sealed record ActivityRecord(
    string SubscriptionId,
    string Id,
    DateTimeOffset Time,
    string Caller,
    string CallerId,
    string Operation,
    string ResourceId,
    string Status,
    int HttpStatus);

/// <summary>A subscription.</summary>
/// <param name="Id">The subscription id, a lower-case GUID.</param>
/// <param name="DisplayName">The name people see.</param>
/// <param name="TenantId">The directory the subscription belongs to, when known.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record SubscriptionRecord(string Id, string DisplayName, string? TenantId, DateTimeOffset CreatedAt);

/// <summary>A resource group.</summary>
/// <param name="SubscriptionId">Its subscription.</param>
/// <param name="Name">The name as created (compared without regard to case).</param>
/// <param name="Location">Its location, normalised.</param>
/// <param name="TagsJson">The tags as a JSON object.</param>
/// <param name="ProvisioningState"><c>Succeeded</c> or <c>Deleting</c>.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record ResourceGroupRecord(string SubscriptionId, string Name, string Location, string TagsJson, string ProvisioningState, DateTimeOffset CreatedAt);

/// <summary>A <c>Microsoft.DigitalTwins/digitalTwinsInstances</c> resource and the data-plane instance it owns.</summary>
/// <param name="SubscriptionId">Its subscription.</param>
/// <param name="ResourceGroup">Its resource group's name as created.</param>
/// <param name="Name">The resource name as created; its lower-case form is the data-plane instance name.</param>
/// <param name="InstanceId">The id of the data-plane instance.</param>
/// <param name="Location">The location, normalised.</param>
/// <param name="TagsJson">The tags as a JSON object.</param>
/// <param name="PublicNetworkAccess"><c>Enabled</c>, <c>Disabled</c> or <see langword="null"/>.</param>
/// <param name="ProvisioningState">ARM's provisioning state.</param>
/// <param name="OperationId">The last asynchronous operation on it.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="CreatedByType"><c>User</c> or <c>Application</c>.</param>
/// <param name="LastModifiedBy">Who changed it last.</param>
/// <param name="LastModifiedByType"><c>User</c> or <c>Application</c>.</param>
public sealed record DigitalTwinsResourceRecord(
    string SubscriptionId,
    string ResourceGroup,
    string Name,
    string InstanceId,
    string Location,
    string TagsJson,
    string? PublicNetworkAccess,
    string ProvisioningState,
    string? OperationId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? CreatedBy,
    string? CreatedByType,
    string? LastModifiedBy,
    string? LastModifiedByType);

/// <summary>An ARM asynchronous operation.</summary>
/// <param name="SubscriptionId">The subscription it runs in.</param>
/// <param name="Id">Its id, a lower-case GUID.</param>
/// <param name="Location">The location in its status URL.</param>
/// <param name="Kind">What it does, such as <c>CreateDigitalTwins</c>.</param>
/// <param name="ResourceId">The ARM id of the resource it works on.</param>
/// <param name="Status"><c>Running</c>, <c>Succeeded</c>, <c>Failed</c> or <c>Canceled</c>.</param>
/// <param name="ErrorCode">Why it failed.</param>
/// <param name="ErrorMessage">Why it failed, for people.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended.</param>
public sealed record AsyncOperationRecord(
    string SubscriptionId,
    string Id,
    string Location,
    string Kind,
    string ResourceId,
    string Status,
    string? ErrorCode,
    string? ErrorMessage,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt);

/// <summary>A role assignment.</summary>
/// <param name="SubscriptionId">The subscription its scope lies in.</param>
/// <param name="Id">Its name, a lower-case GUID.</param>
/// <param name="Scope">The scope as given (subscription, resource group or resource id).</param>
/// <param name="RoleDefinitionId">The role definition's GUID, lower case.</param>
/// <param name="PrincipalId">The object id of the user, group or service principal.</param>
/// <param name="PrincipalType"><c>User</c>, <c>Group</c> or <c>ServicePrincipal</c>.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="CreatedBy">The object id of who created it.</param>
public sealed record RoleAssignmentRecord(
    string SubscriptionId,
    string Id,
    string Scope,
    string RoleDefinitionId,
    string PrincipalId,
    string PrincipalType,
    DateTimeOffset CreatedAt,
    string? CreatedBy);

/// <summary>An endpoint of a Digital Twins instance (<c>Microsoft.DigitalTwins/digitalTwinsInstances/endpoints</c>).</summary>
/// <param name="SubscriptionId">The subscription of its instance.</param>
/// <param name="InstanceId">The data-plane id of its instance.</param>
/// <param name="Name">The endpoint name as created (compared without regard to case).</param>
/// <param name="EndpointType"><c>EventHub</c>, <c>EventGrid</c> or <c>ServiceBus</c>.</param>
/// <param name="AuthenticationType"><c>KeyBased</c> or <c>IdentityBased</c>.</param>
/// <param name="PropertiesJson">The properties that are not secret, as a JSON object.</param>
/// <param name="ProtectedSecrets">The secret properties (connection strings, access keys), encrypted by the control plane; <see langword="null"/> when there are none.</param>
/// <param name="ProvisioningState">ARM's provisioning state.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="CreatedByType"><c>User</c> or <c>Application</c>.</param>
/// <param name="LastModifiedBy">Who changed it last.</param>
/// <param name="LastModifiedByType"><c>User</c> or <c>Application</c>.</param>
public sealed record DigitalTwinsEndpointRecord(
    string SubscriptionId,
    string InstanceId,
    string Name,
    string EndpointType,
    string AuthenticationType,
    string PropertiesJson,
    string? ProtectedSecrets,
    string ProvisioningState,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? CreatedBy,
    string? CreatedByType,
    string? LastModifiedBy,
    string? LastModifiedByType);

/// <summary>What <see cref="IManagementStore.PutEndpointAsync"/> did.</summary>
public enum EndpointPutOutcome
{
    /// <summary>A new endpoint was written.</summary>
    Created,

    /// <summary>The existing endpoint was replaced.</summary>
    Updated,

    /// <summary>The instance has its maximum number of endpoints already; nothing was written.</summary>
    LimitReached,

    /// <summary>No resource owns the instance (it was deleted); nothing was written.</summary>
    InstanceNotFound,
}

/// <summary>What <see cref="IManagementStore.CreateDigitalTwinsAsync"/> did.</summary>
public enum ResourceCreateOutcome
{
    /// <summary>The resource, its instance and its operation were written.</summary>
    Created,

    /// <summary>A resource exists at this path already.</summary>
    AlreadyExists,

    /// <summary>An instance with this name exists on this server (in any subscription, or outside the control plane).</summary>
    NameTaken,

    /// <summary>The resource group does not exist.</summary>
    ResourceGroupNotFound,

    /// <summary>The subscription has as many instances in the location as its quota allows.</summary>
    QuotaReached,
}

/// <summary>What <see cref="IManagementStore.CreateRoleAssignmentAsync"/> did.</summary>
public enum RoleAssignmentCreateOutcome
{
    /// <summary>The assignment was written.</summary>
    Created,

    /// <summary>An assignment with this id exists already.</summary>
    IdTaken,

    /// <summary>Another assignment gives the same role to the same principal at the same scope.</summary>
    Duplicate,
}
