using System.Globalization;
using Doppel.Storage.DataPlane;
using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Sqlite.DataPlane;

/// <summary>The <c>models</c> table.</summary>
internal sealed class SqliteModelStore(SqliteSession session) : IModelStore
{
    public Task<ModelAddResult> AddAsync(string instanceId, IReadOnlyList<NewModel> models, int maxModels, CancellationToken cancellationToken) =>
        session.WriteAsync<ModelAddResult>(async (connection, transaction) =>
        {
            foreach (var model in models)
            {
                var exists = await SqliteSession.ScalarLongAsync(connection, transaction,
                    "SELECT COUNT(*) FROM models WHERE instance_id = $instance AND id = $id;", cancellationToken,
                    ("$instance", instanceId), ("$id", model.Id)).ConfigureAwait(false);
                if (exists > 0)
                {
                    return (new ModelAddResult(StoreWriteOutcome.AlreadyExists, model.Id), false);
                }
            }

            var count = await SqliteSession.ScalarLongAsync(connection, transaction,
                "SELECT COUNT(*) FROM models WHERE instance_id = $instance;", cancellationToken, ("$instance", instanceId)).ConfigureAwait(false);
            if (count + models.Count > maxModels)
            {
                return (new ModelAddResult(StoreWriteOutcome.LimitReached), false);
            }

            var seq = await SqliteSession.ScalarLongAsync(connection, transaction,
                "SELECT COALESCE(MAX(seq), 0) FROM models WHERE instance_id = $instance;", cancellationToken, ("$instance", instanceId)).ConfigureAwait(false);
            await using var insert = SqliteSession.Command(connection, transaction, """
                INSERT INTO models (instance_id, id, seq, definition, display_name, description, upload_time, decommissioned)
                VALUES ($instance, $id, $seq, $definition, $displayName, $description, $uploadTime, 0);
                """, ("$instance", instanceId), ("$id", null), ("$seq", null), ("$definition", null), ("$displayName", null), ("$description", null), ("$uploadTime", null));
            foreach (var model in models)
            {
                insert.Parameters["$id"].Value = model.Id;
                insert.Parameters["$seq"].Value = ++seq;
                insert.Parameters["$definition"].Value = model.Definition;
                insert.Parameters["$displayName"].Value = (object?)model.DisplayName ?? DBNull.Value;
                insert.Parameters["$description"].Value = (object?)model.Description ?? DBNull.Value;
                insert.Parameters["$uploadTime"].Value = model.UploadTime.ToString("O", CultureInfo.InvariantCulture);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return (new ModelAddResult(StoreWriteOutcome.Written), true);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredModel>> ListAsync(string instanceId, CancellationToken cancellationToken) =>
        session.ReadAsync<IReadOnlyList<StoredModel>>(async connection =>
        {
            await using var command = SqliteSession.Command(connection, null, """
                SELECT id, seq, definition, display_name, description, upload_time, decommissioned
                FROM models WHERE instance_id = $instance ORDER BY seq;
                """, ("$instance", instanceId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var models = new List<StoredModel>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                models.Add(Read(reader));
            }

            return models;
        }, cancellationToken);

    public Task<bool> SetDecommissionedAsync(string instanceId, string modelId, bool decommissioned, CancellationToken cancellationToken) =>
        session.WriteAsync(async (connection, transaction) =>
        {
            var changed = await SqliteSession.ExecuteAsync(connection, transaction,
                "UPDATE models SET decommissioned = $value WHERE instance_id = $instance AND id = $id;", cancellationToken,
                ("$value", decommissioned ? 1 : 0), ("$instance", instanceId), ("$id", modelId)).ConfigureAwait(false);
            return (changed == 1, changed == 1);
        }, cancellationToken);

    public Task<bool> DeleteAsync(string instanceId, string modelId, CancellationToken cancellationToken) =>
        session.WriteAsync(async (connection, transaction) =>
        {
            var changed = await SqliteSession.ExecuteAsync(connection, transaction,
                "DELETE FROM models WHERE instance_id = $instance AND id = $id;", cancellationToken,
                ("$instance", instanceId), ("$id", modelId)).ConfigureAwait(false);
            return (changed == 1, changed == 1);
        }, cancellationToken);

    private static StoredModel Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        reader.GetInt64(6) != 0);
}
