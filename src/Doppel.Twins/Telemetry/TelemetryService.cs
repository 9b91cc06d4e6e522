using Doppel.Twins.Errors;
using Doppel.Twins.Json;
using Doppel.Twins.Twins;

namespace Doppel.Twins.Telemetry;

/// <summary>
/// Telemetry of a twin or of one of its components. Accepted telemetry is checked (twin and component exist,
/// <c>Message-Id</c> given, body is JSON, source time is a date-time) and then dropped: routing it to endpoints
/// belongs to the events issue. The body is deliberately not checked against the model: the JS SDK 1.1.0 sends
/// component telemetry with payload and message id swapped.
/// </summary>
public sealed class TelemetryService(TwinService twins)
{
    /// <summary>Accepts one telemetry message.</summary>
    public async Task AcceptAsync(string instanceId, string twinId, string? component, string? messageId, string? sourceTime,
        ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(messageId))
        {
            throw AdtErrors.InvalidArgument("The Message-Id header is required for telemetry.");
        }

        if (sourceTime is not null && !WireFormat.IsDateTime(sourceTime))
        {
            throw AdtErrors.InvalidArgument($"The Telemetry-Source-Time header '{sourceTime}' is not an RFC 3339 date-time.");
        }

        WireFormat.CheckJson(body, twins.Limits.MaxJsonDepth, AdtErrorCodes.InvalidArgument);
        await twins.CheckTelemetryTargetAsync(instanceId, twinId, component, cancellationToken).ConfigureAwait(false);
    }
}
