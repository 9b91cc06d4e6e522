using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Doppel.Api;
using Doppel.Query.Binding;
using Doppel.Twins;
using Doppel.Api.Authentication;
using Doppel.Api.Management;
using Doppel.Management;
using Doppel.Identity.Directory;
using Doppel.Identity.Hosting;
using Doppel.Identity.Tokens;
using Doppel.Portal;
using Doppel.Server.Health;
using Doppel.Server.Logging;
using Doppel.Server.Tls;
using Doppel.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;

namespace Doppel.Server.Hosting;

/// <summary>
/// Starts and runs the Doppel server: parses the command line, prepares the data directory, TLS material and
/// store, then serves HTTPS until SIGTERM, Ctrl+C or <c>cancellationToken</c>. Every problem the user can fix
/// ends as one line on stderr and exit code 2; nothing prints a stack trace.
/// </summary>
public static partial class ServerApp
{
    private const string Prefix = "doppel";
    private const string DebugVariable = "DOPPEL_DEBUG";
    private static readonly string ServerAssemblyName = typeof(ServerApp).Assembly.GetName().Name!;
    private static readonly string StaticAssetsManifest = Path.Combine(AppContext.BaseDirectory, $"{ServerAssemblyName}.staticwebassets.endpoints.json");

    /// <summary>Runs the server to completion and returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, ServerRunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);

        var commandLine = new ServerCommandLine(context.GetEnvironmentVariable);
        var parse = commandLine.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Some of System.CommandLine's messages span lines (lists of allowed values); the user gets one line.
            var problems = string.Join("; ", parse.Errors.Select(e => string.Join(' ', e.Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.')));
            await context.Error.WriteLineAsync($"{Prefix}: {problems} (see --help)");
            return ExitCodes.StartupFailed;
        }

        if (commandLine.IsInformational(parse))
        {
            var invocation = new InvocationConfiguration { Output = context.Out, Error = context.Error };
            return await parse.InvokeAsync(invocation, cancellationToken);
        }

        try
        {
            var options = commandLine.Bind(parse);
            return await ServeAsync(options, context, cancellationToken);
        }
        catch (Exception ex) when (ex is StartupException or StoreUnavailableException)
        {
            await context.Error.WriteLineAsync($"{Prefix}: {ex.Message}");
            return ExitCodes.StartupFailed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
        catch (Exception ex)
        {
            // The one place that sees everything else: a line with the type, so the report is useful, but no
            // stack trace on a user's terminal unless DOPPEL_DEBUG=1 asks for one.
            await context.Error.WriteLineAsync($"{Prefix}: unexpected error ({ex.GetType().Name}): {ex.Message}");
            if (context.GetEnvironmentVariable(DebugVariable) == "1")
            {
                await context.Error.WriteLineAsync(ex.ToString());
            }

            return ExitCodes.Unexpected;
        }
    }

    private static async Task<int> ServeAsync(ServerOptions options, ServerRunContext context, CancellationToken cancellationToken)
    {
        using var dataDirectory = DataDirectory.Open(options.DataDirectory);
        var listenOnIPv6 = CanBindIPv6Loopback();

        // Kestrel reads its certificate while the application is built, so TLS comes first; what happened is
        // logged once logging exists.
        var (tls, logTls) = PrepareTls(options, dataDirectory.Path, context.TimeProvider);
        using var certificate = tls.ServerCertificate;

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // Our own options are parsed above; none of them is ASP.NET configuration. The one argument passed
            // on turns off watching appsettings files for changes, which would cost an inotify instance per
            // server for files Doppel does not use. The content root is the program's folder so that an
            // appsettings.json in the user's working directory is not picked up.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
            // Named after the server, not the entry assembly, which is a test host when a test runs it in-process:
            // the name picks the static web assets manifests of the portal's files.
            ApplicationName = ServerAssemblyName,
        });
        ConfigureLogging(builder.Logging, options, context);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(context.TimeProvider);

        var store = StoreFactory.Create(options, dataDirectory.Path, context.TimeProvider);
        await using var storeLifetime = store;
        builder.Services.AddSingleton<IStore>(store);
        builder.Services.AddSingleton(store.Instances);

        // The identity plane: its directory and token keys live in the same store; the data plane trusts its
        // tokens besides the configured external issuers.
        var directoryStore = DirectoryStoreFactory.Create(store);
        var keyRing = new TokenKeyRing(directoryStore, context.TimeProvider);
        builder.Services.AddSingleton(keyRing);
        builder.Services.AddDoppelIdentity(
            new IdentityOptions { AdminPassword = context.GetEnvironmentVariable(IdentityOptions.AdminPasswordVariable) is { Length: > 0 } password ? password : null },
            directoryStore);

        TrustedIssuerKeys keys;
        try
        {
            keys = new TrustedIssuerKeys(options.TrustedIssuers, context.TimeProvider, local: new LocalIssuer(keyRing));
        }
        catch (ArgumentException ex)
        {
            throw new StartupException(ex.Message, ex);
        }

        using var keysLifetime = keys;
        builder.Services.AddDoppelDataPlane(
            new DataPlaneOptions
            {
                HostSuffix = options.HostSuffix,
                TrustedIssuers = options.TrustedIssuers,
                SkipApiVersionCheck = options.SkipApiVersionCheck,
                Limits = DataPlaneLimits.Default with
                {
                    QueryShape = QueryLimits.Default with { AllowOrderBy = options.QueryOrderBy },
                    QueryRequestsPerSecond = options.QueryRequestsPerSecond,
                },
            },
            DataPlaneStoreFactory.Create(store),
            keys);
        var managementOptions = new ManagementOptions
        {
            HostSuffix = options.HostSuffix,
            PublicPort = options.Port,
            Locations = options.Locations,
            ListPageSize = options.ArmPageSize,
            MaxInstancesPerSubscription = options.MaxInstancesPerSubscription,
        };
        builder.Services.AddSingleton(SecretKeyFile.LoadOrCreate(dataDirectory.Path));

        // Group membership for role assignments comes from the directory (plus a token's own groups claim).
        builder.Services.AddSingleton<Doppel.Management.Access.IPrincipalDirectory, DirectoryGroupMembership>();
        builder.Services.AddDoppelManagement(
            managementOptions,
            new ControlPlaneOptions
            {
                Audiences = [.. ControlPlaneOptions.DefaultAudiences, .. OwnOrigins(options.Port), .. options.ArmAudiences],
                SkipApiVersionCheck = options.SkipApiVersionCheck,
            },
            DataPlaneStoreFactory.CreateManagement(store),
            keys);

        // The portal is a client of the APIs above, at this server's own origin; its back channel trusts exactly the
        // certificate this server serves.
        var portal = new PortalOptions
        {
            ApiOrigin = $"https://localhost:{options.Port}",
            ClientId = BuiltInApis.Portal.AppId,
            CreateBackchannelHandler = () => PortalBackchannel.Create(tls.ServerCertificate),
        };
        builder.Services.AddDoppelPortal(portal);

        // The keys that protect the portal's cookie and the sign-in forms' CSRF tokens live beside the data, so a
        // restart keeps people signed in; servers behind one load balancer share this folder (docs/operations.md).
        builder.Services.AddDataProtection()
            .SetApplicationName("Doppel")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory.Path, "keys")));
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, $"{ServerAssemblyName}.staticwebassets.runtime.json")))
        {
            // Run from a build (dotnet run): the portal's files are served from where the build left them.
            builder.WebHost.UseStaticWebAssets();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, UseTls);
            if (listenOnIPv6)
            {
                kestrel.Listen(IPAddress.IPv6Loopback, options.Port, UseTls);
            }

            void UseTls(ListenOptions listen)
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = tls.ServerCertificate;
                    if (tls.Chain.Count > 0)
                    {
                        https.ServerCertificateChain = tls.Chain;
                    }
                });
            }
        });

        var app = builder.Build();
        await using var appLifetime = app;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Doppel.Server");
        LogStarting(logger, dataDirectory.Path, options.Port);
        if (!listenOnIPv6)
        {
            LogNoIPv6(logger);
        }

        logTls(logger);

        if (!File.Exists(StaticAssetsManifest))
        {
            LogNoPortalAssets(logger, StaticAssetsManifest);
        }

        var migrations = await store.Migrations.ApplyPendingAsync(cancellationToken);
        LogMigrations(logger, store.Engine, store.Location, migrations.FromVersion, migrations.ToVersion, migrations.Applied.Count);
        foreach (var name in options.Instances)
        {
            var instance = await store.Instances.EnsureAsync(name, cancellationToken);
            LogInstance(logger, instance.Name, instance.Id);
        }

        await keyRing.LoadAsync(cancellationToken);
        var bootstrap = await app.Services.GetRequiredService<DirectoryService>().EnsureBootstrapAsync(cancellationToken);
        if (bootstrap is not null)
        {
            LogBootstrap(logger, bootstrap.Tenant.Id, bootstrap.Tenant.Domain, bootstrap.Administrator.UserPrincipalName);
        }

        var tenants = await app.Services.GetRequiredService<DirectoryService>().ListTenantsAsync(cancellationToken);
        if (options.Subscriptions.Count > 0)
        {
            // Owners may be named by object id or, for people, by user name (admin@doppel.local); the directory
            // exists by now, so names resolve.
            var owners = await ResolveOwnersAsync(app.Services.GetRequiredService<DirectoryService>(), tenants, options.SubscriptionOwners, cancellationToken);
            var management = app.Services.GetRequiredService<ManagementService>();
            foreach (var subscription in options.Subscriptions)
            {
                await management.EnsureSubscriptionAsync(subscription, $"Doppel subscription {subscription[..8]}", options.SubscriptionTenant, owners, cancellationToken);
                LogSubscription(logger, subscription, owners.Count);
            }
        }

        foreach (var tenant in tenants)
        {
            await app.Services.GetRequiredService<DirectoryService>().EnsureFirstPartyClientsAsync(tenant.Id, cancellationToken);
        }

        portal.TenantId = tenants.FirstOrDefault(t => t.Domain == new IdentityOptions().DefaultTenantDomain)?.Id ?? (tenants.Count > 0 ? tenants[0].Id : portal.TenantId);

        // WebApplication would add ASP.NET Core's authentication middleware in front of everything, and with it
        // OpenIddict's request handler on every request; the identity middleware hands only its own paths to
        // OpenIddict, and the data plane authenticates explicitly. This is the key UseAuthentication sets.
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        app.UseMiddleware<RequestLogging>();
        app.UseDoppelIdentity();
        app.UseDoppelDataPlane();
        app.UseDoppelManagement();
        app.UseDoppelPortal(File.Exists(StaticAssetsManifest) ? StaticAssetsManifest : null);
        app.UseRouting();
        app.MapHealthEndpoints();
        app.MapDoppelDataPlane();
        app.MapDoppelManagement();
        app.MapDoppelIdentity();

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            throw ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException || ex is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                ? new StartupException($"port {options.Port} is already in use on 127.0.0.1 or [::1]; stop the program using it or choose another --port", ex)
                : new StartupException($"cannot listen on port {options.Port}: {ex.Message}", ex);
        }

        var addresses = listenOnIPv6 ? "127.0.0.1 and [::1]" : "127.0.0.1";
        LogListening(logger, options.Port, addresses);

        // After the start: the control plane's worker provisions the dev instance, and the files are written once it answers.
        DevSetupResult? dev = null;
        if (options.Dev)
        {
            var setup = new DevSetup(app.Services.GetRequiredService<DirectoryService>(), app.Services.GetRequiredService<ManagementService>(), context.TimeProvider);
            var chosenPassword = context.GetEnvironmentVariable(IdentityOptions.AdminPasswordVariable) is { Length: > 0 } chosen ? chosen : null;
            var adminName = $"admin@{app.Services.GetRequiredService<DirectoryService>().Options.DefaultTenantDomain}";
            dev = await setup.EnsureAsync(new DevSetupContext(dataDirectory.Path, options.Port, tls.CaCertificatePath, bootstrap, chosenPassword, adminName), cancellationToken);
            LogDevSetup(logger, dev.Created ? "created" : "reused", dev.CredentialsPath);
        }

        await WriteBannerAsync(context.Out, options, addresses, tls, $"{store.Engine} {store.Location}, schema version {migrations.ToVersion}", tenants, bootstrap, dev);

        await app.WaitForShutdownAsync(cancellationToken);
        LogStopped(logger);
        return ExitCodes.Success;
    }

    private static async Task<IReadOnlyList<string>> ResolveOwnersAsync(DirectoryService directory, IReadOnlyList<Tenant> tenants, IReadOnlyList<string> owners, CancellationToken cancellationToken)
    {
        var resolved = new List<string>();
        foreach (var owner in owners)
        {
            if (!owner.Contains('@', StringComparison.Ordinal))
            {
                resolved.Add(owner);
                continue;
            }

            string? id = null;
            foreach (var tenant in tenants)
            {
                id ??= (await directory.ListUsersAsync(tenant.Id, cancellationToken)).FirstOrDefault(u => string.Equals(u.UserPrincipalName, owner, StringComparison.OrdinalIgnoreCase))?.Id;
            }

            resolved.Add(id ?? throw new StartupException($"--subscription-owner {owner}: no user with that name exists in the directory"));
        }

        return resolved;
    }

    private static (TlsMaterial Material, Action<ILogger> Log) PrepareTls(ServerOptions options, string dataDirectory, TimeProvider timeProvider)
    {
        if (options.CertificatePath is { } certificatePath && options.KeyPath is { } keyPath)
        {
            var provided = ProvidedCertificate.Load(certificatePath, keyPath);
            var notAfter = new DateTimeOffset(provided.ServerCertificate.NotAfter.ToUniversalTime());
            var expired = notAfter <= timeProvider.GetUtcNow();
            return (provided, Log);

            void Log(ILogger logger)
            {
                LogProvidedCertificate(logger, certificatePath, provided.ServerCertificate.Subject, notAfter);
                if (expired)
                {
                    LogProvidedCertificateExpired(logger, certificatePath, notAfter);
                }
            }
        }

        LocalTlsResult local;
        try
        {
            local = LocalCertificateAuthority.Ensure(dataDirectory, options.HostSuffix, timeProvider);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"cannot write the TLS certificates in {dataDirectory}: {ex.Message}", ex);
        }

        return (local.Material, logger =>
            LogLocalTls(logger, local.Authority, local.Server, local.Reason ?? "-", local.Material.CaCertificatePath!));
    }

    private static async Task WriteBannerAsync(
        TextWriter output,
        ServerOptions options,
        string addresses,
        TlsMaterial tls,
        string storeDescription,
        IReadOnlyList<Tenant> tenants,
        BootstrapResult? bootstrap,
        DevSetupResult? dev)
    {
        var origin = $"https://localhost:{options.Port}";
        var banner = new System.Text.StringBuilder();
        banner.AppendLine(CultureInfo.InvariantCulture, $"Doppel is serving {origin} (on {addresses}); /healthz and /readyz answer there.");
        banner.AppendLine(CultureInfo.InvariantCulture, $"Data: {options.DataDirectory} ({storeDescription}).");
        if (tls.CaCertificatePath is { } ca)
        {
            banner.AppendLine(CultureInfo.InvariantCulture, $"TLS: the server certificate is signed by Doppel's local CA {ca}. Trust that file to connect:");
            banner.AppendLine(CultureInfo.InvariantCulture, $"  Node.js:           export NODE_EXTRA_CA_CERTS={ca}");
            banner.AppendLine(CultureInfo.InvariantCulture, $"  .NET and OpenSSL:  export SSL_CERT_FILE={ca}   (replaces the default CA bundle for that process)");
        }
        else
        {
            banner.AppendLine(CultureInfo.InvariantCulture, $"TLS: serving the certificate from {options.CertificatePath}.");
        }

        foreach (var instance in options.Instances)
        {
            banner.AppendLine(CultureInfo.InvariantCulture, $"Instance {instance}: {origin}/instances/{instance}");
        }

        foreach (var tenant in tenants)
        {
            banner.AppendLine(CultureInfo.InvariantCulture, $"Identity: tenant {tenant.Domain} ({tenant.Id}), authority {origin}/{tenant.Id}; set AZURE_AUTHORITY_HOST={origin} and disable instance discovery in clients.");
        }

        if (bootstrap is not null)
        {
            banner.AppendLine(CultureInfo.InvariantCulture, $"Identity: created the administrator {bootstrap.Administrator.UserPrincipalName}.");
            if (bootstrap.GeneratedPassword is { } generated)
            {
                // The one time this password is shown; it is stored only as a hash and never logged.
                banner.AppendLine(CultureInfo.InvariantCulture, $"Identity: its generated password is {generated} (shown once; set {IdentityOptions.AdminPasswordVariable} before the first start to choose it).");
            }
        }

        if (dev is not null)
        {
            banner.AppendLine(DevSetup.HowToConnect(dev));
        }

        banner.Append("Press Ctrl+C to stop.");
        await output.WriteLineAsync(banner.ToString());
        await output.FlushAsync();
    }

    private static void ConfigureLogging(ILoggingBuilder logging, ServerOptions options, ServerRunContext context)
    {
        logging.ClearProviders();
        if (context.LoggerProvider is { } provider)
        {
            logging.AddProvider(provider);
        }
        else if (options.LogFormat == LogFormat.Json)
        {
            logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(simple =>
            {
                simple.IncludeScopes = true;
                simple.SingleLine = true;
                simple.UseUtcTimestamp = true;
                simple.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }

        if (context.LoggerProvider is null)
        {
            // The framework's formatter (registered above, with its options) writes each line; the batching provider
            // replaces the framework's console provider, which paid a thread wake-up and a system call per line.
            var formatterName = options.LogFormat == LogFormat.Json ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple;
            logging.Services.RemoveAll<ILoggerProvider>();
            logging.Services.AddSingleton<ILoggerProvider>(services => new BatchingConsoleLoggerProvider(
                services.GetServices<ConsoleFormatter>().Single(f => f.Name == formatterName),
                Console.OpenStandardOutput(),
                [typeof(RequestLogging).FullName!]));
        }

        // Every event inside a request carries the W3C trace id and span id of the request's activity.
        logging.Configure(factory => factory.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Data Protection warns that its keys are stored unencrypted: they live in the data directory, which only its
        // owner may read (the same protection as the store and the TLS key), so the warning says nothing actionable.
        logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);

        // OpenIddict narrates every token request at Information (several lines each); the request log line and
        // its warnings and errors are enough.
        logging.AddFilter("OpenIddict", LogLevel.Warning);
    }

    // The ARM SDKs ask for a token for their endpoint's own URL ({endpoint}/.default), with and without a slash.
    private static string[] OwnOrigins(int port) =>
        [$"https://localhost:{port}", $"https://localhost:{port}/", $"https://127.0.0.1:{port}", $"https://127.0.0.1:{port}/"];

    private static bool CanBindIPv6Loopback()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Starting Doppel with data directory {DataDirectory} on port {Port}")]
    private static partial void LogStarting(ILogger logger, string dataDirectory, int port);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "IPv6 loopback [::1] is not available on this machine; listening on 127.0.0.1 only")]
    private static partial void LogNoIPv6(ILogger logger);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Information, Message = "Local TLS: CA {CaAction}, server certificate {ServerAction} (reason: {Reason}); clients trust {CaCertificatePath}")]
    private static partial void LogLocalTls(ILogger logger, CertificateAction caAction, CertificateAction serverAction, string reason, string caCertificatePath);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Information, Message = "TLS: serving the certificate {CertificatePath} for {Subject}, valid until {NotAfter:O}")]
    private static partial void LogProvidedCertificate(ILogger logger, string certificatePath, string subject, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 6205, Level = LogLevel.Warning, Message = "TLS: the certificate {CertificatePath} expired on {NotAfter:O}; clients will refuse it")]
    private static partial void LogProvidedCertificateExpired(ILogger logger, string certificatePath, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 6206, Level = LogLevel.Information, Message = "Store {Engine} at {Location}: schema version {FromVersion} to {ToVersion} ({AppliedCount} migrations applied)")]
    private static partial void LogMigrations(ILogger logger, string engine, string location, int fromVersion, int toVersion, int appliedCount);

    [LoggerMessage(EventId = 6207, Level = LogLevel.Information, Message = "Instance {InstanceName} is available (id {InstanceId})")]
    private static partial void LogInstance(ILogger logger, string instanceName, string instanceId);

    [LoggerMessage(EventId = 6208, Level = LogLevel.Information, Message = "Listening on https://localhost:{Port} ({Addresses})")]
    private static partial void LogListening(ILogger logger, int port, string addresses);

    [LoggerMessage(EventId = 6209, Level = LogLevel.Information, Message = "Doppel stopped")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(EventId = 6212, Level = LogLevel.Information, Message = "Subscription {SubscriptionId} is available ({OwnerCount} owners from --subscription-owner)")]
    private static partial void LogSubscription(ILogger logger, string subscriptionId, int ownerCount);

    [LoggerMessage(EventId = 6214, Level = LogLevel.Warning, Message = "The portal's static files are not served: {Manifest} is missing (the server runs from outside its build or publish folder)")]
    private static partial void LogNoPortalAssets(ILogger logger, string manifest);

    [LoggerMessage(EventId = 6213, Level = LogLevel.Information, Message = "Dev setup {Action}; its credentials are in {CredentialsPath}")]
    private static partial void LogDevSetup(ILogger logger, string action, string credentialsPath);

    [LoggerMessage(EventId = 6211, Level = LogLevel.Information, Message = "Identity: first start, created tenant {TenantId} ({Domain}) and the administrator {AdministratorName}")]
    private static partial void LogBootstrap(ILogger logger, string tenantId, string domain, string administratorName);
}
