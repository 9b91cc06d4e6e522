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
    public async Task Dev_setup_on_postgres_gives_the_owner_a_writable_instance_and_a_restart_reuses_its_secrets()
    {
        await using var schema = await TestSchema.CreateAsync();
        using var data = new TemporaryDirectory();
        string[] args = ["--store", "postgres", "--connection-string", schema.ConnectionString, "--dev"];
        System.Text.Json.Nodes.JsonNode first;
        await using (var server = await InProcessServer.StartReadyAsync(data.Path, args))
        {
            first = await DevClient.ReadCredentialsAsync(server);
            using var client = new TrustingClient(server.CaCertificatePath);
            var owner = await DevClient.TokenAsync(client, first, "owner");
            var noRole = await DevClient.TokenAsync(client, first, "norole");
            using var created = await DevClient.SendAsync(client, server, HttpMethod.Post, DevClient.ModelsPath, owner, DevClient.ModelJson("dtmi:dev:Pg;1"));
            using var refused = await DevClient.SendAsync(client, server, HttpMethod.Get, DevClient.ModelsPath, noRole, null);

            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        await using var again = await InProcessServer.StartReadyAsync(data.Path, args);
        var second = await DevClient.ReadCredentialsAsync(again);

        Assert.Equal(first["clients"]!.ToJsonString(), second["clients"]!.ToJsonString());
        Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT COUNT(*) FROM digital_twins_resources WHERE name_key = 'dev';"));
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

    [SkippableFact]
    public async Task A_token_from_one_server_opens_the_data_plane_of_another_on_the_same_database()
    {
        await using var schema = await TestSchema.CreateAsync();
        using var dataA = new TemporaryDirectory();
        using var dataB = new TemporaryDirectory();
        var environment = new Dictionary<string, string> { ["DOPPEL_ADMIN_PASSWORD"] = "Adm1n-Passw0rd!" };
        (int Port, string[] Args) Arguments(string data)
        {
            var port = FreePort.Find();
            return (port, ["--data-dir", data, "--port", Port(port), "--store", "postgres", "--connection-string", schema.ConnectionString, "--instance", "plant"]);
        }

        var (portA, argsA) = Arguments(dataA.Path);
        var (portB, argsB) = Arguments(dataB.Path);
        await using var serverA = InProcessServer.StartWithArgs(dataA.Path, portA, argsA, environment);
        await serverA.WaitUntilReadyAsync();
        await using var serverB = InProcessServer.StartWithArgs(dataB.Path, portB, argsB, environment);
        await serverB.WaitUntilReadyAsync();
        using var clientA = new TrustingClient(serverA.CaCertificatePath);
        using var clientB = new TrustingClient(serverB.CaCertificatePath);

        using var tokenResponse = await clientA.Http.PostAsync(new Uri(serverA.BaseAddress, "doppel.local/oauth2/v2.0/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "04b07795-8ddb-461a-bbee-02f9e1bf7b46", ["username"] = "admin@doppel.local",
            ["password"] = "Adm1n-Passw0rd!", ["scope"] = "https://digitaltwins.azure.net/.default",
        }));
        var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(serverB.BaseAddress, "instances/plant/models?api-version=2023-10-31"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var models = await clientB.Http.SendAsync(request);
        var keysA = await clientA.Http.GetStringAsync(new Uri(serverA.BaseAddress, "doppel.local/discovery/v2.0/keys"));
        var keysB = await clientB.Http.GetStringAsync(new Uri(serverB.BaseAddress, "doppel.local/discovery/v2.0/keys"));

        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal(keysA, keysB);
        Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT COUNT(*) FROM directory_objects WHERE kind = 'tenant';"));
        Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT COUNT(*) FROM directory_objects WHERE kind = 'signingKey';"));
    }

    [SkippableFact]
    public async Task Two_servers_on_one_postgres_database_serve_one_data_plane()
    {
        await using var schema = await TestSchema.CreateAsync();
        using var data = new TemporaryDirectory();
        using var issuer = new TestTokenIssuer(data.Combine("issuer.pem"));
        string[] args = ["--store", "postgres", "--connection-string", schema.ConnectionString, "--instance", "plant", "--trusted-issuer", TestTokenIssuer.Issuer, "--trusted-key", issuer.PublicKeyPath];
        using var dataA = new TemporaryDirectory();
        using var dataB = new TemporaryDirectory();
        await using var serverA = await InProcessServer.StartReadyAsync(dataA.Path, args);
        await using var serverB = await InProcessServer.StartReadyAsync(dataB.Path, args);
        using var clientA = DataPlaneClient(serverA, issuer);
        using var clientB = DataPlaneClient(serverB, issuer);
        const string model = """
            [{"@id":"dtmi:doppel:pg:Room;1","@type":"Interface","@context":"dtmi:dtdl:context;3",
              "contents":[{"@type":"Property","name":"area","schema":"double"},{"@type":"Relationship","name":"near"}]}]
            """;
        const string twin = """{"$metadata":{"$model":"dtmi:doppel:pg:Room;1"},"area":12.5}""";

        using var upload = await SendAsync(clientA, serverA, HttpMethod.Post, "models", model);
        using var createdOnA = await SendAsync(clientA, serverA, HttpMethod.Put, "digitaltwins/room-1", twin);
        using var createdOnB = await SendAsync(clientB, serverB, HttpMethod.Put, "digitaltwins/room-2", twin);
        using var related = await SendAsync(clientB, serverB, HttpMethod.Put, "digitaltwins/room-1/relationships/r1", """{"$targetId":"room-2","$relationshipName":"near"}""");
        using var readOnB = await SendAsync(clientB, serverB, HttpMethod.Get, "digitaltwins/room-1", null);
        using var listedOnA = await SendAsync(clientA, serverA, HttpMethod.Get, "digitaltwins/room-2/incomingrelationships", null);
        using var duplicateOnB = await SendAsync(clientB, serverB, HttpMethod.Put, "digitaltwins/room-1", twin, ("If-None-Match", "*"));

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        Assert.Equal(HttpStatusCode.OK, createdOnA.StatusCode);
        Assert.Equal(HttpStatusCode.OK, createdOnB.StatusCode);
        Assert.Equal(HttpStatusCode.OK, related.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readOnB.StatusCode);
        Assert.Equal(createdOnA.Headers.ETag, readOnB.Headers.ETag);
        Assert.Equal(12.5, JsonDocument.Parse(await readOnB.Content.ReadAsStringAsync()).RootElement.GetProperty("area").GetDouble());
        Assert.Contains("\"r1\"", await listedOnA.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.PreconditionFailed, duplicateOnB.StatusCode);
        Assert.Equal(2L, await schema.ScalarAsync<long>("SELECT COUNT(*) FROM twins;"));
    }

    [SkippableFact]
    public async Task A_model_change_through_one_server_is_seen_by_the_other_at_once()
    {
        await using var schema = await TestSchema.CreateAsync();
        using var data = new TemporaryDirectory();
        using var issuer = new TestTokenIssuer(data.Combine("issuer.pem"));
        string[] args = ["--store", "postgres", "--connection-string", schema.ConnectionString, "--instance", "plant", "--trusted-issuer", TestTokenIssuer.Issuer, "--trusted-key", issuer.PublicKeyPath];
        using var dataA = new TemporaryDirectory();
        using var dataB = new TemporaryDirectory();
        await using var serverA = await InProcessServer.StartReadyAsync(dataA.Path, args);
        await using var serverB = await InProcessServer.StartReadyAsync(dataB.Path, args);
        using var clientA = DataPlaneClient(serverA, issuer);
        using var clientB = DataPlaneClient(serverB, issuer);
        const string room = """
            [{"@id":"dtmi:doppel:pg:Room;1","@type":"Interface","@context":"dtmi:dtdl:context;3",
              "contents":[{"@type":"Property","name":"area","schema":"double"}]}]
            """;
        const string floor = """
            [{"@id":"dtmi:doppel:pg:Floor;1","@type":"Interface","@context":"dtmi:dtdl:context;3",
              "contents":[{"@type":"Property","name":"level","schema":"integer"},{"@type":"Relationship","name":"contains","target":"dtmi:doppel:pg:Room;1"}]}]
            """;
        const string wing = """
            [{"@id":"dtmi:doppel:pg:Wing;1","@type":"Interface","@context":"dtmi:dtdl:context;3","extends":"dtmi:doppel:pg:Room;1"}]
            """;
        const string floorTwin = """{"$metadata":{"$model":"dtmi:doppel:pg:Floor;1"},"level":1}""";

        // Server B has the instance's models cached (Room only) before server A changes them.
        using var roomUpload = await SendAsync(clientA, serverA, HttpMethod.Post, "models", room);
        using var roomOnB = await SendAsync(clientB, serverB, HttpMethod.Put, "digitaltwins/room-1", """{"$metadata":{"$model":"dtmi:doppel:pg:Room;1"},"area":1}""");
        using var floorUpload = await SendAsync(clientA, serverA, HttpMethod.Post, "models", floor);

        // A new model uploaded through A is usable through B at once: for a twin, for a relationship, in the list.
        using var floorOnB = await SendAsync(clientB, serverB, HttpMethod.Put, "digitaltwins/floor-1", floorTwin);
        using var containsOnB = await SendAsync(clientB, serverB, HttpMethod.Put, "digitaltwins/floor-1/relationships/c1", """{"$targetId":"room-1","$relationshipName":"contains"}""");
        using var listOnB = await SendAsync(clientB, serverB, HttpMethod.Get, "models", null);

        // Decommissioned through A: B refuses new twins of it at once.
        using var decommission = await SendAsync(clientA, serverA, HttpMethod.Patch, "models/dtmi:doppel:pg:Floor;1", """[{"op":"replace","path":"/decommissioned","value":true}]""");
        using var decommissionedOnB = await SendAsync(clientB, serverB, HttpMethod.Put, "digitaltwins/floor-2", floorTwin);

        // B's cached models must not let it delete a model that A's upload has just come to depend on.
        using var wingUpload = await SendAsync(clientA, serverA, HttpMethod.Post, "models", wing);
        using var deleteRoomOnB = await SendAsync(clientB, serverB, HttpMethod.Delete, "models/dtmi:doppel:pg:Room;1", null);

        // Deleted through A: gone through B at once.
        using var deleteWing = await SendAsync(clientA, serverA, HttpMethod.Delete, "models/dtmi:doppel:pg:Wing;1", null);
        using var wingOnB = await SendAsync(clientB, serverB, HttpMethod.Get, "models/dtmi:doppel:pg:Wing;1", null);

        Assert.Equal(HttpStatusCode.Created, roomUpload.StatusCode);
        Assert.Equal(HttpStatusCode.OK, roomOnB.StatusCode);
        Assert.Equal(HttpStatusCode.Created, floorUpload.StatusCode);
        Assert.True(floorOnB.StatusCode == HttpStatusCode.OK, await floorOnB.Content.ReadAsStringAsync());
        Assert.True(containsOnB.StatusCode == HttpStatusCode.OK, await containsOnB.Content.ReadAsStringAsync());
        Assert.Equal(2, JsonDocument.Parse(await listOnB.Content.ReadAsStringAsync()).RootElement.GetProperty("value").GetArrayLength());
        Assert.Equal(HttpStatusCode.NoContent, decommission.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, decommissionedOnB.StatusCode);
        Assert.Contains("\"ModelDecommissioned\"", await decommissionedOnB.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, wingUpload.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, deleteRoomOnB.StatusCode);
        Assert.Contains("\"ModelReferencesNotDeleted\"", await deleteRoomOnB.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, deleteWing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wingOnB.StatusCode);
        Assert.Equal(2L, await schema.ScalarAsync<long>("SELECT COUNT(*) FROM models;"));
    }

    [SkippableFact]
    public async Task Concurrent_model_changes_through_two_servers_never_leave_a_model_without_what_it_extends()
    {
        await using var schema = await TestSchema.CreateAsync();
        using var data = new TemporaryDirectory();
        using var issuer = new TestTokenIssuer(data.Combine("issuer.pem"));
        string[] args = ["--store", "postgres", "--connection-string", schema.ConnectionString, "--instance", "plant", "--trusted-issuer", TestTokenIssuer.Issuer, "--trusted-key", issuer.PublicKeyPath];
        using var dataA = new TemporaryDirectory();
        using var dataB = new TemporaryDirectory();
        await using var serverA = await InProcessServer.StartReadyAsync(dataA.Path, args);
        await using var serverB = await InProcessServer.StartReadyAsync(dataB.Path, args);
        using var clientA = DataPlaneClient(serverA, issuer);
        using var clientB = DataPlaneClient(serverB, issuer);

        for (var round = 0; round < 8; round++)
        {
            var baseId = $"dtmi:doppel:pg:Base{round};1";
            using var upload = await SendAsync(clientA, serverA, HttpMethod.Post, "models", $$"""[{"@id":"{{baseId}}","@type":"Interface","@context":"dtmi:dtdl:context;3"}]""");
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
            using var warm = await SendAsync(clientB, serverB, HttpMethod.Get, "models", null);

            // A deletes the base while B uploads a model extending it: one of them must lose.
            var delete = SendAsync(clientA, serverA, HttpMethod.Delete, $"models/{baseId}", null);
            var extend = SendAsync(clientB, serverB, HttpMethod.Post, "models", $$"""[{"@id":"dtmi:doppel:pg:Child{{round}};1","@type":"Interface","@context":"dtmi:dtdl:context;3","extends":"{{baseId}}"}]""");
            using var deleted = await delete;
            using var extended = await extend;

            var deletedOk = deleted.StatusCode == HttpStatusCode.NoContent;
            var extendedOk = extended.StatusCode == HttpStatusCode.Created;
            Assert.True(deletedOk != extendedOk, $"round {round}: delete {(int)deleted.StatusCode}, upload {(int)extended.StatusCode}");
        }

        // Every stored model set still resolves: a fresh server can list and use them.
        using var dataC = new TemporaryDirectory();
        await using var serverC = await InProcessServer.StartReadyAsync(dataC.Path, args);
        using var clientC = DataPlaneClient(serverC, issuer);
        using var list = await SendAsync(clientC, serverC, HttpMethod.Get, "models", null);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
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

    private static TrustingClient DataPlaneClient(InProcessServer server, TestTokenIssuer issuer)
    {
        var client = new TrustingClient(server.CaCertificatePath);
        client.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", issuer.Mint());
        return client;
    }

    private static async Task<HttpResponseMessage> SendAsync(TrustingClient client, InProcessServer server, HttpMethod method, string path, string? json, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, new Uri(server.BaseAddress, $"instances/plant/{path}?api-version=2023-10-31"));
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, method == HttpMethod.Patch ? "application/json-patch+json" : "application/json");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.Http.SendAsync(request);
    }

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

    /// <summary>
    /// Signs data-plane tokens with an ECDSA P-256 key whose public half is a PEM file for <c>--trusted-key</c>:
    /// a compact ES256 JWT built by hand, so these tests need no token library.
    /// </summary>
    private sealed class TestTokenIssuer : IDisposable
    {
        public const string Issuer = "https://issuer.doppel.test/postgres/v2.0";

        private readonly System.Security.Cryptography.ECDsa _key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);

        public TestTokenIssuer(string publicKeyPath)
        {
            PublicKeyPath = publicKeyPath;
            File.WriteAllText(publicKeyPath, _key.ExportSubjectPublicKeyInfoPem());
        }

        public string PublicKeyPath { get; }

        public string Mint()
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var header = Base64Url("""{"alg":"ES256","typ":"JWT"}"""u8);
            var payload = Base64Url(System.Text.Encoding.UTF8.GetBytes(
                $$"""{"iss":"{{Issuer}}","aud":"https://digitaltwins.azure.net","iat":{{now - 60}},"nbf":{{now - 60}},"exp":{{now + 3600}},"oid":"00000000-0000-0000-0000-000000000001","tid":"tenant"}"""));
            // JWS wants the raw r||s signature, which is .NET's default format for ECDsa.
            var signature = _key.SignData(System.Text.Encoding.ASCII.GetBytes($"{header}.{payload}"), System.Security.Cryptography.HashAlgorithmName.SHA256);
            return $"{header}.{payload}.{Base64Url(signature)}";
        }

        public void Dispose() => _key.Dispose();

        private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
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
