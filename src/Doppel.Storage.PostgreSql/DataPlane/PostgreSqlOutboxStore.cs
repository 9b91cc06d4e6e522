using Doppel.Storage.DataPlane;
using static Doppel.Storage.PostgreSql.DataPlane.DataPlaneSql;

namespace Doppel.Storage.PostgreSql.DataPlane;

/// <summary>The <c>outbox</c> table; rows are appended by the twin and relationship writes (<see cref="DataPlaneSql.ExecuteWithEventAsync"/>).</summary>
internal sealed class PostgreSqlOutboxStore(PostgreSqlDatabase database) : IOutboxStore
{
    public Task<IReadOnlyList<OutboxEvent>> ReadAsync(string instanceId, long after, int max, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<OutboxEvent>>(async (connection, ct) =>
        {
            await using var command = Command(connection, null, """
                SELECT seq, id, type, subject, time, traceparent, data FROM outbox
                WHERE instance_id = $1 AND seq > $2 ORDER BY seq LIMIT $3;
                """, Text(instanceId), Long(after), Int(Math.Max(0, max)));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var events = new List<OutboxEvent>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                events.Add(new OutboxEvent(
                    reader.GetInt64(0),
                    new ChangeEvent(
                        reader.GetString(1),
                        reader.GetString(2),
                        reader.GetString(3),
                        reader.GetFieldValue<DateTimeOffset>(4),
                        reader.IsDBNull(5) ? null : reader.GetString(5),
                        reader.GetString(6))));
            }

            return events;
        }, cancellationToken);

    public Task<long> GetLastPositionAsync(string instanceId, CancellationToken cancellationToken) =>
        database.ReadAsync((connection, ct) => ScalarLongAsync(connection, null,
            "SELECT last_seq FROM outbox_positions WHERE instance_id = $1;", ct, Text(instanceId)), cancellationToken);
}
