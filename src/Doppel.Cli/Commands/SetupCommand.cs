using System.CommandLine;
using System.Text.Json.Nodes;
using Doppel.Cli.Connection;
using Doppel.Cli.Output;

namespace Doppel.Cli.Commands;

/// <summary>
/// <c>doppel setup</c>: the whole walkthrough in one command — a resource group and an instance, the Azure Digital
/// Twins Data Owner role for the signed-in user on it, and a public-client app registration with the Azure
/// Digital Twins permission — then the values the walkthrough says to note.
/// </summary>
internal static class SetupCommand
{
    private const string DigitalTwinsApi = "0b07f429-9f4b-4714-9392-cc5e8e80c8b0";
    private const string ReadWrite = "4589bd03-58cb-4e6c-b17f-b580e39652f8";

    public static Command Create(CliExamples examples)
    {
        var name = new Option<string>("--dt-name", "-n") { Description = "The instance's name.", Required = true };
        var group = new Option<string>("--resource-group", "-g") { Description = "The resource group (created if it does not exist).", Required = true };
        var location = new Option<string>("--location", "-l") { Description = "The location. Default: local.", DefaultValueFactory = _ => "local" };
        var app = new Option<string>("--app") { Description = "The display name of the client app to register.", Required = true };
        var subscription = new Option<string?>("--subscription") { Description = "The subscription id. Default: the account's." };
        var setup = new Command("setup", "Do the whole setup walkthrough: instance, Data Owner role for you, a client app with the Azure Digital Twins permission.")
        {
            name, group, location, app, subscription,
        };
        setup.SetAction((parseResult, ct) => CliContext.RunAsync(parseResult, async (context, token) =>
        {
            var profile = context.Config.RequireProfile();
            if (profile.UserType != "user")
            {
                throw new CliException(ExitCodes.UsageError, "doppel setup gives the Data Owner role to the signed-in user: sign in as a user, not a service principal.");
            }

            var arm = ArmClient.For(context);
            var sub = await arm.SubscriptionAsync(parseResult.GetValue(subscription), token);
            var groupPath = $"/subscriptions/{sub}/resourcegroups/{Uri.EscapeDataString(parseResult.GetValue(group)!)}";
            Progress(context, $"Resource group {parseResult.GetValue(group)}");
            await arm.SendAsync(HttpMethod.Put, $"{groupPath}?api-version={ArmClient.ResourcesApiVersion}", new JsonObject { ["location"] = parseResult.GetValue(location) }, token);

            Progress(context, $"Digital Twins instance {parseResult.GetValue(name)} (waiting for the deployment)");
            var instancePath = $"/subscriptions/{sub}/resourceGroups/{Uri.EscapeDataString(parseResult.GetValue(group)!)}/providers/Microsoft.DigitalTwins/digitalTwinsInstances/{Uri.EscapeDataString(parseResult.GetValue(name)!)}";
            var (_, _, headers) = await arm.SendAsync(HttpMethod.Put, $"{instancePath}?api-version={ArmClient.DigitalTwinsApiVersion}", new JsonObject { ["location"] = parseResult.GetValue(location) }, token);
            await arm.WaitAsync(headers, token);
            var instance = (await arm.SendAsync(HttpMethod.Get, $"{instancePath}?api-version={ArmClient.DigitalTwinsApiVersion}", null, token)).Body!;

            Progress(context, "Azure Digital Twins Data Owner for you on the instance");
            var me = (string)(await AdCommands.GraphAsync(context, HttpMethod.Get, "me", null, token))!["id"]!;
            var role = await ArmCommands.RoleAsync(arm, instancePath, "Azure Digital Twins Data Owner", token);
            var assignments = (await arm.SendAsync(HttpMethod.Get, $"{instancePath}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01", null, token)).Body?["value"]?.AsArray() ?? [];
            if (!assignments.OfType<JsonObject>().Any(a => string.Equals((string?)a["properties"]?["principalId"], me, StringComparison.OrdinalIgnoreCase)
                && string.Equals((string?)a["properties"]?["roleDefinitionId"], role, StringComparison.OrdinalIgnoreCase)))
            {
                await arm.SendAsync(HttpMethod.Put, $"{instancePath}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?api-version=2022-04-01",
                    new JsonObject { ["properties"] = new JsonObject { ["roleDefinitionId"] = role, ["principalId"] = me } }, token);
            }

            Progress(context, $"App registration {parseResult.GetValue(app)} with the Azure Digital Twins Read.Write permission");
            var registered = await AdCommands.GraphAsync(context, HttpMethod.Post, "applications", new JsonObject
            {
                ["displayName"] = parseResult.GetValue(app),
                ["signInAudience"] = "AzureADMyOrg",
                ["publicClient"] = new JsonObject { ["redirectUris"] = new JsonArray("http://localhost") },
                ["requiredResourceAccess"] = new JsonArray(new JsonObject
                {
                    ["resourceAppId"] = DigitalTwinsApi,
                    ["resourceAccess"] = new JsonArray(new JsonObject { ["id"] = ReadWrite, ["type"] = "Scope" }),
                }),
            }, token);
            var appId = (string)registered!["appId"]!;
            await AdCommands.GraphAsync(context, HttpMethod.Post, "servicePrincipals", new JsonObject { ["appId"] = appId }, token);

            var hostName = (string?)instance["properties"]?["hostName"];
            return new JsonObject
            {
                ["instanceName"] = (string?)instance["name"],
                ["resourceGroup"] = parseResult.GetValue(group),
                ["location"] = (string?)instance["location"],
                ["hostName"] = hostName,
                ["endpoint"] = $"{profile.Server.TrimEnd('/')}/instances/{(string?)instance["name"]}",
                ["clientId"] = appId,
                ["tenantId"] = profile.TenantId,
                ["subscriptionId"] = sub,
            };
        }, ct));
        examples.Add(setup, "doppel setup -n my-instance -g dev-rg -l local --app my-adt-client");
        return setup;
    }

    private static void Progress(CliContext context, string step) => context.Console.Error.WriteLine($"doppel: {step}");
}
