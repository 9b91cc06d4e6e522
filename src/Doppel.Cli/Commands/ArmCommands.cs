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
        return [create, show, list, delete];
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
