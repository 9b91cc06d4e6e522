using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Doppel.Server.Hosting;
using Doppel.Server.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Doppel.Server.Tests.Hosting;

public sealed class ServerStartupTests
{
    [Fact]
    public async Task Server_started_on_a_free_port_answers_healthz_and_readyz_over_https()
    {
        using var data = new TemporaryDirectory();
        await using var server = await InProcessServer.StartReadyAsync(data.Path);
        using var client = new TrustingClient(server.CaCertificatePath);

        using var health = await client.Http.GetAsync(new Uri(server.BaseAddress, "healthz"));
        using var ready = await client.Http.GetAsync(new Uri(server.BaseAddress, "readyz"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("application/json; charset=utf-8", health.Content.Headers.ContentType?.ToString());
        Assert.Equal("""{"status":"alive"}""", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        await using var store = new Doppel.Storage.Sqlite.SqliteStore(Doppel.Storage.Sqlite.SqliteStoreOptions.InDataDirectory(data.Path));
        Assert.Equal($$"""{"status":"ready","store":"sqlite","schemaVersion":{{store.Migrations.LatestVersion}}}""", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Server_answers_on_both_loopback_addresses_with_a_certificate_valid_for_each()
    {
        using var data = new TemporaryDirectory();
        await using var server = await InProcessServer.StartReadyAsync(data.Path);
        using var client = new TrustingClient(server.CaCertificatePath);
        var hosts = FreePort.IPv6LoopbackAvailable() ? new[] { "127.0.0.1", "[::1]" } : ["127.0.0.1"];

        foreach (var host in hosts)
        {
            using var response = await client.Http.GetAsync(new Uri($"https://{host}:{server.Port}/healthz"));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Server_listens_on_127_0_0_1_only_not_on_every_address()
    {
        using var data = new TemporaryDirectory();
        await using var server = await InProcessServer.StartReadyAsync(data.Path);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        // 127.0.0.2 reaches this machine too: a server bound to 0.0.0.0 would accept there.
        var connect = async () => await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse("127.0.0.2"), server.Port));

        var refused = await Assert.ThrowsAsync<SocketException>(connect);
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Server_stopped_by_cancellation_exits_with_code_0_and_prints_how_to_trust_the_CA()
    {
        using var data = new TemporaryDirectory();
        var server = await InProcessServer.StartReadyAsync(data.Path);

        var exitCode = await server.StopAsync();
        await server.DisposeAsync();

        Assert.Equal(ExitCodes.Success, exitCode);
        var ca = Path.Combine(data.Path, "ca.crt");
        Assert.Contains($"NODE_EXTRA_CA_CERTS={ca}", server.Output, StringComparison.Ordinal);
        Assert.Contains($"SSL_CERT_FILE={ca}", server.Output, StringComparison.Ordinal);
        Assert.Contains(server.Logs.Lines, line => line.Contains("Doppel stopped", StringComparison.Ordinal));
        Assert.Empty(server.ErrorOutput);
    }

    [Fact]
    public async Task Server_restarted_on_the_same_data_directory_reuses_its_certificates()
    {
        using var data = new TemporaryDirectory();
        string firstThumbprint;
        await using (var first = await InProcessServer.StartReadyAsync(data.Path))
        {
            using var client = new TrustingClient(first.CaCertificatePath);
            (await client.Http.GetAsync(new Uri(first.BaseAddress, "healthz"))).Dispose();
            firstThumbprint = client.LastServerThumbprint!;
        }

        var files = new[] { "ca.crt", "ca.key", "server.crt", "server.key" }.ToDictionary(f => f, f => File.ReadAllBytes(data.Combine(f)));

        await using var second = await InProcessServer.StartReadyAsync(data.Path);
        using var secondClient = new TrustingClient(second.CaCertificatePath);
        (await secondClient.Http.GetAsync(new Uri(second.BaseAddress, "healthz"))).Dispose();

        foreach (var (name, bytes) in files)
        {
            Assert.Equal(bytes, File.ReadAllBytes(data.Combine(name)));
        }

        Assert.Equal(firstThumbprint, secondClient.LastServerThumbprint);
        Assert.Contains(second.Logs.Lines, line => line.Contains("CA Reused, server certificate Reused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_restarted_with_another_host_suffix_replaces_the_server_certificate_and_keeps_the_CA()
    {
        using var data = new TemporaryDirectory();
        await using (await InProcessServer.StartReadyAsync(data.Path))
        {
        }

        var ca = File.ReadAllBytes(data.Combine("ca.crt"));
        var serverCertificate = File.ReadAllBytes(data.Combine("server.crt"));

        await using var second = await InProcessServer.StartReadyAsync(data.Path, "--host-suffix", "twins.example.localhost");
        using var client = new TrustingClient(second.CaCertificatePath);
        using var response = await client.Http.GetAsync(new Uri(second.BaseAddress, "healthz"));

        Assert.Equal(ca, File.ReadAllBytes(data.Combine("ca.crt")));
        Assert.NotEqual(serverCertificate, File.ReadAllBytes(data.Combine("server.crt")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Server_started_with_instances_records_them_in_the_instances_table()
    {
        using var data = new TemporaryDirectory();
        await using (await InProcessServer.StartReadyAsync(data.Path, "--instance", "Factory-1", "--instance", "plant2"))
        {
        }

        await using (await InProcessServer.StartReadyAsync(data.Path, "--instance", "factory-1"))
        {
        }

        var names = await QueryAsync(data.Combine("doppel.db"), "SELECT name FROM instances ORDER BY name;");

        Assert.Equal(["factory-1", "plant2"], names);
    }

    [Fact]
    public async Task Database_uses_write_ahead_logging_while_the_server_runs()
    {
        using var data = new TemporaryDirectory();
        await using var server = await InProcessServer.StartReadyAsync(data.Path);

        var mode = await QueryAsync(data.Combine("doppel.db"), "PRAGMA journal_mode;");

        Assert.Equal(["wal"], mode);
    }

    [Fact]
    public async Task Readyz_answers_503_when_the_migration_history_is_gone()
    {
        using var data = new TemporaryDirectory();
        await using var server = await InProcessServer.StartReadyAsync(data.Path);
        using var client = new TrustingClient(server.CaCertificatePath);
        await QueryAsync(data.Combine("doppel.db"), "DELETE FROM schema_migrations;");

        using var response = await client.Http.GetAsync(new Uri(server.BaseAddress, "readyz"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("not-ready", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("migrations-pending", body.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Data_directory_comes_from_DOPPEL_DATA_DIR_when_no_option_names_one()
    {
        using var data = new TemporaryDirectory();
        var port = FreePort.Find();
        await using var server = InProcessServer.StartWithArgs(
            data.Path,
            port,
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["DOPPEL_DATA_DIR"] = data.Path });

        await server.WaitUntilReadyAsync();

        Assert.True(File.Exists(data.Combine("doppel.db")));
    }

    private static async Task<List<string>> QueryAsync(string databasePath, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
