namespace Doppel.Twins;

/// <summary>
/// The limits of one instance. Defaults are ADT's (adt-facts.md §8); every one can be changed where the server
/// composes the services.
/// </summary>
public sealed record DataPlaneLimits
{
    /// <summary>ADT's defaults.</summary>
    public static DataPlaneLimits Default { get; } = new();

    /// <summary>Models in one POST /models (250).</summary>
    public int MaxModelsPerUpload { get; init; } = 250;

    /// <summary>Models per instance (10,000).</summary>
    public int MaxModelsPerInstance { get; init; } = 10_000;

    /// <summary>Bytes of one model definition (1 MiB).</summary>
    public int MaxModelBytes { get; init; } = 1024 * 1024;

    /// <summary>Models per page of GET /models (100, not adjustable in ADT; max-items-per-page may ask for fewer).</summary>
    public int ModelsPageSize { get; init; } = 100;

    /// <summary>Ids in <c>dependenciesFor</c>.</summary>
    public int MaxDependenciesFor { get; init; } = 250;

    /// <summary>Twins per instance (2,000,000).</summary>
    public long MaxTwinsPerInstance { get; init; } = 2_000_000;

    /// <summary>Bytes of one twin document and of twin request bodies (32 KiB).</summary>
    public int MaxTwinBytes { get; init; } = 32 * 1024;

    /// <summary>UTF-8 bytes of one string value (4 KiB).</summary>
    public int MaxStringValueBytes { get; init; } = 4 * 1024;

    /// <summary>Outgoing relationships per twin (50,000).</summary>
    public int MaxOutgoingRelationships { get; init; } = 50_000;

    /// <summary>Incoming relationships per twin (50,000).</summary>
    public int MaxIncomingRelationships { get; init; } = 50_000;

    /// <summary>Relationships per page of the relationship lists when the client does not ask for fewer.</summary>
    public int RelationshipsPageSize { get; init; } = 1000;

    /// <summary>Length of a twin, relationship or component id in characters.</summary>
    public int MaxIdLength { get; init; } = 1024;

    /// <summary>Deepest JSON nesting accepted in a request body.</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>Rows per query page when the client does not send <c>max-items-per-page</c>.</summary>
    public int QueryPageSize { get; init; } = 100;

    /// <summary>Most rows per query page (1,000); a larger <c>max-items-per-page</c> gets this many.</summary>
    public int MaxQueryPageSize { get; init; } = 1000;

    /// <summary>How long one query page may run before it is stopped in the database (60 s).</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Query requests per second per instance on one server (ADT: 500); 0 turns the limit off.</summary>
    public int QueryRequestsPerSecond { get; init; } = 500;

    /// <summary>Characters of one query (8,000).</summary>
    public int MaxQueryLength { get; init; } = 8000;

    /// <summary>The shape limits of a query: AND/OR operators, IN items, JOINs, MATCH hops.</summary>
    public Doppel.Query.Binding.QueryLimits QueryShape { get; init; } = Doppel.Query.Binding.QueryLimits.Default;
}
