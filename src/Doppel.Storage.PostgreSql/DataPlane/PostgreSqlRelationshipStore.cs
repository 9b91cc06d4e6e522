using Doppel.Storage.DataPlane;
using Npgsql;
using static Doppel.Storage.PostgreSql.DataPlane.DataPlaneSql;

namespace Doppel.Storage.PostgreSql.DataPlane;

/// <summary>The <c>relationships</c> table.</summary>
internal sealed class PostgreSqlRelationshipStore(PostgreSqlDatabase database) : IRelationshipStore
{
    private const string Columns = "source_id, id, target_id, name, etag, document";

    public Task<StoredRelationship?> GetAsync(string instanceId, string sourceId, string relationshipId, CancellationToken cancellationToken) =>
        database.ReadAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, null,
                $"SELECT {Columns} FROM relationships WHERE instance_id = $1 AND source_id = $2 AND id = $3;",
                Text(instanceId), Text(sourceId), Text(relationshipId));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? Read(reader) : null;
        }, cancellationToken);

    public Task<StoreWriteOutcome> WriteAsync(string instanceId, StoredRelationship relationship, StoreWriteMode mode, string? expectedETag, RelationshipLimits limits, ChangeEvent change, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, ct) =>
        {
            await LockInstanceAsync(connection, transaction, instanceId, ct).ConfigureAwait(false);
            var twins = await ScalarLongAsync(connection, transaction, """
                SELECT (SELECT COUNT(*) FROM twins WHERE instance_id = $1 AND id = $2)
                     + (SELECT COUNT(*) FROM twins WHERE instance_id = $1 AND id = $3) * 2;
                """, ct, Text(instanceId), Text(relationship.SourceId), Text(relationship.TargetId)).ConfigureAwait(false);
            if ((twins & 1) == 0)
            {
                return (StoreWriteOutcome.NotFound, false);
            }

            var current = await ScalarStringAsync(connection, transaction,
                "SELECT etag FROM relationships WHERE instance_id = $1 AND source_id = $2 AND id = $3;", ct,
                Text(instanceId), Text(relationship.SourceId), Text(relationship.Id)).ConfigureAwait(false);
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
                var ofName = await ScalarLongAsync(connection, transaction,
                    "SELECT COUNT(*) FROM relationships WHERE instance_id = $1 AND source_id = $2 AND name = $3 AND id <> $4;", ct,
                    Text(instanceId), Text(relationship.SourceId), Text(relationship.Name), Text(relationship.Id)).ConfigureAwait(false);
                if (ofName >= maxOfName)
                {
                    return (StoreWriteOutcome.MultiplicityExceeded, false);
                }
            }

            if (current is null)
            {
                var outgoing = await ScalarLongAsync(connection, transaction,
                    "SELECT COUNT(*) FROM relationships WHERE instance_id = $1 AND source_id = $2;", ct,
                    Text(instanceId), Text(relationship.SourceId)).ConfigureAwait(false);
                var incoming = await ScalarLongAsync(connection, transaction,
                    "SELECT COUNT(*) FROM relationships WHERE instance_id = $1 AND target_id = $2;", ct,
                    Text(instanceId), Text(relationship.TargetId)).ConfigureAwait(false);
                if (outgoing >= limits.MaxOutgoing || incoming >= limits.MaxIncoming)
                {
                    return (StoreWriteOutcome.LimitReached, false);
                }
            }

            await ExecuteWithEventAsync(connection, transaction, """
                INSERT INTO relationships (instance_id, source_id, id, target_id, name, etag, document)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (instance_id, source_id, id) DO UPDATE SET
                    target_id = excluded.target_id, name = excluded.name, etag = excluded.etag, document = excluded.document;
                """, instanceId, change, ct,
                Text(instanceId), Text(relationship.SourceId), Text(relationship.Id), Text(relationship.TargetId),
                Text(relationship.Name), Text(relationship.ETag), Text(relationship.Document)).ConfigureAwait(false);
            return (StoreWriteOutcome.Written, true);
        }, cancellationToken);

    public Task<StoreWriteOutcome> DeleteAsync(string instanceId, string sourceId, string relationshipId, string? ifMatch, ChangeEvent change, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, ct) =>
        {
            await LockInstanceAsync(connection, transaction, instanceId, ct).ConfigureAwait(false);
            var current = await ScalarStringAsync(connection, transaction,
                "SELECT etag FROM relationships WHERE instance_id = $1 AND source_id = $2 AND id = $3;", ct,
                Text(instanceId), Text(sourceId), Text(relationshipId)).ConfigureAwait(false);
            if (current is null)
            {
                return (StoreWriteOutcome.NotFound, false);
            }

            if (ifMatch is not null && !string.Equals(current, ifMatch, StringComparison.Ordinal))
            {
                return (StoreWriteOutcome.PreconditionFailed, false);
            }

            await ExecuteWithEventAsync(connection, transaction,
                "DELETE FROM relationships WHERE instance_id = $1 AND source_id = $2 AND id = $3;", instanceId, change, ct,
                Text(instanceId), Text(sourceId), Text(relationshipId)).ConfigureAwait(false);
            return (StoreWriteOutcome.Written, true);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredRelationship>> ListOutgoingAsync(string instanceId, string sourceId, string? name, string? afterId, int max, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<StoredRelationship>>(async (connection, ct) =>
        {
            await using var command = Command(connection, null, $"""
                SELECT {Columns} FROM relationships
                WHERE instance_id = $1 AND source_id = $2
                  AND ($3::text IS NULL OR name = $3) AND ($4::text IS NULL OR id > $4)
                ORDER BY id LIMIT $5;
                """, Text(instanceId), Text(sourceId), Text(name), Text(afterId), Int(max));
            return await ReadAllAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredRelationship>> ListIncomingAsync(string instanceId, string targetId, RelationshipKey? after, int max, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<StoredRelationship>>(async (connection, ct) =>
        {
            await using var command = Command(connection, null, $"""
                SELECT {Columns} FROM relationships
                WHERE instance_id = $1 AND target_id = $2
                  AND ($3::text IS NULL OR source_id > $3 OR (source_id = $3 AND id > $4))
                ORDER BY source_id, id LIMIT $5;
                """, Text(instanceId), Text(targetId), Text(after?.SourceId), Text(after?.Id), Int(max));
            return await ReadAllAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken);

    private static async Task<IReadOnlyList<StoredRelationship>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<StoredRelationship>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    private static StoredRelationship Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5));
}
