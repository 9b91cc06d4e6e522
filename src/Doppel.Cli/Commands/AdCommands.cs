using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Cli.Connection;
using Doppel.Cli.Output;

namespace Doppel.Cli.Commands;

/// <summary>
/// <c>doppel ad</c>: the directory through the server's Microsoft Graph subset, with <c>az ad</c>'s commands and
/// argument names — app registrations (secrets, API permissions), service principals, users and groups.
/// </summary>
internal static class AdCommands
{
    private const string GraphScope = "https://graph.microsoft.com/.default";

    public static Command Create(CliExamples examples) =>
        new("ad", "The directory: app registrations, service principals, users and groups (Microsoft Graph).")
        {
            Apps(examples), ServicePrincipals(examples), Users(examples), Groups(examples),
        };

    private static Command Apps(CliExamples examples)
    {
        var id = new Option<string>("--id") { Description = "The app's Application (client) ID, object id or display name.", Required = true };

        var displayName = new Option<string>("--display-name") { Description = "The app's name.", Required = true };
        var redirects = new Option<string[]>("--public-client-redirect-uris") { Description = "Redirect URIs of the 'Public client/native (mobile & desktop)' platform.", AllowMultipleArgumentsPerToken = true };
        var webRedirects = new Option<string[]>("--web-redirect-uris") { Description = "Redirect URIs of the Web platform.", AllowMultipleArgumentsPerToken = true };
        var audience = new Option<string>("--sign-in-audience") { Description = "AzureADMyOrg (this directory only) or AzureADMultipleOrgs.", DefaultValueFactory = _ => "AzureADMyOrg" };
        audience.AcceptOnlyFromAmong("AzureADMyOrg", "AzureADMultipleOrgs");
        var create = new Command("create", "Register an app.") { displayName, redirects, webRedirects, audience };
        Act(create, async (c, p, ct) =>
        {
            var body = new JsonObject { ["displayName"] = p.GetValue(displayName), ["signInAudience"] = p.GetValue(audience) };
            if (p.GetValue(redirects) is { Length: > 0 } uris)
            {
                body["publicClient"] = new JsonObject { ["redirectUris"] = new JsonArray([.. uris.Select(u => (JsonNode)u)]) };
            }

            if (p.GetValue(webRedirects) is { Length: > 0 } web)
            {
                body["web"] = new JsonObject { ["redirectUris"] = new JsonArray([.. web.Select(u => (JsonNode)u)]) };
            }

            return await GraphAsync(c, HttpMethod.Post, "applications", body, ct);
        });
        examples.Add(create, "doppel ad app create --display-name my-adt-client --public-client-redirect-uris http://localhost");

        var list = new Command("list", "List app registrations.");
        Act(list, async (c, p, ct) => (await GraphAsync(c, HttpMethod.Get, "applications", null, ct))?["value"]?.DeepClone());
        examples.Add(list, "doppel ad app list --query \"[].{name:displayName, appId:appId}\" -o table");

        var show = new Command("show", "Show an app registration (its manifest).") { id };
        Act(show, async (c, p, ct) => await FindAppAsync(c, p.GetValue(id)!, ct));
        examples.Add(show, "doppel ad app show --id my-adt-client --query requiredResourceAccess");

        var delete = new Command("delete", "Delete an app registration.") { id };
        Act(delete, async (c, p, ct) =>
        {
            var app = await FindAppAsync(c, p.GetValue(id)!, ct);
            return await GraphAsync(c, HttpMethod.Delete, $"applications/{(string)app["id"]!}", null, ct);
        });
        examples.Add(delete, "doppel ad app delete --id my-adt-client");

        var secretName = new Option<string?>("--display-name") { Description = "A description of the secret." };
        var reset = new Command("reset", "Add a client secret and print it (it is shown only this once).") { id, secretName };
        Act(reset, async (c, p, ct) =>
        {
            var app = await FindAppAsync(c, p.GetValue(id)!, ct);
            var secret = await GraphAsync(c, HttpMethod.Post, $"applications/{(string)app["id"]!}/addPassword",
                new JsonObject { ["passwordCredential"] = new JsonObject { ["displayName"] = p.GetValue(secretName) ?? "doppel cli" } }, ct);
            return new JsonObject { ["appId"] = (string?)app["appId"], ["password"] = (string?)secret?["secretText"], ["tenant"] = c.Config.RequireProfile().TenantId };
        });
        examples.Add(reset, "doppel ad app credential reset --id my-adt-client --query password -o tsv");

        var api = new Option<string>("--api") { Description = "The API's Application (client) ID (Azure Digital Twins: 0b07f429-9f4b-4714-9392-cc5e8e80c8b0).", Required = true };
        var permissions = new Option<string[]>("--api-permissions") { Description = "Permissions as ID=Scope (delegated) or ID=Role (application).", Required = true, AllowMultipleArgumentsPerToken = true };
        var add = new Command("add", "Add API permissions to an app's required resource access.") { id, api, permissions };
        Act(add, async (c, p, ct) =>
        {
            var app = await FindAppAsync(c, p.GetValue(id)!, ct);
            var required = app["requiredResourceAccess"]?.DeepClone().AsArray() ?? [];
            var entry = required.OfType<JsonObject>().FirstOrDefault(r => string.Equals((string?)r["resourceAppId"], p.GetValue(api), StringComparison.OrdinalIgnoreCase));
            if (entry is null)
            {
                entry = new JsonObject { ["resourceAppId"] = p.GetValue(api), ["resourceAccess"] = new JsonArray() };
                required.Add(entry);
            }

            var access = entry["resourceAccess"]!.AsArray();
            foreach (var permission in p.GetValue(permissions)!)
            {
                var parts = permission.Split('=', 2);
                if (parts.Length != 2 || !Guid.TryParse(parts[0], out _) || parts[1] is not ("Scope" or "Role"))
                {
                    throw new CliException(ExitCodes.UsageError, $"--api-permissions '{permission}' is not ID=Scope or ID=Role.");
                }

                if (!access.OfType<JsonObject>().Any(a => string.Equals((string?)a["id"], parts[0], StringComparison.OrdinalIgnoreCase)))
                {
                    access.Add(new JsonObject { ["id"] = parts[0], ["type"] = parts[1] });
                }
            }

            await GraphAsync(c, HttpMethod.Patch, $"applications/{(string)app["id"]!}", new JsonObject { ["requiredResourceAccess"] = required }, ct);
            return (await FindAppAsync(c, p.GetValue(id)!, ct))["requiredResourceAccess"]?.DeepClone();
        });
        examples.Add(add, "doppel ad app permission add --id my-adt-client --api 0b07f429-9f4b-4714-9392-cc5e8e80c8b0 --api-permissions 4589bd03-58cb-4e6c-b17f-b580e39652f8=Scope");

        return new Command("app", "App registrations.")
        {
            create, list, show, delete,
            new Command("credential", "Client secrets.") { reset },
            new Command("permission", "API permissions.") { add },
        };
    }

    private static Command ServicePrincipals(CliExamples examples)
    {
        var id = new Option<string>("--id") { Description = "The app's Application (client) ID.", Required = true };
        var create = new Command("create", "Create the service principal of an app registration in this directory.") { id };
        Act(create, async (c, p, ct) => await GraphAsync(c, HttpMethod.Post, "servicePrincipals", new JsonObject { ["appId"] = p.GetValue(id) }, ct));
        examples.Add(create, "doppel ad sp create --id 00000000-1111-2222-3333-444444444444");
        var list = new Command("list", "List service principals.");
        Act(list, async (c, p, ct) => (await GraphAsync(c, HttpMethod.Get, "servicePrincipals", null, ct))?["value"]?.DeepClone());
        examples.Add(list, "doppel ad sp list --query \"[].displayName\" -o tsv");
        return new Command("sp", "Service principals.") { create, list };
    }

    private static Command Users(CliExamples examples)
    {
        var name = new Option<string>("--user-principal-name") { Description = "The user name, e.g. ann@doppel.local.", Required = true };
        var displayName = new Option<string>("--display-name") { Description = "The name shown.", Required = true };
        var password = new Option<string>("--password") { Description = "The first password.", Required = true };
        var create = new Command("create", "Create a user.") { name, displayName, password };
        Act(create, async (c, p, ct) => await GraphAsync(c, HttpMethod.Post, "users", new JsonObject
        {
            ["accountEnabled"] = true,
            ["displayName"] = p.GetValue(displayName),
            ["userPrincipalName"] = p.GetValue(name),
            ["mailNickname"] = p.GetValue(name)!.Split('@')[0],
            ["passwordProfile"] = new JsonObject { ["password"] = p.GetValue(password), ["forceChangePasswordNextSignIn"] = false },
        }, ct));
        examples.Add(create, "doppel ad user create --user-principal-name ann@doppel.local --display-name Ann --password \"$PASSWORD\"");
        var list = new Command("list", "List users.");
        Act(list, async (c, p, ct) => (await GraphAsync(c, HttpMethod.Get, "users", null, ct))?["value"]?.DeepClone());
        examples.Add(list, "doppel ad user list --query \"[].userPrincipalName\" -o tsv");
        return new Command("user", "Users.") { create, list };
    }

    private static Command Groups(CliExamples examples)
    {
        var displayName = new Option<string>("--display-name") { Description = "The group's name.", Required = true };
        var create = new Command("create", "Create a security group.") { displayName };
        Act(create, async (c, p, ct) => await GraphAsync(c, HttpMethod.Post, "groups", new JsonObject
        {
            ["displayName"] = p.GetValue(displayName), ["mailNickname"] = p.GetValue(displayName)!.Replace(' ', '-'), ["securityEnabled"] = true, ["mailEnabled"] = false,
        }, ct));
        examples.Add(create, "doppel ad group create --display-name twin-operators");
        var group = new Option<string>("--group") { Description = "The group's id or name.", Required = true };
        var member = new Option<string>("--member-id") { Description = "The member's object id.", Required = true };
        var add = new Command("add", "Add a member to a group.") { group, member };
        Act(add, async (c, p, ct) => await GraphAsync(c, HttpMethod.Post, $"groups/{Uri.EscapeDataString(p.GetValue(group)!)}/members/$ref",
            new JsonObject { ["@odata.id"] = $"{c.Config.RequireProfile().Server.TrimEnd('/')}/v1.0/directoryObjects/{p.GetValue(member)}" }, ct));
        examples.Add(add, "doppel ad group member add --group twin-operators --member-id 11111111-2222-3333-4444-555555555555");
        return new Command("group", "Groups.") { create, new Command("member", "Group members.") { add } };
    }

    /// <summary>An app registration by Application (client) ID, object id or display name.</summary>
    private static async Task<JsonObject> FindAppAsync(CliContext context, string id, CancellationToken ct)
    {
        var apps = (await GraphAsync(context, HttpMethod.Get, "applications", null, ct))?["value"]?.AsArray() ?? [];
        return apps.OfType<JsonObject>().FirstOrDefault(a =>
                string.Equals((string?)a["appId"], id, StringComparison.OrdinalIgnoreCase)
                || string.Equals((string?)a["id"], id, StringComparison.OrdinalIgnoreCase)
                || string.Equals((string?)a["displayName"], id, StringComparison.Ordinal))?.DeepClone().AsObject()
            ?? throw new CliException(ExitCodes.NotFound, $"There is no app registration '{id}'.");
    }

    internal static async Task<JsonNode?> GraphAsync(CliContext context, HttpMethod method, string path, JsonNode? body, CancellationToken ct)
    {
        var profile = context.Config.RequireProfile();
        var token = await new CliTokens(context.Config, profile, context.Http).GetTokenAsync(GraphScope, ct);
        using var request = new HttpRequestMessage(method, $"{profile.Server.TrimEnd('/')}/v1.0/{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await context.Http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw CliException.FromResponse(response.StatusCode, text, "the directory");
        }

        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    private static void Act(Command command, Func<CliContext, ParseResult, CancellationToken, Task<JsonNode?>> work) =>
        command.SetAction((parseResult, ct) => CliContext.RunAsync(parseResult, (context, token) => work(context, parseResult, token), ct));
}
