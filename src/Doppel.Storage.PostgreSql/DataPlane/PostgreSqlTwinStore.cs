using Doppel.Storage.DataPlane;
using static Doppel.Storage.PostgreSql.DataPlane.DataPlaneSql;

namespace Doppel.Storage.PostgreSql.DataPlane;

/// <summary>The <c>twins</c> table, and each instance's number of twins in <c>twin_counts</c>.</summary>
internal sealed class PostgreSqlTwinStore(PostgreSqlDatabase database) : ITwinStore
{
    public Task<StoredTwin?> GetAsync(string instanceId, string twinId, CancellationToken cancellationToken) =>
        database.ReadAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, null,
                "SELECT model_id, etag, document FROM twins WHERE instance_id = $1 AND id = $2;",
                Text(instanceId), Text(twinId));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false)
                ? new StoredTwin(twinId, reader.GetString(0), reader.GetString(1), reader.GetString(2))
                : null;
        }, cancellationToken);

    public Task<StoreWriteOutcome> WriteAsync(string instanceId, StoredTwin twin, StoreWriteMode mode, string? expectedETag, long maxTwins, ChangeEvent change, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, ct) =>
        {
            await LockInstanceAsync(connection, transaction, instanceId, ct).ConfigureAwait(false);
            var current = await ScalarStringAsync(connection, transaction,
                "SELECT etag FROM twins WHERE instance_id = $1 AND id = $2;", ct,
                Text(instanceId), Text(twin.Id)).ConfigureAwait(false);
            switch (mode)
            {
                case StoreWriteMode.CreateOnly when current is not null:
                    return (StoreWriteOutcome.PreconditionFailed, false);
                case StoreWriteMode.ReplaceIfMatch when current is null:
                    return (StoreWriteOutcome.NotFound, false);
                case StoreWriteMode.ReplaceIfMatch when !string.Equals(current, expectedETag, StringComparison.Ordinal):
                    return (StoreWriteOutcome.PreconditionFailed, false);
            }

            if (current is null)
            {
                // The instance's row in twin_counts, kept with every create and delete: one key lookup, where
                // COUNT(*) over twins would scan the instance's index while holding the instance lock.
                var count = await ScalarLongAsync(connection, transaction,
                    "SELECT count FROM twin_counts WHERE instance_id = $1;", ct, Text(instanceId)).ConfigureAwait(false);
                if (count >= maxTwins)
                {
                    return (StoreWriteOutcome.LimitReached, false);
                }

                await ExecuteWithEventAsync(connection, transaction, """
                    WITH created AS (
                        INSERT INTO twins (instance_id, id, model_id, etag, document) VALUES ($1, $2, $3, $4, $5)
                        RETURNING instance_id)
                    INSERT INTO twin_counts AS c (instance_id, count)
                    SELECT instance_id, 1 FROM created
                    ON CONFLICT (instance_id) DO UPDATE SET count = c.count + 1;
                    """, instanceId, change, ct,
                    Text(instanceId), Text(twin.Id), Text(twin.ModelId), Text(twin.ETag), Text(twin.Document)).ConfigureAwait(false);
            }
            else
            {
                await ExecuteWithEventAsync(connection, transaction,
                    "UPDATE twins SET model_id = $3, etag = $4, document = $5 WHERE instance_id = $1 AND id = $2;", instanceId, change, ct,
                    Text(instanceId), Text(twin.Id), Text(twin.ModelId), Text(twin.ETag), Text(twin.Document)).ConfigureAwait(false);
            }

            return (StoreWriteOutcome.Written, true);
        }, cancellationToken);

    public Task<StoreWriteOutcome> DeleteAsync(string instanceId, string twinId, string? ifMatch, ChangeEvent change, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, ct) =>
        {
            await LockInstanceAsync(connection, transaction, instanceId, ct).ConfigureAwait(false);
            var current = await ScalarStringAsync(connection, transaction,
                "SELECT etag FROM twins WHERE instance_id = $1 AND id = $2;", ct,
                Text(instanceId), Text(twinId)).ConfigureAwait(false);
            if (current is null)
            {
                return (StoreWriteOutcome.NotFound, false);
            }

            if (ifMatch is not null && !string.Equals(current, ifMatch, StringComparison.Ordinal))
            {
                return (StoreWriteOutcome.PreconditionFailed, false);
            }

            var related = await ScalarLongAsync(connection, transaction, """
                SELECT CASE WHEN EXISTS (SELECT 1 FROM relationships WHERE instance_id = $1 AND source_id = $2)
                              OR EXISTS (SELECT 1 FROM relationships WHERE instance_id = $1 AND target_id = $2)
                            THEN 1 ELSE 0 END;
                """, ct, Text(instanceId), Text(twinId)).ConfigureAwait(false);
            if (related != 0)
            {
                return (StoreWriteOutcome.HasRelationships, false);
            }

            await ExecuteWithEventAsync(connection, transaction, """
                WITH deleted AS (
                    DELETE FROM twins WHERE instance_id = $1 AND id = $2
                    RETURNING instance_id)
                UPDATE twin_counts AS c SET count = c.count - (SELECT COUNT(*) FROM deleted) WHERE c.instance_id = $1;
                """, instanceId, change, ct,
                Text(instanceId), Text(twinId)).ConfigureAwait(false);
            return (StoreWriteOutcome.Written, true);
        }, cancellationToken);
}
