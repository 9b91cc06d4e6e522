using System.Globalization;
using Doppel.Storage.DataPlane;

namespace Doppel.Storage.Sqlite.DataPlane;

/// <summary>The <c>outbox</c> table; rows are appended by the twin and relationship writes (<see cref="SqliteDb.AppendEventAsync"/>).</summary>
internal sealed class SqliteOutboxStore(SqliteSession session) : IOutboxStore
{
    public Task<IReadOnlyList<OutboxEvent>> ReadAsync(string instanceId, long after, int max, CancellationToken cancellationToken) =>
        session.ReadAsync<IReadOnlyList<OutboxEvent>>(async db =>
        {
            var command = db.Command("""
                SELECT seq, id, type, subject, time, traceparent, data FROM outbox
                WHERE instance_id = $instance AND seq > $after ORDER BY seq LIMIT $max;
                """, ("$instance", instanceId), ("$after", after), ("$max", Math.Max(0, max)));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var events = new List<OutboxEvent>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(new OutboxEvent(
                    reader.GetInt64(0),
                    new ChangeEvent(
                        reader.GetString(1),
                        reader.GetString(2),
                        reader.GetString(3),
                        DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                        reader.IsDBNull(5) ? null : reader.GetString(5),
                        reader.GetString(6))));
            }

            return events;
        }, cancellationToken);

    public Task<long> GetLastPositionAsync(string instanceId, CancellationToken cancellationToken) =>
        session.ReadAsync(db => db.ScalarLongAsync(
            "SELECT last_seq FROM outbox_positions WHERE instance_id = $instance;", cancellationToken, ("$instance", instanceId)), cancellationToken);
}
