using Doppel.Api.Authentication;

namespace Doppel.Server.Hosting;

/// <summary>The storage engines the <c>--store</c> option names.</summary>
public enum StoreEngine
{
    /// <summary>The embedded SQLite file in the data directory (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database named by <c>--connection-string</c> or <c>DOPPEL_POSTGRES</c>, shareable by several servers.</summary>
    Postgres,
}

/// <summary>The log line format of the <c>--log-format</c> option.</summary>
public enum LogFormat
{
    /// <summary>One human-readable line per event, with scopes (trace id, request id).</summary>
    Simple,

    /// <summary>One JSON object per event, with scopes.</summary>
    Json,
}

/// <summary>The server's settings after the command line has been parsed and checked. Immutable.</summary>
public sealed record ServerOptions
{
    /// <summary>The HTTPS port used when <c>--port</c> is not given.</summary>
    public const int DefaultPort = 5443;

    /// <summary>The host-name suffix used when <c>--host-suffix</c> is not given.</summary>
    public const string DefaultHostSuffix = "digitaltwins.localhost";

    /// <summary>The data directory used when neither <c>--data-dir</c> nor <c>DOPPEL_DATA_DIR</c> is given.</summary>
    public const string DefaultDataDirectory = "./.doppel";

    /// <summary>The environment variable that sets the data directory.</summary>
    public const string DataDirectoryVariable = "DOPPEL_DATA_DIR";

    /// <summary>The environment variable that holds the PostgreSQL connection string when <c>--connection-string</c> is not given.</summary>
    public const string PostgresVariable = "DOPPEL_POSTGRES";

    /// <summary>The full path of the data directory.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The HTTPS port on 127.0.0.1 and [::1].</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>A PEM certificate (optionally followed by its chain) to serve instead of the generated one.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; init; }

    /// <summary>The DNS suffix of instance host names, such as <c>digitaltwins.localhost</c>.</summary>
    public string HostSuffix { get; init; } = DefaultHostSuffix;

    /// <summary>Instances to create at start (until the control plane exists).</summary>
    public IReadOnlyList<string> Instances { get; init; } = [];

    /// <summary>The issuers whose bearer tokens the data plane accepts, each with its keys.</summary>
    public IReadOnlyList<TrustedIssuer> TrustedIssuers { get; init; } = [];

    /// <summary>Whether the data plane accepts any api-version.</summary>
    public bool SkipApiVersionCheck { get; init; }

    /// <summary>Whether queries may use ORDER BY (<c>--query-order-by</c>), which ADT does not have.</summary>
    public bool QueryOrderBy { get; init; }

    /// <summary>Query requests per second per instance (<c>--query-rate</c>); 0 for no limit.</summary>
    public int QueryRequestsPerSecond { get; init; } = 500;

    /// <summary>The storage engine.</summary>
    public StoreEngine Store { get; init; } = StoreEngine.Sqlite;

    /// <summary>
    /// The PostgreSQL connection string for <see cref="StoreEngine.Postgres"/>; <see langword="null"/> for SQLite.
    /// It may hold a password: never print or log it.
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>The console log format.</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Simple;

    /// <summary>The locations used when no <c>--location</c> is given.</summary>
    public static IReadOnlyList<string> DefaultLocations { get; } = ["local"];

    /// <summary>Subscriptions to create at start (ARM has no API that creates them).</summary>
    public IReadOnlyList<string> Subscriptions { get; init; } = [];

    /// <summary>Object ids made Owner of every subscription in <see cref="Subscriptions"/>.</summary>
    public IReadOnlyList<string> SubscriptionOwners { get; init; } = [];

    /// <summary>The tenant the subscriptions belong to, when set.</summary>
    public string? SubscriptionTenant { get; init; }

    /// <summary>The locations of the control plane, normalised.</summary>
    public IReadOnlyList<string> Locations { get; init; } = DefaultLocations;

    /// <summary>Token audiences the control plane accepts besides ARM's and the server's own origin.</summary>
    public IReadOnlyList<string> ArmAudiences { get; init; } = [];

    /// <summary>How many instances one page of a control-plane list holds.</summary>
    public int ArmPageSize { get; init; } = 100;

    /// <summary>Whether the ready-made developer setup runs at start (<c>--dev</c> or <c>DOPPEL_DEV=1</c>).</summary>
    public bool Dev { get; init; }

    /// <summary>How many instances one subscription may hold in one location; 0 for no limit.</summary>
    public int MaxInstancesPerSubscription { get; init; } = Doppel.Management.ManagementOptions.DefaultMaxInstancesPerSubscription;
}
