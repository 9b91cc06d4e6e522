using Doppel.Storage.DataPlane;
using Doppel.Storage.Identity;
using Doppel.Storage.Sqlite.DataPlane;
using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Sqlite.Identity;

/// <summary>The directory on the SQLite file of a <see cref="SqliteStore"/>: the <c>directory_objects</c> table.</summary>
public sealed class SqliteDirectoryStore : IDirectoryStore
{
    private const string Columns = "tenant_id, kind, id, unique_name, document, version";
    private readonly SqliteSession _session;

    /// <summary>
    /// Creates the directory store over <paramref name="store"/>'s database (migrated by it). It shares the store's
    /// session: reads on its connection pool, writes through its single write queue.
    /// </summary>
    public SqliteDirectoryStore(SqliteStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _session = store.Session;
    }

    /// <inheritdoc />
    public Task<StoreWriteOutcome> CreateAsync(DirectoryObject directoryObject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directoryObject);
        return _session.WriteAsync(async db =>
        {
            var inserted = await db.ExecuteAsync($"""
                INSERT INTO directory_objects ({Columns}) VALUES ($tenant, $kind, $id, $name, $document, 1)
                ON CONFLICT DO NOTHING;
                """, cancellationToken,
                ("$tenant", directoryObject.TenantId), ("$kind", directoryObject.Kind), ("$id", directoryObject.Id),
                ("$name", DirectoryObject.Normalize(directoryObject.UniqueName)), ("$document", directoryObject.Document)).ConfigureAwait(false);
            return inserted == 1 ? (StoreWriteOutcome.Written, true) : (StoreWriteOutcome.AlreadyExists, false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DirectoryObject?> FindAsync(string tenantId, string kind, string id, CancellationToken cancellationToken) =>
        _session.ReadAsync(db => ReadOneAsync(db,
            $"SELECT {Columns} FROM directory_objects WHERE tenant_id = $tenant AND kind = $kind AND id = $id;",
            cancellationToken, ("$tenant", tenantId), ("$kind", kind), ("$id", id)), cancellationToken);

    /// <inheritdoc />
    public Task<DirectoryObject?> FindByNameAsync(string tenantId, string kind, string uniqueName, CancellationToken cancellationToken) =>
        _session.ReadAsync(db => ReadOneAsync(db,
            $"SELECT {Columns} FROM directory_objects WHERE tenant_id = $tenant AND kind = $kind AND unique_name = $name;",
            cancellationToken, ("$tenant", tenantId), ("$kind", kind), ("$name", DirectoryObject.Normalize(uniqueName))), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DirectoryObject>> ListAsync(string tenantId, string kind, CancellationToken cancellationToken) =>
        _session.ReadAsync(async db =>
        {
            var command = db.Command(
                $"SELECT {Columns} FROM directory_objects WHERE tenant_id = $tenant AND kind = $kind ORDER BY id;",
                ("$tenant", tenantId), ("$kind", kind));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<DirectoryObject>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
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
        return _session.WriteAsync(async db =>
        {
            (string, object?)[] key = [("$tenant", directoryObject.TenantId), ("$kind", directoryObject.Kind), ("$id", directoryObject.Id)];
            var current = await db.Command("SELECT version FROM directory_objects WHERE tenant_id = $tenant AND kind = $kind AND id = $id;", key)
                .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (current is not long version)
            {
                return (StoreWriteOutcome.NotFound, false);
            }

            if (version != expectedVersion)
            {
                return (StoreWriteOutcome.PreconditionFailed, false);
            }

            if (name is not null)
            {
                var taken = await db.ScalarLongAsync("""
                    SELECT COUNT(*) FROM directory_objects
                    WHERE tenant_id = $tenant AND kind = $kind AND unique_name = $name AND id <> $id;
                    """, cancellationToken, [.. key, ("$name", name)]).ConfigureAwait(false);
                if (taken > 0)
                {
                    return (StoreWriteOutcome.AlreadyExists, false);
                }
            }

            await db.ExecuteAsync("""
                UPDATE directory_objects SET unique_name = $name, document = $document, version = version + 1
                WHERE tenant_id = $tenant AND kind = $kind AND id = $id;
                """, cancellationToken, [.. key, ("$name", name), ("$document", directoryObject.Document)]).ConfigureAwait(false);
            return (StoreWriteOutcome.Written, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoreWriteOutcome> DeleteAsync(string tenantId, string kind, string id, CancellationToken cancellationToken) =>
        _session.WriteAsync(async db =>
        {
            var deleted = await db.ExecuteAsync(
                "DELETE FROM directory_objects WHERE tenant_id = $tenant AND kind = $kind AND id = $id;",
                cancellationToken, ("$tenant", tenantId), ("$kind", kind), ("$id", id)).ConfigureAwait(false);
            return deleted == 1 ? (StoreWriteOutcome.Written, true) : (StoreWriteOutcome.NotFound, false);
        }, cancellationToken);

    private static async Task<DirectoryObject?> ReadOneAsync(SqliteDb db, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var command = db.Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static DirectoryObject Read(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetInt64(5));
}
