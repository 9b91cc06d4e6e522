using System.Text.Json;

namespace Doppel.Cli.Tests.Server;

/// <summary>The control-plane commands against a real server: resource groups and instances, as az does them.</summary>
public sealed class CliControlPlaneTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public void A_resource_group_and_an_instance_are_created_shown_listed_and_deleted_with_the_deployment_awaited()
    {
        using var user = server.NewUser();
        user.LoginAsAdmin();

        var group = user.Run("group", "create", "-n", "cli-rg", "-l", "local", "--query", "name", "-o", "tsv");
        var created = user.Run("dt", "create", "-n", "cli-twins", "-g", "cli-rg");
        var hostName = user.Run("dt", "show", "-n", "cli-twins", "--query", "properties.hostName", "-o", "tsv");
        var listed = user.Run("dt", "list", "-g", "cli-rg", "--query", "[].name", "-o", "tsv");
        var groups = user.Run("group", "list", "--query", "[].name", "-o", "tsv");
        var taken = user.Run("dt", "create", "-n", "cli-twins", "-g", "cli-rg");
        var badName = user.Run("dt", "create", "-n", "-bad-", "-g", "cli-rg");
        var deleted = user.Run("dt", "delete", "-n", "cli-twins");
        var gone = user.Run("dt", "show", "-n", "cli-twins");
        var groupDeleted = user.Run("group", "delete", "-n", "cli-rg");

        Assert.True(group.ExitCode == 0, group.ToString());
        Assert.Equal("cli-rg", group.Out.Trim());
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal("Succeeded", JsonDocument.Parse(created.Out).RootElement.GetProperty("properties").GetProperty("provisioningState").GetString());
        Assert.StartsWith("cli-twins.api.local.", hostName.Out.Trim(), StringComparison.Ordinal);
        Assert.Equal(["cli-twins"], listed.OutLines);
        Assert.Contains("cli-rg", groups.OutLines);
        Assert.Equal(0, taken.ExitCode);
        Assert.Equal(1, badName.ExitCode);
        Assert.StartsWith("doppel: error:", badName.Error, StringComparison.Ordinal);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal(3, gone.ExitCode);
        Assert.True(groupDeleted.ExitCode == 0, groupDeleted.ToString());
    }
}

/// <summary>The walkthrough from a terminal: an instance, a data role for oneself, then its data.</summary>
public sealed class CliWalkthroughTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task A_data_role_given_with_role_assignment_opens_the_instances_data_and_removing_it_closes_it()
    {
        using var user = server.NewUser();
        user.LoginAsAdmin();
        Assert.Equal(0, user.Run("group", "create", "-n", "walk-rg").ExitCode);
        Assert.Equal(0, user.Run("dt", "create", "-n", "walk-twins", "-g", "walk-rg", "-o", "none").ExitCode);

        var before = user.Run("dt", "model", "list", "-n", "walk-twins");
        var granted = user.Run("dt", "role-assignment", "create", "-n", "walk-twins", "--assignee", CliServer.AdminName, "--role", "Azure Digital Twins Data Owner");
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var models = user.Run("dt", "model", "create", "-n", "walk-twins", "--models", """{"@id":"dtmi:walk:Room;1","@type":"Interface","@context":"dtmi:dtdl:context;3"}""", "-o", "none");
        var listed = user.Run("dt", "role-assignment", "list", "-n", "walk-twins", "--role", "Azure Digital Twins Data Owner", "--query", "length(@)", "-o", "tsv");
        var revoked = user.Run("dt", "role-assignment", "delete", "-n", "walk-twins", "--assignee", CliServer.AdminName);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var after = user.Run("dt", "model", "list", "-n", "walk-twins");

        Assert.Equal(1, before.ExitCode);
        Assert.Contains("(Forbidden)", before.Error, StringComparison.Ordinal);
        Assert.True(granted.ExitCode == 0, granted.ToString());
        Assert.True(models.ExitCode == 0, models.ToString());
        Assert.Equal("1", listed.Out.Trim());
        Assert.Equal(0, revoked.ExitCode);
        Assert.Equal(1, after.ExitCode);
        Assert.Equal(0, user.Run("group", "delete", "-n", "walk-rg").ExitCode);
    }
}

/// <summary><c>doppel account list|set</c>: the subscriptions of the signed-in account.</summary>
public sealed class CliAccountTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public void Account_list_shows_the_owned_subscription_and_account_set_makes_it_the_default_and_refuses_unknown_ones()
    {
        using var user = server.NewUser();
        user.LoginAsAdmin();

        var listed = user.Run("account", "list", "--query", "[].subscriptionId", "-o", "tsv");
        var set = user.Run("account", "set", "--subscription", CliServer.SubscriptionId);
        var shown = user.Run("account", "show", "--query", "id", "-o", "tsv");
        var unknown = user.Run("account", "set", "--subscription", "00000000-0000-0000-0000-000000000000");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Equal([CliServer.SubscriptionId], listed.OutLines);
        Assert.Equal(0, set.ExitCode);
        Assert.Equal(CliServer.SubscriptionId, shown.Out.Trim());
        Assert.Equal(3, unknown.ExitCode);
    }
}

/// <summary><c>doppel ad</c>: an app registration made, given the ADT permission and a secret, then signed in as.</summary>
public sealed class CliDirectoryTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public void An_app_registered_with_a_secret_and_the_ADT_permission_can_sign_in_as_a_service_principal()
    {
        using var admin = server.NewUser();
        using var app = server.NewUser();
        admin.LoginAsAdmin();

        var created = admin.Run("ad", "app", "create", "--display-name", "cli-app", "--public-client-redirect-uris", "http://localhost", "--query", "appId", "-o", "tsv");
        var appId = created.Out.Trim();
        var permission = admin.Run("ad", "app", "permission", "add", "--id", appId, "--api", "0b07f429-9f4b-4714-9392-cc5e8e80c8b0", "--api-permissions", "4589bd03-58cb-4e6c-b17f-b580e39652f8=Scope", "--query", "[0].resourceAccess[0].id", "-o", "tsv");
        var principal = admin.Run("ad", "sp", "create", "--id", appId);
        var secret = admin.Run("ad", "app", "credential", "reset", "--id", "cli-app", "--query", "password", "-o", "tsv");
        var login = app.Run("login", "--server", server.Origin, "--ca-file", server.CaPath, "--service-principal", "-u", appId, "-p", secret.Out.Trim(), "--query", "user.type", "-o", "tsv");
        var badPermission = admin.Run("ad", "app", "permission", "add", "--id", appId, "--api", "0b07f429-9f4b-4714-9392-cc5e8e80c8b0", "--api-permissions", "nonsense");
        var missing = admin.Run("ad", "app", "show", "--id", "no-such-app");

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.True(Guid.TryParse(appId, out _), appId);
        Assert.Equal("4589bd03-58cb-4e6c-b17f-b580e39652f8", permission.Out.Trim());
        Assert.True(principal.ExitCode == 0, principal.ToString());
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Equal("servicePrincipal", login.Out.Trim());
        Assert.Equal(2, badPermission.ExitCode);
        Assert.Equal(3, missing.ExitCode);
    }
}

/// <summary><c>doppel setup</c>: the walkthrough in one command.</summary>
public sealed class CliSetupTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task Setup_makes_the_instance_gives_the_user_Data_Owner_registers_the_app_and_prints_what_to_note()
    {
        using var user = server.NewUser();
        user.LoginAsAdmin();

        var setup = user.Run("setup", "-n", "setup-twins", "-g", "setup-rg", "-l", "local", "--app", "setup-client");
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var models = user.Run("dt", "model", "list", "-n", "setup-twins");
        var app = user.Run("ad", "app", "show", "--id", "setup-client", "--query", "requiredResourceAccess[0].resourceAppId", "-o", "tsv");

        Assert.True(setup.ExitCode == 0, setup.ToString());
        var noted = System.Text.Json.JsonDocument.Parse(setup.Out).RootElement;
        Assert.Equal("setup-twins", noted.GetProperty("instanceName").GetString());
        Assert.Equal("setup-rg", noted.GetProperty("resourceGroup").GetString());
        Assert.StartsWith("setup-twins.api.local.", noted.GetProperty("hostName").GetString(), StringComparison.Ordinal);
        Assert.True(Guid.TryParse(noted.GetProperty("clientId").GetString(), out _));
        Assert.True(Guid.TryParse(noted.GetProperty("tenantId").GetString(), out _));
        Assert.True(models.ExitCode == 0, models.ToString());
        Assert.Equal("0b07f429-9f4b-4714-9392-cc5e8e80c8b0", app.Out.Trim());
    }
}
