using System.Text.Json;

namespace Doppel.Cli.Tests.Server;

/// <summary>The CLI against a real server: sign-in, every data-plane command group, outputs and exit codes.</summary>
public sealed class CliDataPlaneTests(CliServer server) : IClassFixture<CliServer>
{
    private const string Room = """
        {"@id":"dtmi:cli:Room;1","@type":"Interface","@context":"dtmi:dtdl:context;3",
         "contents":[{"@type":"Property","name":"area","schema":"double"},{"@type":"Relationship","name":"adjacentTo"},
                     {"@type":"Component","name":"thermostat","schema":"dtmi:cli:Thermostat;1"},{"@type":"Telemetry","name":"temperature","schema":"double"}]}
        """;

    private const string Thermostat = """
        {"@id":"dtmi:cli:Thermostat;1","@type":"Interface","@context":"dtmi:dtdl:context;3","contents":[{"@type":"Property","name":"setpoint","schema":"double"}]}
        """;

    [Fact]
    public void Login_with_a_password_stores_the_profile_privately_and_account_show_names_the_user_until_logout()
    {
        using var user = server.NewUser();

        user.LoginAsAdmin();
        var shown = user.Run("account", "show", "--query", "user.name", "-o", "tsv");
        var mode = OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite : File.GetUnixFileMode(Path.Combine(user.ConfigDirectory, "msal_token_cache.bin"));
        var loggedOut = user.Run("logout");
        var afterwards = user.Run("account", "show");

        Assert.Equal(0, shown.ExitCode);
        Assert.Equal(CliServer.AdminName, shown.Out.Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.Equal(0, loggedOut.ExitCode);
        Assert.Equal(1, afterwards.ExitCode);
        Assert.Contains("doppel login", afterwards.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_password_is_refused_with_exit_1_and_signs_nobody_in()
    {
        using var user = server.NewUser();

        var run = user.Run("login", "--server", server.Origin, "--ca-file", server.CaPath, "-u", CliServer.AdminName, "-p", "wrong");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("doppel: error: Sign-in refused", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(user.ConfigDirectory, "profile.json")));
    }

    [Fact]
    public void Models_twins_relationships_components_telemetry_and_queries_work_as_az_dt_does()
    {
        using var user = server.NewUser();
        using var folder = new Doppel.Server.Tests.Support.TemporaryDirectory();
        File.WriteAllText(folder.Combine("Room.json"), Room);
        File.WriteAllText(folder.Combine("Thermostat.json"), Thermostat);
        using var other = new Doppel.Server.Tests.Support.TemporaryDirectory();
        File.WriteAllText(other.Combine("patch.json"), """[{"op":"replace","path":"/area","value":42}]""");
        user.LoginAsAdmin();

        var models = user.Run("dt", "model", "create", "-n", CliServer.Instance, "--models", folder.Path, "--query", "[].id", "-o", "tsv");
        var list = user.Run("dt", "model", "list", "-n", CliServer.Instance, "-o", "table");
        var created = user.Run("dt", "twin", "create", "-n", CliServer.Instance, "--dtmi", "dtmi:cli:Room;1", "--twin-id", "room/1", "--properties", """{"area":10,"thermostat":{"$metadata":{}}}""");
        user.Run("dt", "twin", "create", "-n", CliServer.Instance, "--dtmi", "dtmi:cli:Room;1", "--twin-id", "room2", "-p", """{"thermostat":{"$metadata":{}}}""", "-o", "none");
        var related = user.Run("dt", "twin", "relationship", "create", "-n", CliServer.Instance, "--twin-id", "room/1", "--relationship-id", "a1", "--relationship", "adjacentTo", "--target", "room2", "--query", "\"$targetId\"", "-o", "tsv");
        var updated = user.Run("dt", "twin", "update", "-n", CliServer.Instance, "--twin-id", "room/1", "--json-patch", other.Combine("patch.json"), "--query", "area");
        var component = user.Run("dt", "twin", "component", "update", "-n", CliServer.Instance, "--twin-id", "room2", "--component", "thermostat", "--json-patch", """{"op":"add","path":"/setpoint","value":21}""", "--query", "setpoint");
        var telemetry = user.Run("dt", "twin", "telemetry", "send", "-n", CliServer.Instance, "--twin-id", "room2", "--telemetry", """{"temperature":20.5}""");
        var query = user.Run("dt", "twin", "query", "-n", CliServer.Instance, "-q", "SELECT T.$dtId, T.area FROM DIGITALTWINS T WHERE IS_OF_MODEL('dtmi:cli:Room;1')");
        var incoming = user.Run("dt", "twin", "relationship", "list", "-n", CliServer.Instance, "--twin-id", "room2", "--incoming", "--query", "[].sourceId || [].\"$sourceId\"", "-o", "tsv");
        var blocked = user.Run("dt", "twin", "delete", "-n", CliServer.Instance, "--twin-id", "room2");

        Assert.True(models.ExitCode == 0, models.ToString());
        Assert.Equal(["dtmi:cli:Room;1", "dtmi:cli:Thermostat;1"], models.OutLines.Order(StringComparer.Ordinal));
        Assert.Contains("Decommissioned", list.OutLines[0], StringComparison.Ordinal);
        Assert.Equal("room/1", JsonDocument.Parse(created.Out).RootElement.GetProperty("$dtId").GetString());
        Assert.Equal("room2", related.Out.Trim());
        Assert.Equal("42", updated.Out.Trim());
        Assert.Equal("21", component.Out.Trim());
        Assert.True(telemetry.ExitCode == 0, telemetry.ToString());
        var result = JsonDocument.Parse(query.Out).RootElement;
        Assert.Equal(2, result.GetProperty("result").GetArrayLength());
        Assert.True(result.GetProperty("cost").GetDouble() > 0);
        Assert.Equal("room/1", incoming.Out.Trim());
        Assert.Equal(1, blocked.ExitCode);
        Assert.Contains("(RelationshipsNotDeleted)", blocked.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_things_exit_3_bad_input_exits_2_and_errors_carry_the_servers_code()
    {
        using var user = server.NewUser();
        user.LoginAsAdmin();

        var missing = user.Run("dt", "twin", "show", "-n", CliServer.Instance, "--twin-id", "nobody");
        var badJson = user.Run("dt", "twin", "update", "-n", CliServer.Instance, "--twin-id", "x", "--json-patch", "[{oops");
        var noFile = user.Run("dt", "model", "create", "-n", CliServer.Instance, "--models", "no-such-file.json");
        var noArgs = user.Run("dt", "twin", "show", "-n", CliServer.Instance);
        var badQuery = user.Run("dt", "twin", "query", "-n", CliServer.Instance, "-q", "SELECT * FROM DIGITIALTWINS");
        var badJmes = user.Run("dt", "model", "list", "-n", CliServer.Instance, "--query", "[?");

        Assert.Equal(3, missing.ExitCode);
        Assert.EndsWith("(DigitalTwinNotFound)", missing.Error.Trim(), StringComparison.Ordinal);
        Assert.Equal(2, badJson.ExitCode);
        Assert.Contains("not valid JSON", badJson.Error, StringComparison.Ordinal);
        Assert.Equal(2, noFile.ExitCode);
        Assert.Equal(2, noArgs.ExitCode);
        Assert.Equal(1, badQuery.ExitCode);
        Assert.Contains("(SqlQueryError)", badQuery.Error, StringComparison.Ordinal);
        Assert.Equal(2, badJmes.ExitCode);
    }

    [Fact]
    public void Verbose_shows_the_calls_and_never_the_token()
    {
        using var user = server.NewUser();
        user.LoginAsAdmin();

        var run = user.Run("dt", "model", "list", "-n", CliServer.Instance, "--debug");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"GET {server.Origin}/instances/{CliServer.Instance}/models", run.Error, StringComparison.Ordinal);
        Assert.Contains("Authorization: <redacted>", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", run.Error, StringComparison.Ordinal);
    }
}
