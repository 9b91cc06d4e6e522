using Doppel.Storage.DataPlane;
using Doppel.Storage.Identity;
using Doppel.Storage.Tests.Support;

namespace Doppel.Storage.Tests.Contracts;

/// <summary>The identity plane's directory (<see cref="IDirectoryStore"/>), the same on every engine.</summary>
public abstract class DirectoryStoreContractTests : StoreContractTests
{
    private const string Tenant = "11111111-1111-1111-1111-111111111111";
    private const string OtherTenant = "22222222-2222-2222-2222-222222222222";

    private async Task<IDirectoryStore> OpenDirectoryAsync() => Harness.OpenDirectory(await OpenMigratedStoreAsync());

    private static DirectoryObject User(string id, string? name, string document = "{}", string tenant = Tenant) =>
        new(tenant, "user", id, name, document);

    [SkippableFact]
    public async Task A_created_object_is_found_by_id_and_by_its_unique_name_in_any_case()
    {
        var directory = await OpenDirectoryAsync();

        var outcome = await directory.CreateAsync(User("u1", "Ada@Contoso.Example", """{"displayName":"Ada"}"""), CancellationToken.None);
        var byId = await directory.FindAsync(Tenant, "user", "u1", CancellationToken.None);
        var byName = await directory.FindByNameAsync(Tenant, "user", "ADA@contoso.example", CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.Written, outcome);
        Assert.Equal(new DirectoryObject(Tenant, "user", "u1", "ada@contoso.example", """{"displayName":"Ada"}""", 1), byId);
        Assert.Equal(byId, byName);
    }

    [SkippableFact]
    public async Task A_unique_name_is_unique_per_tenant_and_kind_but_not_across_them()
    {
        var directory = await OpenDirectoryAsync();
        await directory.CreateAsync(User("u1", "ada@contoso.example"), CancellationToken.None);

        var sameTenant = await directory.CreateAsync(User("u2", "ADA@contoso.example"), CancellationToken.None);
        var otherTenant = await directory.CreateAsync(User("u2", "ada@contoso.example", tenant: OtherTenant), CancellationToken.None);
        var otherKind = await directory.CreateAsync(new DirectoryObject(Tenant, "group", "g1", "ada@contoso.example", "{}"), CancellationToken.None);
        var sameId = await directory.CreateAsync(User("u1", "someone@contoso.example"), CancellationToken.None);
        var noNames = await Task.WhenAll(
            directory.CreateAsync(User("u3", null), CancellationToken.None),
            directory.CreateAsync(User("u4", null), CancellationToken.None));

        Assert.Equal(StoreWriteOutcome.AlreadyExists, sameTenant);
        Assert.Equal(StoreWriteOutcome.Written, otherTenant);
        Assert.Equal(StoreWriteOutcome.Written, otherKind);
        Assert.Equal(StoreWriteOutcome.AlreadyExists, sameId);
        Assert.All(noNames, o => Assert.Equal(StoreWriteOutcome.Written, o));
        Assert.Null(await directory.FindAsync(Tenant, "user", "u2", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Listing_returns_the_tenants_objects_of_one_kind_in_id_order()
    {
        var directory = await OpenDirectoryAsync();
        foreach (var id in new[] { "c", "a", "b" })
        {
            await directory.CreateAsync(User(id, null), CancellationToken.None);
        }

        await directory.CreateAsync(User("d", null, tenant: OtherTenant), CancellationToken.None);
        await directory.CreateAsync(new DirectoryObject(Tenant, "group", "e", null, "{}"), CancellationToken.None);

        var users = await directory.ListAsync(Tenant, "user", CancellationToken.None);

        Assert.Equal(["a", "b", "c"], users.Select(u => u.Id));
    }

    [SkippableFact]
    public async Task A_replace_needs_the_current_version_and_raises_it()
    {
        var directory = await OpenDirectoryAsync();
        await directory.CreateAsync(User("u1", "ada@contoso.example", """{"n":1}"""), CancellationToken.None);

        var stale = await directory.ReplaceAsync(User("u1", "ada@contoso.example", """{"n":0}"""), 7, CancellationToken.None);
        var first = await directory.ReplaceAsync(User("u1", "ada.l@contoso.example", """{"n":2}"""), 1, CancellationToken.None);
        var again = await directory.ReplaceAsync(User("u1", "ada@contoso.example", """{"n":3}"""), 1, CancellationToken.None);
        var missing = await directory.ReplaceAsync(User("nobody", null), 1, CancellationToken.None);
        var current = await directory.FindAsync(Tenant, "user", "u1", CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.PreconditionFailed, stale);
        Assert.Equal(StoreWriteOutcome.Written, first);
        Assert.Equal(StoreWriteOutcome.PreconditionFailed, again);
        Assert.Equal(StoreWriteOutcome.NotFound, missing);
        Assert.Equal(new DirectoryObject(Tenant, "user", "u1", "ada.l@contoso.example", """{"n":2}""", 2), current);
        Assert.Null(await directory.FindByNameAsync(Tenant, "user", "ada@contoso.example", CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_replace_cannot_take_another_objects_unique_name()
    {
        var directory = await OpenDirectoryAsync();
        await directory.CreateAsync(User("u1", "ada@contoso.example"), CancellationToken.None);
        await directory.CreateAsync(User("u2", "alan@contoso.example"), CancellationToken.None);

        var outcome = await directory.ReplaceAsync(User("u2", "Ada@contoso.example", """{"x":1}"""), 1, CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.AlreadyExists, outcome);
        Assert.Equal(1, (await directory.FindAsync(Tenant, "user", "u2", CancellationToken.None))!.Version);
    }

    [SkippableFact]
    public async Task Concurrent_replaces_of_one_version_have_exactly_one_winner()
    {
        var directory = await OpenDirectoryAsync();
        await directory.CreateAsync(User("u1", null), CancellationToken.None);
        var others = Enumerable.Range(0, 4).Select(_ => Harness.OpenDirectory(Harness.OpenStore())).ToList();

        var outcomes = await Task.WhenAll(others.Select((d, i) => d.ReplaceAsync(User("u1", null, $$"""{"by":{{i}}}"""), 1, CancellationToken.None)));

        Assert.Single(outcomes, o => o == StoreWriteOutcome.Written);
        Assert.Equal(2, (await directory.FindAsync(Tenant, "user", "u1", CancellationToken.None))!.Version);
    }

    [SkippableFact]
    public async Task A_deleted_object_frees_its_id_and_name()
    {
        var directory = await OpenDirectoryAsync();
        await directory.CreateAsync(User("u1", "ada@contoso.example"), CancellationToken.None);

        var deleted = await directory.DeleteAsync(Tenant, "user", "u1", CancellationToken.None);
        var again = await directory.DeleteAsync(Tenant, "user", "u1", CancellationToken.None);
        var recreated = await directory.CreateAsync(User("u1", "ada@contoso.example"), CancellationToken.None);

        Assert.Equal(StoreWriteOutcome.Written, deleted);
        Assert.Equal(StoreWriteOutcome.NotFound, again);
        Assert.Equal(StoreWriteOutcome.Written, recreated);
    }

    [SkippableFact]
    public async Task Objects_survive_a_new_store_on_the_same_database()
    {
        var directory = await OpenDirectoryAsync();
        await directory.CreateAsync(User("u1", "ada@contoso.example", """{"k":"v"}"""), CancellationToken.None);

        var reopened = Harness.OpenDirectory(Harness.OpenStore());
        var found = await reopened.FindByNameAsync(Tenant, "user", "ada@contoso.example", CancellationToken.None);

        Assert.Equal("""{"k":"v"}""", found?.Document);
    }
}
