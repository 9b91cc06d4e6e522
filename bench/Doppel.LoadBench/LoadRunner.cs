using System.Diagnostics;
using System.Net;

namespace Doppel.LoadBench;

/// <summary>One workload measured once: successful requests in the measured window, and what went wrong.</summary>
internal sealed record LoadResult(string Name, long Requests, long Errors, TimeSpan Elapsed, string? FirstError)
{
    public double PerSecond => Requests / Elapsed.TotalSeconds;
}

/// <summary>
/// Runs <c>workers</c> closed-loop clients (each sends its next request when the previous answered) for a warm-up
/// and then a measured window; only answers with the expected status that complete inside the window count.
/// </summary>
internal static class LoadRunner
{
    public delegate HttpRequestMessage RequestFactory(int worker, long sequence);

    public static async Task<LoadResult> RunAsync(
        string name,
        HttpClient client,
        int workers,
        TimeSpan warmup,
        TimeSpan duration,
        RequestFactory request,
        HttpStatusCode expected,
        Action<int, long>? succeeded = null)
    {
        var ok = 0L;
        var errors = 0L;
        string? firstError = null;
        using var stop = new CancellationTokenSource();

        async Task WorkerAsync(int worker)
        {
            for (var sequence = 0L; !stop.IsCancellationRequested; sequence++)
            {
                try
                {
                    using var message = request(worker, sequence);
                    using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
                    if (response.StatusCode == expected)
                    {
                        Interlocked.Increment(ref ok);
                        succeeded?.Invoke(worker, sequence);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                        var body = await response.Content.ReadAsStringAsync();
                        Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode} {body}", null);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, ex.Message, null);
                }
            }
        }

        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w))).ToArray();
        await Task.Delay(warmup);
        var startOk = Interlocked.Read(ref ok);
        var startErrors = Interlocked.Read(ref errors);
        var clock = Stopwatch.StartNew();
        await Task.Delay(duration);
        var endOk = Interlocked.Read(ref ok);
        var endErrors = Interlocked.Read(ref errors);
        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        return new LoadResult(name, endOk - startOk, endErrors - startErrors, elapsed, firstError);
    }

    /// <summary>Sends requests from <c>workers</c> clients until <paramref name="count"/> succeeded or <paramref name="budget"/> ran out.</summary>
    public static async Task<LoadResult> RunCountAsync(
        string name,
        HttpClient client,
        int workers,
        long count,
        TimeSpan budget,
        Func<long, HttpRequestMessage> request,
        HttpStatusCode expected,
        Action<long, TimeSpan>? progress = null)
    {
        var next = 0L;
        var ok = 0L;
        var errors = 0L;
        string? firstError = null;
        var clock = Stopwatch.StartNew();

        async Task WorkerAsync()
        {
            while (clock.Elapsed < budget && Volatile.Read(ref errors) < 1000)
            {
                var n = Interlocked.Increment(ref next);
                if (n > count)
                {
                    return;
                }

                try
                {
                    using var message = request(n);
                    using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
                    if (response.StatusCode == expected)
                    {
                        Interlocked.Increment(ref ok);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                        var body = await response.Content.ReadAsStringAsync();
                        Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode} {body}", null);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, ex.Message, null);
                }
            }
        }

        var tasks = Enumerable.Range(0, workers).Select(_ => Task.Run(WorkerAsync)).ToArray();
        var all = Task.WhenAll(tasks);
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30)));
            progress?.Invoke(Interlocked.Read(ref ok), clock.Elapsed);
        }

        await all;
        return new LoadResult(name, ok, errors, clock.Elapsed, firstError);
    }
}
