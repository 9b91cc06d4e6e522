using System.Text.Json;
using System.Text.Json.Serialization;
using Doppel.Storage;

namespace Doppel.Server.Health;

/// <summary>
/// <c>/healthz</c> says the process is alive; <c>/readyz</c> says it can serve: the store answers a query, its
/// migrations are applied, and the server is not shutting down. Neither needs authentication, and neither
/// body names a file or a reason a stranger could use: the details go to the log.
/// </summary>
internal static partial class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Json(new HealthStatus("alive"), HealthJsonContext.Default.HealthStatus));
        endpoints.MapGet("/readyz", ReadyAsync);
        return endpoints;
    }

    private static async Task<IResult> ReadyAsync(
        IStore store,
        IHostApplicationLifetime lifetime,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return NotReady("shutting-down");
        }

        var readiness = await store.CheckReadinessAsync(cancellationToken);
        if (readiness.IsReady)
        {
            return Results.Json(
                new ReadyStatus("ready", store.Engine, readiness.SchemaVersion),
                HealthJsonContext.Default.ReadyStatus);
        }

        LogNotReady(loggerFactory.CreateLogger("Doppel.Server.Health"), store.Engine, readiness.Reason);
        return NotReady(readiness.SchemaVersion is null ? "store-unavailable" : "migrations-pending");
    }

    private static IResult NotReady(string reason) => Results.Json(
        new NotReadyStatus("not-ready", reason),
        HealthJsonContext.Default.NotReadyStatus,
        statusCode: StatusCodes.Status503ServiceUnavailable);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Not ready: the {Engine} store says {Reason}")]
    private static partial void LogNotReady(ILogger logger, string engine, string? reason);
}

internal sealed record HealthStatus(string Status);

internal sealed record ReadyStatus(string Status, string Store, int? SchemaVersion);

internal sealed record NotReadyStatus(string Status, string Reason);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(ReadyStatus))]
[JsonSerializable(typeof(NotReadyStatus))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
