using Doppel.Storage.DataPlane;
using Doppel.Storage.Identity;
using Doppel.Storage.Sqlite;
using Doppel.Storage.Sqlite.DataPlane;
using Doppel.Storage.Sqlite.Identity;
using Doppel.Storage.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Tests.Sqlite;

/// <summary>A SQLite database file in a new folder under the temp directory.</summary>
public sealed class SqliteHarness : StoreHarness
{
    private readonly string _directory;
    private readonly string _databasePath;

    private SqliteHarness()
    {
        _directory = Path.Combine(Path.GetTempPath(), "doppel-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _databasePath = Path.Combine(_directory, SqliteStoreOptions.DefaultFileName);
    }

    public override string Engine => "sqlite";

    public static Task<StoreHarness> CreateAsync() => Task.FromResult<StoreHarness>(new SqliteHarness());

    public override Task RecordMigrationAsync(int version, string name, string checksum) => ExecuteAsync(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($version, $name, $checksum, '2030-01-01T00:00:00.0000000+00:00');",
        ("$version", version),
        ("$name", name),
        ("$checksum", checksum));

    public override Task SetRecordedChecksumAsync(int version, string checksum) => ExecuteAsync(
        "UPDATE schema_migrations SET checksum = $checksum WHERE version = $version;",
        ("$version", version),
        ("$checksum", checksum));

    public override async Task<long> CountRowsAsync(string table)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        // Table names come from the tests themselves, never from input; identifiers cannot be parameters.
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\";";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public override async Task<long?> ReadTwinCountAsync(string instanceId)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count FROM twin_counts WHERE instance_id = $instance;";
        command.Parameters.AddWithValue("$instance", instanceId);
        return await command.ExecuteScalarAsync() is long count ? count : null;
    }

    public override Task ExecuteSqlAsync(string sql) => ExecuteAsync(sql);

    public override IDataPlaneStore OpenDataPlane(IStore store) => new SqliteDataPlaneStore((SqliteStore)store);

    public override Doppel.Storage.Management.IManagementStore OpenManagement(IStore store) => new Doppel.Storage.Sqlite.Management.SqliteManagementStore((SqliteStore)store);

    public override IDirectoryStore OpenDirectory(IStore store) => new SqliteDirectoryStore((SqliteStore)store);

    protected override IStore CreateStore(TimeProvider timeProvider) =>
        new SqliteStore(new SqliteStoreOptions(_databasePath) { TimeProvider = timeProvider });

    // A folder cannot be created below a regular file, so SQLite cannot open a database there.
    protected override IStore CreateUnreachableStore()
    {
        var file = Path.Combine(_directory, "not-a-folder");
        File.WriteAllText(file, "x");
        return new SqliteStore(new SqliteStoreOptions(Path.Combine(file, SqliteStoreOptions.DefaultFileName)));
    }

    protected override ValueTask DropAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A connection still closing may hold the file for a moment; the OS cleans the temp folder.
        }

        return ValueTask.CompletedTask;
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection($"Data Source={_databasePath};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
