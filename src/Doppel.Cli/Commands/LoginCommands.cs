using System.CommandLine;
using System.Text.Json.Nodes;
using Doppel.Cli.Connection;
using Doppel.Cli.Output;
using Microsoft.Identity.Client;

namespace Doppel.Cli.Commands;

/// <summary><c>doppel login</c>, <c>logout</c> and <c>account show</c>: signing in to a Doppel server's identity plane.</summary>
internal static class LoginCommands
{
    private const string DefaultServer = "https://localhost:5443";
    private const string DefaultTenant = "doppel.local";

    public static Command CreateLogin(CliExamples examples)
    {
        var server = new Option<string>("--server") { Description = $"The Doppel server. Default: $DOPPEL_SERVER, else {DefaultServer}." };
        var tenant = new Option<string>("--tenant", "-t") { Description = $"The directory (tenant) id or domain. Default: {DefaultTenant}." };
        var caFile = new Option<string?>("--ca-file") { Description = "A PEM CA file to trust for the server (Doppel's is <data-dir>/ca.crt)." };
        var servicePrincipal = new Option<bool>("--service-principal") { Description = "Sign in as a service principal: -u is its client id, -p its secret." };
        var user = new Option<string?>("--username", "-u") { Description = "The user name, or with --service-principal the client (application) id." };
        var password = new Option<string?>("--password", "-p") { Description = "The password, or with --service-principal the client secret." };
        var login = new Command("login", "Sign in to a Doppel server: device code by default, a user's password with -u/-p, or a service principal.")
        {
            server, tenant, caFile, servicePrincipal, user, password,
        };
        login.SetAction((parseResult, ct) => CliContext.RunAsync(parseResult, async (context, token) =>
        {
            var origin = (parseResult.GetValue(server) ?? context.Console.Variable("DOPPEL_SERVER") ?? DefaultServer).TrimEnd('/');
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new CliException(ExitCodes.UsageError, $"--server must be an https URL, not '{origin}'.");
            }

            context.CaFile = parseResult.GetValue(caFile) is { } ca ? Path.GetFullPath(ca) : null;
            var directory = parseResult.GetValue(tenant) ?? DefaultTenant;
            var (name, secret) = (parseResult.GetValue(user), parseResult.GetValue(password));
            if (parseResult.GetValue(servicePrincipal) && (name is null || secret is null))
            {
                throw new CliException(ExitCodes.UsageError, "--service-principal needs -u CLIENT_ID and -p SECRET.");
            }

            AuthenticationResult result;
            try
            {
                result = await SignInAsync(context, origin, directory, parseResult.GetValue(servicePrincipal), name, secret, token).ConfigureAwait(false);
            }
            catch (MsalServiceException ex)
            {
                throw new CliException(ExitCodes.Invalid, $"Sign-in refused: {FirstLine(ex.Message)} ({ex.ErrorCode})");
            }
            catch (MsalClientException ex)
            {
                throw new CliException(ExitCodes.Invalid, $"Sign-in failed: {FirstLine(ex.Message)} ({ex.ErrorCode})");
            }

            var isServicePrincipal = parseResult.GetValue(servicePrincipal);
            var profile = new CliProfile(origin, result.TenantId ?? directory, context.CaFile, isServicePrincipal ? "servicePrincipal" : "user",
                isServicePrincipal ? name! : result.Account.Username, directory);
            context.Config.WriteProfile(profile);
            if (isServicePrincipal)
            {
                context.Config.WriteSecret(name!, profile.Authority, secret!);
            }

            return Account(profile);
        }, ct));
        examples.Add(
            login,
            "doppel login --ca-file .doppel/ca.crt                      # device code: open the page, enter the code",
            "doppel login -u admin@doppel.local -p \"$PASSWORD\"          # a user's password (scripts, tests)",
            "doppel login --service-principal -u $CLIENT_ID -p $SECRET  # an app registration with a client secret");
        return login;
    }

    private static async Task<AuthenticationResult> SignInAsync(CliContext context, string origin, string tenant, bool servicePrincipal, string? name, string? secret, CancellationToken cancellationToken)
    {
        string[] scopes = [CliTokens.DigitalTwinsScope];
        if (servicePrincipal)
        {
            var app = CliTokens.Confidential(context.Config, origin, tenant, name!, secret!, context.Http);
            return await app.AcquireTokenForClient(scopes).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }

        var client = CliTokens.Public(context.Config, origin, tenant, context.Http);
        if (name is not null && secret is not null)
        {
#pragma warning disable CS0618 // The password flow is deprecated for Entra ID; Doppel keeps it for scripts and tests.
            return await client.AcquireTokenByUsernamePassword(scopes, name, secret).ExecuteAsync(cancellationToken).ConfigureAwait(false);
#pragma warning restore CS0618
        }

        return await client.AcquireTokenWithDeviceCode(scopes, code =>
        {
            context.Console.Error.WriteLine(code.Message);
            return Task.CompletedTask;
        }).ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    public static Command CreateLogout(CliExamples examples)
    {
        var logout = new Command("logout", "Forget the sign-in: the profile, cached tokens and stored secrets.");
        logout.SetAction((parseResult, ct) => CliContext.RunAsync(parseResult, (context, _) =>
        {
            context.Config.Clear();
            return Task.FromResult<JsonNode?>(null);
        }, ct));
        examples.Add(logout, "doppel logout");
        return logout;
    }

    public static Command CreateAccount(CliExamples examples)
    {
        var show = new Command("show", "Show who is signed in to which server and directory.");
        show.SetAction((parseResult, ct) => CliContext.RunAsync(parseResult, (context, _) =>
            Task.FromResult<JsonNode?>(Account(context.Config.RequireProfile())), ct));
        examples.Add(show, "doppel account show", "doppel account show --query user.name -o tsv");

        var list = new Command("list", "List the subscriptions the account holds a role in; isDefault marks the one commands use.");
        list.SetAction((parseResult, ct) => CliContext.RunAsync(parseResult, async (context, token) =>
        {
            var profile = context.Config.RequireProfile();
            var subscriptions = await ArmClient.For(context).SubscriptionsAsync(token);
            foreach (var subscription in subscriptions.OfType<JsonObject>())
            {
                var id = (string?)subscription["subscriptionId"];
                subscription["isDefault"] = profile.SubscriptionId is null ? subscriptions.Count == 1 : string.Equals(id, profile.SubscriptionId, StringComparison.OrdinalIgnoreCase);
            }

            return subscriptions;
        }, ct));
        examples.Add(list, "doppel account list -o table");

        var subscriptionOption = new Option<string>("--subscription", "-s") { Description = "The subscription id to use by default.", Required = true };
        var set = new Command("set", "Choose the subscription commands use when they name none.") { subscriptionOption };
        set.SetAction((parseResult, ct) => CliContext.RunAsync(parseResult, async (context, token) =>
        {
            var profile = context.Config.RequireProfile();
            var wanted = parseResult.GetValue(subscriptionOption)!;
            var known = (await ArmClient.For(context).SubscriptionsAsync(token)).OfType<JsonObject>().Select(s => (string?)s["subscriptionId"]).OfType<string>().ToList();
            var match = known.FirstOrDefault(id => string.Equals(id, wanted, StringComparison.OrdinalIgnoreCase))
                ?? throw new CliException(ExitCodes.NotFound, $"The account has no subscription '{wanted}'. Run 'doppel account list'.");
            context.Config.WriteProfile(profile with { SubscriptionId = match });
            return null;
        }, ct));
        examples.Add(set, "doppel account set --subscription 5c1a2b3d-0000-4000-8000-00000000c1c1");
        return new Command("account", "The signed-in account and its subscriptions.") { show, list, set };
    }

    /// <summary>The account as <c>az account show</c> shapes it (without subscriptions, which the control plane adds).</summary>
    private static JsonObject Account(CliProfile profile) => new()
    {
        ["environmentName"] = "Doppel",
        ["server"] = profile.Server,
        ["tenantId"] = profile.TenantId,
        ["user"] = new JsonObject { ["name"] = profile.UserName, ["type"] = profile.UserType },
        ["id"] = profile.SubscriptionId,
    };

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
