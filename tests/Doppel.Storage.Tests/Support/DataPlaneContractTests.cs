using Doppel.Storage.DataPlane;

namespace Doppel.Storage.Tests.Support;

/// <summary>The base of the data-plane contract tests: a migrated store with two instances and its data plane.</summary>
public abstract class DataPlaneContractTests : StoreContractTests
{
    private IDataPlaneStore? _data;

    /// <summary>The data plane under test.</summary>
    protected IDataPlaneStore Data => _data ?? throw new InvalidOperationException("Call OpenAsync first.");

    /// <summary>The id of the instance most tests use.</summary>
    protected string InstanceId { get; private set; } = string.Empty;

    /// <summary>The id of a second instance, to show that instances do not see each other's data.</summary>
    protected string OtherInstanceId { get; private set; } = string.Empty;

    /// <summary>Migrates a store, creates the two instances and opens the data plane.</summary>
    protected async Task OpenAsync()
    {
        var store = await OpenMigratedStoreAsync();
        InstanceId = (await store.Instances.EnsureAsync("main", CancellationToken.None)).Id;
        OtherInstanceId = (await store.Instances.EnsureAsync("other", CancellationToken.None)).Id;
        _data = Harness.OpenDataPlane(store);
    }

    /// <summary>Data planes over further stores on the same database, standing for other server processes.</summary>
    protected IReadOnlyList<IDataPlaneStore> OpenMoreDataPlanes(int count) =>
        [.. Enumerable.Range(0, count).Select(_ => Harness.OpenDataPlane(Harness.OpenStore()))];

    /// <summary>A change event for a write whose event the test does not look at.</summary>
    protected static ChangeEvent Change(string subject = "any") =>
        new(Guid.NewGuid().ToString(), "Doppel.Test.Change", subject, FixedTimeProvider.Default, null, "{}");

    protected static StoredTwin Twin(string id, string etag = "W/\"1\"", string model = "dtmi:example:Room;1") =>
        new(id, model, etag, $$"""{"$dtId":"{{id}}","$etag":"{{etag}}"}""");

    protected async Task CreateTwinsAsync(params string[] ids)
    {
        foreach (var id in ids)
        {
            Assert.Equal(StoreWriteOutcome.Written, await Data.Twins.WriteAsync(InstanceId, Twin(id), StoreWriteMode.CreateOnly, null, 1000, Change(), CancellationToken.None));
        }
    }
}
