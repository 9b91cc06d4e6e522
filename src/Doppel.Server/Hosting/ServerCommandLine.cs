using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Doppel.Api.Authentication;
using Doppel.Storage;
using Doppel.Twins;

namespace Doppel.Server.Hosting;

/// <summary>The server's command line (System.CommandLine), turned into <see cref="ServerOptions"/>.</summary>
internal sealed class ServerCommandLine
{
    private readonly Option<string> _dataDirectory;
    private readonly Option<int> _port = new("--port")
    {
        Description = "The HTTPS port, served on 127.0.0.1 and [::1].",
        HelpName = "port",
        DefaultValueFactory = _ => ServerOptions.DefaultPort,
    };

    private readonly Option<string?> _certificate = new("--cert")
    {
        Description = "A PEM certificate to serve instead of the generated one (the chain may follow the leaf). Needs --key.",
        HelpName = "file",
    };

    private readonly Option<string?> _key = new("--key")
    {
        Description = "The PEM private key of --cert.",
        HelpName = "file",
    };

    private readonly Option<string> _hostSuffix = new("--host-suffix")
    {
        Description = "The DNS suffix of instance host names; the generated certificate covers it and its wildcard.",
        HelpName = "suffix",
        DefaultValueFactory = _ => ServerOptions.DefaultHostSuffix,
    };

    private readonly Option<string[]> _instances = new("--instance")
    {
        Description = "Create a Digital Twins instance with this name at start, if it does not exist. Repeatable.",
        HelpName = "name",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string[]> _trustedIssuers = new("--trusted-issuer")
    {
        Description = "Accept data-plane tokens from this issuer (exact 'iss'); the --trusted-key and --trusted-jwks options after it give its keys. Repeatable.",
        HelpName = "issuer",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string[]> _trustedKeys = new("--trusted-key")
    {
        Description = "A PEM public key or certificate that signs tokens of the --trusted-issuer before it. Repeatable.",
        HelpName = "file",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string[]> _trustedJwks = new("--trusted-jwks")
    {
        Description = "A JWKS URL with the signing keys of the --trusted-issuer before it (https, or http on loopback). Repeatable.",
        HelpName = "url",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<bool> _skipApiVersionCheck = new("--skip-api-version-check")
    {
        Description = "Accept any api-version on the data plane instead of only 2020-10-31, 2022-05-31, 2023-06-30 and 2023-10-31.",
    };

    private readonly Option<bool> _queryOrderBy = new("--query-order-by")
    {
        Description = "Accept ORDER BY in queries (a Doppel extension; Azure Digital Twins has none).",
    };

    private readonly Option<int> _queryRate = new("--query-rate")
    {
        Description = "Query requests per second each instance accepts before answering 429 QuotaReachedError (ADT: 500); 0 for no limit.",
        HelpName = "requests",
        DefaultValueFactory = _ => DataPlaneLimits.Default.QueryRequestsPerSecond,
    };

    private readonly Option<string> _store = new("--store")
    {
        Description = "The storage engine.",
        DefaultValueFactory = _ => "sqlite",
    };

    // No DefaultValueFactory: help would print the default, and DOPPEL_POSTGRES may hold a password.
    private readonly Option<string?> _connectionString = new("--connection-string")
    {
        Description = $"The PostgreSQL connection string for --store postgres (Host=...;Port=...;Username=...;Password=...;Database=...). Default: ${ServerOptions.PostgresVariable}.",
        HelpName = "string",
    };

    private readonly Option<string[]> _subscriptions = new("--subscription")
    {
        Description = "Create a subscription with this id (a GUID) at start, if it does not exist; the control plane's resources live in subscriptions. Repeatable.",
        HelpName = "id",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string[]> _subscriptionOwners = new("--subscription-owner")
    {
        Description = "Make the principal with this object id (a token's 'oid'), or the user with this user name, Owner of every --subscription. Repeatable.",
        HelpName = "object-id|user-name",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string?> _subscriptionTenant = new("--subscription-tenant")
    {
        Description = "The tenant id every --subscription belongs to; then the data plane answers tokens of other tenants with 404 'Sub-Domain not found'.",
        HelpName = "tenant-id",
    };

    private readonly Option<string[]> _locations = new("--location")
    {
        Description = "A location instances and resource groups may be created in. Repeatable. Default: local.",
        HelpName = "name",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string[]> _armAudiences = new("--arm-audience")
    {
        Description = "A further token audience the control plane accepts, besides https://management.azure.com/ and the server's own https://localhost:<port>. Repeatable.",
        HelpName = "audience",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<int> _armPageSize = new("--arm-page-size")
    {
        Description = "How many instances one page of a control-plane list holds.",
        HelpName = "count",
        DefaultValueFactory = _ => 100,
    };

    private readonly Option<bool> _dev = new("--dev")
    {
        Description = "The ready-made developer setup: on first start a subscription, resource group dev-rg, instance dev and the apps dev-owner, dev-reader and dev-norole, written to <data-dir>/dev/credentials.json and dev.env; later starts reuse them. Also DOPPEL_DEV=1.",
    };

    private readonly Option<int> _maxInstances = new("--max-instances-per-subscription")
    {
        Description = "How many Digital Twins instances one subscription may hold in one location (ADT: 10); 0 for no limit.",
        HelpName = "count",
        DefaultValueFactory = _ => Doppel.Management.ManagementOptions.DefaultMaxInstancesPerSubscription,
    };

    private readonly Func<string, string?> _getEnvironmentVariable;

    private readonly Option<string> _logFormat = new("--log-format")
    {
        Description = "The console log format.",
        DefaultValueFactory = _ => "simple",
    };

    public ServerCommandLine(Func<string, string?> getEnvironmentVariable)
    {
        _getEnvironmentVariable = getEnvironmentVariable;
        _dataDirectory = new Option<string>("--data-dir")
        {
            Description = $"Where the database, certificates and keys live. Default: ${ServerOptions.DataDirectoryVariable}, else {ServerOptions.DefaultDataDirectory}.",
            HelpName = "path",
            DefaultValueFactory = _ => getEnvironmentVariable(ServerOptions.DataDirectoryVariable) is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : ServerOptions.DefaultDataDirectory,
        };

        _dataDirectory.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("--data-dir must name a directory.");
            }
        });
        _port.CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                result.AddError($"--port must be a number from 1 to 65535, not '{text}'.");
                return 0;
            }

            return port;
        };
        _hostSuffix.Validators.Add(result =>
        {
            var suffix = result.GetValueOrDefault<string>();
            if (!HostNames.IsValidDnsName(suffix))
            {
                result.AddError($"--host-suffix '{suffix}' is not a DNS name (letters, digits and hyphens in dot-separated labels).");
            }
        });
        _instances.Validators.Add(result =>
        {
            foreach (var name in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!InstanceName.IsValid(name))
                {
                    result.AddError($"--instance '{name}' is not a valid instance name: use {InstanceName.MinLength} to {InstanceName.MaxLength} letters, digits and hyphens, not starting or ending with a hyphen.");
                }
            }
        });
        _queryRate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--query-rate must be 0 (no limit) or a positive number of requests per second.");
            }
        });
        _subscriptions.Validators.Add(result =>
        {
            foreach (var id in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!Guid.TryParse(id, out _))
                {
                    result.AddError($"--subscription '{id}' is not a subscription id: use a GUID.");
                }
            }
        });
        _locations.Validators.Add(result =>
        {
            foreach (var location in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!HostNames.IsValidDnsName(Doppel.Management.ManagementOptions.NormalizeLocation(location)) || location.Contains('.', StringComparison.Ordinal))
                {
                    result.AddError($"--location '{location}' is not a location name (letters, digits and hyphens; it becomes a label of host names).");
                }
            }
        });
        _armPageSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                result.AddError("--arm-page-size must be a number from 1 to 1000.");
            }
        });
        _maxInstances.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--max-instances-per-subscription must be 0 (no limit) or a positive number.");
            }
        });
        _store.AcceptOnlyFromAmong("sqlite", "postgres");
        _logFormat.AcceptOnlyFromAmong("simple", "json");

        Command = new RootCommand("Doppel: a self-hosted server that speaks the Azure Digital Twins APIs.")
        {
            _dataDirectory, _port, _certificate, _key, _hostSuffix, _instances, _trustedIssuers, _trustedKeys, _trustedJwks,
            _skipApiVersionCheck, _queryOrderBy, _queryRate, _store, _connectionString, _logFormat, _subscriptions, _subscriptionOwners, _subscriptionTenant, _locations,
            _armAudiences, _armPageSize, _dev, _maxInstances,
        };
        Command.SetAction(_ => ExitCodes.Success);
        Command.Validators.Add(result =>
        {
            var hasCertificate = result.GetValue(_certificate) is not null;
            var hasKey = result.GetValue(_key) is not null;
            if (hasCertificate != hasKey)
            {
                result.AddError("--cert and --key go together: give both, or neither to use the generated certificate.");
            }

            // The token, not GetValue: a value outside sqlite|postgres has its own error, and GetValue would throw.
            var postgres = result.GetResult(_store) is { Tokens: [{ Value: "postgres" }] };
            var connectionString = result.GetValue(_connectionString);
            if (connectionString is not null && !postgres)
            {
                result.AddError("--connection-string is for --store postgres; the default store (sqlite) lives in --data-dir.");
            }
            else if (postgres && string.IsNullOrWhiteSpace(connectionString ?? getEnvironmentVariable(ServerOptions.PostgresVariable)))
            {
                result.AddError($"--store postgres needs a connection string: give --connection-string or set {ServerOptions.PostgresVariable}.");
            }
        });
    }

    public RootCommand Command { get; }

    public ParseResult Parse(IReadOnlyList<string> args) => Command.Parse(args);

    /// <summary>
    /// Whether the parse asked for something other than a server, such as <c>--help</c> or <c>--version</c>:
    /// then its action is not the root command's own (which only marks "run the server").
    /// </summary>
    public bool IsInformational(ParseResult result) =>
        result.Errors.Count == 0 && result.Action is not null && !ReferenceEquals(result.Action, Command.Action);

    public ServerOptions Bind(ParseResult result) => new()
    {
        DataDirectory = FullPath("--data-dir", result.GetRequiredValue(_dataDirectory)),
        Port = result.GetValue(_port),
        CertificatePath = result.GetValue(_certificate) is { } certificate ? FullPath("--cert", certificate) : null,
        KeyPath = result.GetValue(_key) is { } key ? FullPath("--key", key) : null,
        HostSuffix = result.GetRequiredValue(_hostSuffix).ToLowerInvariant(),
        Instances = [.. (result.GetValue(_instances) ?? []).Select(InstanceName.Normalize).Distinct(StringComparer.Ordinal)],
        Store = result.GetRequiredValue(_store) == "postgres" ? StoreEngine.Postgres : StoreEngine.Sqlite,
        ConnectionString = result.GetRequiredValue(_store) == "postgres"
            ? result.GetValue(_connectionString) ?? _getEnvironmentVariable(ServerOptions.PostgresVariable)
            : null,
        LogFormat = result.GetRequiredValue(_logFormat) == "json" ? LogFormat.Json : LogFormat.Simple,
        TrustedIssuers = BindTrustedIssuers(result),
        SkipApiVersionCheck = result.GetValue(_skipApiVersionCheck),
        QueryOrderBy = result.GetValue(_queryOrderBy),
        QueryRequestsPerSecond = result.GetValue(_queryRate),
        Subscriptions = [.. (result.GetValue(_subscriptions) ?? []).Select(id => Guid.Parse(id).ToString("D")).Distinct(StringComparer.Ordinal)],
        SubscriptionOwners = [.. (result.GetValue(_subscriptionOwners) ?? []).Select(o => o.ToLowerInvariant()).Distinct(StringComparer.Ordinal)],
        SubscriptionTenant = result.GetValue(_subscriptionTenant),
        Locations = result.GetValue(_locations) is { Length: > 0 } locations
            ? [.. locations.Select(Doppel.Management.ManagementOptions.NormalizeLocation).Distinct(StringComparer.Ordinal)]
            : ServerOptions.DefaultLocations,
        ArmAudiences = result.GetValue(_armAudiences) ?? [],
        ArmPageSize = result.GetValue(_armPageSize),
        Dev = result.GetValue(_dev) || _getEnvironmentVariable(DevSetup.Variable) is "1" or "true",
        MaxInstancesPerSubscription = result.GetValue(_maxInstances),
    };

    /// <summary>
    /// Pairs each --trusted-key and --trusted-jwks with the --trusted-issuer before it on the command line, so a key
    /// is trusted for its own issuer only.
    /// </summary>
    private List<TrustedIssuer> BindTrustedIssuers(ParseResult result)
    {
        var issuers = new List<(string Issuer, List<string> Keys, List<Uri> Jwks)>();
        var names = new Dictionary<string, Option>(StringComparer.Ordinal);
        foreach (var option in new Option[] { _trustedIssuers, _trustedKeys, _trustedJwks })
        {
            names[option.Name] = option;
            foreach (var alias in option.Aliases)
            {
                names[alias] = option;
            }
        }

        Option? pending = null;
        foreach (var token in result.Tokens)
        {
            if (token.Type == TokenType.Option)
            {
                pending = names.TryGetValue(token.Value, out var option) ? option : null;
                continue;
            }

            if (token.Type != TokenType.Argument || pending is null)
            {
                continue;
            }

            var value = token.Value;
            if (ReferenceEquals(pending, _trustedIssuers))
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    throw new StartupException("--trusted-issuer must name an issuer");
                }

                issuers.Add((value, [], []));
            }
            else if (issuers.Count == 0)
            {
                throw new StartupException($"{pending.Name} '{value}' must follow the --trusted-issuer it belongs to");
            }
            else if (ReferenceEquals(pending, _trustedKeys))
            {
                issuers[^1].Keys.Add(FullPath("--trusted-key", value));
            }
            else if (Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp))
            {
                issuers[^1].Jwks.Add(url);
            }
            else
            {
                throw new StartupException($"--trusted-jwks '{value}' is not an absolute http(s) URL");
            }

            pending = null;
        }

        foreach (var (issuer, keys, jwks) in issuers)
        {
            if (keys.Count == 0 && jwks.Count == 0)
            {
                throw new StartupException($"--trusted-issuer '{issuer}' needs at least one --trusted-key or --trusted-jwks after it");
            }
        }

        return [.. issuers.Select(i => new TrustedIssuer(i.Issuer, i.Keys, i.Jwks))];
    }

    private static string FullPath(string option, string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (ArgumentException ex)
        {
            throw new StartupException($"{option} '{path}' is not a usable path: {ex.Message}", ex);
        }
    }
}
