namespace Doppel.Storage;

/// <summary>
/// Applies an engine's versioned schema migrations. Migrations are numbered from 1 without gaps; each one is
/// applied in its own transaction together with the row that records it, so a crash never leaves a migration
/// half applied.
/// </summary>
public interface IMigrationRunner
{
    /// <summary>Every migration this build knows, in version order.</summary>
    IReadOnlyList<MigrationInfo> Known { get; }

    /// <summary>The highest version in <see cref="Known"/>.</summary>
    int LatestVersion { get; }

    /// <summary>
    /// Applies the migrations that are not yet applied, in order. Refuses (with
    /// <see cref="StoreUnavailableException"/>) a database whose schema is newer than this build or whose applied
    /// migrations differ from the known ones.
    /// </summary>
    Task<MigrationReport> ApplyPendingAsync(CancellationToken cancellationToken);

    /// <summary>The migrations recorded as applied in the database, in version order.</summary>
    Task<IReadOnlyList<AppliedMigration>> GetAppliedAsync(CancellationToken cancellationToken);
}

/// <summary>A migration as this build knows it.</summary>
/// <param name="Version">Its number, starting at 1.</param>
/// <param name="Name">A short description, such as <c>create instances</c>.</param>
/// <param name="Checksum">A hash of the migration's text, recorded when it is applied, so that an edited migration is noticed.</param>
public sealed record MigrationInfo(int Version, string Name, string Checksum);

/// <summary>A migration as the database records it.</summary>
/// <param name="Version">Its number.</param>
/// <param name="Name">Its description at the time it was applied.</param>
/// <param name="Checksum">The hash of its text at the time it was applied.</param>
/// <param name="AppliedAt">When it was applied.</param>
public sealed record AppliedMigration(int Version, string Name, string Checksum, DateTimeOffset AppliedAt);

/// <summary>What one run of <see cref="IMigrationRunner.ApplyPendingAsync"/> did.</summary>
/// <param name="FromVersion">The schema version before the run (0 for a new database).</param>
/// <param name="ToVersion">The schema version after the run.</param>
/// <param name="Applied">The migrations this run applied; empty when the schema was already current.</param>
public sealed record MigrationReport(int FromVersion, int ToVersion, IReadOnlyList<MigrationInfo> Applied);
