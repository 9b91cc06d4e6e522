using Doppel.Storage.Tests.Support;

namespace Doppel.Storage.Tests.Contracts;

/// <summary>
/// Versioned schema migrations and readiness, the same on every engine: applied at start in order, each once,
/// recorded with a checksum, and a newer or edited schema refused rather than guessed at.
/// </summary>
public abstract class MigrationContractTests : StoreContractTests
{
    [SkippableFact]
    public async Task Migrations_on_a_new_database_apply_each_known_migration_once()
    {
        var store = Harness.OpenStore();

        var first = await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        var second = await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        var applied = await store.Migrations.GetAppliedAsync(CancellationToken.None);

        Assert.Equal(0, first.FromVersion);
        Assert.Equal(store.Migrations.LatestVersion, first.ToVersion);
        Assert.Equal(store.Migrations.Known, first.Applied);
        Assert.Empty(second.Applied);
        Assert.Equal(first.ToVersion, second.FromVersion);
        Assert.Equal(first.ToVersion, second.ToVersion);
        Assert.Equal(store.Migrations.Known.Select(m => (m.Version, m.Name, m.Checksum)), applied.Select(m => (m.Version, m.Name, m.Checksum)));
    }

    [SkippableFact]
    public async Task Known_migrations_are_numbered_from_1_without_gaps_with_sha256_checksums()
    {
        var store = Harness.OpenStore();

        var known = store.Migrations.Known;

        Assert.NotEmpty(known);
        Assert.Equal(Enumerable.Range(1, known.Count), known.Select(m => m.Version));
        Assert.Equal(known.Count, store.Migrations.LatestVersion);
        Assert.All(known, m => Assert.Matches("^[0-9a-f]{64}$", m.Checksum));
        Assert.Equal(known.Count, known.Select(m => m.Checksum).Distinct(StringComparer.Ordinal).Count());
    }

    [SkippableFact]
    public async Task Applied_migrations_record_the_time_of_the_stores_clock()
    {
        var clock = new FixedTimeProvider();
        var store = Harness.OpenStore(clock);

        await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        var applied = await store.Migrations.GetAppliedAsync(CancellationToken.None);

        Assert.All(applied, m => Assert.Equal(clock.Now, m.AppliedAt));
    }

    [SkippableFact]
    public async Task Concurrent_runners_on_one_database_apply_each_migration_exactly_once()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => Harness.OpenStore()).ToList();

        var reports = await Task.WhenAll(stores.Select(s => Task.Run(() => s.Migrations.ApplyPendingAsync(CancellationToken.None))));
        var applied = await stores[0].Migrations.GetAppliedAsync(CancellationToken.None);

        var latest = stores[0].Migrations.LatestVersion;
        Assert.Equal(
            stores[0].Migrations.Known.Select(m => m.Version),
            reports.SelectMany(r => r.Applied).Select(m => m.Version).Order());
        Assert.All(reports, r => Assert.Equal(latest, r.ToVersion));
        Assert.Equal(Enumerable.Range(1, latest), applied.Select(m => m.Version));
        Assert.Equal(latest, await Harness.CountRowsAsync("schema_migrations"));
    }

    [SkippableFact]
    public async Task Readiness_is_false_before_migrations_and_true_after()
    {
        var store = Harness.OpenStore();

        var before = await store.CheckReadinessAsync(CancellationToken.None);
        await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        var after = await store.CheckReadinessAsync(CancellationToken.None);

        Assert.False(before.IsReady);
        Assert.NotNull(before.Reason);
        Assert.Equal(store.Migrations.LatestVersion, before.ExpectedSchemaVersion);
        Assert.True(after.IsReady);
        Assert.Null(after.Reason);
        Assert.Equal(store.Migrations.LatestVersion, after.SchemaVersion);
    }

    [SkippableFact]
    public async Task Readiness_of_a_database_at_another_version_is_false_and_names_both_versions()
    {
        var store = await OpenMigratedStoreAsync();
        var latest = store.Migrations.LatestVersion;
        await Harness.RecordMigrationAsync(latest + 1, "from the future", "x");

        var readiness = await store.CheckReadinessAsync(CancellationToken.None);

        Assert.False(readiness.IsReady);
        Assert.Equal(latest + 1, readiness.SchemaVersion);
        Assert.Equal(latest, readiness.ExpectedSchemaVersion);
        Assert.Equal($"schema version is {latest + 1}, expected {latest}", readiness.Reason);
    }

    [SkippableFact]
    public async Task Database_with_a_newer_schema_is_refused_as_SchemaTooNew()
    {
        var store = await OpenMigratedStoreAsync();
        var latest = store.Migrations.LatestVersion;
        await Harness.RecordMigrationAsync(latest + 1, "from the future", "x");

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Migrations.ApplyPendingAsync(CancellationToken.None));

        Assert.Equal(StoreFailure.SchemaTooNew, error.Failure);
        Assert.EndsWith($"has schema version {latest + 1}, newer than this Doppel knows ({latest}); run a newer Doppel", error.Message, StringComparison.Ordinal);
        Assert.Contains(store.Location, error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Edited_migration_is_refused_as_MigrationMismatch()
    {
        var store = await OpenMigratedStoreAsync();
        await Harness.SetRecordedChecksumAsync(1, "edited");

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Migrations.ApplyPendingAsync(CancellationToken.None));

        Assert.Equal(StoreFailure.MigrationMismatch, error.Failure);
        Assert.StartsWith($"migration 1 ('{store.Migrations.Known[0].Name}') in the database {store.Location} differs from the one in this build", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Migration_history_with_a_gap_is_refused_as_MigrationMismatch()
    {
        var store = await OpenMigratedStoreAsync();
        var latest = store.Migrations.LatestVersion;
        await Harness.RecordMigrationAsync(latest + 2, "after a missing one", "x");

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Migrations.ApplyPendingAsync(CancellationToken.None));

        Assert.Equal(StoreFailure.MigrationMismatch, error.Failure);
        Assert.EndsWith($"has a gap in its migration history at version {latest + 1}", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Refused_database_is_left_as_it_was()
    {
        var store = await OpenMigratedStoreAsync();
        var latest = store.Migrations.LatestVersion;
        await Harness.RecordMigrationAsync(latest + 1, "from the future", "x");

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Migrations.ApplyPendingAsync(CancellationToken.None));
        var applied = await store.Migrations.GetAppliedAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, latest + 1), applied.Select(m => m.Version));
    }

    [SkippableFact]
    public async Task Unreachable_database_is_not_ready_and_fails_to_migrate_as_CannotOpen()
    {
        var store = Harness.OpenUnreachableStore();

        var readiness = await store.CheckReadinessAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Migrations.ApplyPendingAsync(CancellationToken.None));

        Assert.False(readiness.IsReady);
        Assert.Null(readiness.SchemaVersion);
        Assert.False(string.IsNullOrWhiteSpace(readiness.Reason));
        Assert.Equal(StoreFailure.CannotOpen, error.Failure);
        Assert.DoesNotContain('\n', error.Message);
    }

    [SkippableFact]
    public async Task Store_names_its_engine_and_a_location()
    {
        var store = Harness.OpenStore();

        await Task.CompletedTask;

        Assert.Equal(Harness.Engine, store.Engine);
        Assert.False(string.IsNullOrWhiteSpace(store.Location));
    }
}
