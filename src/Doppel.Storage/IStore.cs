namespace Doppel.Storage;

/// <summary>
/// One storage engine behind Doppel (SQLite today, PostgreSQL later). The server opens the store once at
/// start, applies pending migrations through <see cref="Migrations"/>, and then asks
/// <see cref="CheckReadinessAsync"/> whenever a readiness probe comes in.
/// </summary>
/// <remarks>
/// Implementations translate their driver's errors into <see cref="StoreUnavailableException"/> in one place, so
/// nothing above the storage layer ever sees a driver type.
/// </remarks>
public interface IStore : IAsyncDisposable
{
    /// <summary>A short name of the engine, such as <c>sqlite</c>, for logs and probe bodies.</summary>
    string Engine { get; }

    /// <summary>A description of where the data lives that is safe to log (a file path, never a password).</summary>
    string Location { get; }

    /// <summary>The schema migrations of this engine and the runner that applies them.</summary>
    IMigrationRunner Migrations { get; }

    /// <summary>The Digital Twins instances this server hosts.</summary>
    IInstanceStore Instances { get; }

    /// <summary>
    /// Asks the store a real query and compares the applied schema version with the one this build expects.
    /// Never throws for an unavailable store; the answer says why it is not ready.
    /// </summary>
    Task<StoreReadiness> CheckReadinessAsync(CancellationToken cancellationToken);
}
