using Doppel.Server.Tests.Support;
using Doppel.Storage;
using Doppel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Doppel.Server.Tests.Storage;

/// <summary>
/// What only the SQLite store has: the file, WAL, locks and corruption. The behaviour both engines share is in
/// Doppel.Storage.Tests (the store contract tests, run on SQLite and PostgreSQL).
/// </summary>
public sealed class SqliteStoreTests
{
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
