using Doppel.Storage.DataPlane;
using Doppel.Storage.Identity;
using Doppel.Storage.PostgreSql;
using Doppel.Storage.PostgreSql.DataPlane;
using Doppel.Storage.PostgreSql.Identity;
using Doppel.Storage.Tests.Support;
using Npgsql;

namespace Doppel.Storage.Tests.PostgreSql;

/// <summary>
/// A new schema in the database of <c>DOPPEL_TEST_POSTGRES</c>, selected through the connection string's
/// <c>Search Path</c>, and dropped with everything in it afterwards.
/// </summary>
public sealed class PostgreSqlHarness : StoreHarness
{
    private static readonly Lazy<NpgsqlDataSource> Admin = new(() =>
        NpgsqlDataSource.Create(PostgreSqlTestEnvironment.RequireConnectionString()));

    private PostgreSqlHarness(string schema)
    {
        Schema = schema;
        var builder = new NpgsqlConnectionStringBuilder(PostgreSqlTestEnvironment.RequireConnectionString())
        {
            SearchPath = schema,
            // Many tests run side by side, each with its own pools; a few connections each are plenty.
            MaxPoolSize = 10,
        };
        ConnectionString = builder.ConnectionString;
    }

    public override string Engine => "postgres";

    /// <summary>The schema this harness's tables live in.</summary>
    public string Schema { get; }

    /// <summary>The connection string of a store over this harness's schema (with a password: do not log).</summary>
    public string ConnectionString { get; }

    /// <summary>The shared connection to the test database, for arranging and inspecting behind a store's back.</summary>
    public static NpgsqlDataSource AdminDataSource => Admin.Value;

    public static async Task<StoreHarness> CreateAsync()
    {
        PostgreSqlTestEnvironment.RequireConnectionString();
        // Letters and digits only, generated here: safe to splice as an identifier, which cannot be a parameter.
        var schema = $"doppel_test_{Guid.NewGuid():N}";
        await using var command = Admin.Value.CreateCommand($"CREATE SCHEMA \"{schema}\";");
        await command.ExecuteNonQueryAsync();
        return new PostgreSqlHarness(schema);
    }

    public override Task RecordMigrationAsync(int version, string name, string checksum) => ExecuteAsync(
        $"INSERT INTO \"{Schema}\".schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, '2030-01-01T00:00:00Z');",
        version,
        name,
        checksum);

    public override Task SetRecordedChecksumAsync(int version, string checksum) => ExecuteAsync(
        $"UPDATE \"{Schema}\".schema_migrations SET checksum = $2 WHERE version = $1;",
        version,
        checksum);

    public override async Task<long> CountRowsAsync(string table)
    {
        await using var command = Admin.Value.CreateCommand($"SELECT COUNT(*) FROM \"{Schema}\".\"{table}\";");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public override async Task<long?> ReadTwinCountAsync(string instanceId)
    {
        await using var command = Admin.Value.CreateCommand($"SELECT count FROM \"{Schema}\".twin_counts WHERE instance_id = $1;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = instanceId });
        return await command.ExecuteScalarAsync() is long count ? count : null;
    }

    public override async Task ExecuteSqlAsync(string sql)
    {
        // On a connection whose search path is this harness's schema, so that the SQL names tables unqualified.
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A store over this harness's schema with a connection string changed by <paramref name="change"/>.</summary>
    public PostgreSqlStore CreateStoreWith(Action<NpgsqlConnectionStringBuilder> change)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        change(builder);
        return new PostgreSqlStore(new PostgreSqlStoreOptions(builder.ConnectionString));
    }

    public override IDataPlaneStore OpenDataPlane(IStore store) => new PostgreSqlDataPlaneStore((PostgreSqlStore)store);

    public override Doppel.Storage.Management.IManagementStore OpenManagement(IStore store) => new Doppel.Storage.PostgreSql.Management.PostgreSqlManagementStore((PostgreSqlStore)store);

    public override IDirectoryStore OpenDirectory(IStore store) => new PostgreSqlDirectoryStore((PostgreSqlStore)store);

    protected override IStore CreateStore(TimeProvider timeProvider) =>
        new PostgreSqlStore(new PostgreSqlStoreOptions(ConnectionString) { TimeProvider = timeProvider });

    // Nothing listens on a port that was just free; the connection is refused at once.
    protected override IStore CreateUnreachableStore() =>
        CreateStoreWith(builder =>
        {
            builder.Host = "127.0.0.1";
            builder.Port = ClosedPort.Find();
        });

    protected override async ValueTask DropAsync()
    {
        await using var command = Admin.Value.CreateCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE;");
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var command = Admin.Value.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }
}
