using System.Net;
using System.Text.Json;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests.ControlPlane;

/// <summary>
/// <c>Microsoft.DigitalTwins/digitalTwinsInstances</c> through the ARM-shaped API: the asynchronous create and delete,
/// get, patch, lists with absolute next links, name rules and checkNameAvailability, as the 2023-01-31 Swagger has them.
/// </summary>
public sealed class DigitalTwinsInstancesApiTests(ArmServer server) : IClassFixture<ArmServer>
{
    private const string Version = "?api-version=" + ArmServer.DigitalTwinsApiVersion;

    [Fact]
    public async Task Creating_an_instance_answers_201_Provisioning_with_absolute_polling_urls_and_its_operation_reaches_Succeeded()
    {
        using var arm = server.Arm();
        var group = ArmServer.NewName("rg");
        var name = ArmServer.NewName();
        await arm.CreateGroupAsync(group);

        using var response = await arm.PutAsync(ArmServer.InstancePath(group, name) + Version, """{"location":"Local","tags":{"purpose":"test"}}""");

        await Adt.OkAsync(response, HttpStatusCode.Created);
        var body = await Adt.JsonAsync(response);
        Assert.Equal("Provisioning", body.GetProperty("properties").GetProperty("provisioningState").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("properties").GetProperty("hostName").ValueKind);
        Assert.Equal("Microsoft.DigitalTwins/digitalTwinsInstances", body.GetProperty("type").GetString());
        Assert.Equal("local", body.GetProperty("location").GetString());
        Assert.Equal("test", body.GetProperty("tags").GetProperty("purpose").GetString());
        Assert.Equal($"/subscriptions/{ArmServer.SubscriptionId}/resourcegroups/{group}/providers/Microsoft.DigitalTwins/digitalTwinsInstances/{name}", body.GetProperty("id").GetString());
        var polling = response.Headers.GetValues("Azure-AsyncOperation").Single();
        Assert.StartsWith($"{server.Origin}/subscriptions/{ArmServer.SubscriptionId}/providers/Microsoft.DigitalTwins/locations/local/operationStatuses/", polling, StringComparison.Ordinal);
        Assert.StartsWith("https://", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());

        Assert.Equal("Succeeded", await arm.PollAsync(polling));
        using var get = await arm.GetAsync(ArmServer.InstancePath(group, name) + Version);
        var created = await Adt.JsonAsync(get);
        Assert.Equal("Succeeded", created.GetProperty("properties").GetProperty("provisioningState").GetString());
        Assert.Equal($"{name}.api.local.digitaltwins.localhost:{server.Server.Port}", created.GetProperty("properties").GetProperty("hostName").GetString());
        Assert.Equal($"{ArmServer.OwnerId}@doppel.test", created.GetProperty("systemData").GetProperty("createdBy").GetString());
        Assert.Equal("User", created.GetProperty("systemData").GetProperty("createdByType").GetString());
    }

    [Fact]
    public async Task An_instance_created_through_ARM_answers_on_the_data_plane_once_a_Data_Owner_role_is_assigned()
    {
        using var arm = server.Arm();
        var group = ArmServer.NewName("rg");
        var name = ArmServer.NewName();
        await arm.CreateGroupAsync(group);
        Assert.Equal("Succeeded", await arm.CreateInstanceAsync(group, name));
        using var owner = server.DataPlane(name, ArmServer.OwnerId);

        // Owner of the subscription is a control-plane role: it has no data actions, as in Azure.
        using var before = await owner.GetAsync("models");
        await Adt.ErrorAsync(before, HttpStatusCode.Forbidden, "Forbidden");

        await arm.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.DataOwnerRole, ArmServer.OwnerId);
        using var after = await owner.GetAsync("models");
        await Adt.OkAsync(after);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("-abc")]
    [InlineData("abc-")]
    [InlineData("a_bc")]
    [InlineData("a.bc")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public async Task Instance_names_that_break_the_rules_are_refused_with_InvalidResourceName(string name)
    {
        using var arm = server.Arm();
        var group = ArmServer.NewName("rg");
        await arm.CreateGroupAsync(group);

        using var response = await arm.PutAsync(ArmServer.InstancePath(group, name) + Version, """{"location":"local"}""");

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidResourceName");
    }

    [Fact]
    public async Task A_name_already_used_by_another_instance_is_refused_with_a_request_for_another_name()
    {
        using var arm = server.Arm();
        var first = ArmServer.NewName("rg");
        var second = ArmServer.NewName("rg");
        var name = ArmServer.NewName();
        await arm.CreateGroupAsync(first);
        await arm.CreateGroupAsync(second);
        Assert.Equal("Succeeded", await arm.CreateInstanceAsync(first, name));

        using var response = await arm.PutAsync(ArmServer.InstancePath(second, name.ToUpperInvariant()) + Version, """{"location":"local"}""");
        using var check = await arm.SendAsync(HttpMethod.Post, $"/subscriptions/{ArmServer.SubscriptionId}/providers/Microsoft.DigitalTwins/locations/local/checkNameAvailability{Version}",
            $$"""{"name":"{{name}}","type":"Microsoft.DigitalTwins/digitalTwinsInstances"}""");
        using var invalid = await arm.SendAsync(HttpMethod.Post, $"/subscriptions/{ArmServer.SubscriptionId}/providers/Microsoft.DigitalTwins/locations/local/checkNameAvailability{Version}",
            """{"name":"-x","type":"Microsoft.DigitalTwins/digitalTwinsInstances"}""");
        using var free = await arm.SendAsync(HttpMethod.Post, $"/subscriptions/{ArmServer.SubscriptionId}/providers/Microsoft.DigitalTwins/locations/local/checkNameAvailability{Version}",
            $$"""{"name":"{{ArmServer.NewName()}}","type":"Microsoft.DigitalTwins/digitalTwinsInstances"}""");

        var error = await Adt.ErrorAsync(response, HttpStatusCode.Conflict, "NameUnavailable");
        Assert.Contains("Please specify a different name", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        var taken = await Adt.JsonAsync(check);
        Assert.False(taken.GetProperty("nameAvailable").GetBoolean());
        Assert.Equal("AlreadyExists", taken.GetProperty("reason").GetString());
        Assert.Equal("Invalid", (await Adt.JsonAsync(invalid)).GetProperty("reason").GetString());
        Assert.True((await Adt.JsonAsync(free)).GetProperty("nameAvailable").GetBoolean());
    }

    [Fact]
    public async Task The_name_of_an_instance_created_outside_the_control_plane_is_taken_too()
    {
        using var arm = server.Arm();
        var group = ArmServer.NewName("rg");
        await arm.CreateGroupAsync(group);

        using var response = await arm.PutAsync(ArmServer.InstancePath(group, "main") + Version, """{"location":"local"}""");

        await Adt.ErrorAsync(response, HttpStatusCode.Conflict, "NameUnavailable");
    }

    [Fact]
    public async Task Lists_by_resource_group_and_subscription_page_with_absolute_next_links()
    {
        using var arm = server.Arm();
        var group = ArmServer.NewName("rg");
        await arm.CreateGroupAsync(group);
        var names = new[] { ArmServer.NewName("a"), ArmServer.NewName("b"), ArmServer.NewName("c") };
        foreach (var name in names)
        {
            Assert.Equal("Succeeded", await arm.CreateInstanceAsync(group, name));
        }

        var seen = new List<string>();
        string? next = $"/subscriptions/{ArmServer.SubscriptionId}/resourceGroups/{group}/providers/Microsoft.DigitalTwins/digitalTwinsInstances{Version}";
        var pages = 0;
        while (next is not null)
        {
            using var page = await arm.GetAsync(next);
            var body = await Adt.JsonAsync(page);
            seen.AddRange(body.GetProperty("value").EnumerateArray().Select(v => v.GetProperty("name").GetString()!));
            next = body.TryGetProperty("nextLink", out var link) && link.ValueKind == JsonValueKind.String ? link.GetString() : null;
            if (next is not null)
            {
                Assert.StartsWith("https://", next, StringComparison.Ordinal);
            }

            pages++;
        }

        using var bySubscription = await arm.GetAsync($"/subscriptions/{ArmServer.SubscriptionId}/providers/Microsoft.DigitalTwins/digitalTwinsInstances{Version}");

        Assert.Equal(2, pages);
        Assert.Equal(names.Order(StringComparer.Ordinal), seen);
        Assert.True((await Adt.JsonAsync(bySubscription)).TryGetProperty("nextLink", out _));
    }

    [Fact]
    public async Task Deleting_an_instance_answers_202_with_an_operation_and_deletes_its_data()
    {
        using var arm = server.Arm();
        var group = ArmServer.NewName("rg");
        var name = ArmServer.NewName();
        await arm.CreateGroupAsync(group);
        Assert.Equal("Succeeded", await arm.CreateInstanceAsync(group, name));
        await arm.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.DataOwnerRole, ArmServer.OwnerId);
        using var data = server.DataPlane(name, ArmServer.OwnerId);
        using var upload = await data.PostAsync("models", Samples.Models());
        await Adt.OkAsync(upload, HttpStatusCode.Created);

        using var delete = await arm.DeleteAsync(ArmServer.InstancePath(group, name) + Version);

        await Adt.OkAsync(delete, HttpStatusCode.Accepted);
        Assert.Equal("Deleting", (await Adt.JsonAsync(delete)).GetProperty("properties").GetProperty("provisioningState").GetString());
        Assert.Equal("Succeeded", await arm.PollAsync(delete.Headers.GetValues("Azure-AsyncOperation").Single()));
        using var get = await arm.GetAsync(ArmServer.InstancePath(group, name) + Version);
        await Adt.ErrorAsync(get, HttpStatusCode.NotFound, "ResourceNotFound");
        using var gone = await data.GetAsync("models");
        await Adt.ErrorAsync(gone, HttpStatusCode.NotFound, "InstanceNotFound");
        using var again = await arm.DeleteAsync(ArmServer.InstancePath(group, name) + Version);
        await Adt.OkAsync(again, HttpStatusCode.NoContent);
        Assert.Equal("Succeeded", await arm.CreateInstanceAsync(group, name));
        await arm.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.DataOwnerRole, ArmServer.OwnerId);
        using var empty = await data.GetAsync("models");
        Assert.Equal(0, (await Adt.JsonAsync(empty)).GetProperty("value").GetArrayLength());
    }

    [Fact]
    public async Task Patch_replaces_the_tags_and_answers_the_instance_at_once()
    {
        using var arm = server.Arm();
        var group = ArmServer.NewName("rg");
        var name = ArmServer.NewName();
        await arm.CreateGroupAsync(group);
        Assert.Equal("Succeeded", await arm.CreateInstanceAsync(group, name));

        using var patch = await arm.SendAsync(HttpMethod.Patch, ArmServer.InstancePath(group, name) + Version, """{"tags":{"env":"dev"}}""");

        await Adt.OkAsync(patch);
        Assert.Equal("dev", (await Adt.JsonAsync(patch)).GetProperty("tags").GetProperty("env").GetString());
    }

    [Fact]
    public async Task Bad_requests_get_ARM_errors_not_500()
    {
        using var arm = server.Arm();
        using var anonymous = new ArmClient(server, string.Empty);
        using var dataToken = new ArmClient(server, server.Server.Token);
        var group = ArmServer.NewName("rg");
        await arm.CreateGroupAsync(group);
        var path = ArmServer.InstancePath(group, ArmServer.NewName());

        await Adt.ErrorAsync(await anonymous.GetAsync(path + Version), HttpStatusCode.Unauthorized, "AuthenticationFailed");
        await Adt.ErrorAsync(await dataToken.GetAsync(path + Version), HttpStatusCode.Unauthorized, "InvalidAuthenticationToken");
        await Adt.ErrorAsync(await arm.GetAsync(path), HttpStatusCode.BadRequest, "MissingApiVersionParameter");
        await Adt.ErrorAsync(await arm.GetAsync(path + "?api-version=2020-12-01"), HttpStatusCode.BadRequest, "InvalidApiVersionParameter");
        await Adt.ErrorAsync(await arm.GetAsync(path + Version), HttpStatusCode.NotFound, "ResourceNotFound");
        await Adt.ErrorAsync(await arm.PutAsync(path + Version, "{"), HttpStatusCode.BadRequest, "InvalidRequestContent");
        await Adt.ErrorAsync(await arm.PutAsync(path + Version, "{}"), HttpStatusCode.BadRequest, "InvalidRequestContent");
        await Adt.ErrorAsync(await arm.PutAsync(path + Version, """{"location":"mars"}"""), HttpStatusCode.BadRequest, "LocationNotAvailableForResourceType");
        await Adt.ErrorAsync(await arm.PutAsync(path + Version, """{"location":"local","tags":[1]}"""), HttpStatusCode.BadRequest, "InvalidRequestContent");
        await Adt.ErrorAsync(await arm.PutAsync(ArmServer.InstancePath("no-such-group", ArmServer.NewName()) + Version, """{"location":"local"}"""), HttpStatusCode.NotFound, "ResourceGroupNotFound");
        await Adt.ErrorAsync(await arm.GetAsync($"/subscriptions/{Guid.NewGuid()}/providers/Microsoft.DigitalTwins/digitalTwinsInstances{Version}"), HttpStatusCode.NotFound, "SubscriptionNotFound");
    }

    [Fact]
    public async Task The_operations_list_names_the_control_and_data_actions()
    {
        using var arm = server.Arm();

        using var response = await arm.GetAsync("/providers/Microsoft.DigitalTwins/operations" + Version);

        var operations = (await Adt.JsonAsync(response)).GetProperty("value").EnumerateArray().ToList();
        Assert.Contains(operations, o => o.GetProperty("name").GetString() == "Microsoft.DigitalTwins/digitalTwinsInstances/write" && !o.GetProperty("isDataAction").GetBoolean());
        Assert.Contains(operations, o => o.GetProperty("name").GetString() == "Microsoft.DigitalTwins/models/read" && o.GetProperty("isDataAction").GetBoolean());
    }
}
