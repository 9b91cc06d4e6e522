using System.Diagnostics;
using System.Globalization;

namespace Doppel.Benchmarks;

/// <summary>
/// The same measurement as <see cref="DataPlaneAuthenticationBenchmarks"/>, in CPU time instead of wall time, for a
/// machine shared with other work: wall time stretches with everyone else's load, the process's own CPU time much
/// less. Each round runs <c>n</c> GET twins, then <c>n</c> cached and <c>n / 10</c> uncached authentication steps
/// (and the per-call scaffolding alone), reads <see cref="Process.TotalProcessorTime"/> around each block, and
/// reports CPU per operation and the ratios to GET twin; the median round is the figure. The GET twin's CPU is the
/// whole process's — the in-process server's work and the client's — so the ratio to the server's share alone is
/// higher (the docs give both).
/// </summary>
internal static class AuthenticationCpuRatio
{
    public static async Task<int> RunAsync(int rounds, int n)
    {
        using var bench = new DataPlaneAuthenticationBenchmarks();
        bench.Setup();
        try
        {
            // Warm-up: the JIT's tiers and the token cache.
            await MeasureAsync(n, bench.GetTwin);
            await MeasureAsync(n, bench.AuthenticateCached);
            await MeasureAsync(n / 10, bench.AuthenticateUncached);
            await MeasureAsync(n, bench.ScopeAndContextOnly);

            var ratios = new List<(double Get, double Scaffold, double Cached, double Uncached)>();
            Console.WriteLine("round  GET twin µs  scaffold µs  cached µs  uncached µs  cached-scaffold / GET  uncached-scaffold / GET   (process CPU per operation)");
            for (var round = 1; round <= rounds; round++)
            {
                var get = await MeasureAsync(n, bench.GetTwin);
                var scaffold = await MeasureAsync(n, bench.ScopeAndContextOnly);
                var cached = await MeasureAsync(n, bench.AuthenticateCached);
                var uncached = await MeasureAsync(n / 10, bench.AuthenticateUncached);
                ratios.Add((get, scaffold, cached, uncached));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{round,5}  {get,11:F1}  {scaffold,11:F2}  {cached,9:F2}  {uncached,11:F1}  {(cached - scaffold) / get,21:P1}  {(uncached - scaffold) / get,23:P1}"));
            }

            var median = ratios.OrderBy(r => (r.Cached - r.Scaffold) / r.Get).ElementAt(ratios.Count / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median round: GET twin {median.Get:F1} µs, authentication cached {median.Cached - median.Scaffold:F2} µs ({(median.Cached - median.Scaffold) / median.Get:P1}), uncached {median.Uncached - median.Scaffold:F1} µs ({(median.Uncached - median.Scaffold) / median.Get:P1})"));
            return 0;
        }
        finally
        {
            bench.Cleanup();
        }
    }

    private static async Task<double> MeasureAsync<T>(int count, Func<Task<T>> operation)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.TotalProcessorTime;
        for (var i = 0; i < count; i++)
        {
            await operation();
        }

        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMicroseconds / count;
    }
}
