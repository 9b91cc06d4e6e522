using Doppel.Storage.DataPlane;
using Doppel.Storage.Identity;

namespace Doppel.Storage.Tests.Support;

/// <summary>
/// One isolated, empty database of one engine (a SQLite file in a new folder, or a new PostgreSQL schema), and
/// the engine-specific ways a test reaches past the store to arrange a situation. Created for each test and
/// dropped after it, so no test sees another's data.
/// </summary>
public abstract class StoreHarness : IAsyncDisposable
{
    private readonly List<IStore> _stores = [];

    /// <summary>The engine's name as <see cref="IStore.Engine"/> gives it.</summary>
    public abstract string Engine { get; }

    /// <summary>
    /// A new store over this harness's database; several stores over one database stand for several server
    /// processes. Disposed with the harness.
    /// </summary>
    public IStore OpenStore(TimeProvider? timeProvider = null)
    {
        var store = CreateStore(timeProvider ?? TimeProvider.System);
        _stores.Add(store);
        return store;
    }

    /// <summary>A store whose database cannot be reached or opened at all. Disposed with the harness.</summary>
    public IStore OpenUnreachableStore()
    {
        var store = CreateUnreachableStore();
        _stores.Add(store);
        return store;
    }

    /// <summary>Writes a row into the migration history behind the runner's back, as a newer Doppel would.</summary>
    public abstract Task RecordMigrationAsync(int version, string name, string checksum);

    /// <summary>Changes the recorded checksum of an applied migration, as an edited migration would look.</summary>
    public abstract Task SetRecordedChecksumAsync(int version, string checksum);

    /// <summary>How many rows a table of this database has, read without the store.</summary>
    public abstract Task<long> CountRowsAsync(string table);

    /// <summary>An instance's row in <c>twin_counts</c>, read without the store; null when it has none.</summary>
    public abstract Task<long?> ReadTwinCountAsync(string instanceId);

    /// <summary>Runs <paramref name="sql"/> (no parameters) on this harness's database, behind the store's back.</summary>
    public abstract Task ExecuteSqlAsync(string sql);

    /// <summary>The data plane over a store this harness opened.</summary>
    public abstract IDataPlaneStore OpenDataPlane(IStore store);

    /// <summary>The control plane over a store this harness opened.</summary>
    public abstract Doppel.Storage.Management.IManagementStore OpenManagement(IStore store);

    /// <summary>The directory over a store this harness opened.</summary>
    public abstract IDirectoryStore OpenDirectory(IStore store);

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await DropAsync();
        GC.SuppressFinalize(this);
    }

    protected abstract IStore CreateStore(TimeProvider timeProvider);

    protected abstract IStore CreateUnreachableStore();

    /// <summary>Deletes the database after the stores are closed.</summary>
    protected abstract ValueTask DropAsync();
}
