using Doppel.Storage.Management;
using Doppel.Storage.PostgreSql.DataPlane;
using Npgsql;
using static Doppel.Storage.PostgreSql.DataPlane.DataPlaneSql;

namespace Doppel.Storage.PostgreSql.Management;

/// <summary>
/// The control plane on the PostgreSQL database of a <see cref="PostgreSqlStore"/>, with the behaviour of the SQLite
/// one. Names that ARM compares without regard to case are keyed by their lower-case form.
/// </summary>
public sealed class PostgreSqlManagementStore : IManagementStore
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

    // The data-plane tables an instance's data lives in, children first.
    private static readonly string[] InstanceTables = ["relationships", "twins", "models", "outbox", "outbox_positions", "model_versions", "twin_counts"];

    private readonly PostgreSqlDatabase _database;

    /// <summary>Creates the control-plane store over <paramref name="store"/>'s database (migrated by it).</summary>
    public PostgreSqlManagementStore(PostgreSqlStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _database = store.Database;
    }

    /// <inheritdoc />
    public Task<bool> EnsureSubscriptionAsync(SubscriptionRecord subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return _database.WriteAsync(
            async (connection, transaction, ct) => await ExecuteAsync(connection, transaction, """
                INSERT INTO subscriptions (subscription_id, display_name, tenant_id, created_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (subscription_id) DO NOTHING;
                """, ct, Text(Key(subscription.Id)), Text(subscription.DisplayName), Text(subscription.TenantId), Time(subscription.CreatedAt)).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<SubscriptionRecord?> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) =>
        _database.ReadAsync(
            async (connection, ct) => (await ReadAllAsync(connection, null, "SELECT subscription_id, display_name, tenant_id, created_at FROM subscriptions WHERE subscription_id = $1;",
                ReadSubscription, ct, Text(Key(subscriptionId))).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SubscriptionRecord>> ListSubscriptionsAsync(CancellationToken cancellationToken) =>
        _database.ReadAsync<IReadOnlyList<SubscriptionRecord>>(
            async (connection, ct) => await ReadAllAsync(connection, null, "SELECT subscription_id, display_name, tenant_id, created_at FROM subscriptions ORDER BY subscription_id;",
                ReadSubscription, ct).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutResourceGroupAsync(ResourceGroupRecord group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        return _database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                // xmax = 0 only for a row this statement inserted.
                var inserted = await ScalarLongAsync(connection, transaction, """
                    INSERT INTO resource_groups (subscription_id, name_key, name, location, tags, provisioning_state, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    ON CONFLICT (subscription_id, name_key) DO UPDATE SET tags = EXCLUDED.tags, provisioning_state = EXCLUDED.provisioning_state
                    RETURNING CASE WHEN xmax = 0 THEN 1 ELSE 0 END;
                    """, ct,
                    Text(Key(group.SubscriptionId)), Text(Key(group.Name)), Text(group.Name), Text(group.Location), Text(group.TagsJson), Text(group.ProvisioningState), Time(group.CreatedAt)).ConfigureAwait(false);
                return inserted == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ResourceGroupRecord?> GetResourceGroupAsync(string subscriptionId, string name, CancellationToken cancellationToken) =>
        _database.ReadAsync(
            async (connection, ct) => (await ReadAllAsync(connection, null, """
                SELECT subscription_id, name, location, tags, provisioning_state, created_at FROM resource_groups WHERE subscription_id = $1 AND name_key = $2;
                """, ReadGroup, ct, Text(Key(subscriptionId)), Text(Key(name))).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ResourceGroupRecord>> ListResourceGroupsAsync(string subscriptionId, CancellationToken cancellationToken) =>
        _database.ReadAsync<IReadOnlyList<ResourceGroupRecord>>(
            async (connection, ct) => await ReadAllAsync(connection, null, """
                SELECT subscription_id, name, location, tags, provisioning_state, created_at FROM resource_groups WHERE subscription_id = $1 ORDER BY name_key;
                """, ReadGroup, ct, Text(Key(subscriptionId))).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteResourceGroupAsync(string subscriptionId, string name, CancellationToken cancellationToken) =>
        _database.WriteAsync(
            async (connection, transaction, ct) => await ExecuteAsync(connection, transaction, """
                DELETE FROM resource_groups WHERE subscription_id = $1 AND name_key = $2
                AND NOT EXISTS (SELECT 1 FROM digital_twins_resources r WHERE r.subscription_id = $1 AND r.resource_group_key = $2);
                """, ct, Text(Key(subscriptionId)), Text(Key(name))).ConfigureAwait(false) == 1,
            cancellationToken);

    /// <inheritdoc />
    public Task<ResourceCreateOutcome> CreateDigitalTwinsAsync(DigitalTwinsResourceRecord resource, AsyncOperationRecord operation, int maxInLocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(operation);
        return _database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (await ScalarLongAsync(connection, transaction, "SELECT COUNT(*) FROM resource_groups WHERE subscription_id = $1 AND name_key = $2;",
                    ct, Text(Key(resource.SubscriptionId)), Text(Key(resource.ResourceGroup))).ConfigureAwait(false) == 0)
                {
                    return (ResourceCreateOutcome.ResourceGroupNotFound, false);
                }

                if (await ScalarLongAsync(connection, transaction, "SELECT COUNT(*) FROM digital_twins_resources WHERE subscription_id = $1 AND resource_group_key = $2 AND name_key = $3;",
                    ct, Text(Key(resource.SubscriptionId)), Text(Key(resource.ResourceGroup)), Text(Key(resource.Name))).ConfigureAwait(false) > 0)
                {
                    return (ResourceCreateOutcome.AlreadyExists, false);
                }

                // The subscription row's lock queues concurrent creates in the subscription, so the count below cannot
                // be passed by two of them at once.
                if (maxInLocation > 0)
                {
                    await ExecuteAsync(connection, transaction, "SELECT 1 FROM subscriptions WHERE subscription_id = $1 FOR UPDATE;", ct, Text(Key(resource.SubscriptionId))).ConfigureAwait(false);
                    if (await ScalarLongAsync(connection, transaction, "SELECT COUNT(*) FROM digital_twins_resources WHERE subscription_id = $1 AND location = $2;",
                        ct, Text(Key(resource.SubscriptionId)), Text(resource.Location)).ConfigureAwait(false) >= maxInLocation)
                    {
                        return (ResourceCreateOutcome.QuotaReached, false);
                    }
                }

                // The unique name of instances reserves the name server-wide; a concurrent insert of the same name waits
                // for this transaction and then does nothing.
                if (await ExecuteAsync(connection, transaction, "INSERT INTO instances (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING;",
                    ct, Text(resource.InstanceId), Text(Key(resource.Name)), Time(resource.CreatedAt)).ConfigureAwait(false) == 0)
                {
                    return (ResourceCreateOutcome.NameTaken, false);
                }

                await ExecuteAsync(connection, transaction, """
                    INSERT INTO digital_twins_resources (subscription_id, resource_group_key, name_key, resource_group, name, instance_id, location, tags,
                        public_network_access, provisioning_state, operation_id, created_at, updated_at, created_by, created_by_type, last_modified_by, last_modified_by_type)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17);
                    """, ct,
                    Text(Key(resource.SubscriptionId)), Text(Key(resource.ResourceGroup)), Text(Key(resource.Name)), Text(resource.ResourceGroup), Text(resource.Name),
                    Text(resource.InstanceId), Text(resource.Location), Text(resource.TagsJson), Text(resource.PublicNetworkAccess), Text(resource.ProvisioningState),
                    Text(resource.OperationId), Time(resource.CreatedAt), Time(resource.UpdatedAt), Text(resource.CreatedBy), Text(resource.CreatedByType),
                    Text(resource.LastModifiedBy), Text(resource.LastModifiedByType)).ConfigureAwait(false);
                await InsertOperationAsync(connection, transaction, operation, ct).ConfigureAwait(false);
                return (ResourceCreateOutcome.Created, true);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<DigitalTwinsResourceRecord?> GetDigitalTwinsAsync(string subscriptionId, string resourceGroup, string name, CancellationToken cancellationToken) =>
        _database.ReadAsync(
            async (connection, ct) => (await ReadAllAsync(connection, null, $"SELECT {ResourceColumns} FROM digital_twins_resources WHERE subscription_id = $1 AND resource_group_key = $2 AND name_key = $3;",
                ReadResource, ct, Text(Key(subscriptionId)), Text(Key(resourceGroup)), Text(Key(name))).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<DigitalTwinsResourceRecord?> FindDigitalTwinsByInstanceAsync(string instanceId, CancellationToken cancellationToken) =>
        _database.ReadAsync(
            async (connection, ct) => (await ReadAllAsync(connection, null, $"SELECT {ResourceColumns} FROM digital_twins_resources WHERE instance_id = $1;",
                ReadResource, ct, Text(instanceId)).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DigitalTwinsResourceRecord>> ListDigitalTwinsAsync(string subscriptionId, string? resourceGroup, CancellationToken cancellationToken) =>
        _database.ReadAsync<IReadOnlyList<DigitalTwinsResourceRecord>>(
            async (connection, ct) => await ReadAllAsync(connection, null, $"""
                SELECT {ResourceColumns} FROM digital_twins_resources
                WHERE subscription_id = $1 AND ($2::text IS NULL OR resource_group_key = $2)
                ORDER BY resource_group_key, name_key;
                """, ReadResource, ct, Text(Key(subscriptionId)), Text(resourceGroup is null ? null : Key(resourceGroup))).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> UpdateDigitalTwinsAsync(DigitalTwinsResourceRecord resource, string expectedState, AsyncOperationRecord? operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return _database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var rows = await ExecuteAsync(connection, transaction, """
                    UPDATE digital_twins_resources SET tags = $5, public_network_access = $6, provisioning_state = $7, operation_id = $8,
                        updated_at = $9, last_modified_by = $10, last_modified_by_type = $11
                    WHERE subscription_id = $1 AND resource_group_key = $2 AND name_key = $3 AND provisioning_state = $4;
                    """, ct,
                    Text(Key(resource.SubscriptionId)), Text(Key(resource.ResourceGroup)), Text(Key(resource.Name)), Text(expectedState),
                    Text(resource.TagsJson), Text(resource.PublicNetworkAccess), Text(resource.ProvisioningState), Text(resource.OperationId),
                    Time(resource.UpdatedAt), Text(resource.LastModifiedBy), Text(resource.LastModifiedByType)).ConfigureAwait(false);
                if (rows == 0)
                {
                    return (false, false);
                }

                if (operation is not null)
                {
                    await InsertOperationAsync(connection, transaction, operation, ct).ConfigureAwait(false);
                }

                return (true, true);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteDigitalTwinsAsync(string subscriptionId, string resourceGroup, string name, CancellationToken cancellationToken) =>
        _database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var instanceId = await ScalarStringAsync(connection, transaction,
                    "SELECT instance_id FROM digital_twins_resources WHERE subscription_id = $1 AND resource_group_key = $2 AND name_key = $3 FOR UPDATE;",
                    ct, Text(Key(subscriptionId)), Text(Key(resourceGroup)), Text(Key(name))).ConfigureAwait(false);
                if (instanceId is null)
                {
                    return (false, false);
                }

                // Queue behind the instance's data-plane writes, so none of them commits into a half-deleted instance.
                await LockInstanceAsync(connection, transaction, instanceId, ct).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, "DELETE FROM digital_twins_endpoints WHERE subscription_id = $1 AND instance_id = $2;",
                    ct, Text(Key(subscriptionId)), Text(instanceId)).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, "DELETE FROM digital_twins_resources WHERE subscription_id = $1 AND resource_group_key = $2 AND name_key = $3;",
                    ct, Text(Key(subscriptionId)), Text(Key(resourceGroup)), Text(Key(name))).ConfigureAwait(false);
                foreach (var table in InstanceTables)
                {
                    // Table names are the constants above, never input.
                    await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE instance_id = $1;", ct, Text(instanceId)).ConfigureAwait(false);
                }

                await ExecuteAsync(connection, transaction, "DELETE FROM instances WHERE id = $1;", ct, Text(instanceId)).ConfigureAwait(false);
                return (true, true);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task AddOperationAsync(AsyncOperationRecord operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return _database.WriteAsync(
            async (connection, transaction, ct) => await InsertOperationAsync(connection, transaction, operation, ct).ConfigureAwait(false),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<AsyncOperationRecord?> GetOperationAsync(string subscriptionId, string operationId, CancellationToken cancellationToken) =>
        _database.ReadAsync(
            async (connection, ct) => (await ReadAllAsync(connection, null, $"SELECT {OperationColumns} FROM async_operations WHERE subscription_id = $1 AND id = $2;",
                ReadOperation, ct, Text(Key(subscriptionId)), Text(Key(operationId))).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> FinishOperationAsync(string subscriptionId, string operationId, string status, string? errorCode, string? errorMessage, DateTimeOffset endedAt, CancellationToken cancellationToken) =>
        _database.WriteAsync(
            async (connection, transaction, ct) => await ExecuteAsync(connection, transaction, """
                UPDATE async_operations SET status = $3, error_code = $4, error_message = $5, ended_at = $6
                WHERE subscription_id = $1 AND id = $2 AND status = 'Running';
                """, ct, Text(Key(subscriptionId)), Text(Key(operationId)), Text(status), Text(errorCode), Text(errorMessage), Time(endedAt)).ConfigureAwait(false) == 1,
            cancellationToken);

    /// <inheritdoc />
    public Task<RoleAssignmentCreateOutcome> CreateRoleAssignmentAsync(RoleAssignmentRecord assignment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        return _database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var sub = Key(assignment.SubscriptionId);
                // One writer of a subscription's assignments at a time, so the duplicate check and the insert cannot interleave.
                await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0));", ct, Text("role_assignments:" + sub)).ConfigureAwait(false);
                if (await ScalarLongAsync(connection, transaction, "SELECT COUNT(*) FROM role_assignments WHERE subscription_id = $1 AND id = $2;",
                    ct, Text(sub), Text(Key(assignment.Id))).ConfigureAwait(false) > 0)
                {
                    return (RoleAssignmentCreateOutcome.IdTaken, false);
                }

                if (await ScalarLongAsync(connection, transaction, """
                    SELECT COUNT(*) FROM role_assignments WHERE subscription_id = $1 AND principal_id = $2 AND role_definition_id = $3 AND lower(scope) = lower($4);
                    """, ct, Text(sub), Text(assignment.PrincipalId), Text(Key(assignment.RoleDefinitionId)), Text(assignment.Scope)).ConfigureAwait(false) > 0)
                {
                    return (RoleAssignmentCreateOutcome.Duplicate, false);
                }

                await ExecuteAsync(connection, transaction, $"""
                    INSERT INTO role_assignments ({AssignmentColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8);
                    """, ct, Text(sub), Text(Key(assignment.Id)), Text(assignment.Scope), Text(Key(assignment.RoleDefinitionId)), Text(assignment.PrincipalId),
                    Text(assignment.PrincipalType), Time(assignment.CreatedAt), Text(assignment.CreatedBy)).ConfigureAwait(false);
                return (RoleAssignmentCreateOutcome.Created, true);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<RoleAssignmentRecord?> GetRoleAssignmentAsync(string subscriptionId, string assignmentId, CancellationToken cancellationToken) =>
        _database.ReadAsync(
            async (connection, ct) => (await ReadAllAsync(connection, null, $"SELECT {AssignmentColumns} FROM role_assignments WHERE subscription_id = $1 AND id = $2;",
                ReadAssignment, ct, Text(Key(subscriptionId)), Text(Key(assignmentId))).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RoleAssignmentRecord>> ListRoleAssignmentsAsync(string subscriptionId, CancellationToken cancellationToken) =>
        _database.ReadAsync<IReadOnlyList<RoleAssignmentRecord>>(
            async (connection, ct) => await ReadAllAsync(connection, null, $"SELECT {AssignmentColumns} FROM role_assignments WHERE subscription_id = $1 ORDER BY id;",
                ReadAssignment, ct, Text(Key(subscriptionId))).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteRoleAssignmentAsync(string subscriptionId, string assignmentId, CancellationToken cancellationToken) =>
        _database.WriteAsync(
            async (connection, transaction, ct) => await ExecuteAsync(connection, transaction, "DELETE FROM role_assignments WHERE subscription_id = $1 AND id = $2;",
                ct, Text(Key(subscriptionId)), Text(Key(assignmentId))).ConfigureAwait(false) == 1,
            cancellationToken);

    /// <inheritdoc />
    public Task AppendActivityAsync(ActivityRecord activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return _database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var sub = Key(activity.SubscriptionId);
                // One writer of a subscription's log at a time, so positions follow commit order.
                await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0));", ct, Text("activity_log:" + sub)).ConfigureAwait(false);
                return await ExecuteAsync(connection, transaction, """
                    INSERT INTO activity_log (subscription_id, seq, id, event_time, caller, caller_id, operation, resource_id, status, http_status)
                    SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9 FROM activity_log WHERE subscription_id = $1;
                    """, ct, Text(sub), Text(activity.Id), Time(activity.Time), Text(activity.Caller), Text(activity.CallerId), Text(activity.Operation),
                    Text(activity.ResourceId), Text(activity.Status), Int(activity.HttpStatus)).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ActivityRecord>> ListActivityAsync(string subscriptionId, DateTimeOffset from, int limit, CancellationToken cancellationToken) =>
        _database.ReadAsync<IReadOnlyList<ActivityRecord>>(
            async (connection, ct) => await ReadAllAsync(connection, null, """
                SELECT subscription_id, id, event_time, caller, caller_id, operation, resource_id, status, http_status FROM activity_log
                WHERE subscription_id = $1 AND event_time >= $2 ORDER BY seq DESC LIMIT $3;
                """, r => new ActivityRecord(r.GetString(0), r.GetString(1), TimeOf(r, 2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetInt32(8)),
                ct, Text(Key(subscriptionId)), Time(from), Int(limit)).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<EndpointPutOutcome> PutEndpointAsync(DigitalTwinsEndpointRecord endpoint, int maxPerInstance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return _database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                // The resource row's lock queues concurrent endpoint writes of one instance (and its deletion), so the
                // count below cannot be passed by two writers at once.
                if (await ScalarStringAsync(connection, transaction, "SELECT instance_id FROM digital_twins_resources WHERE subscription_id = $1 AND instance_id = $2 FOR UPDATE;",
                    ct, Text(Key(endpoint.SubscriptionId)), Text(endpoint.InstanceId)).ConfigureAwait(false) is null)
                {
                    return (EndpointPutOutcome.InstanceNotFound, false);
                }

                if (await ExecuteAsync(connection, transaction, """
                    UPDATE digital_twins_endpoints SET endpoint_type = $4, authentication_type = $5, properties = $6, protected_secrets = $7,
                        provisioning_state = $8, updated_at = $9, last_modified_by = $10, last_modified_by_type = $11
                    WHERE subscription_id = $1 AND instance_id = $2 AND name_key = $3;
                    """, ct,
                    Text(Key(endpoint.SubscriptionId)), Text(endpoint.InstanceId), Text(Key(endpoint.Name)), Text(endpoint.EndpointType), Text(endpoint.AuthenticationType),
                    Text(endpoint.PropertiesJson), Text(endpoint.ProtectedSecrets), Text(endpoint.ProvisioningState), Time(endpoint.UpdatedAt),
                    Text(endpoint.LastModifiedBy), Text(endpoint.LastModifiedByType)).ConfigureAwait(false) == 1)
                {
                    return (EndpointPutOutcome.Updated, true);
                }

                if (await ScalarLongAsync(connection, transaction, "SELECT COUNT(*) FROM digital_twins_endpoints WHERE subscription_id = $1 AND instance_id = $2;",
                    ct, Text(Key(endpoint.SubscriptionId)), Text(endpoint.InstanceId)).ConfigureAwait(false) >= maxPerInstance)
                {
                    return (EndpointPutOutcome.LimitReached, false);
                }

                await ExecuteAsync(connection, transaction, """
                    INSERT INTO digital_twins_endpoints (subscription_id, instance_id, name_key, name, endpoint_type, authentication_type, properties, protected_secrets,
                        provisioning_state, created_at, updated_at, created_by, created_by_type, last_modified_by, last_modified_by_type)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15);
                    """, ct,
                    Text(Key(endpoint.SubscriptionId)), Text(endpoint.InstanceId), Text(Key(endpoint.Name)), Text(endpoint.Name), Text(endpoint.EndpointType),
                    Text(endpoint.AuthenticationType), Text(endpoint.PropertiesJson), Text(endpoint.ProtectedSecrets), Text(endpoint.ProvisioningState),
                    Time(endpoint.CreatedAt), Time(endpoint.UpdatedAt), Text(endpoint.CreatedBy), Text(endpoint.CreatedByType), Text(endpoint.LastModifiedBy), Text(endpoint.LastModifiedByType)).ConfigureAwait(false);
                return (EndpointPutOutcome.Created, true);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<DigitalTwinsEndpointRecord?> GetEndpointAsync(string subscriptionId, string instanceId, string name, CancellationToken cancellationToken) =>
        _database.ReadAsync(
            async (connection, ct) => (await ReadAllAsync(connection, null, $"SELECT {EndpointColumns} FROM digital_twins_endpoints WHERE subscription_id = $1 AND instance_id = $2 AND name_key = $3;",
                ReadEndpoint, ct, Text(Key(subscriptionId)), Text(instanceId), Text(Key(name))).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DigitalTwinsEndpointRecord>> ListEndpointsAsync(string subscriptionId, string instanceId, CancellationToken cancellationToken) =>
        _database.ReadAsync<IReadOnlyList<DigitalTwinsEndpointRecord>>(
            async (connection, ct) => await ReadAllAsync(connection, null, $"SELECT {EndpointColumns} FROM digital_twins_endpoints WHERE subscription_id = $1 AND instance_id = $2 ORDER BY name_key;",
                ReadEndpoint, ct, Text(Key(subscriptionId)), Text(instanceId)).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteEndpointAsync(string subscriptionId, string instanceId, string name, CancellationToken cancellationToken) =>
        _database.WriteAsync(
            async (connection, transaction, ct) => await ExecuteAsync(connection, transaction,
                "DELETE FROM digital_twins_endpoints WHERE subscription_id = $1 AND instance_id = $2 AND name_key = $3;",
                ct, Text(Key(subscriptionId)), Text(instanceId), Text(Key(name))).ConfigureAwait(false) == 1,
            cancellationToken);

    private static DigitalTwinsEndpointRecord ReadEndpoint(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), TextOf(r, 6), r.GetString(7),
        TimeOf(r, 8), TimeOf(r, 9), TextOf(r, 10), TextOf(r, 11), TextOf(r, 12), TextOf(r, 13));

    private static Task<int> InsertOperationAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AsyncOperationRecord operation, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, $"INSERT INTO async_operations ({OperationColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);", cancellationToken,
            Text(Key(operation.SubscriptionId)), Text(Key(operation.Id)), Text(operation.Location), Text(operation.Kind), Text(operation.ResourceId),
            Text(operation.Status), Text(operation.ErrorCode), Text(operation.ErrorMessage), Time(operation.StartedAt), NullableTime(operation.EndedAt));

    private static NpgsqlParameter NullableTime(DateTimeOffset? time) =>
        time is { } value ? Time(value) : new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz, Value = DBNull.Value };

    private static async Task<List<T>> ReadAllAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
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

    private static string? TextOf(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset TimeOf(NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static SubscriptionRecord ReadSubscription(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), TextOf(r, 2), TimeOf(r, 3));

    private static ResourceGroupRecord ReadGroup(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), TimeOf(r, 5));

    private static DigitalTwinsResourceRecord ReadResource(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), TextOf(r, 6), r.GetString(7), TextOf(r, 8),
        TimeOf(r, 9), TimeOf(r, 10), TextOf(r, 11), TextOf(r, 12), TextOf(r, 13), TextOf(r, 14));

    private static AsyncOperationRecord ReadOperation(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), TextOf(r, 6), TextOf(r, 7),
        TimeOf(r, 8), r.IsDBNull(9) ? null : TimeOf(r, 9));

    private static RoleAssignmentRecord ReadAssignment(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), TimeOf(r, 6), TextOf(r, 7));
}
