using Doppel.Storage.DataPlane;
using Npgsql;
using static Doppel.Storage.PostgreSql.DataPlane.DataPlaneSql;

namespace Doppel.Storage.PostgreSql.DataPlane;

/// <summary>The <c>models</c> table.</summary>
internal sealed class PostgreSqlModelStore(PostgreSqlDatabase database) : IModelStore
{
    private const string CurrentVersion = "SELECT version FROM model_versions WHERE instance_id = $1;";

    private const string RaiseVersion = """
        INSERT INTO model_versions AS v (instance_id, version) VALUES ($1, 1)
            ON CONFLICT (instance_id) DO UPDATE SET version = v.version + 1
        RETURNING v.version;
        """;

    public Task<long> GetVersionAsync(string instanceId, CancellationToken cancellationToken) =>
        database.ReadAsync((connection, ct) => ScalarLongAsync(connection, null, CurrentVersion, ct, Text(instanceId)), cancellationToken);

    public Task<ModelAddResult> AddAsync(string instanceId, IReadOnlyList<NewModel> models, int maxModels, long? expectedVersion, CancellationToken cancellationToken) =>
        database.WriteAsync<ModelAddResult>(async (connection, transaction, ct) =>
        {
            await LockInstanceAsync(connection, transaction, instanceId, ct).ConfigureAwait(false);
            var version = await ScalarLongAsync(connection, transaction, CurrentVersion, ct, Text(instanceId)).ConfigureAwait(false);
            if (expectedVersion is { } expected && expected != version)
            {
                return (new ModelAddResult(StoreWriteOutcome.PreconditionFailed, Version: version), false);
            }

            foreach (var model in models)
            {
                var exists = await ScalarLongAsync(connection, transaction,
                    "SELECT COUNT(*) FROM models WHERE instance_id = $1 AND id = $2;", ct,
                    Text(instanceId), Text(model.Id)).ConfigureAwait(false);
                if (exists > 0)
                {
                    return (new ModelAddResult(StoreWriteOutcome.AlreadyExists, model.Id, version), false);
                }
            }

            var count = await ScalarLongAsync(connection, transaction,
                "SELECT COUNT(*) FROM models WHERE instance_id = $1;", ct, Text(instanceId)).ConfigureAwait(false);
            if (count + models.Count > maxModels)
            {
                return (new ModelAddResult(StoreWriteOutcome.LimitReached, Version: version), false);
            }

            var seq = await ScalarLongAsync(connection, transaction,
                "SELECT COALESCE(MAX(seq), 0) FROM models WHERE instance_id = $1;", ct, Text(instanceId)).ConfigureAwait(false);
            var first = seq + 1;

            // One batch: the new version first (its value is the batch's scalar), then the whole upload, in one
            // round trip and the same transaction.
            await using var batch = new NpgsqlBatch(connection, transaction);
            var raise = new NpgsqlBatchCommand(RaiseVersion);
            raise.Parameters.Add(Text(instanceId));
            batch.BatchCommands.Add(raise);
            foreach (var model in models)
            {
                var insert = new NpgsqlBatchCommand("""
                    INSERT INTO models (instance_id, id, seq, definition, display_name, description, upload_time, decommissioned)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, false);
                    """);
                insert.Parameters.Add(Text(instanceId));
                insert.Parameters.Add(Text(model.Id));
                insert.Parameters.Add(Long(++seq));
                insert.Parameters.Add(Text(model.Definition));
                insert.Parameters.Add(Text(model.DisplayName));
                insert.Parameters.Add(Text(model.Description));
                insert.Parameters.Add(Time(model.UploadTime));
                batch.BatchCommands.Add(insert);
            }

            var raised = (long)(await batch.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            return (new ModelAddResult(StoreWriteOutcome.Written, null, raised, first), true);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredModel>> ListAsync(string instanceId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<StoredModel>>(async (connection, ct) =>
        {
            await using var command = Command(connection, null, """
                SELECT id, seq, definition, display_name, description, upload_time, decommissioned
                FROM models WHERE instance_id = $1 ORDER BY seq;
                """, Text(instanceId));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var models = new List<StoredModel>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                models.Add(Read(reader));
            }

            return models;
        }, cancellationToken);

    public Task<ModelWriteResult> SetDecommissionedAsync(string instanceId, string modelId, bool decommissioned, long? expectedVersion, CancellationToken cancellationToken) =>
        ChangeAsync(instanceId, expectedVersion, "UPDATE models SET decommissioned = $3 WHERE instance_id = $1 AND id = $2;",
            [Text(instanceId), Text(modelId), Bool(decommissioned)], cancellationToken);

    public Task<ModelWriteResult> DeleteAsync(string instanceId, string modelId, long? expectedVersion, CancellationToken cancellationToken) =>
        ChangeAsync(instanceId, expectedVersion, "DELETE FROM models WHERE instance_id = $1 AND id = $2;",
            [Text(instanceId), Text(modelId)], cancellationToken);

    /// <summary>Runs a change of one model row when the version is the expected one, and raises the version if it changed a row.</summary>
    private Task<ModelWriteResult> ChangeAsync(string instanceId, long? expectedVersion, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, ct) =>
        {
            await LockInstanceAsync(connection, transaction, instanceId, ct).ConfigureAwait(false);
            var version = await ScalarLongAsync(connection, transaction, CurrentVersion, ct, Text(instanceId)).ConfigureAwait(false);
            if (expectedVersion is { } expected && expected != version)
            {
                return (new ModelWriteResult(StoreWriteOutcome.PreconditionFailed, version), false);
            }

            // The parameters are made again on every attempt: a transaction that is run again needs fresh ones.
            var changed = await ExecuteAsync(connection, transaction, sql, ct, [.. parameters.Select(p => p.Clone())]).ConfigureAwait(false);
            if (changed != 1)
            {
                return (new ModelWriteResult(StoreWriteOutcome.NotFound, version), false);
            }

            var raised = await ScalarLongAsync(connection, transaction, RaiseVersion, ct, Text(instanceId)).ConfigureAwait(false);
            return (new ModelWriteResult(StoreWriteOutcome.Written, raised), true);
        }, cancellationToken);

    private static StoredModel Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.GetBoolean(6));
}
