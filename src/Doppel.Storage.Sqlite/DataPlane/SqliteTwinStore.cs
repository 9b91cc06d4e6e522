using Doppel.Storage.DataPlane;

namespace Doppel.Storage.Sqlite.DataPlane;

/// <summary>The <c>twins</c> table, and each instance's number of twins in <c>twin_counts</c>.</summary>
internal sealed class SqliteTwinStore(SqliteSession session) : ITwinStore
{
    public Task<StoredTwin?> GetAsync(string instanceId, string twinId, CancellationToken cancellationToken) =>
        session.ReadAsync(async db =>
        {
            var command = db.Command("SELECT model_id, etag, document FROM twins WHERE instance_id = $instance AND id = $id;",
                ("$instance", instanceId), ("$id", twinId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new StoredTwin(twinId, reader.GetString(0), reader.GetString(1), reader.GetString(2))
                : null;
        }, cancellationToken);

    public Task<StoreWriteOutcome> WriteAsync(string instanceId, StoredTwin twin, StoreWriteMode mode, string? expectedETag, long maxTwins, ChangeEvent change, CancellationToken cancellationToken) =>
        session.WriteAsync(async db =>
        {
            var current = await db.ScalarStringAsync("SELECT etag FROM twins WHERE instance_id = $instance AND id = $id;", cancellationToken,
                ("$instance", instanceId), ("$id", twin.Id)).ConfigureAwait(false);
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
                // COUNT(*) over twins would scan the instance's index while holding the write lock.
                var count = await db.ScalarLongAsync("SELECT count FROM twin_counts WHERE instance_id = $instance;", cancellationToken, ("$instance", instanceId)).ConfigureAwait(false);
                if (count >= maxTwins)
                {
                    return (StoreWriteOutcome.LimitReached, false);
                }

                await db.ExecuteAsync("""
                    INSERT INTO twins (instance_id, id, model_id, etag, document) VALUES ($instance, $id, $model, $etag, $document);
                    INSERT INTO twin_counts (instance_id, count) VALUES ($instance, 1)
                        ON CONFLICT (instance_id) DO UPDATE SET count = count + 1;
                    """, cancellationToken, ("$instance", instanceId), ("$id", twin.Id), ("$model", twin.ModelId), ("$etag", twin.ETag), ("$document", twin.Document)).ConfigureAwait(false);
            }
            else
            {
                await db.ExecuteAsync("""
                    UPDATE twins SET model_id = $model, etag = $etag, document = $document WHERE instance_id = $instance AND id = $id;
                    """, cancellationToken, ("$instance", instanceId), ("$id", twin.Id), ("$model", twin.ModelId), ("$etag", twin.ETag), ("$document", twin.Document)).ConfigureAwait(false);
            }

            await db.AppendEventAsync(instanceId, change, cancellationToken).ConfigureAwait(false);
            return (StoreWriteOutcome.Written, true);
        }, cancellationToken);

    public Task<StoreWriteOutcome> DeleteAsync(string instanceId, string twinId, string? ifMatch, ChangeEvent change, CancellationToken cancellationToken) =>
        session.WriteAsync(async db =>
        {
            var current = await db.ScalarStringAsync("SELECT etag FROM twins WHERE instance_id = $instance AND id = $id;", cancellationToken,
                ("$instance", instanceId), ("$id", twinId)).ConfigureAwait(false);
            if (current is null)
            {
                return (StoreWriteOutcome.NotFound, false);
            }

            if (ifMatch is not null && !string.Equals(current, ifMatch, StringComparison.Ordinal))
            {
                return (StoreWriteOutcome.PreconditionFailed, false);
            }

            var related = await db.ScalarLongAsync("""
                SELECT EXISTS (SELECT 1 FROM relationships WHERE instance_id = $instance AND source_id = $id)
                    OR EXISTS (SELECT 1 FROM relationships WHERE instance_id = $instance AND target_id = $id);
                """, cancellationToken, ("$instance", instanceId), ("$id", twinId)).ConfigureAwait(false);
            if (related != 0)
            {
                return (StoreWriteOutcome.HasRelationships, false);
            }

            await db.ExecuteAsync("""
                DELETE FROM twins WHERE instance_id = $instance AND id = $id;
                UPDATE twin_counts SET count = count - 1 WHERE instance_id = $instance;
                """, cancellationToken,
                ("$instance", instanceId), ("$id", twinId)).ConfigureAwait(false);
            await db.AppendEventAsync(instanceId, change, cancellationToken).ConfigureAwait(false);
            return (StoreWriteOutcome.Written, true);
        }, cancellationToken);
}
