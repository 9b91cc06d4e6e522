using System.Diagnostics;

namespace Doppel.Server.Logging;

/// <summary>
/// One log event per request, after the response: method, path, status, duration and the W3C
/// <c>traceparent</c> of the request's activity (which continues the caller's trace when it sent one). The
/// query string is left out: it may carry secrets.
/// </summary>
internal sealed partial class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var traceParent = Activity.Current?.Id ?? context.TraceIdentifier;
                LogRequest(context.Request.Method, context.Request.Path.Value ?? "/", context.Response.StatusCode, elapsed, traceParent);
            }
        }
    }

    [LoggerMessage(
        EventId = 6001,
        Level = LogLevel.Information,
        Message = "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMilliseconds:0.0} ms (traceparent {TraceParent})")]
    private partial void LogRequest(string method, string path, int statusCode, double elapsedMilliseconds, string traceParent);
}
