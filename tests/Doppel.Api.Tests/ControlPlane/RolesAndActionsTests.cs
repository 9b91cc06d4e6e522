using Doppel.Api.Management;
using Doppel.Management.Access;

namespace Doppel.Api.Tests.ControlPlane;

/// <summary>The built-in roles, ARM's action patterns, scopes, and the data action of each data-plane request.</summary>
public sealed class RolesAndActionsTests
{
    [Theory]
    [InlineData("*", "Microsoft.Authorization/roleAssignments/write", true)]
    [InlineData("*/read", "Microsoft.DigitalTwins/digitalTwinsInstances/read", true)]
    [InlineData("*/read", "Microsoft.DigitalTwins/digitalTwinsInstances/write", false)]
    [InlineData("Microsoft.Authorization/*/Write", "microsoft.authorization/roleassignments/write", true)]
    [InlineData("Microsoft.DigitalTwins/digitaltwins/*", "Microsoft.DigitalTwins/digitaltwins/relationships/write", true)]
    [InlineData("Microsoft.DigitalTwins/models/read", "Microsoft.DigitalTwins/models/readx", false)]
    public void Action_patterns_match_case_insensitively_with_star_for_any_run_of_characters(string pattern, string action, bool matches) =>
        Assert.Equal(matches, ActionPattern.Matches(pattern, action));

    [Fact]
    public void Only_Owner_and_User_Access_Administrator_may_write_role_assignments()
    {
        var writers = BuiltInRoles.All.Where(r => r.Grants("Microsoft.Authorization/roleAssignments/write", isDataAction: false)).Select(r => r.Name);

        Assert.Equal(["Owner", "User Access Administrator"], writers);
    }

    [Fact]
    public void The_data_roles_have_ADTs_ids_and_only_they_grant_data_actions()
    {
        var dataRoles = BuiltInRoles.All.Where(r => r.Grants("Microsoft.DigitalTwins/digitaltwins/read", isDataAction: true)).Select(r => r.Id);

        Assert.Equal(["bcd981a7-7f74-457b-83e1-cceb9e632ffe", "d57506d4-4c8d-48b1-8587-93c323f6a5a3"], dataRoles);
        Assert.False(BuiltInRoles.DigitalTwinsDataReader.Grants("Microsoft.DigitalTwins/digitaltwins/write", isDataAction: true));
        Assert.False(BuiltInRoles.Owner.Grants("Microsoft.DigitalTwins/models/read", isDataAction: true));
    }

    [Theory]
    [InlineData("/subscriptions/S", "/subscriptions/s/resourceGroups/RG/providers/Microsoft.DigitalTwins/digitalTwinsInstances/x", true)]
    [InlineData("/subscriptions/s/resourcegroups/rg", "/subscriptions/S/resourceGroups/RG/providers/microsoft.digitaltwins/digitaltwinsinstances/X", true)]
    [InlineData("/subscriptions/s/resourceGroups/rg", "/subscriptions/s/resourceGroups/rg2", false)]
    [InlineData("/subscriptions/s/resourceGroups/rg/providers/Microsoft.DigitalTwins/digitalTwinsInstances/x", "/subscriptions/s/resourceGroups/rg", false)]
    public void A_scope_contains_itself_and_what_lies_below_it(string outer, string inner, bool contains)
    {
        Assert.True(ResourceScope.TryParse(outer, out var a));
        Assert.True(ResourceScope.TryParse(inner, out var b));

        Assert.Equal(contains, a.Contains(b));
    }

    [Theory]
    [InlineData("/subscriptions")]
    [InlineData("/subscriptions/s/resourceGroups")]
    [InlineData("/subscriptions/s/providers/Microsoft.Storage/storageAccounts/x")]
    [InlineData("/tenants/t")]
    public void Ids_that_are_not_subscription_group_or_instance_scopes_do_not_parse(string id) =>
        Assert.False(ResourceScope.TryParse(id, out _));

    [Theory]
    [InlineData("POST", "models", "Microsoft.DigitalTwins/models/action")]
    [InlineData("GET", "models/dtmi:a;1", "Microsoft.DigitalTwins/models/read")]
    [InlineData("PATCH", "models/dtmi:a;1", "Microsoft.DigitalTwins/models/write")]
    [InlineData("DELETE", "models/dtmi:a;1", "Microsoft.DigitalTwins/models/delete")]
    [InlineData("PUT", "digitaltwins/t", "Microsoft.DigitalTwins/digitaltwins/write")]
    [InlineData("GET", "digitaltwins/t/components/c", "Microsoft.DigitalTwins/digitaltwins/read")]
    [InlineData("POST", "digitaltwins/t/telemetry", "Microsoft.DigitalTwins/digitaltwins/action")]
    [InlineData("POST", "digitaltwins/t/components/c/telemetry", "Microsoft.DigitalTwins/digitaltwins/action")]
    [InlineData("GET", "digitaltwins/t/incomingrelationships", "Microsoft.DigitalTwins/digitaltwins/relationships/read")]
    [InlineData("PUT", "digitaltwins/t/relationships/r", "Microsoft.DigitalTwins/digitaltwins/relationships/write")]
    [InlineData("DELETE", "digitaltwins/t/relationships/r", "Microsoft.DigitalTwins/digitaltwins/relationships/delete")]
    [InlineData("POST", "query", "Microsoft.DigitalTwins/query/action")]
    [InlineData("PUT", "eventroutes/r", "Microsoft.DigitalTwins/eventroutes/write")]
    public void Each_data_plane_request_needs_ADTs_data_action(string method, string path, string action) =>
        Assert.Equal(action, DataPlaneActions.For(method, path.Split('/')));
}
