using System.CommandLine;
using System.Text.Json.Nodes;
using Doppel.Cli.Connection;
using Doppel.Cli.Output;

namespace Doppel.Cli.Commands;

/// <summary>
/// The control-plane commands, as <c>az</c> has them: <c>doppel group</c> (resource groups) and
/// <c>doppel dt create|show|list|delete</c> (Digital Twins instances), waiting for deployments unless --no-wait.
/// </summary>
internal static class ArmCommands
{
    private static readonly Option<string?> Subscription = new("--subscription") { Description = "The subscription id. Default: the only one the account sees." };

    private static readonly Option<bool> NoWait = new("--no-wait") { Description = "Do not wait for the deployment to end." };

    public static Command CreateGroup(CliExamples examples)
    {
        var name = new Option<string>("--name", "-n", "--resource-group", "-g") { Description = "The resource group's name.", Required = true };
        var location = new Option<string>("--location", "-l") { Description = "Its location. Default: local.", DefaultValueFactory = _ => "local" };

        var create = new Command("create", "Create a resource group (or update its location's record).") { name, location, Subscription };
        Act(create, async (arm, c, p, ct) =>
            (await arm.SendAsync(HttpMethod.Put, $"{await GroupPathAsync(arm, p, p.GetValue(name)!, ct)}?api-version={ArmClient.ResourcesApiVersion}",
                new JsonObject { ["location"] = p.GetValue(location) }, ct)).Body);
        examples.Add(create, "doppel group create -n dev-rg -l local");

        var show = new Command("show", "Show a resource group.") { name, Subscription };
        Act(show, async (arm, c, p, ct) => (await arm.SendAsync(HttpMethod.Get, $"{await GroupPathAsync(arm, p, p.GetValue(name)!, ct)}?api-version={ArmClient.ResourcesApiVersion}", null, ct)).Body);
        examples.Add(show, "doppel group show -n dev-rg");

        var list = new Command("list", "List the resource groups of the subscription.") { Subscription };
        Act(list, async (arm, c, p, ct) =>
        {
            var subscription = await arm.SubscriptionAsync(p.GetValue(Subscription), ct);
            return (await arm.SendAsync(HttpMethod.Get, $"/subscriptions/{subscription}/resourcegroups?api-version={ArmClient.ResourcesApiVersion}", null, ct)).Body?["value"]?.DeepClone();
        });
        examples.Add(list, "doppel group list -o table");

        var delete = new Command("delete", "Delete a resource group and everything in it.") { name, Subscription, NoWait };
        Act(delete, async (arm, c, p, ct) =>
        {
            var (_, _, headers) = await arm.SendAsync(HttpMethod.Delete, $"{await GroupPathAsync(arm, p, p.GetValue(name)!, ct)}?api-version={ArmClient.ResourcesApiVersion}", null, ct);
            if (!p.GetValue(NoWait))
            {
                await arm.WaitAsync(headers, ct);
            }

            return null;
        });
        examples.Add(delete, "doppel group delete -n dev-rg");

        return new Command("group", "Resource groups.") { create, show, list, delete };
    }

    /// <summary>The instance lifecycle commands added to <c>doppel dt</c>.</summary>
    public static IEnumerable<Command> CreateInstanceCommands(CliExamples examples)
    {
        var name = new Option<string>("--dt-name", "-n") { Description = "The instance's name (3-63 letters, digits and hyphens).", Required = true };
        var group = new Option<string?>("--resource-group", "-g") { Description = "The resource group." };
        var location = new Option<string>("--location", "-l") { Description = "The location. Default: local.", DefaultValueFactory = _ => "local" };

        var create = new Command("create", "Create a Digital Twins instance and wait for its deployment.") { name, RequiredGroup(), location, Subscription, NoWait };
        Act(create, async (arm, c, p, ct) =>
        {
            var path = await InstancePathAsync(arm, p, p.GetValue<string>("--resource-group")!, p.GetValue(name)!, ct);
            var (body, _, headers) = await arm.SendAsync(HttpMethod.Put, path, new JsonObject { ["location"] = p.GetValue(location) }, ct);
            if (p.GetValue(NoWait))
            {
                return body;
            }

            await arm.WaitAsync(headers, ct);
            return (await arm.SendAsync(HttpMethod.Get, path, null, ct)).Body;
        });
        examples.Add(create, "doppel dt create -n my-instance -g dev-rg -l local", "doppel dt create -n my-instance -g dev-rg --no-wait");

        var show = new Command("show", "Show an instance: its host name, state and location.") { name, group, Subscription };
        Act(show, async (arm, c, p, ct) => await FindAsync(arm, p, p.GetValue(name)!, p.GetValue(group), ct));
        examples.Add(show, "doppel dt show -n my-instance --query properties.hostName -o tsv");

        var list = new Command("list", "List the instances of the subscription or of a resource group.") { group, Subscription };
        Act(list, async (arm, c, p, ct) => await ListAsync(arm, p, p.GetValue(group), ct));
        examples.Add(list, "doppel dt list -o table", "doppel dt list -g dev-rg");

        var delete = new Command("delete", "Delete an instance and all its data.") { name, group, Subscription, NoWait };
        Act(delete, async (arm, c, p, ct) =>
        {
            var instance = await FindAsync(arm, p, p.GetValue(name)!, p.GetValue(group), ct);
            var (_, _, headers) = await arm.SendAsync(HttpMethod.Delete, $"{(string)instance["id"]!}?api-version={ArmClient.DigitalTwinsApiVersion}", null, ct);
            if (!p.GetValue(NoWait))
            {
                await arm.WaitAsync(headers, ct);
            }

            return null;
        });
        examples.Add(delete, "doppel dt delete -n my-instance");
        return [create, show, list, delete, RoleAssignments(examples, name, group)];
    }

    /// <summary><c>doppel dt role-assignment</c>: who may use an instance's data (az dt role-assignment).</summary>
    private static Command RoleAssignments(CliExamples examples, Option<string> name, Option<string?> group)
    {
        const string Version = "api-version=2022-04-01";
        var assignee = new Option<string>("--assignee") { Description = "The principal: an object id, or a user name the directory knows.", Required = true };
        var role = new Option<string>("--role") { Description = "The role's name or id. Default: Azure Digital Twins Data Owner.", DefaultValueFactory = _ => "Azure Digital Twins Data Owner" };
        var optionalAssignee = new Option<string?>("--assignee") { Description = "Only assignments of this principal (object id or user name)." };
        var optionalRole = new Option<string?>("--role") { Description = "Only assignments of this role (name or id)." };

        var create = new Command("create", "Give a principal a role on the instance.") { name, group, Subscription, assignee, role };
        Act(create, async (arm, c, p, ct) =>
        {
            var scope = (string)(await FindAsync(arm, p, p.GetValue(name)!, p.GetValue(group), ct))["id"]!;
            var definition = await RoleAsync(arm, scope, p.GetValue(role)!, ct);
            var principal = await PrincipalAsync(c, p.GetValue(assignee)!, ct);
            var body = new JsonObject { ["properties"] = new JsonObject { ["roleDefinitionId"] = definition, ["principalId"] = principal } };
            return (await arm.SendAsync(HttpMethod.Put, $"{scope}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?{Version}", body, ct)).Body;
        });
        examples.Add(create, "doppel dt role-assignment create -n my-instance --assignee admin@doppel.local --role \"Azure Digital Twins Data Owner\"");

        var list = new Command("list", "List the role assignments on the instance.") { name, group, Subscription, optionalAssignee, optionalRole };
        Act(list, async (arm, c, p, ct) => await AssignmentsAsync(arm, c, p, name, group, optionalAssignee, optionalRole, ct));
        examples.Add(list, "doppel dt role-assignment list -n my-instance -o table");

        var delete = new Command("delete", "Remove role assignments from the instance.") { name, group, Subscription, optionalAssignee, optionalRole };
        Act(delete, async (arm, c, p, ct) =>
        {
            // Only the instance's own assignments: inherited ones belong to the resource group or subscription.
            var scope = (string)(await FindAsync(arm, p, p.GetValue(name)!, p.GetValue(group), ct))["id"]!;
            var own = (await AssignmentsAsync(arm, c, p, name, group, optionalAssignee, optionalRole, ct)).OfType<JsonObject>()
                .Where(a => string.Equals((string?)a["properties"]?["scope"], scope, StringComparison.OrdinalIgnoreCase));
            foreach (var assignment in own)
            {
                await arm.SendAsync(HttpMethod.Delete, $"{(string)assignment["id"]!}?{Version}", null, ct);
            }

            return null;
        });
        examples.Add(delete, "doppel dt role-assignment delete -n my-instance --assignee admin@doppel.local");
        return new Command("role-assignment", "Role assignments on an instance.") { create, list, delete };

        async Task<JsonArray> AssignmentsAsync(ArmClient arm, CliContext c, ParseResult p, Option<string> n, Option<string?> g, Option<string?> who, Option<string?> what, CancellationToken ct)
        {
            var scope = (string)(await FindAsync(arm, p, p.GetValue(n)!, p.GetValue(g), ct))["id"]!;
            var all = (await arm.SendAsync(HttpMethod.Get, $"{scope}/providers/Microsoft.Authorization/roleAssignments?{Version}", null, ct)).Body?["value"]?.AsArray() ?? [];
            var principal = p.GetValue(who) is { } w ? await PrincipalAsync(c, w, ct) : null;
            var definition = p.GetValue(what) is { } r ? await RoleAsync(arm, scope, r, ct) : null;
            return [.. all.OfType<JsonObject>()
                .Where(a => principal is null || string.Equals((string?)a["properties"]?["principalId"], principal, StringComparison.OrdinalIgnoreCase))
                .Where(a => definition is null || ((string?)a["properties"]?["roleDefinitionId"])?.EndsWith(definition[(definition.LastIndexOf('/') + 1)..], StringComparison.OrdinalIgnoreCase) == true)
                .Select(a => a.DeepClone())];
        }
    }

    /// <summary>The role definition's id for a role name (or id), looked up at the scope.</summary>
    internal static async Task<string> RoleAsync(ArmClient arm, string scope, string role, CancellationToken ct)
    {
        var filter = Guid.TryParse(role, out _) ? string.Empty : $"&$filter={Uri.EscapeDataString($"roleName eq '{role.Replace("'", "''", StringComparison.Ordinal)}'")}";
        var roles = (await arm.SendAsync(HttpMethod.Get, $"{scope}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01{filter}", null, ct)).Body?["value"]?.AsArray() ?? [];
        return roles.OfType<JsonObject>()
            .Where(r => !Guid.TryParse(role, out _) || ((string?)r["name"])?.Equals(role, StringComparison.OrdinalIgnoreCase) == true)
            .Select(r => (string?)r["id"]).FirstOrDefault(id => id is not null)
            ?? throw new CliException(ExitCodes.NotFound, $"There is no role '{role}'.");
    }

    /// <summary>An object id as given, or the id the directory (Graph) has for a user name.</summary>
    private static async Task<string> PrincipalAsync(CliContext context, string assignee, CancellationToken ct)
    {
        if (Guid.TryParse(assignee, out var id))
        {
            return id.ToString("D");
        }

        JsonNode? user;
        try
        {
            user = await AdCommands.GraphAsync(context, HttpMethod.Get, $"users/{Uri.EscapeDataString(assignee)}", null, ct);
        }
        catch (CliException ex) when (ex.ExitCode == ExitCodes.NotFound)
        {
            throw new CliException(ExitCodes.NotFound, $"The directory does not know the user '{assignee}'.");
        }

        return (string?)user?["id"] ?? throw new CliException(ExitCodes.Invalid, $"The directory gave no id for '{assignee}'.");
    }

    private static Option<string> RequiredGroup() => new("--resource-group", "-g") { Description = "The resource group.", Required = true };

    private static async Task<string> GroupPathAsync(ArmClient arm, ParseResult p, string group, CancellationToken ct) =>
        $"/subscriptions/{await arm.SubscriptionAsync(p.GetValue(Subscription), ct)}/resourcegroups/{Uri.EscapeDataString(group)}";

    private static async Task<string> InstancePathAsync(ArmClient arm, ParseResult p, string group, string name, CancellationToken ct) =>
        $"/subscriptions/{await arm.SubscriptionAsync(p.GetValue(Subscription), ct)}/resourceGroups/{Uri.EscapeDataString(group)}/providers/Microsoft.DigitalTwins/digitalTwinsInstances/{Uri.EscapeDataString(name)}?api-version={ArmClient.DigitalTwinsApiVersion}";

    private static async Task<JsonArray> ListAsync(ArmClient arm, ParseResult p, string? group, CancellationToken ct)
    {
        var subscription = await arm.SubscriptionAsync(p.GetValue(Subscription), ct);
        var next = group is null
            ? $"/subscriptions/{subscription}/providers/Microsoft.DigitalTwins/digitalTwinsInstances?api-version={ArmClient.DigitalTwinsApiVersion}"
            : $"/subscriptions/{subscription}/resourceGroups/{Uri.EscapeDataString(group)}/providers/Microsoft.DigitalTwins/digitalTwinsInstances?api-version={ArmClient.DigitalTwinsApiVersion}";
        var all = new JsonArray();
        while (next is not null)
        {
            var page = (await arm.SendAsync(HttpMethod.Get, next, null, ct)).Body;
            foreach (var item in page?["value"]?.AsArray() ?? [])
            {
                all.Add(item?.DeepClone());
            }

            next = (string?)page?["nextLink"];
        }

        return all;
    }

    /// <summary>An instance by name, in the given resource group or, as az does, wherever it is in the subscription.</summary>
    private static async Task<JsonObject> FindAsync(ArmClient arm, ParseResult p, string name, string? group, CancellationToken ct) =>
        (await ListAsync(arm, p, group, ct)).OfType<JsonObject>().FirstOrDefault(i => string.Equals((string?)i["name"], name, StringComparison.OrdinalIgnoreCase))?.DeepClone().AsObject()
            ?? throw new CliException(ExitCodes.NotFound, $"No Digital Twins instance named '{name}' was found{(group is null ? string.Empty : $" in the resource group '{group}'")}.");

    private static void Act(Command command, Func<ArmClient, CliContext, ParseResult, CancellationToken, Task<JsonNode?>> work) =>
        command.SetAction((parseResult, ct) => CliContext.RunAsync(parseResult, (context, token) => work(ArmClient.For(context), context, parseResult, token), ct));
}
