namespace Doppel.Storage.DataPlane;

/// <summary>The digital twins of each instance, each stored as its full JSON document.</summary>
public interface ITwinStore
{
    /// <summary>The twin, or null.</summary>
    Task<StoredTwin?> GetAsync(string instanceId, string twinId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a twin under <paramref name="mode"/>; <paramref name="expectedETag"/> is compared for
    /// <see cref="StoreWriteMode.ReplaceIfMatch"/>. <paramref name="maxTwins"/> limits how many twins the instance
    /// may hold when this write creates one (<see cref="StoreWriteOutcome.LimitReached"/>). When the twin is
    /// written, <paramref name="change"/> is appended to the outbox in the same transaction.
    /// </summary>
    Task<StoreWriteOutcome> WriteAsync(string instanceId, StoredTwin twin, StoreWriteMode mode, string? expectedETag, long maxTwins, ChangeEvent change, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a twin when it has no relationships (<see cref="StoreWriteOutcome.HasRelationships"/>) and, if
    /// <paramref name="ifMatch"/> is given, its ETag matches. When the twin is deleted, <paramref name="change"/> is
    /// appended to the outbox in the same transaction.
    /// </summary>
    Task<StoreWriteOutcome> DeleteAsync(string instanceId, string twinId, string? ifMatch, ChangeEvent change, CancellationToken cancellationToken);
}

/// <summary>A stored twin.</summary>
/// <param name="Id">The twin id (<c>$dtId</c>).</param>
/// <param name="ModelId">The DTMI of its model (<c>$metadata.$model</c>).</param>
/// <param name="ETag">Its current ETag, <c>W/"uuid"</c>.</param>
/// <param name="Document">The twin's JSON as a GET returns it.</param>
public sealed record StoredTwin(string Id, string ModelId, string ETag, string Document);
