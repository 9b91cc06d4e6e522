using Npgsql;
using NpgsqlTypes;

namespace Doppel.Storage.PostgreSql;

/// <summary>The <c>instances</c> table.</summary>
internal sealed class PostgreSqlInstanceStore(PostgreSqlDatabase database, TimeProvider timeProvider) : IInstanceStore
{
    private const string Columns = "id, name, created_at";

    public Task<InstanceRecord> EnsureAsync(string name, CancellationToken cancellationToken)
    {
        var canonical = InstanceName.Normalize(name);
        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                // ON CONFLICT waits for a concurrent insert of the same name to commit and then does nothing; the
                // SELECT after it (a new snapshot under read committed) sees whichever row won.
                await using (var insert = new NpgsqlCommand(
                    "INSERT INTO instances (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING;",
                    connection,
                    transaction))
                {
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Guid.CreateVersion7().ToString("N") });
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = canonical });
                    insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = timeProvider.GetUtcNow().ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                    await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                return await FindAsync(connection, transaction, canonical, ct).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Instance '{canonical}' vanished inside its own transaction.");
            },
            cancellationToken);
    }

    public Task<InstanceRecord?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        if (!InstanceName.IsValid(name))
        {
            return Task.FromResult<InstanceRecord?>(null);
        }

        var canonical = name.ToLowerInvariant();
        return database.ReadAsync((connection, ct) => FindAsync(connection, null, canonical, ct), cancellationToken);
    }

    public Task<IReadOnlyList<InstanceRecord>> ListAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<InstanceRecord>>(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand($"SELECT {Columns} FROM instances ORDER BY name;", connection);
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var records = new List<InstanceRecord>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    records.Add(Read(reader));
                }

                return records;
            },
            cancellationToken);

    private static async Task<InstanceRecord?> FindAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string canonicalName,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM instances WHERE name = $1;", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = canonicalName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static InstanceRecord Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetFieldValue<DateTimeOffset>(2));
}
