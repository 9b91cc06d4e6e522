using Doppel.Server.Tests.Support;
using Doppel.Storage;
using Doppel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Doppel.Server.Tests.Storage;

public sealed class SqliteStoreTests
{
    [Fact]
    public async Task Migrations_on_a_new_database_apply_each_known_migration_once()
    {
        using var data = new TemporaryDirectory();
        await using var store = new SqliteStore(SqliteStoreOptions.InDataDirectory(data.Path));

        var first = await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        var second = await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        var applied = await store.Migrations.GetAppliedAsync(CancellationToken.None);

        Assert.Equal(0, first.FromVersion);
        Assert.Equal(store.Migrations.LatestVersion, first.ToVersion);
        Assert.Equal(store.Migrations.Known, first.Applied);
        Assert.Empty(second.Applied);
        Assert.Equal(first.ToVersion, second.FromVersion);
        Assert.Equal(store.Migrations.Known.Select(m => (m.Version, m.Checksum)), applied.Select(m => (m.Version, m.Checksum)));
    }

    [Fact]
    public async Task Readiness_is_false_before_migrations_and_true_after()
    {
        using var data = new TemporaryDirectory();
        await using var store = new SqliteStore(SqliteStoreOptions.InDataDirectory(data.Path));

        var before = await store.CheckReadinessAsync(CancellationToken.None);
        var createdByTheCheck = File.Exists(data.Combine("doppel.db"));
        await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        var after = await store.CheckReadinessAsync(CancellationToken.None);

        Assert.False(before.IsReady);
        Assert.Null(before.SchemaVersion);
        Assert.False(createdByTheCheck);
        Assert.True(after.IsReady);
        Assert.Equal(store.Migrations.LatestVersion, after.SchemaVersion);
    }

    [Fact]
    public async Task Connections_use_wal_with_full_synchronous_commits_and_foreign_keys()
    {
        using var data = new TemporaryDirectory();
        var options = SqliteStoreOptions.InDataDirectory(data.Path);
        await using var store = new SqliteStore(options);
        await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        var factory = new SqliteConnectionFactory(options);

        await using var connection = await factory.OpenAsync(create: false, CancellationToken.None);

        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode;"));
        Assert.Equal(2L, await ScalarAsync(connection, "PRAGMA synchronous;")); // 2 = FULL
        Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA foreign_keys;"));
    }

    [Fact]
    public async Task Database_with_a_newer_schema_is_refused_as_SchemaTooNew()
    {
        using var data = new TemporaryDirectory();
        var options = SqliteStoreOptions.InDataDirectory(data.Path);
        await using var store = new SqliteStore(options);
        await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        await ExecuteAsync(options.DatabasePath, "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (2, 'from the future', 'x', '2030-01-01T00:00:00Z');");

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Migrations.ApplyPendingAsync(CancellationToken.None));

        Assert.Equal(StoreFailure.SchemaTooNew, error.Failure);
        Assert.Contains("has schema version 2, newer than this Doppel knows (1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edited_migration_is_refused_as_MigrationMismatch()
    {
        using var data = new TemporaryDirectory();
        var options = SqliteStoreOptions.InDataDirectory(data.Path);
        await using var store = new SqliteStore(options);
        await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        await ExecuteAsync(options.DatabasePath, "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1;");

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Migrations.ApplyPendingAsync(CancellationToken.None));

        Assert.Equal(StoreFailure.MigrationMismatch, error.Failure);
    }

    [Fact]
    public async Task Database_locked_by_another_process_fails_as_Locked_after_the_busy_timeout()
    {
        using var data = new TemporaryDirectory();
        var options = new SqliteStoreOptions(data.Combine("doppel.db")) { BusyTimeout = TimeSpan.FromSeconds(1) };
        await using var holder = new SqliteConnection($"Data Source={options.DatabasePath};Pooling=False");
        await holder.OpenAsync();
        await ExecuteAsync(holder, "PRAGMA locking_mode = EXCLUSIVE; CREATE TABLE hold (x INTEGER); BEGIN EXCLUSIVE; INSERT INTO hold VALUES (1);");
        await using var store = new SqliteStore(options);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Migrations.ApplyPendingAsync(CancellationToken.None));

        Assert.Equal(StoreFailure.Locked, error.Failure);
        Assert.Equal($"the database {options.DatabasePath} is locked by another process (is another Doppel server or a sqlite3 shell using it?)", error.Message);
    }

    [Fact]
    public async Task File_that_is_not_a_database_fails_as_Corrupt()
    {
        using var data = new TemporaryDirectory();
        var options = SqliteStoreOptions.InDataDirectory(data.Path);
        await File.WriteAllTextAsync(options.DatabasePath, new string('x', 4096));
        await using var store = new SqliteStore(options);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Migrations.ApplyPendingAsync(CancellationToken.None));

        Assert.Equal(StoreFailure.Corrupt, error.Failure);
    }

    [Fact]
    public async Task Committed_writes_are_in_the_file_without_a_clean_close()
    {
        using var data = new TemporaryDirectory();
        var options = SqliteStoreOptions.InDataDirectory(data.Path);
        var store = new SqliteStore(options);
        await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        await store.Instances.EnsureAsync("durable", CancellationToken.None);

        // The store is not disposed (pooled connections stay open, the WAL is not checkpointed); a separate
        // connection, as a restarted process would open, reads the WAL and sees the commit.
        await using var reader = new SqliteConnection($"Data Source={options.DatabasePath};Pooling=False");
        await reader.OpenAsync();

        Assert.Equal(1L, await ScalarAsync(reader, "SELECT COUNT(*) FROM instances WHERE name = 'durable';"));
        Assert.True(File.Exists(options.DatabasePath + "-wal"));
        await store.DisposeAsync();
    }

    [Fact]
    public async Task Ensuring_an_instance_twice_in_any_case_returns_the_same_record()
    {
        using var data = new TemporaryDirectory();
        await using var store = new SqliteStore(SqliteStoreOptions.InDataDirectory(data.Path));
        await store.Migrations.ApplyPendingAsync(CancellationToken.None);

        var first = await store.Instances.EnsureAsync("Plant-7", CancellationToken.None);
        var second = await store.Instances.EnsureAsync("plant-7", CancellationToken.None);
        var found = await store.Instances.FindByNameAsync("PLANT-7", CancellationToken.None);
        var all = await store.Instances.ListAsync(CancellationToken.None);

        Assert.Equal("plant-7", first.Name);
        Assert.Equal(first, second);
        Assert.Equal(first, found);
        Assert.Equal([first], all);
        Assert.Matches("^[0-9a-f]{32}$", first.Id);
    }

    [Fact]
    public async Task Instance_names_that_look_like_SQL_are_stored_as_plain_values()
    {
        using var data = new TemporaryDirectory();
        await using var store = new SqliteStore(SqliteStoreOptions.InDataDirectory(data.Path));
        await store.Migrations.ApplyPendingAsync(CancellationToken.None);

        var invalid = await Assert.ThrowsAsync<ArgumentException>(() => store.Instances.EnsureAsync("x'); DROP TABLE instances; --", CancellationToken.None));
        var missing = await store.Instances.FindByNameAsync("a' OR '1'='1", CancellationToken.None);

        Assert.Contains("is not a valid instance name", invalid.Message, StringComparison.Ordinal);
        Assert.Null(missing);
        Assert.Empty(await store.Instances.ListAsync(CancellationToken.None));
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(string databasePath, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        await ExecuteAsync(connection, sql);
    }
}
