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
        session.ReadAsync(db => db.ScalarLongAsync(CurrentVersion, cancellationToken, ("$instance", instanceId)), cancellationToken);

    public Task<ModelAddResult> AddAsync(string instanceId, IReadOnlyList<NewModel> models, int maxModels, long? expectedVersion, CancellationToken cancellationToken) =>
        session.WriteAsync<ModelAddResult>(async db =>
        {
            var version = await db.ScalarLongAsync(CurrentVersion, cancellationToken, ("$instance", instanceId)).ConfigureAwait(false);
            if (expectedVersion is { } expected && expected != version)
            {
                return (new ModelAddResult(StoreWriteOutcome.PreconditionFailed, Version: version), false);
            }

            foreach (var model in models)
            {
                var exists = await db.ScalarLongAsync("SELECT COUNT(*) FROM models WHERE instance_id = $instance AND id = $id;", cancellationToken,
                    ("$instance", instanceId), ("$id", model.Id)).ConfigureAwait(false);
                if (exists > 0)
                {
                    return (new ModelAddResult(StoreWriteOutcome.AlreadyExists, model.Id, version), false);
                }
            }

            var count = await db.ScalarLongAsync("SELECT COUNT(*) FROM models WHERE instance_id = $instance;", cancellationToken, ("$instance", instanceId)).ConfigureAwait(false);
            if (count + models.Count > maxModels)
            {
                return (new ModelAddResult(StoreWriteOutcome.LimitReached, Version: version), false);
            }

            var seq = await db.ScalarLongAsync("SELECT COALESCE(MAX(seq), 0) FROM models WHERE instance_id = $instance;", cancellationToken, ("$instance", instanceId)).ConfigureAwait(false);
            var first = seq + 1;
            foreach (var model in models)
            {
                await db.ExecuteAsync("""
                    INSERT INTO models (instance_id, id, seq, definition, display_name, description, upload_time, decommissioned)
                    VALUES ($instance, $id, $seq, $definition, $displayName, $description, $uploadTime, 0);
                    """, cancellationToken,
                    ("$instance", instanceId), ("$id", model.Id), ("$seq", ++seq), ("$definition", model.Definition), ("$displayName", model.DisplayName),
                    ("$description", model.Description), ("$uploadTime", model.UploadTime.ToString("O", CultureInfo.InvariantCulture))).ConfigureAwait(false);
            }

            var raised = await RaiseVersionAsync(db, instanceId, cancellationToken).ConfigureAwait(false);
            return (new ModelAddResult(StoreWriteOutcome.Written, null, raised, first), true);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredModel>> ListAsync(string instanceId, CancellationToken cancellationToken) =>
        session.ReadAsync<IReadOnlyList<StoredModel>>(async db =>
        {
            var command = db.Command("""
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
        session.WriteAsync(async db =>
        {
            var version = await db.ScalarLongAsync(CurrentVersion, cancellationToken, ("$instance", instanceId)).ConfigureAwait(false);
            if (expectedVersion is { } expected && expected != version)
            {
                return (new ModelWriteResult(StoreWriteOutcome.PreconditionFailed, version), false);
            }

            var changed = await db.ExecuteAsync(sql, cancellationToken, parameters).ConfigureAwait(false);
            if (changed != 1)
            {
                return (new ModelWriteResult(StoreWriteOutcome.NotFound, version), false);
            }

            var raised = await RaiseVersionAsync(db, instanceId, cancellationToken).ConfigureAwait(false);
            return (new ModelWriteResult(StoreWriteOutcome.Written, raised), true);
        }, cancellationToken);

    private static Task<long> RaiseVersionAsync(SqliteDb db, string instanceId, CancellationToken cancellationToken) =>
        db.ScalarLongAsync(RaiseVersion, cancellationToken, ("$instance", instanceId));

    private static StoredModel Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        reader.GetInt64(6) != 0);
}
