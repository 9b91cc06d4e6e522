namespace Doppel.Storage.DataPlane;

/// <summary>The relationships of each instance, keyed by source twin and relationship id.</summary>
public interface IRelationshipStore
{
    /// <summary>The relationship, or null.</summary>
    Task<StoredRelationship?> GetAsync(string instanceId, string sourceId, string relationshipId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a relationship in one transaction that also checks that the source twin exists
    /// (<see cref="StoreWriteOutcome.NotFound"/>), that the target twin exists (<see cref="StoreWriteOutcome.TargetNotFound"/>),
    /// the ETag for <see cref="StoreWriteMode.ReplaceIfMatch"/>, and the limits. When the relationship is written,
    /// <paramref name="change"/> is appended to the outbox in the same transaction.
    /// </summary>
    Task<StoreWriteOutcome> WriteAsync(string instanceId, StoredRelationship relationship, StoreWriteMode mode, string? expectedETag, RelationshipLimits limits, ChangeEvent change, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a relationship if <paramref name="ifMatch"/> (when given) matches its ETag, and appends
    /// <paramref name="change"/> to the outbox in the same transaction.
    /// </summary>
    Task<StoreWriteOutcome> DeleteAsync(string instanceId, string sourceId, string relationshipId, string? ifMatch, ChangeEvent change, CancellationToken cancellationToken);

    /// <summary>
    /// Outgoing relationships of a twin ordered by id, optionally only those named <paramref name="name"/>, after
    /// <paramref name="afterId"/>, at most <paramref name="max"/>.
    /// </summary>
    Task<IReadOnlyList<StoredRelationship>> ListOutgoingAsync(string instanceId, string sourceId, string? name, string? afterId, int max, CancellationToken cancellationToken);

    /// <summary>Incoming relationships of a twin ordered by source and id, after <paramref name="after"/>, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<StoredRelationship>> ListIncomingAsync(string instanceId, string targetId, RelationshipKey? after, int max, CancellationToken cancellationToken);
}

/// <summary>A stored relationship.</summary>
/// <param name="SourceId">The source twin id.</param>
/// <param name="Id">The relationship id, unique per source twin.</param>
/// <param name="TargetId">The target twin id.</param>
/// <param name="Name">The relationship name of the source twin's model.</param>
/// <param name="ETag">Its current ETag.</param>
/// <param name="Document">The relationship's JSON as a GET returns it.</param>
public sealed record StoredRelationship(string SourceId, string Id, string TargetId, string Name, string ETag, string Document);

/// <summary>The key of a relationship in an instance.</summary>
/// <param name="SourceId">The source twin id.</param>
/// <param name="Id">The relationship id.</param>
public sealed record RelationshipKey(string SourceId, string Id);

/// <summary>Limits checked when a relationship is created.</summary>
/// <param name="MaxOfName">Most relationships of this name from one source (the model's maxMultiplicity), or null.</param>
/// <param name="MaxOutgoing">Most outgoing relationships per twin.</param>
/// <param name="MaxIncoming">Most incoming relationships per twin.</param>
public sealed record RelationshipLimits(int? MaxOfName, int MaxOutgoing, int MaxIncoming);
