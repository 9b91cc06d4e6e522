using System.Net;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests.ControlPlane;

/// <summary>
/// Role assignments and their enforcement: on ARM by actions, on the data plane by ADT's data actions; inheritance
/// from subscription to resource group to instance, group membership through the token's groups claim, revocation
/// within a second, tenant isolation, and that nobody can grant themselves a role without the right to.
/// </summary>
public sealed class AccessControlTests(ArmServer server) : IClassFixture<ArmServer>
{
    private const string Version = "?api-version=" + ArmServer.DigitalTwinsApiVersion;
    private const string AuthorizationVersion = "?api-version=" + ArmServer.AuthorizationApiVersion;
    private static readonly string Subscription = $"/subscriptions/{ArmServer.SubscriptionId}";

    [Fact]
    public async Task A_principal_without_a_role_gets_403_AuthorizationFailed_on_ARM()
    {
        using var stranger = server.Arm(NewPrincipal());

        using var list = await stranger.GetAsync($"/subscriptions/{ArmServer.SubscriptionId}/resourcegroups/any?api-version=2021-04-01");

        var error = await Adt.ErrorAsync(list, HttpStatusCode.Forbidden, "AuthorizationFailed");
        Assert.Contains("Microsoft.Resources/subscriptions/resourceGroups/read", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nobody_without_roleAssignments_write_at_the_scope_can_grant_a_role_even_to_themselves()
    {
        using var owner = server.Arm();
        var (group, name) = await NewInstanceAsync(owner);
        var contributor = NewPrincipal();
        var dataOwner = NewPrincipal();
        await owner.AssignAsync(Subscription, ArmServer.ContributorRole, contributor);
        await owner.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.DataOwnerRole, dataOwner);
        using var asContributor = server.Arm(contributor);
        using var asDataOwner = server.Arm(dataOwner);

        await asContributor.AssignAsync(Subscription, ArmServer.OwnerRole, contributor, expected: HttpStatusCode.Forbidden);
        await asContributor.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.DataOwnerRole, contributor, expected: HttpStatusCode.Forbidden);
        await asDataOwner.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.OwnerRole, dataOwner, expected: HttpStatusCode.Forbidden);

        // A User Access Administrator of the resource group may grant there, and below it, but not above it.
        var administrator = NewPrincipal();
        await owner.AssignAsync($"{Subscription}/resourceGroups/{group}", ArmServer.UserAccessAdministratorRole, administrator);
        using var asAdministrator = server.Arm(administrator);
        await asAdministrator.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.DataReaderRole, contributor);
        await asAdministrator.AssignAsync(Subscription, ArmServer.OwnerRole, administrator, expected: HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Data_Reader_reads_but_gets_403_on_writes_and_no_role_gets_403_on_reads()
    {
        using var owner = server.Arm();
        var (group, name) = await NewInstanceAsync(owner);
        var writer = NewPrincipal();
        var reader = NewPrincipal();
        await owner.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.DataOwnerRole, writer);
        await owner.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.DataReaderRole, reader);
        using var asWriter = server.DataPlane(name, writer);
        using var asReader = server.DataPlane(name, reader);
        using var asNobody = server.DataPlane(name, NewPrincipal());

        await Adt.OkAsync(await asWriter.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
        await Adt.OkAsync(await asReader.GetAsync("models"));
        await Adt.OkAsync(await asReader.PostAsync("query", """{"query":"SELECT * FROM digitaltwins"}"""));
        await Adt.ErrorAsync(await asReader.PutAsync("digitaltwins/r1", "{\"$metadata\":{\"$model\":\"" + Samples.RoomId + "\"}}"), HttpStatusCode.Forbidden, "Forbidden");
        await Adt.ErrorAsync(await asReader.PostAsync("models", Samples.Array(Samples.Space)), HttpStatusCode.Forbidden, "Forbidden");
        await Adt.ErrorAsync(await asNobody.GetAsync("models"), HttpStatusCode.Forbidden, "Forbidden");
    }

    [Fact]
    public async Task A_role_at_the_subscription_or_resource_group_is_inherited_by_the_instances_below_it()
    {
        using var owner = server.Arm();
        var (group, name) = await NewInstanceAsync(owner);
        var (otherGroup, otherName) = await NewInstanceAsync(owner);
        var atSubscription = NewPrincipal();
        var atGroup = NewPrincipal();
        await owner.AssignAsync(Subscription, ArmServer.DataReaderRole, atSubscription);
        await owner.AssignAsync($"{Subscription}/resourceGroups/{group}", ArmServer.DataReaderRole, atGroup);

        await Adt.OkAsync(await Dispose(server.DataPlane(name, atSubscription)).GetAsync("models"));
        await Adt.OkAsync(await Dispose(server.DataPlane(otherName, atSubscription)).GetAsync("models"));
        await Adt.OkAsync(await Dispose(server.DataPlane(name, atGroup)).GetAsync("models"));
        await Adt.ErrorAsync(await Dispose(server.DataPlane(otherName, atGroup)).GetAsync("models"), HttpStatusCode.Forbidden, "Forbidden");
        Assert.NotEqual(group, otherGroup);
    }

    [Fact]
    public async Task A_role_given_to_a_group_applies_to_tokens_that_name_the_group()
    {
        using var owner = server.Arm();
        var (group, name) = await NewInstanceAsync(owner);
        var team = NewPrincipal();
        var member = NewPrincipal();
        await owner.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.DataOwnerRole, team, "Group");

        using var asMember = server.DataPlane(name, member, groups: [team]);
        using var asOutsider = server.DataPlane(name, member, groups: [NewPrincipal()]);

        await Adt.OkAsync(await asMember.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
        await Adt.ErrorAsync(await asOutsider.GetAsync("models"), HttpStatusCode.Forbidden, "Forbidden");
    }

    [Fact]
    public async Task A_revoked_role_stops_working_within_one_second()
    {
        using var owner = server.Arm();
        var (group, name) = await NewInstanceAsync(owner);
        var user = NewPrincipal();
        var assignment = await owner.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.DataReaderRole, user);
        using var asUser = server.DataPlane(name, user);
        await Adt.OkAsync(await asUser.GetAsync("models"));

        using var revoke = await owner.DeleteAsync($"{ArmServer.InstancePath(group, name)}/providers/Microsoft.Authorization/roleAssignments/{assignment}{AuthorizationVersion}");
        await Adt.OkAsync(revoke);
        var revokedAt = DateTime.UtcNow;
        HttpStatusCode status;
        do
        {
            using var attempt = await asUser.GetAsync("models");
            status = attempt.StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow - revokedAt < TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.True(DateTime.UtcNow - revokedAt < TimeSpan.FromSeconds(1), "The role still worked a second after it was revoked.");
    }

    [Fact]
    public async Task Role_assignments_are_listed_read_and_refused_when_duplicated()
    {
        using var owner = server.Arm();
        var (group, name) = await NewInstanceAsync(owner);
        var user = NewPrincipal();
        var id = await owner.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.DataOwnerRole, user);

        using var get = await owner.GetAsync($"{ArmServer.InstancePath(group, name)}/providers/Microsoft.Authorization/roleAssignments/{id}{AuthorizationVersion}");
        using var list = await owner.GetAsync($"{ArmServer.InstancePath(group, name)}/providers/Microsoft.Authorization/roleAssignments{AuthorizationVersion}&$filter=atScope()");
        using var definitions = await owner.GetAsync($"{Subscription}/providers/Microsoft.Authorization/roleDefinitions{AuthorizationVersion}");

        var assignment = await Adt.JsonAsync(get);
        Assert.Equal(user, assignment.GetProperty("properties").GetProperty("principalId").GetString());
        Assert.EndsWith(ArmServer.DataOwnerRole, assignment.GetProperty("properties").GetProperty("roleDefinitionId").GetString(), StringComparison.Ordinal);
        var listed = (await Adt.JsonAsync(list)).GetProperty("value").EnumerateArray().Select(a => a.GetProperty("name").GetString()).ToList();
        Assert.Contains(id, listed);
        Assert.Equal(2, listed.Count); // the instance's assignment and the subscription owner's, which applies at the instance
        var roles = (await Adt.JsonAsync(definitions)).GetProperty("value").EnumerateArray().Select(r => r.GetProperty("properties").GetProperty("roleName").GetString()).ToList();
        Assert.Contains("Azure Digital Twins Data Owner", roles);
        Assert.Contains("Azure Digital Twins Data Reader", roles);
        await owner.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.DataOwnerRole, user, expected: HttpStatusCode.Conflict);
        await owner.AssignAsync(ArmServer.InstancePath(group, name), Guid.NewGuid().ToString(), user, expected: HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_token_of_another_tenant_gets_Sub_Domain_not_found_even_with_a_role()
    {
        using var owner = server.Arm();
        var (group, name) = await NewInstanceAsync(owner);
        var guest = NewPrincipal();
        await owner.AssignAsync(ArmServer.InstancePath(group, name), ArmServer.DataOwnerRole, guest);

        using var asGuest = server.DataPlane(name, guest, tenant: "another-tenant");

        var error = await Adt.ErrorAsync(await asGuest.GetAsync("models"), HttpStatusCode.NotFound, "SubDomainNotFound");
        Assert.Equal("Sub-Domain not found.", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Instances_created_outside_the_control_plane_keep_their_open_access()
    {
        using var anyone = server.DataPlane("main", NewPrincipal());

        using var response = await anyone.GetAsync("models");

        await Adt.OkAsync(response);
    }

    private static string NewPrincipal() => Guid.NewGuid().ToString();

    // The client lives only for the assertion's call; its handler is cheap and collected with the test.
    private static InstanceClient Dispose(InstanceClient client) => client;

    private static async Task<(string Group, string Name)> NewInstanceAsync(ArmClient owner)
    {
        var group = ArmServer.NewName("rg");
        var name = ArmServer.NewName();
        await owner.CreateGroupAsync(group);
        Assert.Equal("Succeeded", await owner.CreateInstanceAsync(group, name));
        return (group, name);
    }
}
