using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Doppel.Storage.DataPlane;
using Doppel.Storage.Sqlite;
using Doppel.Storage.Sqlite.DataPlane;

namespace Doppel.LoadBench;

/// <summary>
/// Stores many twins straight through Doppel's SQLite store (its write queue, the same transactions and outbox rows
/// as a PUT) before the server starts, so that the peak RSS with 1,000,000 twins can be measured in minutes rather
/// than the hours HTTP creates would take on this machine. The documents have the shape the server writes.
/// </summary>
internal static class Prefill
{
    private const int InFlight = 256;

    public static async Task<long> RunAsync(string dataDirectory, string instanceName, string modelId, string modelJson, long count)
    {
        // The server wants its data directory readable by its owner only, as it would have created it.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dataDirectory);
        }
        else
        {
            Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var store = new SqliteStore(SqliteStoreOptions.InDataDirectory(dataDirectory));
        await using (store)
        {
            await store.Migrations.ApplyPendingAsync(CancellationToken.None);
            var instance = await store.Instances.EnsureAsync(instanceName, CancellationToken.None);
            var data = new SqliteDataPlaneStore(store);
            using (var model = JsonDocument.Parse(modelJson))
            {
                var definition = model.RootElement[0].GetRawText();
                await data.Models.AddAsync(instance.Id, [new NewModel(modelId, definition, """{"en":"Sensor"}""", null, DateTimeOffset.UtcNow)], 10_000, null, CancellationToken.None);
            }

            var clock = Stopwatch.StartNew();
            var next = 0L;
            var workers = Enumerable.Range(0, InFlight).Select(_ => Task.Run(async () =>
            {
                long n;
                while ((n = Interlocked.Increment(ref next)) <= count)
                {
                    var id = string.Create(CultureInfo.InvariantCulture, $"p{n}");
                    var etag = $"W/\"{Guid.NewGuid()}\"";
                    var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
                    var document =
                        "{\"$dtId\":\"" + id + "\",\"$etag\":" + JsonSerializer.Serialize(etag) + ",\"$metadata\":{\"$model\":\"" + modelId + "\",\"$lastUpdateTime\":\"" + now
                        + "\",\"temperature\":{\"lastUpdateTime\":\"" + now + "\"},\"label\":{\"lastUpdateTime\":\"" + now + "\"}},\"temperature\":" + (n % 100).ToString(CultureInfo.InvariantCulture)
                        + ".25,\"label\":\"sensor " + n.ToString(CultureInfo.InvariantCulture) + "\"}";
                    var change = new ChangeEvent(Guid.NewGuid().ToString(), "Microsoft.DigitalTwins.Twin.Create", id, DateTimeOffset.UtcNow, null, document);
                    var outcome = await data.Twins.WriteAsync(instance.Id, new StoredTwin(id, modelId, etag, document), StoreWriteMode.CreateOnly, null, long.MaxValue, change, CancellationToken.None);
                    if (outcome != StoreWriteOutcome.Written)
                    {
                        throw new InvalidOperationException($"prefill: storing {id} answered {outcome}");
                    }

                    if (n % 100_000 == 0)
                    {
                        Console.WriteLine($"  prefill: {n:N0} twins after {clock.Elapsed.TotalSeconds:F0} s ({n / clock.Elapsed.TotalSeconds:N0}/s)");
                    }
                }
            })).ToList();
            await Task.WhenAll(workers);
            Console.WriteLine($"Prefilled {count:N0} twins through the SQLite store in {clock.Elapsed.TotalSeconds:F0} s");
        }

        return count;
    }
}
