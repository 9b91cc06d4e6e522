using System.Globalization;
using Doppel.Storage.DataPlane;
using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Sqlite.DataPlane;

/// <summary>The <c>models</c> table.</summary>
internal sealed class SqliteModelStore(SqliteSession session) : IModelStore
{
    private const string CurrentVersion = "SELECT version FROM model_versions WHERE instance_id = $instance;";

    private const string RaiseVersion = """
        INSERT INTO model_versions (instance_id, version) VALUES ($instance, 1)
            ON CONFLICT (instance_id) DO UPDATE SET version = version + 1
        RETURNING version;
        """;

    public Task<long> GetVersionAsync(string instanceId, CancellationToken cancellationToken) =>
        session.ReadAsync(connection => SqliteSession.ScalarLongAsync(connection, null, CurrentVersion, cancellationToken, ("$instance", instanceId)), cancellationToken);

    public Task<ModelAddResult> AddAsync(string instanceId, IReadOnlyList<NewModel> models, int maxModels, long? expectedVersion, CancellationToken cancellationToken) =>
        session.WriteAsync<ModelAddResult>(async (connection, transaction) =>
        {
            var version = await SqliteSession.ScalarLongAsync(connection, transaction, CurrentVersion, cancellationToken, ("$instance", instanceId)).ConfigureAwait(false);
            if (expectedVersion is { } expected && expected != version)
            {
                return (new ModelAddResult(StoreWriteOutcome.PreconditionFailed, Version: version), false);
            }

            foreach (var model in models)
            {
                var exists = await SqliteSession.ScalarLongAsync(connection, transaction,
                    "SELECT COUNT(*) FROM models WHERE instance_id = $instance AND id = $id;", cancellationToken,
                    ("$instance", instanceId), ("$id", model.Id)).ConfigureAwait(false);
                if (exists > 0)
                {
                    return (new ModelAddResult(StoreWriteOutcome.AlreadyExists, model.Id, version), false);
                }
            }

            var count = await SqliteSession.ScalarLongAsync(connection, transaction,
                "SELECT COUNT(*) FROM models WHERE instance_id = $instance;", cancellationToken, ("$instance", instanceId)).ConfigureAwait(false);
            if (count + models.Count > maxModels)
            {
                return (new ModelAddResult(StoreWriteOutcome.LimitReached, Version: version), false);
            }

            var seq = await SqliteSession.ScalarLongAsync(connection, transaction,
                "SELECT COALESCE(MAX(seq), 0) FROM models WHERE instance_id = $instance;", cancellationToken, ("$instance", instanceId)).ConfigureAwait(false);
            var first = seq + 1;
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

            var raised = await RaiseVersionAsync(connection, transaction, instanceId, cancellationToken).ConfigureAwait(false);
            return (new ModelAddResult(StoreWriteOutcome.Written, null, raised, first), true);
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

    public Task<ModelWriteResult> SetDecommissionedAsync(string instanceId, string modelId, bool decommissioned, long? expectedVersion, CancellationToken cancellationToken) =>
        ChangeAsync(instanceId, expectedVersion, "UPDATE models SET decommissioned = $value WHERE instance_id = $instance AND id = $id;",
            [("$value", decommissioned ? 1 : 0), ("$instance", instanceId), ("$id", modelId)], cancellationToken);

    public Task<ModelWriteResult> DeleteAsync(string instanceId, string modelId, long? expectedVersion, CancellationToken cancellationToken) =>
        ChangeAsync(instanceId, expectedVersion, "DELETE FROM models WHERE instance_id = $instance AND id = $id;",
            [("$instance", instanceId), ("$id", modelId)], cancellationToken);

    /// <summary>Runs a change of one model row when the version is the expected one, and raises the version if it changed a row.</summary>
    private Task<ModelWriteResult> ChangeAsync(string instanceId, long? expectedVersion, string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken) =>
        session.WriteAsync(async (connection, transaction) =>
        {
            var version = await SqliteSession.ScalarLongAsync(connection, transaction, CurrentVersion, cancellationToken, ("$instance", instanceId)).ConfigureAwait(false);
            if (expectedVersion is { } expected && expected != version)
            {
                return (new ModelWriteResult(StoreWriteOutcome.PreconditionFailed, version), false);
            }

            var changed = await SqliteSession.ExecuteAsync(connection, transaction, sql, cancellationToken, parameters).ConfigureAwait(false);
            if (changed != 1)
            {
                return (new ModelWriteResult(StoreWriteOutcome.NotFound, version), false);
            }

            var raised = await RaiseVersionAsync(connection, transaction, instanceId, cancellationToken).ConfigureAwait(false);
            return (new ModelWriteResult(StoreWriteOutcome.Written, raised), true);
        }, cancellationToken);

    private static Task<long> RaiseVersionAsync(SqliteConnection connection, SqliteTransaction transaction, string instanceId, CancellationToken cancellationToken) =>
        SqliteSession.ScalarLongAsync(connection, transaction, RaiseVersion, cancellationToken, ("$instance", instanceId));

    private static StoredModel Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        reader.GetInt64(6) != 0);
}
