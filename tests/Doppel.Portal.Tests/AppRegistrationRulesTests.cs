using System.Text.Json.Nodes;
using Doppel.Portal.Services;

namespace Doppel.Portal.Tests;

/// <summary>The rules behind the forms, and the grouping of permissions.</summary>
public sealed class AppRegistrationRulesTests
{
    [Theory]
    [InlineData(RedirectPlatform.PublicClient, "http://localhost", true)]
    [InlineData(RedirectPlatform.PublicClient, "msal0b07f429://auth", true)]
    [InlineData(RedirectPlatform.PublicClient, "localhost", false)]
    [InlineData(RedirectPlatform.Web, "https://contoso.com/auth", true)]
    [InlineData(RedirectPlatform.Web, "http://localhost:8080/auth", true)]
    [InlineData(RedirectPlatform.Web, "http://[::1]:8080/auth", true)]
    [InlineData(RedirectPlatform.Web, "http://contoso.com/auth", false)]
    [InlineData(RedirectPlatform.Spa, "https://contoso.com/#/cb", false)]
    [InlineData(RedirectPlatform.Spa, "ftp://contoso.com", false)]
    [InlineData(RedirectPlatform.PublicClient, "/callback", false)]
    [InlineData(RedirectPlatform.PublicClient, "file:///tmp/callback", false)]
    public void Redirect_uris_follow_the_platform_rules(RedirectPlatform platform, string uri, bool accepted)
    {
        var problem = AppRegistrationRules.RedirectUriProblem(platform, uri);

        Assert.Equal(accepted, problem is null);
    }

    [Fact]
    public void Permissions_are_grouped_by_the_part_before_the_first_dot()
    {
        ApiPermissionInfo P(string value) => new(Guid.NewGuid().ToString(), value, PermissionKind.Delegated, "", false);

        var groups = PermissionGroups.Of([P("User.Read"), P("Read.Write"), P("Directory.Read.All"), P("User.ReadWrite.All"), P("offline_access")]);

        Assert.Equal(["Directory", "offline_access", "Read", "User"], groups.Select(g => g.Name));
        Assert.Equal(["User.Read", "User.ReadWrite.All"], groups.Single(g => g.Name == "User").Permissions.Select(p => p.Value));
        Assert.Equal("Read.Write", Assert.Single(groups.Single(g => g.Name == "Read").Permissions).Value);
    }

    [Fact]
    public void Manifest_changes_leave_out_unchanged_and_missing_properties()
    {
        var stored = JsonNode.Parse("""{"displayName":"a","web":{"redirectUris":[]},"signInAudience":"AzureADMyOrg"}""")!.AsObject();

        var (changes, problem) = AppRegistrationRules.ManifestChanges(stored, """{"displayName":"b","web":{"redirectUris":[]}}""");

        Assert.Null(problem);
        Assert.Equal("""{"displayName":"b"}""", changes!.ToJsonString());
    }
}
