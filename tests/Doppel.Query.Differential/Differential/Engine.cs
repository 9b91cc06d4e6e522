using System.Text;
using System.Text.Json.Nodes;
using Doppel.Dtdl;
using Doppel.Query.Differential.Corpus;
using Doppel.Query.Differential.Oracle;
using Doppel.Storage;
using Doppel.Storage.DataPlane;
using Doppel.Storage.PostgreSql;
using Doppel.Storage.PostgreSql.DataPlane;
using Doppel.Storage.Sqlite;
using Doppel.Storage.Sqlite.DataPlane;
using Doppel.Storage.Tests.Support;
using Doppel.Twins;
using Doppel.Twins.Models;
using Doppel.Twins.Query;
using Doppel.Twins.Relationships;
using Doppel.Twins.Twins;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Doppel.Query.Differential.Differential;

/// <summary>
/// One database engine with the seed graph written into it through the real data-plane services, the
/// <see cref="QueryService"/> over it, and an oracle over the documents exactly as that engine stored them.
/// Shared by every case of a test class (xUnit class fixture); the graph is written once.
/// </summary>
public abstract class Engine : IAsyncLifetime
{
    private ServiceProvider? _services;
    private IStore? _store;

    /// <summary>The engine's name: <c>sqlite</c> or <c>postgres</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Why this engine's tests are skipped on this machine, or null.</summary>
    public string? SkipReason { get; protected set; }

    /// <summary>The instance the graph lives in.</summary>
    public string InstanceId { get; private set; } = "";

    /// <summary>The service under test.</summary>
    public QueryService Query { get; private set; } = null!;

    /// <summary>The reference over the same documents.</summary>
    public QueryOracle Oracle { get; private set; } = null!;

    /// <summary>The store, for checks behind the service's back.</summary>
    public IDataPlaneStore Data { get; private set; } = null!;

    /// <summary>How many twins and relationships were written.</summary>
    public (int Twins, int Relationships) Written { get; private set; }

    public async Task InitializeAsync()
    {
        var store = _store = await OpenStoreAsync();
        if (store is null)
        {
            return;
        }

        await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        InstanceId = (await store.Instances.EnsureAsync("differential", CancellationToken.None)).Id;
        Data = OpenDataPlane(store);

        // The services as the server composes them; ActivatorUtilities fills whatever the query service's
        // constructor asks of them.
        var collection = new ServiceCollection();
        collection.AddSingleton(store);
        collection.AddSingleton(Data);
        // No query rate limit: the suite sends far more than ADT's 500 queries a second, and throttling is tested elsewhere.
        collection.AddSingleton(DataPlaneLimits.Default with { QueryRequestsPerSecond = 0 });
        collection.AddSingleton(TimeProvider.System);
        collection.AddSingleton(new DtdlParser());
        collection.AddSingleton<ModelService>();
        collection.AddSingleton<TwinService>();
        collection.AddSingleton<RelationshipService>();
        collection.AddSingleton(provider => ActivatorUtilities.CreateInstance<QueryService>(provider));
        _services = collection.BuildServiceProvider();
        Query = _services.GetRequiredService<QueryService>();

        var graph = QueryCorpus.Graph;
        await _services.GetRequiredService<ModelService>().AddAsync(InstanceId, Encoding.UTF8.GetBytes(graph.Models), CancellationToken.None);
        var twinService = _services.GetRequiredService<TwinService>();
        var twins = new List<string>();
        foreach (var twin in graph.Twins)
        {
            twins.Add((await twinService.PutAsync(InstanceId, twin.Id, Encoding.UTF8.GetBytes(twin.Body), null, CancellationToken.None)).Document);
        }

        foreach (var raw in graph.RawTwins)
        {
            var model = JsonNode.Parse(raw.Body)!["$metadata"]!["$model"]!.GetValue<string>();
            var change = new ChangeEvent(Guid.NewGuid().ToString(), "Doppel.Test.RawTwin", raw.Id, DateTimeOffset.UtcNow, null, "{}");
            var outcome = await Data.Twins.WriteAsync(InstanceId, new StoredTwin(raw.Id, model, $"W/\"{raw.Id}\"", raw.Body), StoreWriteMode.CreateOnly, null, 1_000_000, change, CancellationToken.None);
            twins.Add(outcome == StoreWriteOutcome.Written ? raw.Body : throw new InvalidOperationException($"{raw.Id}: {outcome}"));
        }

        var relationshipService = _services.GetRequiredService<RelationshipService>();
        var relationships = new List<string>();
        foreach (var relationship in graph.Relationships)
        {
            relationships.Add((await relationshipService.PutAsync(InstanceId, relationship.SourceId, relationship.Id, Encoding.UTF8.GetBytes(relationship.Body), null, CancellationToken.None)).Document);
        }

        Written = (twins.Count, relationships.Count);
        await AfterSeedAsync();
        Oracle = new QueryOracle(new OracleGraph(twins, relationships, graph.Extends));
    }

    /// <summary>Runs once the graph is written, before the first query.</summary>
    protected virtual Task AfterSeedAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await DropAsync();
    }

    /// <summary>Skips the calling test when the engine is not available here.</summary>
    public void SkipIfUnavailable() => Skip.If(SkipReason is not null, SkipReason);

    /// <summary>Every table of the database with its row count, read past the store: what an injection would change.</summary>
    public abstract Task<IReadOnlyList<string>> FingerprintAsync();

    /// <summary>A new, empty, migrated store, or null (and <see cref="SkipReason"/>) when the engine is absent.</summary>
    protected abstract Task<IStore?> OpenStoreAsync();

    protected abstract IDataPlaneStore OpenDataPlane(IStore store);

    protected abstract Task DropAsync();
}

/// <summary>A SQLite file in a new folder.</summary>
public sealed class SqliteEngine : Engine
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "doppel-differential", Guid.NewGuid().ToString("N"));

    public override string Name => "sqlite";

    /// <summary>The database file.</summary>
    public string DatabasePath => Path.Combine(_directory, SqliteStoreOptions.DefaultFileName);

    protected override Task<IStore?> OpenStoreAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.FromResult<IStore?>(new SqliteStore(new SqliteStoreOptions(DatabasePath)));
    }

    protected override IDataPlaneStore OpenDataPlane(IStore store) => new SqliteDataPlaneStore((SqliteStore)store);

    public override async Task<IReadOnlyList<string>> FingerprintAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var result = new List<string>();
        await using (var check = connection.CreateCommand())
        {
            check.CommandText = "PRAGMA integrity_check;";
            result.Add("integrity " + await check.ExecuteScalarAsync());
        }

        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            // Names read from sqlite_master itself, not from input.
            count.CommandText = $"SELECT COUNT(*) FROM \"{table}\";";
            result.Add($"{table} {await count.ExecuteScalarAsync()}");
        }

        return result;
    }

    protected override Task DropAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A closing connection may still hold the file; the temp folder is the OS's to clean.
        }

        return Task.CompletedTask;
    }
}

/// <summary>A new schema of the <c>DOPPEL_TEST_POSTGRES</c> database; skipped without it, failed under CI=true.</summary>
public sealed class PostgreSqlEngine : Engine
{
    private string? _schema;
    private string? _admin;

    public override string Name => "postgres";

    protected override async Task<IStore?> OpenStoreAsync()
    {
        try
        {
            _admin = PostgreSqlTestEnvironment.RequireConnectionString();
        }
        catch (SkipException skip)
        {
            SkipReason = skip.Message;
            return null;
        }

        // Letters and digits only, made here: safe as an identifier, which cannot be a parameter.
        _schema = $"doppel_diff_{Guid.NewGuid():N}";
        await using (var admin = NpgsqlDataSource.Create(_admin))
        await using (var command = admin.CreateCommand($"CREATE SCHEMA \"{_schema}\";"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(_admin) { SearchPath = _schema, MaxPoolSize = 10 };
        return new PostgreSqlStore(new PostgreSqlStoreOptions(builder.ConnectionString));
    }

    protected override IDataPlaneStore OpenDataPlane(IStore store) => new PostgreSqlDataPlaneStore((PostgreSqlStore)store);

    /// <summary>
    /// Gathers the planner's statistics, as autovacuum does a little after a bulk load in production: on tables
    /// written a moment ago PostgreSQL plans a five-JOIN count as if they were empty and runs it for minutes.
    /// </summary>
    protected override async Task AfterSeedAsync()
    {
        await using var admin = NpgsqlDataSource.Create(_admin!);
        await using var command = admin.CreateCommand($"ANALYZE \"{_schema}\".twins, \"{_schema}\".relationships;");
        await command.ExecuteNonQueryAsync();
    }

    public override async Task<IReadOnlyList<string>> FingerprintAsync()
    {
        await using var admin = NpgsqlDataSource.Create(_admin!);
        var tables = new List<string>();
        await using (var list = admin.CreateCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name;"))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = _schema! });
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var result = new List<string>();
        foreach (var table in tables)
        {
            // Names read from the catalogue itself, not from input; the schema name is generated here.
            await using var count = admin.CreateCommand($"SELECT COUNT(*) FROM \"{_schema}\".\"{table}\";");
            result.Add($"{table} {await count.ExecuteScalarAsync()}");
        }

        return result;
    }

    protected override async Task DropAsync()
    {
        if (_schema is null || _admin is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = NpgsqlDataSource.Create(_admin);
        await using var command = admin.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE;");
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>The test classes that share one seeded SQLite database (run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class SeededSqlite : ICollectionFixture<SqliteEngine>
{
    public const string Name = "seeded sqlite";
}

/// <summary>The test classes that share one seeded PostgreSQL schema (run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class SeededPostgreSql : ICollectionFixture<PostgreSqlEngine>
{
    public const string Name = "seeded postgres";
}
