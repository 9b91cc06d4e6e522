using System.Globalization;
using Doppel.Storage.Management;
using Doppel.Storage.Sqlite.DataPlane;
using Microsoft.Data.Sqlite;
using static Doppel.Storage.Sqlite.DataPlane.SqliteSession;

namespace Doppel.Storage.Sqlite.Management;

/// <summary>
/// The control plane on the SQLite file of a <see cref="SqliteStore"/>. Names that ARM compares without regard to
/// case are keyed by their lower-case form (<c>name_key</c>) and kept as created in <c>name</c>.
/// </summary>
public sealed class SqliteManagementStore : IManagementStore, IAsyncDisposable
{
    private const string ResourceColumns = """
        subscription_id, resource_group, name, instance_id, location, tags, public_network_access, provisioning_state,
        operation_id, created_at, updated_at, created_by, created_by_type, last_modified_by, last_modified_by_type
        """;

    private const string OperationColumns = "subscription_id, id, location, kind, resource_id, status, error_code, error_message, started_at, ended_at";

    private const string AssignmentColumns = "subscription_id, id, scope, role_definition_id, principal_id, principal_type, created_at, created_by";

    private const string EndpointColumns = """
        subscription_id, instance_id, name, endpoint_type, authentication_type, properties, protected_secrets, provisioning_state,
        created_at, updated_at, created_by, created_by_type, last_modified_by, last_modified_by_type
        """;

    private readonly SqliteSession _session;

    /// <summary>Creates the control-plane store over <paramref name="store"/>'s database (migrated by it).</summary>
    public SqliteManagementStore(SqliteStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _session = new SqliteSession(new SqliteConnectionFactory(store.Options));
    }

    /// <summary>Stops the store's writer and closes its connections.</summary>
    public ValueTask DisposeAsync() => _session.DisposeAsync();

    /// <inheritdoc />
    public Task<bool> EnsureSubscriptionAsync(SubscriptionRecord subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return _session.WriteConnectionAsync(
            async (connection, transaction) =>
            {
                var rows = await ExecuteAsync(connection, transaction, """
                    INSERT INTO subscriptions (subscription_id, display_name, tenant_id, created_at)
                    VALUES ($id, $name, $tenant, $created) ON CONFLICT (subscription_id) DO NOTHING;
                    """, cancellationToken,
                    ("$id", Key(subscription.Id)), ("$name", subscription.DisplayName), ("$tenant", subscription.TenantId), ("$created", Time(subscription.CreatedAt))).ConfigureAwait(false);
                return (rows == 1, true);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<SubscriptionRecord?> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) =>
        _session.ReadConnectionAsync(
            async connection => (await ReadAllAsync(connection, null, "SELECT subscription_id, display_name, tenant_id, created_at FROM subscriptions WHERE subscription_id = $id;", ReadSubscription, cancellationToken, ("$id", Key(subscriptionId))).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SubscriptionRecord>> ListSubscriptionsAsync(CancellationToken cancellationToken) =>
        _session.ReadConnectionAsync<IReadOnlyList<SubscriptionRecord>>(
            async connection => await ReadAllAsync(connection, null, "SELECT subscription_id, display_name, tenant_id, created_at FROM subscriptions ORDER BY subscription_id;", ReadSubscription, cancellationToken).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutResourceGroupAsync(ResourceGroupRecord group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        return _session.WriteConnectionAsync(
            async (connection, transaction) =>
            {
                var updated = await ExecuteAsync(connection, transaction, """
                    UPDATE resource_groups SET tags = $tags, provisioning_state = $state
                    WHERE subscription_id = $sub AND name_key = $key;
                    """, cancellationToken,
                    ("$sub", Key(group.SubscriptionId)), ("$key", Key(group.Name)), ("$tags", group.TagsJson), ("$state", group.ProvisioningState)).ConfigureAwait(false);
                if (updated == 1)
                {
                    return (false, true);
                }

                await ExecuteAsync(connection, transaction, """
                    INSERT INTO resource_groups (subscription_id, name_key, name, location, tags, provisioning_state, created_at)
                    VALUES ($sub, $key, $name, $location, $tags, $state, $created);
                    """, cancellationToken,
                    ("$sub", Key(group.SubscriptionId)), ("$key", Key(group.Name)), ("$name", group.Name), ("$location", group.Location),
                    ("$tags", group.TagsJson), ("$state", group.ProvisioningState), ("$created", Time(group.CreatedAt))).ConfigureAwait(false);
                return (true, true);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ResourceGroupRecord?> GetResourceGroupAsync(string subscriptionId, string name, CancellationToken cancellationToken) =>
        _session.ReadConnectionAsync(
            async connection => (await ReadAllAsync(connection, null, """
                SELECT subscription_id, name, location, tags, provisioning_state, created_at FROM resource_groups
                WHERE subscription_id = $sub AND name_key = $key;
                """, ReadGroup, cancellationToken, ("$sub", Key(subscriptionId)), ("$key", Key(name))).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ResourceGroupRecord>> ListResourceGroupsAsync(string subscriptionId, CancellationToken cancellationToken) =>
        _session.ReadConnectionAsync<IReadOnlyList<ResourceGroupRecord>>(
            async connection => await ReadAllAsync(connection, null, """
                SELECT subscription_id, name, location, tags, provisioning_state, created_at FROM resource_groups
                WHERE subscription_id = $sub ORDER BY name_key;
                """, ReadGroup, cancellationToken, ("$sub", Key(subscriptionId))).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteResourceGroupAsync(string subscriptionId, string name, CancellationToken cancellationToken) =>
        _session.WriteConnectionAsync(
            async (connection, transaction) =>
            {
                var rows = await ExecuteAsync(connection, transaction, """
                    DELETE FROM resource_groups WHERE subscription_id = $sub AND name_key = $key
                    AND NOT EXISTS (SELECT 1 FROM digital_twins_resources r WHERE r.subscription_id = $sub AND r.resource_group_key = $key);
                    """, cancellationToken, ("$sub", Key(subscriptionId)), ("$key", Key(name))).ConfigureAwait(false);
                return (rows == 1, true);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<ResourceCreateOutcome> CreateDigitalTwinsAsync(DigitalTwinsResourceRecord resource, AsyncOperationRecord operation, int maxInLocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(operation);
        return _session.WriteConnectionAsync(
            async (connection, transaction) =>
            {
                (string, object?)[] key = [("$sub", Key(resource.SubscriptionId)), ("$rg", Key(resource.ResourceGroup)), ("$name", Key(resource.Name))];
                if (await ScalarLongAsync(connection, transaction, "SELECT COUNT(*) FROM resource_groups WHERE subscription_id = $sub AND name_key = $rg;", cancellationToken, key).ConfigureAwait(false) == 0)
                {
                    return (ResourceCreateOutcome.ResourceGroupNotFound, false);
                }

                if (await ScalarLongAsync(connection, transaction, "SELECT COUNT(*) FROM digital_twins_resources WHERE subscription_id = $sub AND resource_group_key = $rg AND name_key = $name;", cancellationToken, key).ConfigureAwait(false) > 0)
                {
                    return (ResourceCreateOutcome.AlreadyExists, false);
                }

                // Writes are serialized (one writer), so the count cannot be passed by two creates at once.
                if (maxInLocation > 0 && await ScalarLongAsync(connection, transaction, "SELECT COUNT(*) FROM digital_twins_resources WHERE subscription_id = $sub AND location = $location;",
                    cancellationToken, ("$sub", Key(resource.SubscriptionId)), ("$location", resource.Location)).ConfigureAwait(false) >= maxInLocation)
                {
                    return (ResourceCreateOutcome.QuotaReached, false);
                }

                var inserted = await ExecuteAsync(connection, transaction, """
                    INSERT INTO instances (id, name, created_at) VALUES ($id, $name, $created) ON CONFLICT (name) DO NOTHING;
                    """, cancellationToken, ("$id", resource.InstanceId), ("$name", Key(resource.Name)), ("$created", Time(resource.CreatedAt))).ConfigureAwait(false);
                if (inserted == 0)
                {
                    return (ResourceCreateOutcome.NameTaken, false);
                }

                await ExecuteAsync(connection, transaction, """
                    INSERT INTO digital_twins_resources (subscription_id, resource_group_key, name_key, resource_group, name, instance_id, location, tags,
                        public_network_access, provisioning_state, operation_id, created_at, updated_at, created_by, created_by_type, last_modified_by, last_modified_by_type)
                    VALUES ($sub, $rg, $name, $rgName, $displayName, $instance, $location, $tags, $access, $state, $op, $created, $updated, $createdBy, $createdByType, $modifiedBy, $modifiedByType);
                    """, cancellationToken,
                    [.. key, ("$rgName", resource.ResourceGroup), ("$displayName", resource.Name), ("$instance", resource.InstanceId), ("$location", resource.Location),
                        ("$tags", resource.TagsJson), ("$access", resource.PublicNetworkAccess), ("$state", resource.ProvisioningState), ("$op", resource.OperationId),
                        ("$created", Time(resource.CreatedAt)), ("$updated", Time(resource.UpdatedAt)), ("$createdBy", resource.CreatedBy), ("$createdByType", resource.CreatedByType),
                        ("$modifiedBy", resource.LastModifiedBy), ("$modifiedByType", resource.LastModifiedByType)]).ConfigureAwait(false);
                await InsertOperationAsync(connection, transaction, operation, cancellationToken).ConfigureAwait(false);
                return (ResourceCreateOutcome.Created, true);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<DigitalTwinsResourceRecord?> GetDigitalTwinsAsync(string subscriptionId, string resourceGroup, string name, CancellationToken cancellationToken) =>
        _session.ReadConnectionAsync(
            async connection => (await ReadAllAsync(connection, null, $"""
                SELECT {ResourceColumns} FROM digital_twins_resources WHERE subscription_id = $sub AND resource_group_key = $rg AND name_key = $name;
                """, ReadResource, cancellationToken, ("$sub", Key(subscriptionId)), ("$rg", Key(resourceGroup)), ("$name", Key(name))).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<DigitalTwinsResourceRecord?> FindDigitalTwinsByInstanceAsync(string instanceId, CancellationToken cancellationToken) =>
        _session.ReadConnectionAsync(
            async connection => (await ReadAllAsync(connection, null, $"SELECT {ResourceColumns} FROM digital_twins_resources WHERE instance_id = $instance;",
                ReadResource, cancellationToken, ("$instance", instanceId)).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DigitalTwinsResourceRecord>> ListDigitalTwinsAsync(string subscriptionId, string? resourceGroup, CancellationToken cancellationToken) =>
        _session.ReadConnectionAsync<IReadOnlyList<DigitalTwinsResourceRecord>>(
            async connection => await ReadAllAsync(connection, null, $"""
                SELECT {ResourceColumns} FROM digital_twins_resources
                WHERE subscription_id = $sub AND ($rg IS NULL OR resource_group_key = $rg)
                ORDER BY resource_group_key, name_key;
                """, ReadResource, cancellationToken, ("$sub", Key(subscriptionId)), ("$rg", resourceGroup is null ? null : Key(resourceGroup))).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> UpdateDigitalTwinsAsync(DigitalTwinsResourceRecord resource, string expectedState, AsyncOperationRecord? operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return _session.WriteConnectionAsync(
            async (connection, transaction) =>
            {
                var rows = await ExecuteAsync(connection, transaction, """
                    UPDATE digital_twins_resources SET tags = $tags, public_network_access = $access, provisioning_state = $state, operation_id = $op,
                        updated_at = $updated, last_modified_by = $modifiedBy, last_modified_by_type = $modifiedByType
                    WHERE subscription_id = $sub AND resource_group_key = $rg AND name_key = $name AND provisioning_state = $expected;
                    """, cancellationToken,
                    ("$sub", Key(resource.SubscriptionId)), ("$rg", Key(resource.ResourceGroup)), ("$name", Key(resource.Name)), ("$expected", expectedState),
                    ("$tags", resource.TagsJson), ("$access", resource.PublicNetworkAccess), ("$state", resource.ProvisioningState), ("$op", resource.OperationId),
                    ("$updated", Time(resource.UpdatedAt)), ("$modifiedBy", resource.LastModifiedBy), ("$modifiedByType", resource.LastModifiedByType)).ConfigureAwait(false);
                if (rows == 0)
                {
                    return (false, false);
                }

                if (operation is not null)
                {
                    await InsertOperationAsync(connection, transaction, operation, cancellationToken).ConfigureAwait(false);
                }

                return (true, true);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteDigitalTwinsAsync(string subscriptionId, string resourceGroup, string name, CancellationToken cancellationToken) =>
        _session.WriteConnectionAsync(
            async (connection, transaction) =>
            {
                (string, object?)[] key = [("$sub", Key(subscriptionId)), ("$rg", Key(resourceGroup)), ("$name", Key(name))];
                var instanceId = await ScalarStringAsync(connection, transaction,
                    "SELECT instance_id FROM digital_twins_resources WHERE subscription_id = $sub AND resource_group_key = $rg AND name_key = $name;",
                    cancellationToken, key).ConfigureAwait(false);
                if (instanceId is null)
                {
                    return (false, false);
                }

                await ExecuteAsync(connection, transaction, """
                    DELETE FROM digital_twins_endpoints WHERE subscription_id = $sub AND instance_id = $instance;
                    DELETE FROM digital_twins_resources WHERE subscription_id = $sub AND resource_group_key = $rg AND name_key = $name;
                    DELETE FROM relationships WHERE instance_id = $instance;
                    DELETE FROM twins WHERE instance_id = $instance;
                    DELETE FROM models WHERE instance_id = $instance;
                    DELETE FROM outbox WHERE instance_id = $instance;
                    DELETE FROM outbox_positions WHERE instance_id = $instance;
                    DELETE FROM model_versions WHERE instance_id = $instance;
                    DELETE FROM twin_counts WHERE instance_id = $instance;
                    DELETE FROM instances WHERE id = $instance;
                    """, cancellationToken, [.. key, ("$instance", instanceId)]).ConfigureAwait(false);
                return (true, true);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task AddOperationAsync(AsyncOperationRecord operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return _session.WriteConnectionAsync(
            async (connection, transaction) =>
            {
                await InsertOperationAsync(connection, transaction, operation, cancellationToken).ConfigureAwait(false);
                return (true, true);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<AsyncOperationRecord?> GetOperationAsync(string subscriptionId, string operationId, CancellationToken cancellationToken) =>
        _session.ReadConnectionAsync(
            async connection => (await ReadAllAsync(connection, null, $"SELECT {OperationColumns} FROM async_operations WHERE subscription_id = $sub AND id = $id;",
                ReadOperation, cancellationToken, ("$sub", Key(subscriptionId)), ("$id", Key(operationId))).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> FinishOperationAsync(string subscriptionId, string operationId, string status, string? errorCode, string? errorMessage, DateTimeOffset endedAt, CancellationToken cancellationToken) =>
        _session.WriteConnectionAsync(
            async (connection, transaction) =>
            {
                var rows = await ExecuteAsync(connection, transaction, """
                    UPDATE async_operations SET status = $status, error_code = $code, error_message = $message, ended_at = $ended
                    WHERE subscription_id = $sub AND id = $id AND status = 'Running';
                    """, cancellationToken,
                    ("$sub", Key(subscriptionId)), ("$id", Key(operationId)), ("$status", status), ("$code", errorCode), ("$message", errorMessage), ("$ended", Time(endedAt))).ConfigureAwait(false);
                return (rows == 1, true);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<RoleAssignmentCreateOutcome> CreateRoleAssignmentAsync(RoleAssignmentRecord assignment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        return _session.WriteConnectionAsync(
            async (connection, transaction) =>
            {
                var sub = Key(assignment.SubscriptionId);
                if (await ScalarLongAsync(connection, transaction, "SELECT COUNT(*) FROM role_assignments WHERE subscription_id = $sub AND id = $id;",
                    cancellationToken, ("$sub", sub), ("$id", Key(assignment.Id))).ConfigureAwait(false) > 0)
                {
                    return (RoleAssignmentCreateOutcome.IdTaken, false);
                }

                if (await ScalarLongAsync(connection, transaction, """
                    SELECT COUNT(*) FROM role_assignments
                    WHERE subscription_id = $sub AND principal_id = $principal AND role_definition_id = $role AND lower(scope) = lower($scope);
                    """, cancellationToken, ("$sub", sub), ("$principal", assignment.PrincipalId), ("$role", Key(assignment.RoleDefinitionId)), ("$scope", assignment.Scope)).ConfigureAwait(false) > 0)
                {
                    return (RoleAssignmentCreateOutcome.Duplicate, false);
                }

                await ExecuteAsync(connection, transaction, """
                    INSERT INTO role_assignments (subscription_id, id, scope, role_definition_id, principal_id, principal_type, created_at, created_by)
                    VALUES ($sub, $id, $scope, $role, $principal, $type, $created, $createdBy);
                    """, cancellationToken,
                    ("$sub", sub), ("$id", Key(assignment.Id)), ("$scope", assignment.Scope), ("$role", Key(assignment.RoleDefinitionId)), ("$principal", assignment.PrincipalId),
                    ("$type", assignment.PrincipalType), ("$created", Time(assignment.CreatedAt)), ("$createdBy", assignment.CreatedBy)).ConfigureAwait(false);
                return (RoleAssignmentCreateOutcome.Created, true);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<RoleAssignmentRecord?> GetRoleAssignmentAsync(string subscriptionId, string assignmentId, CancellationToken cancellationToken) =>
        _session.ReadConnectionAsync(
            async connection => (await ReadAllAsync(connection, null, $"SELECT {AssignmentColumns} FROM role_assignments WHERE subscription_id = $sub AND id = $id;",
                ReadAssignment, cancellationToken, ("$sub", Key(subscriptionId)), ("$id", Key(assignmentId))).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RoleAssignmentRecord>> ListRoleAssignmentsAsync(string subscriptionId, CancellationToken cancellationToken) =>
        _session.ReadConnectionAsync<IReadOnlyList<RoleAssignmentRecord>>(
            async connection => await ReadAllAsync(connection, null, $"SELECT {AssignmentColumns} FROM role_assignments WHERE subscription_id = $sub ORDER BY id;",
                ReadAssignment, cancellationToken, ("$sub", Key(subscriptionId))).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteRoleAssignmentAsync(string subscriptionId, string assignmentId, CancellationToken cancellationToken) =>
        _session.WriteConnectionAsync(
            async (connection, transaction) =>
            {
                var rows = await ExecuteAsync(connection, transaction, "DELETE FROM role_assignments WHERE subscription_id = $sub AND id = $id;",
                    cancellationToken, ("$sub", Key(subscriptionId)), ("$id", Key(assignmentId))).ConfigureAwait(false);
                return (rows == 1, true);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task AppendActivityAsync(ActivityRecord activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return _session.WriteConnectionAsync(
            async (connection, transaction) =>
            {
                await ExecuteAsync(connection, transaction, """
                    INSERT INTO activity_log (subscription_id, seq, id, event_time, caller, caller_id, operation, resource_id, status, http_status)
                    SELECT $sub, COALESCE(MAX(seq), 0) + 1, $id, $time, $caller, $callerId, $operation, $resource, $status, $http
                    FROM activity_log WHERE subscription_id = $sub;
                    """, cancellationToken,
                    ("$sub", Key(activity.SubscriptionId)), ("$id", activity.Id), ("$time", Time(activity.Time)), ("$caller", activity.Caller), ("$callerId", activity.CallerId),
                    ("$operation", activity.Operation), ("$resource", activity.ResourceId), ("$status", activity.Status), ("$http", activity.HttpStatus)).ConfigureAwait(false);
                return (true, true);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<EndpointPutOutcome> PutEndpointAsync(DigitalTwinsEndpointRecord endpoint, int maxPerInstance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return _session.WriteConnectionAsync(
            async (connection, transaction) =>
            {
                (string, object?)[] key = [("$sub", Key(endpoint.SubscriptionId)), ("$instance", endpoint.InstanceId), ("$key", Key(endpoint.Name))];
                if (await ScalarLongAsync(connection, transaction, "SELECT COUNT(*) FROM digital_twins_resources WHERE subscription_id = $sub AND instance_id = $instance;",
                    cancellationToken, key).ConfigureAwait(false) == 0)
                {
                    return (EndpointPutOutcome.InstanceNotFound, false);
                }

                (string, object?)[] values =
                [
                    .. key, ("$name", endpoint.Name), ("$type", endpoint.EndpointType), ("$auth", endpoint.AuthenticationType), ("$properties", endpoint.PropertiesJson),
                    ("$secrets", endpoint.ProtectedSecrets), ("$state", endpoint.ProvisioningState), ("$created", Time(endpoint.CreatedAt)), ("$updated", Time(endpoint.UpdatedAt)),
                    ("$createdBy", endpoint.CreatedBy), ("$createdByType", endpoint.CreatedByType), ("$modifiedBy", endpoint.LastModifiedBy), ("$modifiedByType", endpoint.LastModifiedByType),
                ];
                if (await ExecuteAsync(connection, transaction, """
                    UPDATE digital_twins_endpoints SET endpoint_type = $type, authentication_type = $auth, properties = $properties, protected_secrets = $secrets,
                        provisioning_state = $state, updated_at = $updated, last_modified_by = $modifiedBy, last_modified_by_type = $modifiedByType
                    WHERE subscription_id = $sub AND instance_id = $instance AND name_key = $key;
                    """, cancellationToken, values).ConfigureAwait(false) == 1)
                {
                    return (EndpointPutOutcome.Updated, true);
                }

                if (await ScalarLongAsync(connection, transaction, "SELECT COUNT(*) FROM digital_twins_endpoints WHERE subscription_id = $sub AND instance_id = $instance;",
                    cancellationToken, key).ConfigureAwait(false) >= maxPerInstance)
                {
                    return (EndpointPutOutcome.LimitReached, false);
                }

                await ExecuteAsync(connection, transaction, """
                    INSERT INTO digital_twins_endpoints (subscription_id, instance_id, name_key, name, endpoint_type, authentication_type, properties, protected_secrets,
                        provisioning_state, created_at, updated_at, created_by, created_by_type, last_modified_by, last_modified_by_type)
                    VALUES ($sub, $instance, $key, $name, $type, $auth, $properties, $secrets, $state, $created, $updated, $createdBy, $createdByType, $modifiedBy, $modifiedByType);
                    """, cancellationToken, values).ConfigureAwait(false);
                return (EndpointPutOutcome.Created, true);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<DigitalTwinsEndpointRecord?> GetEndpointAsync(string subscriptionId, string instanceId, string name, CancellationToken cancellationToken) =>
        _session.ReadConnectionAsync(
            async connection => (await ReadAllAsync(connection, null, $"SELECT {EndpointColumns} FROM digital_twins_endpoints WHERE subscription_id = $sub AND instance_id = $instance AND name_key = $key;",
                ReadEndpoint, cancellationToken, ("$sub", Key(subscriptionId)), ("$instance", instanceId), ("$key", Key(name))).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DigitalTwinsEndpointRecord>> ListEndpointsAsync(string subscriptionId, string instanceId, CancellationToken cancellationToken) =>
        _session.ReadConnectionAsync<IReadOnlyList<DigitalTwinsEndpointRecord>>(
            async connection => await ReadAllAsync(connection, null, $"SELECT {EndpointColumns} FROM digital_twins_endpoints WHERE subscription_id = $sub AND instance_id = $instance ORDER BY name_key;",
                ReadEndpoint, cancellationToken, ("$sub", Key(subscriptionId)), ("$instance", instanceId)).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteEndpointAsync(string subscriptionId, string instanceId, string name, CancellationToken cancellationToken) =>
        _session.WriteConnectionAsync(
            async (connection, transaction) =>
            {
                var rows = await ExecuteAsync(connection, transaction, "DELETE FROM digital_twins_endpoints WHERE subscription_id = $sub AND instance_id = $instance AND name_key = $key;",
                    cancellationToken, ("$sub", Key(subscriptionId)), ("$instance", instanceId), ("$key", Key(name))).ConfigureAwait(false);
                return (rows == 1, true);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ActivityRecord>> ListActivityAsync(string subscriptionId, DateTimeOffset from, int limit, CancellationToken cancellationToken) =>
        _session.ReadConnectionAsync<IReadOnlyList<ActivityRecord>>(
            async connection => await ReadAllAsync(connection, null, """
                SELECT subscription_id, id, event_time, caller, caller_id, operation, resource_id, status, http_status FROM activity_log
                WHERE subscription_id = $sub AND event_time >= $from ORDER BY seq DESC LIMIT $limit;
                """, r => new ActivityRecord(r.GetString(0), r.GetString(1), ParseTime(r.GetString(2)), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetInt32(8)),
                cancellationToken, ("$sub", Key(subscriptionId)), ("$from", Time(from)), ("$limit", limit)).ConfigureAwait(false),
            cancellationToken);

    private static Task<int> InsertOperationAsync(SqliteConnection connection, SqliteTransaction transaction, AsyncOperationRecord operation, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, $"""
            INSERT INTO async_operations ({OperationColumns})
            VALUES ($sub, $id, $location, $kind, $resource, $status, $code, $message, $started, $ended);
            """, cancellationToken,
            ("$sub", Key(operation.SubscriptionId)), ("$id", Key(operation.Id)), ("$location", operation.Location), ("$kind", operation.Kind), ("$resource", operation.ResourceId),
            ("$status", operation.Status), ("$code", operation.ErrorCode), ("$message", operation.ErrorMessage), ("$started", Time(operation.StartedAt)),
            ("$ended", operation.EndedAt is { } ended ? Time(ended) : null));

    private static async Task<List<T>> ReadAllAsync<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static string Key(string name) => name.ToLowerInvariant();

    private static string Time(DateTimeOffset time) => ToMicroseconds(time).ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static SubscriptionRecord ReadSubscription(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), Text(r, 2), ParseTime(r.GetString(3)));

    private static ResourceGroupRecord ReadGroup(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), ParseTime(r.GetString(5)));

    private static DigitalTwinsResourceRecord ReadResource(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), Text(r, 6), r.GetString(7), Text(r, 8),
        ParseTime(r.GetString(9)), ParseTime(r.GetString(10)), Text(r, 11), Text(r, 12), Text(r, 13), Text(r, 14));

    private static AsyncOperationRecord ReadOperation(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), Text(r, 6), Text(r, 7),
        ParseTime(r.GetString(8)), Text(r, 9) is { } ended ? ParseTime(ended) : null);

    private static DigitalTwinsEndpointRecord ReadEndpoint(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), Text(r, 6), r.GetString(7),
        ParseTime(r.GetString(8)), ParseTime(r.GetString(9)), Text(r, 10), Text(r, 11), Text(r, 12), Text(r, 13));

    private static RoleAssignmentRecord ReadAssignment(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), ParseTime(r.GetString(6)), Text(r, 7));
}
