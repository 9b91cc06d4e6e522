using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Doppel.Server.Logging;

/// <summary>
/// Console logging with the framework's own formatters (simple or JSON: the lines are exactly theirs), written to
/// standard output in batches. Each event is formatted on the calling thread; one writer thread gathers what arrived
/// in the last few milliseconds and writes it with one call.
/// </summary>
/// <remarks>
/// The framework's console logger wakes its writer thread and makes one <c>write</c> system call per event. With one
/// log line per request that cost a third of a GET twin's server CPU in the load benchmark (docs/PERFORMANCE.md):
/// the line itself is cheap, the thread switch and the system call are not. Here a burst of events costs one wake-up
/// and one write; an event reaches the output at most <see cref="FlushDelay"/> after it was logged, and everything
/// logged before the provider is disposed (graceful shutdown) is written.
/// </remarks>
[ProviderAlias("Console")]
internal sealed class BatchingConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    /// <summary>How long the writer waits after the first pending event for more to join its batch.</summary>
    public static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(5);

    // Beyond this many pending events the caller writes the batch itself, so memory stays bounded when the output is slow.
    private const int MaxPending = 10_000;

    [ThreadStatic]
    private static StringWriter? t_line;

    private readonly ConsoleFormatter _formatter;
    private readonly Stream _output;
    private readonly ConcurrentQueue<string> _pending = new();
    private readonly ManualResetEventSlim _signal = new(false);
    private readonly Lock _writeLock = new();
    private readonly Thread _writer;
    private readonly StringBuilder _batch = new();
    private readonly HashSet<string> _categoriesWithoutScopes;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
    private int _pendingCount;
    private volatile bool _stopping;

    public BatchingConsoleLoggerProvider(ConsoleFormatter formatter, Stream output, IEnumerable<string>? categoriesWithoutScopes = null)
    {
        _formatter = formatter;
        _output = output;
        _categoriesWithoutScopes = new HashSet<string>(categoriesWithoutScopes ?? [], StringComparer.Ordinal);
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "Console log writer" };
        _writer.Start();
    }

    /// <summary>
    /// A logger for <paramref name="categoryName"/>. The events of a category given as without scopes are written
    /// without the scopes around them (connection, request, trace): the request line carries its own traceparent,
    /// and formatting the scopes was a fifth of its cost.
    /// </summary>
    public ILogger CreateLogger(string categoryName) =>
        new BatchingConsoleLogger(this, categoryName, _categoriesWithoutScopes.Contains(categoryName));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
        _stopping = true;
        _signal.Set();
        _writer.Join(TimeSpan.FromSeconds(2));
        Flush();
        _signal.Dispose();
    }

    private void Append<TState>(in LogEntry<TState> entry, bool withScopes)
    {
        var line = t_line ??= new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var text = line.GetStringBuilder();
        text.Clear();
        _formatter.Write(entry, withScopes ? _scopes : null, line);
        if (text.Length == 0)
        {
            return;
        }

        _pending.Enqueue(text.ToString());
        if (Interlocked.Increment(ref _pendingCount) > MaxPending)
        {
            Flush();
        }
        else if (!_signal.IsSet)
        {
            _signal.Set();
        }
    }

    private void WriteLoop()
    {
        while (!_stopping)
        {
            _signal.Wait();
            _signal.Reset();
            if (!_stopping)
            {
                Thread.Sleep(FlushDelay);
            }

            Flush();
        }
    }

    private void Flush()
    {
        lock (_writeLock)
        {
            _batch.Clear();
            while (_pending.TryDequeue(out var text))
            {
                Interlocked.Decrement(ref _pendingCount);
                _batch.Append(text);
            }

            if (_batch.Length == 0)
            {
                return;
            }

            try
            {
                var bytes = Encoding.UTF8.GetBytes(_batch.ToString());
                _output.Write(bytes);
                _output.Flush();
            }
            catch (IOException)
            {
                // Standard output is gone (a closed pipe); logging must never take the server down.
            }
        }
    }

    private sealed class BatchingConsoleLogger(BatchingConsoleLoggerProvider provider, string category, bool withoutScopes) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            provider.Append(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), !withoutScopes);
        }
    }
}
