using System.Text;
using Doppel.Server.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Doppel.Server.Tests.Logging;

public sealed partial class BatchingConsoleLoggerProviderTests
{
    [Fact]
    public void Every_event_from_many_threads_is_written_once_in_each_threads_order_by_the_time_the_provider_is_disposed()
    {
        using var output = new MemoryStream();
        var provider = new BatchingConsoleLoggerProvider(SimpleFormatter(), output);
        var logger = provider.CreateLogger("Test");

        Parallel.For(0, 4, thread =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                LogEvent(logger, thread, i);
            }
        });
        provider.Dispose();

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8_000, lines.Length);
        for (var thread = 0; thread < 4; thread++)
        {
            var events = lines.Where(l => l.Contains($"thread {thread} event ", StringComparison.Ordinal))
                .Select(l => int.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
                .ToList();
            Assert.Equal(Enumerable.Range(0, 2_000), events);
        }
    }

    [Fact]
    public void Lines_are_the_framework_formatters_own()
    {
        using var output = new MemoryStream();
        var provider = new BatchingConsoleLoggerProvider(SimpleFormatter(), output);

        LogHappened(provider.CreateLogger("Doppel.Category"), "thing");
        provider.Dispose();

        Assert.Equal("warn: Doppel.Category[6001] the thing happened\n", Encoding.UTF8.GetString(output.ToArray()).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Events_of_a_category_without_scopes_leave_out_the_scopes_around_them_and_other_categories_keep_them()
    {
        using var output = new MemoryStream();
        var provider = new BatchingConsoleLoggerProvider(SimpleFormatter(includeScopes: true), output, ["Doppel.Requests"]);
        var requests = provider.CreateLogger("Doppel.Requests");
        var other = provider.CreateLogger("Doppel.Other");

        using (other.BeginScope("connection 42"))
        {
            LogHappened(requests, "request");
            LogHappened(other, "other");
        }

        provider.Dispose();

        var lines = Encoding.UTF8.GetString(output.ToArray()).ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("warn: Doppel.Requests[6001] the request happened", lines[0]);
        Assert.Equal("warn: Doppel.Other[6001] => connection 42 the other happened", lines[1]);
    }

    [Fact]
    public async Task An_event_reaches_the_output_soon_without_waiting_for_more()
    {
        using var output = new MemoryStream();
        using var provider = new BatchingConsoleLoggerProvider(SimpleFormatter(), output);
        var logger = provider.CreateLogger("Test");

        LogAlone(logger);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Length(output) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(Length(output) > 0);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "thread {Thread} event {Event}")]
    private static partial void LogEvent(ILogger logger, int thread, int @event);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "the {What} happened")]
    private static partial void LogHappened(ILogger logger, string what);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "alone")]
    private static partial void LogAlone(ILogger logger);

    private static long Length(MemoryStream stream)
    {
        lock (stream)
        {
            return stream.Length;
        }
    }

    private static ConsoleFormatter SimpleFormatter(bool includeScopes = false) =>
        new ServiceCollection()
            .AddLogging(logging => logging.AddSimpleConsole(simple =>
            {
                simple.IncludeScopes = includeScopes;
                simple.SingleLine = true;
                simple.ColorBehavior = LoggerColorBehavior.Disabled;
            }))
            .BuildServiceProvider()
            .GetServices<ConsoleFormatter>()
            .Single(f => f.Name == ConsoleFormatterNames.Simple);
}
