using System.Globalization;
using System.Net;
using System.Text.Json;
using Doppel.Server.Hosting;
using Doppel.Server.Tests.Support;
using Doppel.Storage.Tests.Support;
using Npgsql;

namespace Doppel.Server.Tests.Hosting;

/// <summary>
/// The real server on <c>--store postgres</c>. Tests that need a PostgreSQL server take it from
/// <c>DOPPEL_TEST_POSTGRES</c> (skipped without it locally, failing without it on CI) and each gets its own schema;
/// the failure tests need no server at all.
/// </summary>
public sealed class PostgreSqlServerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Server_process_on_postgres_serves_readyz_and_keeps_the_password_out_of_its_output()
    {
        await using var schema = await TestSchema.CreateAsync();
        using var data = new TemporaryDirectory();
        var port = FreePort.Find();
        using var server = ServerProcess.Start(
            "--data-dir", data.Path, "--port", Port(port), "--store", "postgres", "--connection-string", schema.ConnectionString, "--instance", "factory-1");

        using var readiness = await WaitUntilReadyAsync(server, data.Combine("ca.crt"), port);
        await server.TerminateAsync();
        var exitCode = await server.WaitForExitAsync(Patience);

        Assert.Equal("ready", readiness.RootElement.GetProperty("status").GetString());
        Assert.Equal("postgres", readiness.RootElement.GetProperty("store").GetString());
        Assert.True(readiness.RootElement.GetProperty("schemaVersion").GetInt32() >= 1);
        Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT COUNT(*) FROM instances WHERE name = 'factory-1';"));
        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.DoesNotContain(schema.Password, server.Output, StringComparison.Ordinal);
        Assert.Contains($"postgres postgresql://{schema.Username}@", server.Output, StringComparison.Ordinal);
        Assert.Empty(server.ErrorOutput);
    }

    [SkippableFact]
    public async Task Two_server_processes_starting_at_once_on_one_database_apply_each_migration_once()
    {
        await using var schema = await TestSchema.CreateAsync();
        using var dataA = new TemporaryDirectory();
        using var dataB = new TemporaryDirectory();
        var (portA, portB) = (FreePort.Find(), FreePort.Find());

        using var serverA = ServerProcess.Start("--data-dir", dataA.Path, "--port", Port(portA), "--store", "postgres", "--connection-string", schema.ConnectionString);
        using var serverB = ServerProcess.Start("--data-dir", dataB.Path, "--port", Port(portB), "--store", "postgres", "--connection-string", schema.ConnectionString);
        using var readyA = await WaitUntilReadyAsync(serverA, dataA.Combine("ca.crt"), portA);
        using var readyB = await WaitUntilReadyAsync(serverB, dataB.Combine("ca.crt"), portB);

        var version = readyA.RootElement.GetProperty("schemaVersion").GetInt32();
        Assert.Equal(version, readyB.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal((long)version, await schema.ScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations;"));
        Assert.Equal(version, await schema.ScalarAsync<int>("SELECT COUNT(DISTINCT version)::int FROM schema_migrations;"));
    }

    [Fact]
    public async Task Unreachable_postgres_exits_with_code_2_and_one_line_naming_the_server()
    {
        using var data = new TemporaryDirectory();
        var closed = ClosedPort();

        await using var server = InProcessServer.Start(data.Path, null, "--store", "postgres", "--connection-string", $"Host=127.0.0.1;Port={closed};Username=doppel;Password=hunter2-secret;Database=twins");
        var exitCode = await server.Run.WaitAsync(Patience);

        Assert.Equal(ExitCodes.StartupFailed, exitCode);
        Assert.Equal(
            $"doppel: cannot connect to PostgreSQL at postgresql://doppel@127.0.0.1:{closed}/twins: connection refused; is the server running and listening there?",
            Lines(server.ErrorOutput).Single());
    }

    [Fact]
    public async Task Postgres_connection_string_comes_from_DOPPEL_POSTGRES_when_the_option_is_absent()
    {
        using var data = new TemporaryDirectory();
        var closed = ClosedPort();
        var port = FreePort.Find();
        var environment = new Dictionary<string, string>
        {
            ["DOPPEL_POSTGRES"] = $"Host=127.0.0.1;Port={closed};Username=from-env;Password=hunter2-secret",
        };

        await using var server = InProcessServer.StartWithArgs(data.Path, port, ["--data-dir", data.Path, "--port", Port(port), "--store", "postgres"], environment);
        var exitCode = await server.Run.WaitAsync(Patience);

        Assert.Equal(ExitCodes.StartupFailed, exitCode);
        Assert.StartsWith($"doppel: cannot connect to PostgreSQL at postgresql://from-env@127.0.0.1:{closed}/from-env: connection refused", Lines(server.ErrorOutput).Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=db;Port=five;Password=hunter2-secret", "doppel: the PostgreSQL connection string is not valid (")]
    [InlineData("Colour=blue;Password=hunter2-secret", "doppel: the PostgreSQL connection string is not valid (")]
    [InlineData("Username=doppel;Password=hunter2-secret", "doppel: the PostgreSQL connection string names no Host")]
    public async Task Bad_connection_string_exits_with_code_2_without_repeating_it(string connectionString, string expected)
    {
        using var data = new TemporaryDirectory();
        using var server = ServerProcess.Start("--data-dir", data.Path, "--port", Port(FreePort.Find()), "--store", "postgres", "--connection-string", connectionString);

        var exitCode = await server.WaitForExitAsync(Patience);

        Assert.Equal(ExitCodes.StartupFailed, exitCode);
        var line = Assert.Single(Lines(server.ErrorOutput));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", server.ErrorOutput + server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_names_the_connection_string_option_without_printing_DOPPEL_POSTGRES()
    {
        using var data = new TemporaryDirectory();
        var environment = new Dictionary<string, string> { ["DOPPEL_POSTGRES"] = "Host=db;Password=hunter2-secret" };
        await using var server = InProcessServer.StartWithArgs(data.Path, 0, ["--help"], environment);

        var exitCode = await server.Run.WaitAsync(Patience);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("--connection-string", server.Output, StringComparison.Ordinal);
        Assert.Contains("DOPPEL_POSTGRES", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", server.Output, StringComparison.Ordinal);
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<JsonDocument> WaitUntilReadyAsync(ServerProcess server, string caPath, int port)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(caPath))
            {
                using var client = new TrustingClient(caPath);
                try
                {
                    using var response = await client.Http.GetAsync(new Uri($"https://localhost:{port}/readyz"));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The server process was not ready in time. stderr: {server.ErrorOutput}");
    }

    /// <summary>A new schema in the test database, the search path of <see cref="ConnectionString"/>; dropped afterwards.</summary>
    private sealed class TestSchema : IAsyncDisposable
    {
        private readonly NpgsqlDataSource _admin;
        private readonly string _schema;

        private TestSchema(NpgsqlDataSource admin, string schema, NpgsqlConnectionStringBuilder builder)
        {
            _admin = admin;
            _schema = schema;
            builder.SearchPath = schema;
            ConnectionString = builder.ConnectionString;
            Username = builder.Username ?? string.Empty;
            Password = builder.Password ?? string.Empty;
        }

        public string ConnectionString { get; }

        public string Username { get; }

        public string Password { get; }

        public static async Task<TestSchema> CreateAsync()
        {
            var connectionString = PostgreSqlTestEnvironment.RequireConnectionString();
            var admin = NpgsqlDataSource.Create(connectionString);
            // Letters and digits only, generated here: safe as an identifier, which cannot be a parameter.
            var schema = $"doppel_server_test_{Guid.NewGuid():N}";
            await using (var create = admin.CreateCommand($"CREATE SCHEMA \"{schema}\";"))
            {
                await create.ExecuteNonQueryAsync();
            }

            return new TestSchema(admin, schema, new NpgsqlConnectionStringBuilder(connectionString));
        }

        public async Task<T> ScalarAsync<T>(string sql)
        {
            await using var connection = await _admin.OpenConnectionAsync();
            await using (var path = new NpgsqlCommand($"SET search_path TO \"{_schema}\";", connection))
            {
                await path.ExecuteNonQueryAsync();
            }

            await using var command = new NpgsqlCommand(sql, connection);
            return (T)(await command.ExecuteScalarAsync())!;
        }

        public async ValueTask DisposeAsync()
        {
            await using (var drop = _admin.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE;"))
            {
                await drop.ExecuteNonQueryAsync();
            }

            await _admin.DisposeAsync();
        }
    }
}
