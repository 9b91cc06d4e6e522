using Doppel.Storage.DataPlane;

namespace Doppel.Storage.Sqlite.DataPlane;

/// <summary>
/// The data plane on the SQLite file of a <see cref="SqliteStore"/>: same file, same connection settings
/// (WAL, <c>synchronous=FULL</c>). Every write is one unit of the store's write queue (<see cref="SqliteWriteQueue"/>):
/// it runs in its own savepoint of a group-committed <c>BEGIN IMMEDIATE</c> transaction and is acknowledged after the
/// commit. Every value is a parameter, and every statement filters by the instance id.
/// </summary>
public sealed class SqliteDataPlaneStore : IDataPlaneStore
{
    /// <summary>Creates the data-plane store over <paramref name="store"/>'s database (migrated by it).</summary>
    public SqliteDataPlaneStore(SqliteStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var session = store.Session;
        Models = new SqliteModelStore(session);
        Twins = new SqliteTwinStore(session);
        Relationships = new SqliteRelationshipStore(session);
        Outbox = new SqliteOutboxStore(session);
        Query = new SqliteQueryStore(session);
    }

    /// <inheritdoc />
    public IModelStore Models { get; }

    /// <inheritdoc />
    public ITwinStore Twins { get; }

    /// <inheritdoc />
    public IRelationshipStore Relationships { get; }

    /// <inheritdoc />
    public IOutboxStore Outbox { get; }

    /// <inheritdoc />
    public IQueryStore Query { get; }
}

