using Doppel.Storage.DataPlane;
using Doppel.Storage.Management;
using Doppel.Storage.Tests.Support;

namespace Doppel.Storage.Tests.Contracts;

/// <summary>The control plane's store (<see cref="IManagementStore"/>), the same on every engine.</summary>
public abstract class ManagementStoreContractTests : StoreContractTests
{
    private const string Sub = "6a1f2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b";
    private static readonly DateTimeOffset Now = FixedTimeProvider.Default;

    [SkippableFact]
    public async Task A_subscription_is_created_once_and_found_without_regard_to_case()
    {
        var (_, management) = await OpenAsync();

        var first = await management.EnsureSubscriptionAsync(new SubscriptionRecord(Sub, "One", "tenant", Now), CancellationToken.None);
        var second = await management.EnsureSubscriptionAsync(new SubscriptionRecord(Sub, "Two", null, Now), CancellationToken.None);
        var found = await management.GetSubscriptionAsync(Sub.ToUpperInvariant(), CancellationToken.None);

        Assert.True(first);
        Assert.False(second);
        Assert.Equal(new SubscriptionRecord(Sub, "One", "tenant", Now), found);
        Assert.Single(await management.ListSubscriptionsAsync(CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_resource_group_put_twice_is_created_then_gets_the_new_tags_and_keeps_its_name()
    {
        var (_, management) = await OpenWithSubscriptionAsync();

        var created = await management.PutResourceGroupAsync(Group("My-RG", """{"a":"1"}"""), CancellationToken.None);
        var updated = await management.PutResourceGroupAsync(Group("my-rg", """{"b":"2"}"""), CancellationToken.None);
        var found = await management.GetResourceGroupAsync(Sub, "MY-RG", CancellationToken.None);

        Assert.True(created);
        Assert.False(updated);
        Assert.Equal("My-RG", found!.Name);
        Assert.Equal("""{"b":"2"}""", found.TagsJson);
    }

    [SkippableFact]
    public async Task Creating_an_instance_writes_the_resource_its_operation_and_the_data_plane_instance()
    {
        var (store, management) = await OpenWithGroupAsync();
        var resource = Resource("Plant-1", "rg");

        var outcome = await management.CreateDigitalTwinsAsync(resource, Operation("op-1", resource), 0, CancellationToken.None);

        Assert.Equal(ResourceCreateOutcome.Created, outcome);
        Assert.Equal(resource with { SubscriptionId = Sub }, await management.GetDigitalTwinsAsync(Sub, "RG", "plant-1", CancellationToken.None));
        Assert.Equal(resource, await management.FindDigitalTwinsByInstanceAsync(resource.InstanceId, CancellationToken.None));
        Assert.Equal("Running", (await management.GetOperationAsync(Sub, "op-1", CancellationToken.None))!.Status);
        var instance = await store.Instances.FindByNameAsync("plant-1", CancellationToken.None);
        Assert.Equal(resource.InstanceId, instance!.Id);
    }

    [SkippableFact]
    public async Task Concurrent_creates_never_pass_the_instance_quota_of_their_location()
    {
        var (_, management) = await OpenWithGroupAsync();
        var elsewhere = Resource("elsewhere", "rg") with { Location = "other" };
        Assert.Equal(ResourceCreateOutcome.Created, await management.CreateDigitalTwinsAsync(elsewhere, Operation("op-x", elsewhere), 3, CancellationToken.None));

        // Eight creates at once against a quota of three in "local": the instance in "other" does not count.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var resource = Resource($"plant-{i}", "rg");
            return await management.CreateDigitalTwinsAsync(resource, Operation($"op-{i}", resource), 3, CancellationToken.None);
        })));

        Assert.Equal(3, outcomes.Count(o => o == ResourceCreateOutcome.Created));
        Assert.Equal(5, outcomes.Count(o => o == ResourceCreateOutcome.QuotaReached));
        Assert.Equal(3, (await management.ListDigitalTwinsAsync(Sub, null, CancellationToken.None)).Count(r => r.Location == "local"));
    }

    [SkippableFact]
    public async Task An_instance_name_is_taken_server_wide_and_a_missing_group_is_reported()
    {
        var (store, management) = await OpenWithGroupAsync();
        await management.PutResourceGroupAsync(Group("other"), CancellationToken.None);
        await store.Instances.EnsureAsync("legacy", CancellationToken.None);
        var first = Resource("plant", "rg");
        await management.CreateDigitalTwinsAsync(first, Operation("op-1", first), 0, CancellationToken.None);

        var samePath = await management.CreateDigitalTwinsAsync(Resource("PLANT", "rg"), Operation("op-2", first), 0, CancellationToken.None);
        var otherGroup = await management.CreateDigitalTwinsAsync(Resource("plant", "other"), Operation("op-3", first), 0, CancellationToken.None);
        var legacy = await management.CreateDigitalTwinsAsync(Resource("legacy", "rg"), Operation("op-4", first), 0, CancellationToken.None);
        var noGroup = await management.CreateDigitalTwinsAsync(Resource("fresh", "missing"), Operation("op-5", first), 0, CancellationToken.None);

        Assert.Equal(ResourceCreateOutcome.AlreadyExists, samePath);
        Assert.Equal(ResourceCreateOutcome.NameTaken, otherGroup);
        Assert.Equal(ResourceCreateOutcome.NameTaken, legacy);
        Assert.Equal(ResourceCreateOutcome.ResourceGroupNotFound, noGroup);
        Assert.Null(await management.GetOperationAsync(Sub, "op-3", CancellationToken.None));
    }

    [SkippableFact]
    public async Task An_update_applies_only_in_the_expected_state_and_an_operation_finishes_once()
    {
        var (_, management) = await OpenWithGroupAsync();
        var resource = Resource("plant", "rg");
        await management.CreateDigitalTwinsAsync(resource, Operation("op-1", resource), 0, CancellationToken.None);
        var succeeded = resource with { ProvisioningState = "Succeeded", TagsJson = """{"x":"y"}""" };

        var wrongState = await management.UpdateDigitalTwinsAsync(succeeded, "Updating", null, CancellationToken.None);
        var rightState = await management.UpdateDigitalTwinsAsync(succeeded, "Provisioning", Operation("op-2", resource), CancellationToken.None);
        var finished = await management.FinishOperationAsync(Sub, "op-1", "Succeeded", null, null, Now, CancellationToken.None);
        var again = await management.FinishOperationAsync(Sub, "op-1", "Failed", "X", "x", Now, CancellationToken.None);

        Assert.False(wrongState);
        Assert.True(rightState);
        Assert.Equal(succeeded, await management.GetDigitalTwinsAsync(Sub, "rg", "plant", CancellationToken.None));
        Assert.NotNull(await management.GetOperationAsync(Sub, "op-2", CancellationToken.None));
        Assert.True(finished);
        Assert.False(again);
        var operation = await management.GetOperationAsync(Sub, "op-1", CancellationToken.None);
        Assert.Equal(("Succeeded", (string?)null, (DateTimeOffset?)Now), (operation!.Status, operation.ErrorCode, operation.EndedAt));
    }

    [SkippableFact]
    public async Task Deleting_an_instance_deletes_its_data_and_frees_its_name_but_leaves_other_instances_alone()
    {
        var (store, management) = await OpenWithGroupAsync();
        var resource = Resource("plant", "rg");
        await management.CreateDigitalTwinsAsync(resource, Operation("op-1", resource), 0, CancellationToken.None);
        var other = await store.Instances.EnsureAsync("other", CancellationToken.None);
        var data = Harness.OpenDataPlane(store);
        foreach (var instanceId in new[] { resource.InstanceId, other.Id })
        {
            Assert.Equal(StoreWriteOutcome.Written, await data.Twins.WriteAsync(
                instanceId, new StoredTwin("t1", "dtmi:example:Room;1", "W/\"1\"", """{"$dtId":"t1"}"""), StoreWriteMode.CreateOnly, null, 1000,
                new ChangeEvent(Guid.NewGuid().ToString(), "Test", "t1", Now, null, "{}"), CancellationToken.None));
        }

        var deleted = await management.DeleteDigitalTwinsAsync(Sub, "RG", "PLANT", CancellationToken.None);
        var again = await management.DeleteDigitalTwinsAsync(Sub, "rg", "plant", CancellationToken.None);

        Assert.True(deleted);
        Assert.False(again);
        Assert.Null(await store.Instances.FindByNameAsync("plant", CancellationToken.None));
        Assert.Null(await data.Twins.GetAsync(resource.InstanceId, "t1", CancellationToken.None));
        Assert.NotNull(await data.Twins.GetAsync(other.Id, "t1", CancellationToken.None));
        Assert.Equal(ResourceCreateOutcome.Created, await management.CreateDigitalTwinsAsync(Resource("plant", "rg"), Operation("op-2", resource), 0, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_resource_group_is_deleted_only_when_it_holds_no_instances()
    {
        var (_, management) = await OpenWithGroupAsync();
        var resource = Resource("plant", "rg");
        await management.CreateDigitalTwinsAsync(resource, Operation("op-1", resource), 0, CancellationToken.None);

        var whileFull = await management.DeleteResourceGroupAsync(Sub, "rg", CancellationToken.None);
        await management.DeleteDigitalTwinsAsync(Sub, "rg", "plant", CancellationToken.None);
        var whenEmpty = await management.DeleteResourceGroupAsync(Sub, "RG", CancellationToken.None);

        Assert.False(whileFull);
        Assert.True(whenEmpty);
        Assert.Null(await management.GetResourceGroupAsync(Sub, "rg", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Instances_are_listed_by_subscription_or_group_in_group_then_name_order()
    {
        var (_, management) = await OpenWithGroupAsync();
        await management.PutResourceGroupAsync(Group("a-rg"), CancellationToken.None);
        foreach (var (name, group) in new[] { ("zeta", "a-rg"), ("beta", "rg"), ("alpha", "rg") })
        {
            var resource = Resource(name, group);
            await management.CreateDigitalTwinsAsync(resource, Operation("op-" + name, resource), 0, CancellationToken.None);
        }

        var all = await management.ListDigitalTwinsAsync(Sub, null, CancellationToken.None);
        var inGroup = await management.ListDigitalTwinsAsync(Sub, "RG", CancellationToken.None);

        Assert.Equal(["zeta", "alpha", "beta"], all.Select(r => r.Name));
        Assert.Equal(["alpha", "beta"], inGroup.Select(r => r.Name));
    }

    [SkippableFact]
    public async Task Role_assignments_refuse_a_taken_id_and_a_duplicate_grant_and_are_deleted_once()
    {
        var (_, management) = await OpenWithSubscriptionAsync();
        var assignment = new RoleAssignmentRecord(Sub, "11111111-1111-1111-1111-111111111111", $"/subscriptions/{Sub}/resourceGroups/RG", "bcd981a7-7f74-457b-83e1-cceb9e632ffe", "user-1", "User", Now, "admin");

        var created = await management.CreateRoleAssignmentAsync(assignment, CancellationToken.None);
        var sameId = await management.CreateRoleAssignmentAsync(assignment with { PrincipalId = "user-2" }, CancellationToken.None);
        var duplicate = await management.CreateRoleAssignmentAsync(assignment with { Id = "22222222-2222-2222-2222-222222222222", Scope = $"/subscriptions/{Sub}/resourcegroups/rg" }, CancellationToken.None);
        var listed = await management.ListRoleAssignmentsAsync(Sub, CancellationToken.None);
        var deleted = await management.DeleteRoleAssignmentAsync(Sub, assignment.Id, CancellationToken.None);
        var again = await management.DeleteRoleAssignmentAsync(Sub, assignment.Id, CancellationToken.None);

        Assert.Equal(RoleAssignmentCreateOutcome.Created, created);
        Assert.Equal(RoleAssignmentCreateOutcome.IdTaken, sameId);
        Assert.Equal(RoleAssignmentCreateOutcome.Duplicate, duplicate);
        Assert.Equal([assignment], listed);
        Assert.True(deleted);
        Assert.False(again);
        Assert.Null(await management.GetRoleAssignmentAsync(Sub, assignment.Id, CancellationToken.None));
    }

    [SkippableFact]
    public async Task The_activity_log_lists_a_subscriptions_entries_newest_first_from_a_time_on()
    {
        var (_, management) = await OpenWithSubscriptionAsync();
        for (var i = 0; i < 3; i++)
        {
            await management.AppendActivityAsync(new ActivityRecord(Sub, $"e{i}", Now.AddMinutes(i), "user@test", "oid", "Microsoft.Resources/subscriptions/resourceGroups/write", $"/subscriptions/{Sub}/resourceGroups/rg{i}", "Succeeded", 201), CancellationToken.None);
        }

        await management.AppendActivityAsync(new ActivityRecord("11111111-0000-0000-0000-000000000000", "other", Now, "x", "x", "x", "x", "Failed", 403), CancellationToken.None);

        var all = await management.ListActivityAsync(Sub, Now, 10, CancellationToken.None);
        var recent = await management.ListActivityAsync(Sub, Now.AddMinutes(1), 10, CancellationToken.None);
        var limited = await management.ListActivityAsync(Sub, Now, 1, CancellationToken.None);

        Assert.Equal(["e2", "e1", "e0"], all.Select(e => e.Id));
        Assert.Equal(new ActivityRecord(Sub, "e0", Now, "user@test", "oid", "Microsoft.Resources/subscriptions/resourceGroups/write", $"/subscriptions/{Sub}/resourceGroups/rg0", "Succeeded", 201), all[2]);
        Assert.Equal(["e2", "e1"], recent.Select(e => e.Id));
        Assert.Equal(["e2"], limited.Select(e => e.Id));
    }

    [SkippableFact]
    public async Task An_endpoint_put_twice_is_created_then_replaced_keeping_its_creation_and_is_found_without_regard_to_case()
    {
        var (_, management) = await OpenWithGroupAsync();
        var resource = Resource("plant", "rg");
        await management.CreateDigitalTwinsAsync(resource, Operation("op-1", resource), 0, CancellationToken.None);
        var first = Endpoint(resource, "Hub-1", """{"a":1}""", "v1.secret");
        var later = Now.AddMinutes(5);

        var created = await management.PutEndpointAsync(first, 6, CancellationToken.None);
        var replaced = await management.PutEndpointAsync(
            first with { Name = "hub-1", PropertiesJson = """{"b":2}""", ProtectedSecrets = null, UpdatedAt = later, CreatedAt = later, CreatedBy = "other", LastModifiedBy = "other" },
            6, CancellationToken.None);
        var found = await management.GetEndpointAsync(Sub.ToUpperInvariant(), resource.InstanceId, "HUB-1", CancellationToken.None);

        Assert.Equal(EndpointPutOutcome.Created, created);
        Assert.Equal(EndpointPutOutcome.Updated, replaced);
        Assert.Equal(first with { PropertiesJson = """{"b":2}""", ProtectedSecrets = null, UpdatedAt = later, LastModifiedBy = "other" }, found);
        Assert.Single(await management.ListEndpointsAsync(Sub, resource.InstanceId, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Endpoints_are_limited_per_instance_need_a_live_instance_and_go_with_their_instance()
    {
        var (store, management) = await OpenWithGroupAsync();
        var resource = Resource("plant", "rg");
        await management.CreateDigitalTwinsAsync(resource, Operation("op-1", resource), 0, CancellationToken.None);
        var legacy = await store.Instances.EnsureAsync("legacy", CancellationToken.None);

        var first = await management.PutEndpointAsync(Endpoint(resource, "b-two", "{}", null), 2, CancellationToken.None);
        var second = await management.PutEndpointAsync(Endpoint(resource, "a-one", "{}", null), 2, CancellationToken.None);
        var third = await management.PutEndpointAsync(Endpoint(resource, "c-three", "{}", null), 2, CancellationToken.None);
        var replaceAtLimit = await management.PutEndpointAsync(Endpoint(resource, "a-one", """{"x":1}""", null), 2, CancellationToken.None);
        var outside = await management.PutEndpointAsync(Endpoint(resource, "x-one", "{}", null) with { InstanceId = legacy.Id }, 2, CancellationToken.None);
        var listed = await management.ListEndpointsAsync(Sub, resource.InstanceId, CancellationToken.None);
        var deletedOnce = await management.DeleteEndpointAsync(Sub, resource.InstanceId, "B-TWO", CancellationToken.None);
        var deletedTwice = await management.DeleteEndpointAsync(Sub, resource.InstanceId, "b-two", CancellationToken.None);
        await management.DeleteDigitalTwinsAsync(Sub, "rg", "plant", CancellationToken.None);

        Assert.Equal([EndpointPutOutcome.Created, EndpointPutOutcome.Created, EndpointPutOutcome.LimitReached, EndpointPutOutcome.Updated, EndpointPutOutcome.InstanceNotFound],
            [first, second, third, replaceAtLimit, outside]);
        Assert.Equal(["a-one", "b-two"], listed.Select(e => e.Name));
        Assert.True(deletedOnce);
        Assert.False(deletedTwice);
        Assert.Empty(await management.ListEndpointsAsync(Sub, resource.InstanceId, CancellationToken.None));
    }

    private async Task<(IStore Store, IManagementStore Management)> OpenAsync()
    {
        var store = await OpenMigratedStoreAsync();
        return (store, Harness.OpenManagement(store));
    }

    private async Task<(IStore Store, IManagementStore Management)> OpenWithSubscriptionAsync()
    {
        var (store, management) = await OpenAsync();
        await management.EnsureSubscriptionAsync(new SubscriptionRecord(Sub, "Test", null, Now), CancellationToken.None);
        return (store, management);
    }

    private async Task<(IStore Store, IManagementStore Management)> OpenWithGroupAsync()
    {
        var (store, management) = await OpenWithSubscriptionAsync();
        await management.PutResourceGroupAsync(Group("rg"), CancellationToken.None);
        return (store, management);
    }

    private static ResourceGroupRecord Group(string name, string tags = "{}") => new(Sub, name, "local", tags, "Succeeded", Now);

    private static DigitalTwinsResourceRecord Resource(string name, string group) => new(
        Sub, group, name, Guid.NewGuid().ToString("N"), "local", "{}", null, "Provisioning", "op", Now, Now, "user@test", "User", "user@test", "User");

    private static DigitalTwinsEndpointRecord Endpoint(DigitalTwinsResourceRecord resource, string name, string properties, string? secrets) => new(
        Sub, resource.InstanceId, name, "EventHub", "KeyBased", properties, secrets, "Succeeded", Now, Now, "user@test", "User", "user@test", "User");

    private static AsyncOperationRecord Operation(string id, DigitalTwinsResourceRecord resource) => new(
        Sub, id, "local", "CreateDigitalTwins", $"/subscriptions/{Sub}/resourceGroups/{resource.ResourceGroup}/providers/Microsoft.DigitalTwins/digitalTwinsInstances/{resource.Name}",
        "Running", null, null, Now, null);
}
