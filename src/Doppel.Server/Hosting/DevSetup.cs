using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Identity.Directory;
using Doppel.Management;
using Doppel.Management.Access;
using Doppel.Storage.Management;

namespace Doppel.Server.Hosting;

/// <summary>What <see cref="DevSetup"/> made or found, as written to <c>credentials.json</c>.</summary>
/// <param name="CredentialsPath">The full path of <c>credentials.json</c>.</param>
/// <param name="EnvironmentPath">The full path of <c>dev.env</c>.</param>
/// <param name="Created">Whether this start created the setup (false: it reused an earlier one).</param>
/// <param name="Document">The content of <c>credentials.json</c>.</param>
internal sealed record DevSetupResult(string CredentialsPath, string EnvironmentPath, bool Created, JsonObject Document);

/// <summary>
/// The ready-made developer setup of <c>--dev</c> (or <c>DOPPEL_DEV=1</c>): a subscription, the resource group
/// <c>dev-rg</c>, the instance <c>dev</c> and three app registrations — <c>dev-owner</c> (Owner on the subscription and
/// Data Owner on the instance), <c>dev-reader</c> (Data Reader on the instance) and <c>dev-norole</c> — made through
/// the directory and control-plane services as any client would make them, and written with their secrets to
/// <c>{data dir}/dev/credentials.json</c> and <c>dev.env</c> (owner-only). Later starts find and reuse everything:
/// ids are derived from the tenant, apps are found by the client ids in the file (or by name), and a secret is
/// replaced only when the directory no longer accepts the one in the file.
/// </summary>
internal sealed class DevSetup(DirectoryService directory, ManagementService management, TimeProvider time)
{
    /// <summary>The environment variable that turns the setup on, like <c>--dev</c>.</summary>
    public const string Variable = "DOPPEL_DEV";

    /// <summary>The resource group the setup creates.</summary>
    public const string ResourceGroup = "dev-rg";

    /// <summary>The instance the setup creates.</summary>
    public const string InstanceName = "dev";

    private const string OwnerName = "dev-owner";
    private const string ReaderName = "dev-reader";
    private const string NoRoleName = "dev-norole";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Makes or finds the setup, waits until the instance is provisioned and writes the two files.</summary>
    public async Task<DevSetupResult> EnsureAsync(DevSetupContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var folder = Path.Combine(context.DataDirectory, "dev");
        var credentialsPath = Path.Combine(folder, "credentials.json");
        var previous = ReadPrevious(credentialsPath);

        var tenants = await directory.ListTenantsAsync(cancellationToken).ConfigureAwait(false);
        var tenant = await directory.FindTenantAsync(directory.Options.DefaultTenantDomain, cancellationToken).ConfigureAwait(false)
            ?? (tenants.Count > 0 ? tenants[0] : null)
            ?? throw new StartupException("--dev needs the identity plane's tenant, and there is none; start once without --dev to see why");

        var owner = await EnsureClientAsync(tenant.Id, OwnerName, previous?["clients"]?["owner"], cancellationToken).ConfigureAwait(false);
        var reader = await EnsureClientAsync(tenant.Id, ReaderName, previous?["clients"]?["reader"], cancellationToken).ConfigureAwait(false);
        var noRole = await EnsureClientAsync(tenant.Id, NoRoleName, previous?["clients"]?["norole"], cancellationToken).ConfigureAwait(false);

        // The subscription id is derived from the tenant, so a lost credentials.json does not make a second one.
        var subscriptionId = DeterministicGuid($"dev-subscription:{tenant.Id}");
        // The administrator owns it too, so the portal works at once for the person at the keyboard.
        var administrator = (await directory.ListUsersAsync(tenant.Id, cancellationToken).ConfigureAwait(false)).FirstOrDefault(u => u.IsAdministrator);
        string[] owners = administrator is null ? [owner.ObjectId] : [owner.ObjectId, administrator.Id];
        await management.EnsureSubscriptionAsync(subscriptionId, "Doppel dev subscription", tenant.Id, owners, cancellationToken).ConfigureAwait(false);
        var caller = new Principal(owner.ObjectId, tenant.Id, [], owner.ClientId, IsApplication: true);
        var location = management.Options.Locations[0];

        try
        {
            await management.PutResourceGroupAsync(caller, subscriptionId, ResourceGroup, location, tagsJson: null, cancellationToken).ConfigureAwait(false);
        }
        catch (ManagementException ex) when (ex.Code == ManagementErrorCodes.InvalidResourceGroupName)
        {
            // It exists in another location (--location changed since): keep it where it is.
        }

        var instance = await EnsureInstanceAsync(caller, subscriptionId, location, cancellationToken).ConfigureAwait(false);
        var instanceScope = ResourceScope.DigitalTwins(subscriptionId, ResourceGroup, InstanceName);
        await AssignAsync(caller, instanceScope, BuiltInRoles.DigitalTwinsDataOwner, owner.ObjectId, cancellationToken).ConfigureAwait(false);
        await AssignAsync(caller, instanceScope, BuiltInRoles.DigitalTwinsDataReader, reader.ObjectId, cancellationToken).ConfigureAwait(false);
        if (administrator is not null)
        {
            await AssignAsync(caller, instanceScope, BuiltInRoles.DigitalTwinsDataOwner, administrator.Id, cancellationToken, "User").ConfigureAwait(false);
        }

        var origin = $"https://localhost:{context.Port}";
        var admin = AdminOf(context, previous);
        var document = new JsonObject
        {
            ["authorityHost"] = origin,
            ["tenantId"] = tenant.Id,
            ["armEndpoint"] = origin,
            ["subscriptionId"] = subscriptionId,
            ["resourceGroup"] = ResourceGroup,
            ["location"] = instance.Location,
            ["instance"] = new JsonObject
            {
                ["name"] = instance.Name,
                ["hostName"] = management.Options.HostNameOf(instance.Name, instance.Location),
                ["endpoint"] = $"{origin}/instances/{instance.Name}",
            },
            ["caCertificate"] = context.CaCertificatePath,
            ["clients"] = new JsonObject
            {
                ["owner"] = owner.ToJson(),
                ["reader"] = reader.ToJson(),
                ["norole"] = noRole.ToJson(),
            },
            ["admin"] = new JsonObject { ["userName"] = admin.UserName, ["password"] = admin.Password },
        };

        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var environmentPath = Path.Combine(folder, "dev.env");
        WritePrivate(credentialsPath, document.ToJsonString(Indented) + "\n");
        WritePrivate(environmentPath, EnvironmentFile(document, owner, context.CaCertificatePath));
        var created = previous is null || owner.Created || reader.Created || noRole.Created;
        return new DevSetupResult(credentialsPath, environmentPath, created, document);
    }

    /// <summary>The short "how to connect" block the server prints.</summary>
    public static string HowToConnect(DevSetupResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var document = result.Document;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Dev setup {(result.Created ? "created" : "reused")}: instance '{document["instance"]!["name"]}' at {document["instance"]!["endpoint"]} (resource group {ResourceGroup}, subscription {document["subscriptionId"]}).");
        text.AppendLine(CultureInfo.InvariantCulture, $"  Credentials (owner-only): {result.CredentialsPath}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  Connect: set -a; . {result.EnvironmentPath}; set +a   # AZURE_* for the dev-owner app, the endpoint and the CA");
        text.AppendLine("  Then ClientSecretCredential (or DefaultAzureCredential) with DisableInstanceDiscovery and the authority host, and");
        text.Append(CultureInfo.InvariantCulture, $"  new DigitalTwinsClient(\"{document["instance"]!["endpoint"]}\", credential); dev-reader may only read, dev-norole gets 403.");
        return text.ToString();
    }

    private async Task<DigitalTwinsResourceRecord> EnsureInstanceAsync(Principal caller, string subscriptionId, string location, CancellationToken cancellationToken)
    {
        DigitalTwinsResourceRecord resource;
        try
        {
            resource = await management.GetDigitalTwinsAsync(caller, subscriptionId, ResourceGroup, InstanceName, cancellationToken).ConfigureAwait(false);
        }
        catch (ManagementException ex) when (ex.Code == ManagementErrorCodes.ResourceNotFound)
        {
            try
            {
                resource = (await management.PutDigitalTwinsAsync(caller, subscriptionId, ResourceGroup, InstanceName, new DigitalTwinsPut(location, null, null), cancellationToken).ConfigureAwait(false)).Resource;
            }
            catch (ManagementException taken) when (taken.Code == ManagementErrorCodes.NameUnavailable)
            {
                throw new StartupException($"--dev needs the instance name '{InstanceName}', which an instance outside the dev setup (--instance {InstanceName}?) already has; delete it or use another --data-dir", taken);
            }
        }

        // The worker provisions it in a fraction of a second; the files are written only once it answers.
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(30);
        while (resource.ProvisioningState != ProvisioningStates.Succeeded)
        {
            if (resource.ProvisioningState is ProvisioningStates.Failed or ProvisioningStates.Deleting || time.GetUtcNow() > deadline)
            {
                throw new StartupException($"--dev: the instance '{InstanceName}' is {resource.ProvisioningState}, not Succeeded; see the log, or delete the data directory's dev setup to start over");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken).ConfigureAwait(false);
            resource = await management.GetDigitalTwinsAsync(caller, subscriptionId, ResourceGroup, InstanceName, cancellationToken).ConfigureAwait(false);
        }

        return resource;
    }

    private async Task AssignAsync(Principal caller, ResourceScope scope, RoleDefinition role, string principalId, CancellationToken cancellationToken, string principalType = "ServicePrincipal")
    {
        // A deterministic id: a restart puts the same assignment again, which ARM answers as already there.
        var id = DeterministicGuid($"dev-assignment:{scope}:{role.Id}:{principalId}");
        await management.PutRoleAssignmentAsync(caller, scope, id, new RoleAssignmentPut(role.Id, principalId, principalType), cancellationToken).ConfigureAwait(false);
    }

    private async Task<DevClient> EnsureClientAsync(string tenantId, string name, JsonNode? previous, CancellationToken cancellationToken)
    {
        var previousId = previous?["clientId"]?.GetValue<string>();
        var previousSecret = previous?["clientSecret"]?.GetValue<string>();
        var app = previousId is null ? null : await directory.FindApplicationAsync(tenantId, previousId, cancellationToken).ConfigureAwait(false);
        if (app is null)
        {
            // No file (or it names an app that is gone): one app of that name made by an earlier --dev start is reused.
            var named = (await directory.ListApplicationsAsync(tenantId, cancellationToken).ConfigureAwait(false))
                .Where(a => string.Equals(a.DisplayName, name, StringComparison.Ordinal)).ToList();
            app = named.Count == 1 ? named[0] : null;
        }

        var created = false;
        if (app is null)
        {
            app = await directory.CreateApplicationAsync(tenantId, new Application { Id = string.Empty, AppId = string.Empty, DisplayName = name }, cancellationToken).ConfigureAwait(false);
            created = true;
        }

        var servicePrincipal = await directory.FindServicePrincipalAsync(tenantId, app.AppId, cancellationToken).ConfigureAwait(false)
            ?? await directory.CreateServicePrincipalAsync(tenantId, app.AppId, cancellationToken).ConfigureAwait(false);

        var now = time.GetUtcNow();
        var secret = previousSecret is not null
            && string.Equals(previousId, app.AppId, StringComparison.OrdinalIgnoreCase)
            && app.PasswordCredentials.Any(c => c.EndDateTime > now.AddDays(1) && Secrets.VerifySecret(c.SecretHash, previousSecret))
                ? previousSecret
                : (await directory.AddPasswordAsync(tenantId, app.Id, "doppel --dev", now.AddYears(2), cancellationToken).ConfigureAwait(false)).SecretText;
        return new DevClient(app.AppId, secret, servicePrincipal.Id.ToLowerInvariant(), created);
    }

    private static (string UserName, string? Password) AdminOf(DevSetupContext context, JsonNode? previous)
    {
        if (context.Bootstrap is { } bootstrap)
        {
            // This start created the administrator: its password is the chosen or the generated one.
            return (bootstrap.Administrator.UserPrincipalName, bootstrap.GeneratedPassword ?? context.ChosenAdminPassword);
        }

        var userName = previous?["admin"]?["userName"]?.GetValue<string>() ?? context.AdminUserName;
        var password = previous?["admin"]?["password"]?.GetValue<string>();
        return (userName, password);
    }

    private static JsonObject? ReadPrevious(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new StartupException($"--dev: cannot read {path} ({ex.Message}); fix or delete it to have it written again", ex);
        }
    }

    private static string EnvironmentFile(JsonObject document, DevClient owner, string? caCertificate)
    {
        var lines = new StringBuilder();
        lines.AppendLine("# Written by doppel --dev: the dev-owner app's credentials for the Azure SDKs. Load with: set -a; . ./dev.env; set +a");
        lines.AppendLine(CultureInfo.InvariantCulture, $"AZURE_TENANT_ID={document["tenantId"]}");
        lines.AppendLine(CultureInfo.InvariantCulture, $"AZURE_CLIENT_ID={owner.ClientId}");
        lines.AppendLine(CultureInfo.InvariantCulture, $"AZURE_CLIENT_SECRET={owner.ClientSecret}");
        lines.AppendLine(CultureInfo.InvariantCulture, $"AZURE_AUTHORITY_HOST={document["authorityHost"]}");
        lines.AppendLine(CultureInfo.InvariantCulture, $"AZURE_SUBSCRIPTION_ID={document["subscriptionId"]}");
        lines.AppendLine(CultureInfo.InvariantCulture, $"AZURE_RESOURCE_GROUP={document["resourceGroup"]}");
        lines.AppendLine(CultureInfo.InvariantCulture, $"AZURE_RESOURCE_MANAGER_ENDPOINT={document["armEndpoint"]}");
        lines.AppendLine(CultureInfo.InvariantCulture, $"AZURE_DIGITALTWINS_URL={document["instance"]!["endpoint"]}");
        if (caCertificate is not null)
        {
            lines.AppendLine(CultureInfo.InvariantCulture, $"NODE_EXTRA_CA_CERTS={caCertificate}");
            lines.AppendLine(CultureInfo.InvariantCulture, $"SSL_CERT_FILE={caCertificate}");
        }

        return lines.ToString();
    }

    private static void WritePrivate(string path, string content)
    {
        // Written to a new owner-only file and moved over the old one, so no reader ever sees half a file and the
        // secrets are never readable by others, not even for a moment.
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(content);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static string DeterministicGuid(string text) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16)).ToString("D");

    private sealed record DevClient(string ClientId, string ClientSecret, string ObjectId, bool Created)
    {
        public JsonObject ToJson() => new() { ["clientId"] = ClientId, ["clientSecret"] = ClientSecret };
    }
}

/// <summary>What the server knows when it runs the dev setup.</summary>
/// <param name="DataDirectory">The data directory.</param>
/// <param name="Port">The HTTPS port.</param>
/// <param name="CaCertificatePath">The local CA's certificate, or null when the server serves a certificate of its own.</param>
/// <param name="Bootstrap">What the identity plane's first start created in this run, if it ran now.</param>
/// <param name="ChosenAdminPassword">The administrator password given by <c>DOPPEL_ADMIN_PASSWORD</c>, if any.</param>
/// <param name="AdminUserName">The administrator's name when it was created by an earlier start.</param>
internal sealed record DevSetupContext(string DataDirectory, int Port, string? CaCertificatePath, BootstrapResult? Bootstrap, string? ChosenAdminPassword, string AdminUserName);
