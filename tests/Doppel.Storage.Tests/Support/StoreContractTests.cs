namespace Doppel.Storage.Tests.Support;

/// <summary>
/// The base of every store contract test class (CONVENTIONS C14): each test gets a fresh
/// <see cref="StoreHarness"/> from the engine's fixture class, which only says how to make one.
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    private StoreHarness? _harness;

    protected StoreHarness Harness => _harness ?? throw new InvalidOperationException("The harness is created in InitializeAsync.");

    public async Task InitializeAsync() => _harness = await CreateHarnessAsync();

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    /// <summary>Makes an isolated, empty database of the engine under test.</summary>
    protected abstract Task<StoreHarness> CreateHarnessAsync();

    /// <summary>A store over the harness's database with every migration applied.</summary>
    protected async Task<IStore> OpenMigratedStoreAsync(TimeProvider? timeProvider = null)
    {
        var store = Harness.OpenStore(timeProvider);
        await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        return store;
    }
}
