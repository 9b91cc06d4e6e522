namespace Doppel.Storage.DataPlane;

/// <summary>
/// The change events of each instance, in the order their changes were committed. Every twin and relationship
/// write of <see cref="ITwinStore"/> and <see cref="IRelationshipStore"/> appends its event here in the same
/// transaction as the change: a write that is not committed leaves no event, and a committed one always has
/// exactly its event. The events issue delivers them from here.
/// </summary>
/// <remarks>
/// Positions are per instance and start at 1. They are handed out inside the writing transaction while it holds
/// the instance's write lock, so they are gap-free and become visible in order: a reader that has seen position
/// <c>p</c> never later finds a new event below <c>p</c>, and can resume with <c>after: p</c>.
/// </remarks>
public interface IOutboxStore
{
    /// <summary>The events of the instance after <paramref name="after"/> (0 for the first), in order, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<OutboxEvent>> ReadAsync(string instanceId, long after, int max, CancellationToken cancellationToken);

    /// <summary>The position of the instance's newest event, or 0 when it has none.</summary>
    Task<long> GetLastPositionAsync(string instanceId, CancellationToken cancellationToken);
}

/// <summary>
/// One change event as the writer made it: the CloudEvents attributes Doppel knows when the change is made. The
/// <c>source</c> attribute (the instance's host name) and <c>specversion</c> (<c>1.0</c>) are added when the event
/// is delivered; <c>datacontenttype</c> is always <c>application/json</c>.
/// </summary>
/// <param name="Id">The CloudEvents <c>id</c>, unique per instance (a UUID).</param>
/// <param name="Type">The CloudEvents <c>type</c>, such as <c>Microsoft.DigitalTwins.Twin.Create</c>.</param>
/// <param name="Subject">The CloudEvents <c>subject</c>: the twin id, or <c>{twinId}/relationships/{relationshipId}</c>.</param>
/// <param name="Time">When the change was made (stored to the microsecond).</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> of the request that made the change, or null.</param>
/// <param name="Data">The event's <c>data</c> as JSON text.</param>
public sealed record ChangeEvent(string Id, string Type, string Subject, DateTimeOffset Time, string? TraceParent, string Data);

/// <summary>An event in the outbox.</summary>
/// <param name="Position">Its position in the instance's outbox, from 1, gap-free.</param>
/// <param name="Event">The event.</param>
public sealed record OutboxEvent(long Position, ChangeEvent Event);
