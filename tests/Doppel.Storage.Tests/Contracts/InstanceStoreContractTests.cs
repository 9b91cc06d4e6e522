using Doppel.Storage.Tests.Support;

namespace Doppel.Storage.Tests.Contracts;

/// <summary>The instances a server hosts (<see cref="IInstanceStore"/>), the same on every engine.</summary>
public abstract class InstanceStoreContractTests : StoreContractTests
{
    [SkippableFact]
    public async Task Ensuring_an_instance_twice_in_any_case_returns_the_same_record()
    {
        var store = await OpenMigratedStoreAsync();

        var first = await store.Instances.EnsureAsync("Plant-7", CancellationToken.None);
        var second = await store.Instances.EnsureAsync("plant-7", CancellationToken.None);
        var found = await store.Instances.FindByNameAsync("PLANT-7", CancellationToken.None);
        var all = await store.Instances.ListAsync(CancellationToken.None);

        Assert.Equal("plant-7", first.Name);
        Assert.Equal(first, second);
        Assert.Equal(first, found);
        Assert.Equal([first], all);
        Assert.Matches("^[0-9a-f]{32}$", first.Id);
    }

    [SkippableFact]
    public async Task Instances_get_distinct_ids_and_the_creation_time_of_the_stores_clock()
    {
        var clock = new FixedTimeProvider();
        var store = await OpenMigratedStoreAsync(clock);

        var a = await store.Instances.EnsureAsync("alpha", CancellationToken.None);
        var b = await store.Instances.EnsureAsync("beta", CancellationToken.None);

        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(clock.Now, a.CreatedAt);
        Assert.Equal(clock.Now, b.CreatedAt);
    }

    [SkippableFact]
    public async Task Instances_are_listed_in_ordinal_name_order()
    {
        var store = await OpenMigratedStoreAsync();
        foreach (var name in new[] { "zzz", "abc", "a9z", "a-z" })
        {
            await store.Instances.EnsureAsync(name, CancellationToken.None);
        }

        var all = await store.Instances.ListAsync(CancellationToken.None);

        // Ordinal: '-' (0x2D) < '9' (0x39) < 'b'; a linguistic collation would ignore the hyphen.
        Assert.Equal(["a-z", "a9z", "abc", "zzz"], all.Select(i => i.Name));
    }

    [SkippableFact]
    public async Task Unknown_or_invalid_names_are_not_found()
    {
        var store = await OpenMigratedStoreAsync();
        await store.Instances.EnsureAsync("present", CancellationToken.None);

        var unknown = await store.Instances.FindByNameAsync("absent", CancellationToken.None);
        var invalid = await store.Instances.FindByNameAsync("-x-", CancellationToken.None);

        Assert.Null(unknown);
        Assert.Null(invalid);
    }

    [SkippableFact]
    public async Task New_database_has_no_instances()
    {
        var store = await OpenMigratedStoreAsync();

        var all = await store.Instances.ListAsync(CancellationToken.None);

        Assert.Empty(all);
    }

    [SkippableFact]
    public async Task Instance_names_that_look_like_SQL_are_stored_as_plain_values()
    {
        var store = await OpenMigratedStoreAsync();

        var invalid = await Assert.ThrowsAsync<ArgumentException>(() => store.Instances.EnsureAsync("x'); DROP TABLE instances; --", CancellationToken.None));
        var missing = await store.Instances.FindByNameAsync("a' OR '1'='1", CancellationToken.None);

        Assert.Contains("is not a valid instance name", invalid.Message, StringComparison.Ordinal);
        Assert.Null(missing);
        Assert.Empty(await store.Instances.ListAsync(CancellationToken.None));
    }

    [SkippableFact]
    public async Task Concurrent_ensures_of_one_name_create_one_instance()
    {
        await OpenMigratedStoreAsync();
        var stores = Enumerable.Range(0, 4).Select(_ => Harness.OpenStore()).ToList();

        var records = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => stores[i % stores.Count].Instances.EnsureAsync(i % 2 == 0 ? "contended" : "CONTENDED", CancellationToken.None))));

        Assert.Single(records.Distinct());
        Assert.Equal(1, await Harness.CountRowsAsync("instances"));
    }

    [SkippableFact]
    public async Task Instances_are_seen_by_another_store_over_the_same_database()
    {
        var writer = await OpenMigratedStoreAsync();
        var created = await writer.Instances.EnsureAsync("shared", CancellationToken.None);
        var reader = Harness.OpenStore();

        var found = await reader.Instances.FindByNameAsync("shared", CancellationToken.None);

        Assert.Equal(created, found);
    }
}
