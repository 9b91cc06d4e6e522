using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Doppel.Api.Tests.Support;
using Doppel.Server.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Doppel.Api.Tests;

public sealed class CrashSafetyTests
{
    [Fact]
    public async Task Every_acknowledged_write_survives_SIGKILL_during_a_concurrent_write_load()
    {
        using var data = new TemporaryDirectory();
        using var issuer = new TokenIssuer("https://crash.doppel.test/", data.Path);
        var token = issuer.Mint();
        var acknowledged = new ConcurrentBag<string>();

        var firstPort = FreePort.Find();
        var server = ServerProcess.Start(Args(data.Path, firstPort, issuer));
        var killed = false;
        try
        {
            using var client = await ReadyClientAsync(data.Path, firstPort, token, server);
            var root = $"https://localhost:{firstPort}/instances/main/";
            using var models = await client.Http.PostAsync(new Uri(root + "models?api-version=2023-10-31"), Json(Samples.Models()));
            Assert.Equal(HttpStatusCode.Created, models.StatusCode);

            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var id = string.Create(CultureInfo.InvariantCulture, $"w{w}-{i}");
                    try
                    {
                        using var response = await client.Http.PutAsync(new Uri($"{root}digitaltwins/{id}?api-version=2023-10-31"), Json(Samples.RoomTwin(i)));
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            acknowledged.Add(id);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // The server died under us.
                    }
                }
            })).ToArray();

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (acknowledged.Count < 200 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            server.Dispose(); // SIGKILL, mid-load.
            killed = true;
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }
        finally
        {
            if (!killed)
            {
                server.Dispose();
            }
        }

        Assert.True(acknowledged.Count >= 50, $"only {acknowledged.Count} writes were acknowledged before the kill");
        var secondPort = FreePort.Find();
        using (var restarted = ServerProcess.Start(Args(data.Path, secondPort, issuer)))
        {
            using var client = await ReadyClientAsync(data.Path, secondPort, token, restarted);
            foreach (var id in acknowledged)
            {
                using var response = await client.Http.GetAsync(new Uri($"https://localhost:{secondPort}/instances/main/digitaltwins/{id}?api-version=2023-10-31"));
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"acknowledged twin {id} is gone after the crash");
            }

            await restarted.TerminateAsync();
            await restarted.WaitForExitAsync(TimeSpan.FromSeconds(20));
        }

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data.Path, "doppel.db")};Pooling=False");
        await connection.OpenAsync();
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", (string?)await check.ExecuteScalarAsync());
    }

    private static string[] Args(string dataDirectory, int port, TokenIssuer issuer) =>
    [
        "--data-dir", dataDirectory, "--port", port.ToString(CultureInfo.InvariantCulture), "--instance", "main",
        "--trusted-issuer", issuer.Issuer, "--trusted-key", issuer.PublicKeyPath,
    ];

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<TrustingClient> ReadyClientAsync(string dataDirectory, int port, string token, ServerProcess server)
    {
        var ca = Path.Combine(dataDirectory, "ca.crt");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(ca))
            {
                var client = new TrustingClient(ca);
                client.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                try
                {
                    using var ready = await client.Http.GetAsync(new Uri($"https://localhost:{port}/readyz"));
                    if (ready.StatusCode == HttpStatusCode.OK)
                    {
                        return client;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                client.Dispose();
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The server process was not ready: {server.ErrorOutput}");
    }
}
