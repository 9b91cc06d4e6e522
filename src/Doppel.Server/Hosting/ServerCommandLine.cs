using System.CommandLine;
using System.Globalization;
using Doppel.Storage;

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
        _store.AcceptOnlyFromAmong("sqlite", "postgres");
        _logFormat.AcceptOnlyFromAmong("simple", "json");

        Command = new RootCommand("Doppel: a self-hosted server that speaks the Azure Digital Twins APIs.")
        {
            _dataDirectory, _port, _certificate, _key, _hostSuffix, _instances, _store, _connectionString, _logFormat,
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
    };

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
