namespace Doppel.Storage;

/// <summary>The rules a database's recorded migrations must follow, the same for every engine.</summary>
public static class MigrationHistory
{
    /// <summary>Refuses a build's migrations unless they are numbered 1, 2, 3, … without gaps.</summary>
    /// <param name="known">This build's migrations, in order.</param>
    /// <param name="parameterName">The caller's parameter, for the exception.</param>
    /// <exception cref="ArgumentException">The numbering has a gap or starts elsewhere.</exception>
    public static void RequireNumberedFromOne(IReadOnlyList<MigrationInfo> known, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(known);
        for (var i = 0; i < known.Count; i++)
        {
            if (known[i].Version != i + 1)
            {
                throw new ArgumentException("Migrations must be numbered 1, 2, 3, ... without gaps.", parameterName);
            }
        }
    }

    /// <summary>
    /// Checks the migrations a database records against the ones this build knows: numbered from 1 without a gap,
    /// none newer than this build, each with the checksum of this build's migration of that number.
    /// </summary>
    /// <param name="history">The recorded migrations, in version order.</param>
    /// <param name="known">This build's migrations, in version order.</param>
    /// <param name="location">Where the database is, for the message (never a password).</param>
    /// <exception cref="StoreUnavailableException">The history breaks a rule.</exception>
    public static void Verify(IReadOnlyList<AppliedMigration> history, IReadOnlyList<MigrationInfo> known, string location)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(known);
        for (var i = 0; i < history.Count; i++)
        {
            var row = history[i];
            if (row.Version != i + 1)
            {
                throw new StoreUnavailableException(
                    StoreFailure.MigrationMismatch,
                    $"the database {location} has a gap in its migration history at version {i + 1}");
            }

            if (row.Version > known.Count)
            {
                throw new StoreUnavailableException(
                    StoreFailure.SchemaTooNew,
                    $"the database {location} has schema version {history[^1].Version}, newer than this Doppel knows ({known.Count}); run a newer Doppel");
            }

            if (!string.Equals(row.Checksum, known[i].Checksum, StringComparison.Ordinal))
            {
                throw new StoreUnavailableException(
                    StoreFailure.MigrationMismatch,
                    $"migration {row.Version} ('{row.Name}') in the database {location} differs from the one in this build");
            }
        }
    }
}
