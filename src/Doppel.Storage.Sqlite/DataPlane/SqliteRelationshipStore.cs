using Doppel.Storage.DataPlane;
using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Sqlite.DataPlane;

/// <summary>The <c>relationships</c> table.</summary>
internal sealed class SqliteRelationshipStore(SqliteSession session) : IRelationshipStore
{
    private const string Columns = "source_id, id, target_id, name, etag, document";

    public Task<StoredRelationship?> GetAsync(string instanceId, string sourceId, string relationshipId, CancellationToken cancellationToken) =>
        session.ReadAsync(async db =>
        {
            var command = db.Command($"SELECT {Columns} FROM relationships WHERE instance_id = $instance AND source_id = $source AND id = $id;",
                ("$instance", instanceId), ("$source", sourceId), ("$id", relationshipId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        }, cancellationToken);

    public Task<StoreWriteOutcome> WriteAsync(string instanceId, StoredRelationship relationship, StoreWriteMode mode, string? expectedETag, RelationshipLimits limits, ChangeEvent change, CancellationToken cancellationToken) =>
        session.WriteAsync(async db =>
        {
            var twins = await db.ScalarLongAsync("""
                SELECT (SELECT COUNT(*) FROM twins WHERE instance_id = $instance AND id = $source)
                     + (SELECT COUNT(*) FROM twins WHERE instance_id = $instance AND id = $target) * 2;
                """, cancellationToken, ("$instance", instanceId), ("$source", relationship.SourceId), ("$target", relationship.TargetId)).ConfigureAwait(false);
            if ((twins & 1) == 0)
            {
                return (StoreWriteOutcome.NotFound, false);
            }

            var current = await db.ScalarStringAsync("SELECT etag FROM relationships WHERE instance_id = $instance AND source_id = $source AND id = $id;", cancellationToken,
                ("$instance", instanceId), ("$source", relationship.SourceId), ("$id", relationship.Id)).ConfigureAwait(false);
            switch (mode)
            {
                case StoreWriteMode.CreateOnly when current is not null:
                    return (StoreWriteOutcome.PreconditionFailed, false);
                case StoreWriteMode.ReplaceIfMatch when current is null:
                    return (StoreWriteOutcome.NotFound, false);
                case StoreWriteMode.ReplaceIfMatch when !string.Equals(current, expectedETag, StringComparison.Ordinal):
                    return (StoreWriteOutcome.PreconditionFailed, false);
            }

            if ((twins & 2) == 0)
            {
                return (StoreWriteOutcome.TargetNotFound, false);
            }

            if (limits.MaxOfName is { } maxOfName)
            {
                var ofName = await db.ScalarLongAsync("SELECT COUNT(*) FROM relationships WHERE instance_id = $instance AND source_id = $source AND name = $name AND id <> $id;", cancellationToken,
                    ("$instance", instanceId), ("$source", relationship.SourceId), ("$name", relationship.Name), ("$id", relationship.Id)).ConfigureAwait(false);
                if (ofName >= maxOfName)
                {
                    return (StoreWriteOutcome.MultiplicityExceeded, false);
                }
            }

            if (current is null)
            {
                var outgoing = await db.ScalarLongAsync("SELECT COUNT(*) FROM relationships WHERE instance_id = $instance AND source_id = $source;", cancellationToken,
                    ("$instance", instanceId), ("$source", relationship.SourceId)).ConfigureAwait(false);
                var incoming = await db.ScalarLongAsync("SELECT COUNT(*) FROM relationships WHERE instance_id = $instance AND target_id = $target;", cancellationToken,
                    ("$instance", instanceId), ("$target", relationship.TargetId)).ConfigureAwait(false);
                if (outgoing >= limits.MaxOutgoing || incoming >= limits.MaxIncoming)
                {
                    return (StoreWriteOutcome.LimitReached, false);
                }
            }

            await db.ExecuteAsync("""
                INSERT INTO relationships (instance_id, source_id, id, target_id, name, etag, document)
                VALUES ($instance, $source, $id, $target, $name, $etag, $document)
                ON CONFLICT (instance_id, source_id, id) DO UPDATE SET
                    target_id = excluded.target_id, name = excluded.name, etag = excluded.etag, document = excluded.document;
                """, cancellationToken,
                ("$instance", instanceId), ("$source", relationship.SourceId), ("$id", relationship.Id), ("$target", relationship.TargetId),
                ("$name", relationship.Name), ("$etag", relationship.ETag), ("$document", relationship.Document)).ConfigureAwait(false);
            await db.AppendEventAsync(instanceId, change, cancellationToken).ConfigureAwait(false);
            return (StoreWriteOutcome.Written, true);
        }, cancellationToken);

    public Task<StoreWriteOutcome> DeleteAsync(string instanceId, string sourceId, string relationshipId, string? ifMatch, ChangeEvent change, CancellationToken cancellationToken) =>
        session.WriteAsync(async db =>
        {
            var current = await db.ScalarStringAsync("SELECT etag FROM relationships WHERE instance_id = $instance AND source_id = $source AND id = $id;", cancellationToken,
                ("$instance", instanceId), ("$source", sourceId), ("$id", relationshipId)).ConfigureAwait(false);
            if (current is null)
            {
                return (StoreWriteOutcome.NotFound, false);
            }

            if (ifMatch is not null && !string.Equals(current, ifMatch, StringComparison.Ordinal))
            {
                return (StoreWriteOutcome.PreconditionFailed, false);
            }

            await db.ExecuteAsync("DELETE FROM relationships WHERE instance_id = $instance AND source_id = $source AND id = $id;", cancellationToken,
                ("$instance", instanceId), ("$source", sourceId), ("$id", relationshipId)).ConfigureAwait(false);
            await db.AppendEventAsync(instanceId, change, cancellationToken).ConfigureAwait(false);
            return (StoreWriteOutcome.Written, true);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredRelationship>> ListOutgoingAsync(string instanceId, string sourceId, string? name, string? afterId, int max, CancellationToken cancellationToken) =>
        session.ReadAsync<IReadOnlyList<StoredRelationship>>(async db =>
        {
            var command = db.Command($"""
                SELECT {Columns} FROM relationships
                WHERE instance_id = $instance AND source_id = $source
                  AND ($name IS NULL OR name = $name) AND ($after IS NULL OR id > $after)
                ORDER BY id LIMIT $max;
                """, ("$instance", instanceId), ("$source", sourceId), ("$name", name), ("$after", afterId), ("$max", max));
            return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredRelationship>> ListIncomingAsync(string instanceId, string targetId, RelationshipKey? after, int max, CancellationToken cancellationToken) =>
        session.ReadAsync<IReadOnlyList<StoredRelationship>>(async db =>
        {
            var command = db.Command($"""
                SELECT {Columns} FROM relationships
                WHERE instance_id = $instance AND target_id = $target
                  AND ($afterSource IS NULL OR source_id > $afterSource OR (source_id = $afterSource AND id > $afterId))
                ORDER BY source_id, id LIMIT $max;
                """, ("$instance", instanceId), ("$target", targetId), ("$afterSource", after?.SourceId), ("$afterId", after?.Id), ("$max", max));
            return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private static async Task<IReadOnlyList<StoredRelationship>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<StoredRelationship>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    private static StoredRelationship Read(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5));
}
