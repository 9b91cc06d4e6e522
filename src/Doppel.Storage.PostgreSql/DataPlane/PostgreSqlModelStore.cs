using Doppel.Storage.DataPlane;
using Npgsql;
using static Doppel.Storage.PostgreSql.DataPlane.DataPlaneSql;

namespace Doppel.Storage.PostgreSql.DataPlane;

/// <summary>The <c>models</c> table.</summary>
internal sealed class PostgreSqlModelStore(PostgreSqlDatabase database) : IModelStore
{
    public Task<ModelAddResult> AddAsync(string instanceId, IReadOnlyList<NewModel> models, int maxModels, CancellationToken cancellationToken) =>
        database.WriteAsync<ModelAddResult>(async (connection, transaction, ct) =>
        {
            await LockInstanceAsync(connection, transaction, instanceId, ct).ConfigureAwait(false);
            foreach (var model in models)
            {
                var exists = await ScalarLongAsync(connection, transaction,
                    "SELECT COUNT(*) FROM models WHERE instance_id = $1 AND id = $2;", ct,
                    Text(instanceId), Text(model.Id)).ConfigureAwait(false);
                if (exists > 0)
                {
                    return (new ModelAddResult(StoreWriteOutcome.AlreadyExists, model.Id), false);
                }
            }

            var count = await ScalarLongAsync(connection, transaction,
                "SELECT COUNT(*) FROM models WHERE instance_id = $1;", ct, Text(instanceId)).ConfigureAwait(false);
            if (count + models.Count > maxModels)
            {
                return (new ModelAddResult(StoreWriteOutcome.LimitReached), false);
            }

            var seq = await ScalarLongAsync(connection, transaction,
                "SELECT COALESCE(MAX(seq), 0) FROM models WHERE instance_id = $1;", ct, Text(instanceId)).ConfigureAwait(false);
            // One batch: the whole upload in one round trip, in the same transaction.
            await using var batch = new NpgsqlBatch(connection, transaction);
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

            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return (new ModelAddResult(StoreWriteOutcome.Written), true);
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

    public Task<bool> SetDecommissionedAsync(string instanceId, string modelId, bool decommissioned, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, ct) =>
        {
            await LockInstanceAsync(connection, transaction, instanceId, ct).ConfigureAwait(false);
            var changed = await ExecuteAsync(connection, transaction,
                "UPDATE models SET decommissioned = $1 WHERE instance_id = $2 AND id = $3;", ct,
                Bool(decommissioned), Text(instanceId), Text(modelId)).ConfigureAwait(false);
            return (changed == 1, changed == 1);
        }, cancellationToken);

    public Task<bool> DeleteAsync(string instanceId, string modelId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, ct) =>
        {
            await LockInstanceAsync(connection, transaction, instanceId, ct).ConfigureAwait(false);
            var changed = await ExecuteAsync(connection, transaction,
                "DELETE FROM models WHERE instance_id = $1 AND id = $2;", ct,
                Text(instanceId), Text(modelId)).ConfigureAwait(false);
            return (changed == 1, changed == 1);
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
