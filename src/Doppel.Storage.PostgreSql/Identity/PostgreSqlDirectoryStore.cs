using Doppel.Storage.DataPlane;
using Doppel.Storage.Identity;
using Npgsql;
using static Doppel.Storage.PostgreSql.DataPlane.DataPlaneSql;

namespace Doppel.Storage.PostgreSql.Identity;

/// <summary>The directory on a <see cref="PostgreSqlStore"/>'s database: the <c>directory_objects</c> table.</summary>
public sealed class PostgreSqlDirectoryStore : IDirectoryStore
{
    private const string Columns = "tenant_id, kind, id, unique_name, document, version";
    private readonly PostgreSqlDatabase _database;

    /// <summary>Creates the directory store over <paramref name="store"/>'s database (migrated by it).</summary>
    public PostgreSqlDirectoryStore(PostgreSqlStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _database = store.Database;
    }

    /// <inheritdoc />
    public Task<StoreWriteOutcome> CreateAsync(DirectoryObject directoryObject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directoryObject);
        return _database.WriteAsync(async (connection, transaction, ct) =>
        {
            var inserted = await ExecuteAsync(connection, transaction, $"""
                INSERT INTO directory_objects ({Columns}) VALUES ($1, $2, $3, $4, $5, 1)
                ON CONFLICT DO NOTHING;
                """, ct,
                Text(directoryObject.TenantId), Text(directoryObject.Kind), Text(directoryObject.Id),
                Text(DirectoryObject.Normalize(directoryObject.UniqueName)), Text(directoryObject.Document)).ConfigureAwait(false);
            return inserted == 1 ? (StoreWriteOutcome.Written, true) : (StoreWriteOutcome.AlreadyExists, false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DirectoryObject?> FindAsync(string tenantId, string kind, string id, CancellationToken cancellationToken) =>
        _database.ReadAsync((connection, ct) => ReadOneAsync(connection,
            $"SELECT {Columns} FROM directory_objects WHERE tenant_id = $1 AND kind = $2 AND id = $3;",
            ct, Text(tenantId), Text(kind), Text(id)), cancellationToken);

    /// <inheritdoc />
    public Task<DirectoryObject?> FindByNameAsync(string tenantId, string kind, string uniqueName, CancellationToken cancellationToken) =>
        _database.ReadAsync((connection, ct) => ReadOneAsync(connection,
            $"SELECT {Columns} FROM directory_objects WHERE tenant_id = $1 AND kind = $2 AND unique_name = $3;",
            ct, Text(tenantId), Text(kind), Text(DirectoryObject.Normalize(uniqueName))), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DirectoryObject>> ListAsync(string tenantId, string kind, CancellationToken cancellationToken) =>
        _database.ReadAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, null,
                $"SELECT {Columns} FROM directory_objects WHERE tenant_id = $1 AND kind = $2 ORDER BY id;",
                Text(tenantId), Text(kind));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<DirectoryObject>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(Read(reader));
            }

            return (IReadOnlyList<DirectoryObject>)list;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<StoreWriteOutcome> ReplaceAsync(DirectoryObject directoryObject, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directoryObject);
        var name = DirectoryObject.Normalize(directoryObject.UniqueName);
        return _database.WriteAsync(async (connection, transaction, ct) =>
        {
            // FOR UPDATE: a concurrent replace of the same object waits here and then sees the raised version.
            await using (var read = Command(connection, transaction,
                "SELECT version FROM directory_objects WHERE tenant_id = $1 AND kind = $2 AND id = $3 FOR UPDATE;",
                Text(directoryObject.TenantId), Text(directoryObject.Kind), Text(directoryObject.Id)))
            {
                var current = await read.ExecuteScalarAsync(ct).ConfigureAwait(false);
                if (current is not long version)
                {
                    return (StoreWriteOutcome.NotFound, false);
                }

                if (version != expectedVersion)
                {
                    return (StoreWriteOutcome.PreconditionFailed, false);
                }
            }

            if (name is not null)
            {
                var taken = await ScalarLongAsync(connection, transaction, """
                    SELECT COUNT(*) FROM directory_objects
                    WHERE tenant_id = $1 AND kind = $2 AND unique_name = $3 AND id <> $4;
                    """, ct, Text(directoryObject.TenantId), Text(directoryObject.Kind), Text(name), Text(directoryObject.Id)).ConfigureAwait(false);
                if (taken > 0)
                {
                    return (StoreWriteOutcome.AlreadyExists, false);
                }
            }

            await ExecuteAsync(connection, transaction, """
                UPDATE directory_objects SET unique_name = $4, document = $5, version = version + 1
                WHERE tenant_id = $1 AND kind = $2 AND id = $3;
                """, ct, Text(directoryObject.TenantId), Text(directoryObject.Kind), Text(directoryObject.Id), Text(name), Text(directoryObject.Document)).ConfigureAwait(false);
            return (StoreWriteOutcome.Written, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoreWriteOutcome> DeleteAsync(string tenantId, string kind, string id, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction, ct) =>
        {
            var deleted = await ExecuteAsync(connection, transaction,
                "DELETE FROM directory_objects WHERE tenant_id = $1 AND kind = $2 AND id = $3;",
                ct, Text(tenantId), Text(kind), Text(id)).ConfigureAwait(false);
            return deleted == 1 ? (StoreWriteOutcome.Written, true) : (StoreWriteOutcome.NotFound, false);
        }, cancellationToken);

    private static async Task<DirectoryObject?> ReadOneAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static DirectoryObject Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetInt64(5));
}
