using Doppel.Storage.PostgreSql;
using Doppel.Storage.Sqlite;
using Doppel.Storage.Tests.Sqlite;
using Doppel.Storage.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Doppel.Storage.Tests.PostgreSql;

/// <summary>
/// The PostgreSQL schema mirrors SQLite's: the same migrations by number and name, the same tables and columns,
/// the same keys; and every key starts with the instance id, so the tables can be distributed by it (DESIGN.md).
/// </summary>
public sealed class SchemaMirrorTests
{
    [Fact]
    public async Task Both_engines_know_the_same_migrations_by_number_and_name()
    {
        await using var sqlite = new SqliteStore(new SqliteStoreOptions(Path.Combine(Path.GetTempPath(), "never-opened.db")));
        await using var postgres = new PostgreSqlStore(new PostgreSqlStoreOptions("Host=never-opened"));

        Assert.Equal(
            sqlite.Migrations.Known.Select(m => (m.Version, m.Name)),
            postgres.Migrations.Known.Select(m => (m.Version, m.Name)));
    }

    [SkippableFact]
    public async Task Both_engines_have_the_same_tables_columns_and_primary_keys()
    {
        await using var sqliteHarness = await SqliteHarness.CreateAsync();
        await using var postgresHarness = (PostgreSqlHarness)await PostgreSqlHarness.CreateAsync();
        var sqliteStore = sqliteHarness.OpenStore();
        await sqliteStore.Migrations.ApplyPendingAsync(CancellationToken.None);
        await postgresHarness.OpenStore().Migrations.ApplyPendingAsync(CancellationToken.None);

        var sqliteTables = await ReadSqliteSchemaAsync(((SqliteStore)sqliteStore).Options.DatabasePath);
        var postgresTables = await ReadPostgreSqlSchemaAsync(postgresHarness.Schema);

        Assert.Equal(sqliteTables.Keys.Order(StringComparer.Ordinal), postgresTables.Keys.Order(StringComparer.Ordinal));
        foreach (var (table, shape) in sqliteTables)
        {
            // Joined, so that a difference names its table and the arrays compare by content.
            Assert.Equal($"{table}({string.Join(", ", shape.Columns)})", $"{table}({string.Join(", ", postgresTables[table].Columns)})");
            Assert.Equal($"{table} key ({string.Join(", ", shape.PrimaryKey)})", $"{table} key ({string.Join(", ", postgresTables[table].PrimaryKey)})");
        }
    }

    [SkippableFact]
    public async Task Every_primary_and_unique_key_starts_with_the_instance_id_or_for_the_control_plane_the_subscription_id()
    {
        await using var harness = (PostgreSqlHarness)await PostgreSqlHarness.CreateAsync();
        await harness.OpenStore().Migrations.ApplyPendingAsync(CancellationToken.None);

        var keys = await ReadPostgreSqlKeysAsync(harness.Schema);

        // schema_migrations is the engine's own bookkeeping, not instance data. instances is the directory of
        // instances: its key is the instance id itself, and on a sharded cluster it is a reference table
        // (copied to every node), so its unique name needs no distribution column. The directory's keys start with
        // the tenant id, its distribution column; the control plane's tables are distributed by the subscription id.
        Assert.NotEmpty(keys);
        Assert.All(
            keys.Where(k => k.Table is not "schema_migrations" and not "instances" && !ControlPlaneTables.Contains(k.Table)),
            k => Assert.True(k.Columns[0] is "instance_id" or "tenant_id", $"{k.Table}.{k.Name} starts with {k.Columns[0]}, not instance_id or tenant_id"));
        Assert.All(
            keys.Where(k => ControlPlaneTables.Contains(k.Table)),
            k => Assert.True(k.Columns[0] == "subscription_id", $"{k.Table}.{k.Name} starts with {k.Columns[0]}, not subscription_id"));
        Assert.Contains(keys, k => k.Table == "instances" && k.Columns is ["id"]);
    }

    private static readonly string[] ControlPlaneTables = ["subscriptions", "resource_groups", "digital_twins_resources", "async_operations", "role_assignments", "activity_log", "digital_twins_endpoints"];

    private sealed record TableShape(string[] Columns, string[] PrimaryKey);

    private sealed record KeyShape(string Table, string Name, string[] Columns);

    private static async Task<Dictionary<string, TableShape>> ReadSqliteSchemaAsync(string databasePath)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%';";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var shapes = new Dictionary<string, TableShape>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            var columns = new List<(string Name, int KeyPosition)>();
            await using var info = connection.CreateCommand();
            info.CommandText = "SELECT name, pk FROM pragma_table_info($table) ORDER BY cid;";
            info.Parameters.AddWithValue("$table", table);
            await using var reader = await info.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetInt32(1)));
            }

            shapes[table] = new TableShape(
                [.. columns.Select(c => c.Name)],
                [.. columns.Where(c => c.KeyPosition > 0).OrderBy(c => c.KeyPosition).Select(c => c.Name)]);
        }

        return shapes;
    }

    private static async Task<Dictionary<string, TableShape>> ReadPostgreSqlSchemaAsync(string schema)
    {
        var columns = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var command = PostgreSqlHarness.AdminDataSource.CreateCommand(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position;"))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var table = reader.GetString(0);
                if (!columns.TryGetValue(table, out var list))
                {
                    columns[table] = list = [];
                }

                list.Add(reader.GetString(1));
            }
        }

        var keys = await ReadPostgreSqlKeysAsync(schema);
        return columns.ToDictionary(
            c => c.Key,
            c => new TableShape([.. c.Value], keys.SingleOrDefault(k => k.Table == c.Key && k.Name == "PRIMARY KEY")?.Columns ?? []),
            StringComparer.Ordinal);
    }

    private static async Task<List<KeyShape>> ReadPostgreSqlKeysAsync(string schema)
    {
        // Primary keys and unique constraints and indexes, with their columns in key order.
        await using var command = PostgreSqlHarness.AdminDataSource.CreateCommand("""
            SELECT t.relname,
                   CASE WHEN i.indisprimary THEN 'PRIMARY KEY' ELSE ix.relname END,
                   array_agg(a.attname::text ORDER BY k.ord)
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_class ix ON ix.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            WHERE n.nspname = $1 AND (i.indisprimary OR i.indisunique)
            GROUP BY t.relname, i.indisprimary, ix.relname;
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<KeyShape>();
        while (await reader.ReadAsync())
        {
            keys.Add(new KeyShape(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2)));
        }

        return keys;
    }
}
