using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Sqlite;

/// <summary>The <c>instances</c> table.</summary>
internal sealed class SqliteInstanceStore(SqliteConnectionFactory connections, TimeProvider timeProvider) : IInstanceStore
{
    public async Task<InstanceRecord> EnsureAsync(string name, CancellationToken cancellationToken)
    {
        var canonical = InstanceName.Normalize(name);
        var connection = await connections.OpenAsync(create: false, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                await using (var insert = connection.CreateCommand())
                {
                    insert.Transaction = transaction;
                    insert.CommandText = """
                        INSERT INTO instances (id, name, created_at) VALUES ($id, $name, $createdAt)
                        ON CONFLICT (name) DO NOTHING;
                        """;
                    insert.Parameters.AddWithValue("$id", Guid.CreateVersion7().ToString("N"));
                    insert.Parameters.AddWithValue("$name", canonical);
                    insert.Parameters.AddWithValue("$createdAt", timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var record = await FindAsync(connection, transaction, canonical, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Instance '{canonical}' vanished inside its own transaction.");
                transaction.Commit();
                return record;
            }
            catch (SqliteException ex)
            {
                throw SqliteErrors.Translate(ex, connections.DatabasePath);
            }
        }
    }

    public async Task<InstanceRecord?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        if (!InstanceName.IsValid(name))
        {
            return null;
        }

        var connection = await connections.OpenAsync(create: false, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                return await FindAsync(connection, null, name.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex)
            {
                throw SqliteErrors.Translate(ex, connections.DatabasePath);
            }
        }
    }

    public async Task<IReadOnlyList<InstanceRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var connection = await connections.OpenAsync(create: false, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT id, name, created_at FROM instances ORDER BY name;";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var records = new List<InstanceRecord>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    records.Add(Read(reader));
                }

                return records;
            }
            catch (SqliteException ex)
            {
                throw SqliteErrors.Translate(ex, connections.DatabasePath);
            }
        }
    }

    private static async Task<InstanceRecord?> FindAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        string canonicalName,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id, name, created_at FROM instances WHERE name = $name;";
        command.Parameters.AddWithValue("$name", canonicalName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static InstanceRecord Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
}
