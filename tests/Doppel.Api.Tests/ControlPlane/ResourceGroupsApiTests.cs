using System.Net;
using System.Text.Json;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests.ControlPlane;

/// <summary>Subscriptions and resource groups (<c>Microsoft.Resources</c>), and deleting a group with what is in it.</summary>
public sealed class ResourceGroupsApiTests(ArmServer server) : IClassFixture<ArmServer>
{
    private const string Resources = "?api-version=2021-04-01";

    [Fact]
    public async Task A_subscription_is_listed_to_principals_with_a_role_in_it_only()
    {
        using var owner = server.Arm();
        using var stranger = server.Arm(Guid.NewGuid().ToString());

        using var mine = await owner.GetAsync("/subscriptions" + Resources);
        using var theirs = await stranger.GetAsync("/subscriptions" + Resources);
        using var get = await stranger.GetAsync($"/subscriptions/{ArmServer.SubscriptionId}{Resources}");

        var subscription = Assert.Single((await Adt.JsonAsync(mine)).GetProperty("value").EnumerateArray());
        Assert.Equal(ArmServer.SubscriptionId, subscription.GetProperty("subscriptionId").GetString());
        Assert.Equal("tenant", subscription.GetProperty("tenantId").GetString());
        Assert.Equal(0, (await Adt.JsonAsync(theirs)).GetProperty("value").GetArrayLength());
        await Adt.ErrorAsync(get, HttpStatusCode.NotFound, "SubscriptionNotFound");
    }

    [Fact]
    public async Task A_resource_group_is_created_with_201_updated_with_200_and_refuses_bad_names()
    {
        using var owner = server.Arm();
        var group = ArmServer.NewName("RG");
        var path = $"/subscriptions/{ArmServer.SubscriptionId}/resourcegroups/{group}{Resources}";

        using var created = await owner.PutAsync(path, """{"location":"local","tags":{"a":"b"}}""");
        using var updated = await owner.PutAsync(path, """{"location":"local"}""");
        using var moved = await owner.PutAsync(path, """{"location":"elsewhere"}""");
        using var badName = await owner.PutAsync($"/subscriptions/{ArmServer.SubscriptionId}/resourcegroups/bad.{Resources}", """{"location":"local"}""");

        await Adt.OkAsync(created, HttpStatusCode.Created);
        Assert.Equal(group, (await Adt.JsonAsync(created)).GetProperty("name").GetString());
        await Adt.OkAsync(updated);
        await Adt.ErrorAsync(moved, HttpStatusCode.BadRequest, "LocationNotAvailableForResourceType");
        await Adt.ErrorAsync(badName, HttpStatusCode.BadRequest, "InvalidResourceGroupName");
    }

    [Fact]
    public async Task Deleting_a_resource_group_answers_202_and_deletes_its_instances_and_role_assignments()
    {
        using var owner = server.Arm();
        var group = ArmServer.NewName("rg");
        var name = ArmServer.NewName();
        await owner.CreateGroupAsync(group);
        Assert.Equal("Succeeded", await owner.CreateInstanceAsync(group, name));
        await owner.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.DataOwnerRole, ArmServer.OwnerId);

        using var delete = await owner.DeleteAsync($"/subscriptions/{ArmServer.SubscriptionId}/resourcegroups/{group}{Resources}");

        await Adt.OkAsync(delete, HttpStatusCode.Accepted);
        var location = delete.Headers.Location!.ToString();
        Assert.StartsWith("https://", location, StringComparison.Ordinal);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        HttpStatusCode status;
        do
        {
            using var poll = await owner.GetAsync(location);
            status = poll.StatusCode;
            await Task.Delay(50);
        }
        while (status == HttpStatusCode.Accepted && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
        await Adt.ErrorAsync(await owner.GetAsync($"/subscriptions/{ArmServer.SubscriptionId}/resourcegroups/{group}{Resources}"), HttpStatusCode.NotFound, "ResourceGroupNotFound");
        using var data = server.DataPlane(name, ArmServer.OwnerId);
        await Adt.ErrorAsync(await data.GetAsync("models"), HttpStatusCode.NotFound, "InstanceNotFound");
        using var assignments = await owner.GetAsync($"/subscriptions/{ArmServer.SubscriptionId}/providers/Microsoft.Authorization/roleAssignments?api-version={ArmServer.AuthorizationApiVersion}");
        Assert.DoesNotContain((await Adt.JsonAsync(assignments)).GetProperty("value").EnumerateArray(),
            a => a.GetProperty("properties").GetProperty("scope").GetString()!.Contains(group, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(JsonValueKind.Object, (await Adt.JsonAsync(assignments)).ValueKind);
    }
}

/// <summary>The activity log of control-plane writes (who, what, when, result) per subscription.</summary>
public sealed class ActivityLogApiTests(ArmServer server) : IClassFixture<ArmServer>
{
    [Fact]
    public async Task Control_plane_writes_are_logged_with_caller_operation_resource_and_result_including_refused_ones()
    {
        using var owner = server.Arm();
        var stranger = Guid.NewGuid().ToString();
        using var asStranger = server.Arm(stranger);
        var group = ArmServer.NewName("rg");
        var since = DateTime.UtcNow.AddSeconds(-5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await owner.CreateGroupAsync(group);
        using var refused = await asStranger.PutAsync($"/subscriptions/{ArmServer.SubscriptionId}/resourcegroups/{group}?api-version=2021-04-01", """{"location":"local"}""");
        await Adt.ErrorAsync(refused, HttpStatusCode.Forbidden, "AuthorizationFailed");

        using var log = await owner.GetAsync($"/subscriptions/{ArmServer.SubscriptionId}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=eventTimestamp ge '{since}'");
        using var unreadable = await asStranger.GetAsync($"/subscriptions/{ArmServer.SubscriptionId}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01");

        var entries = (await Adt.JsonAsync(log)).GetProperty("value").EnumerateArray()
            .Where(e => e.GetProperty("resourceId").GetString()!.EndsWith(group, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal(("Failed", $"{stranger}@doppel.test", "403"), (entries[0].GetProperty("status").GetProperty("value").GetString(), entries[0].GetProperty("caller").GetString(), entries[0].GetProperty("subStatus").GetProperty("value").GetString()));
        Assert.Equal(("Succeeded", $"{ArmServer.OwnerId}@doppel.test"), (entries[1].GetProperty("status").GetProperty("value").GetString(), entries[1].GetProperty("caller").GetString()));
        Assert.Equal("Microsoft.Resources/subscriptions/resourceGroups/write", entries[1].GetProperty("operationName").GetProperty("value").GetString());
        await Adt.ErrorAsync(unreadable, HttpStatusCode.Forbidden, "AuthorizationFailed");
    }
}
