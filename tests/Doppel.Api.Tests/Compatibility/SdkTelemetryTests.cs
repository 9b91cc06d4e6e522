using System.Globalization;

namespace Doppel.Api.Tests.Compatibility;

/// <summary>Telemetry through the official JavaScript SDK (<c>js/telemetry.mjs</c>).</summary>
[Collection(OfficialSdk.Name)]
public sealed class SdkTelemetryTests(SdkServer sdk)
{
    [SkippableFact]
    public async Task PublishTelemetry_is_accepted_for_object_and_string_payloads_and_generated_message_ids()
    {
        var result = await sdk.RunAsync("telemetry.mjs", "twin");

        result.Succeeded("object", 204);
        result.Succeeded("text", 204);
        result.Succeeded("generatedId", 204);
        var requests = result.At("requests");
        Assert.Equal(3, requests.GetArrayLength());
        Assert.Equal(("msg-1", """{"temperature":21.3}"""), (requests.Text("0.headers.message-id"), requests.Text("0.body")));
        // A string payload travels as a JSON string literal.
        Assert.Equal(("msg-2", "\"{\\\"temperature\\\":21.4}\""), (requests.Text("1.headers.message-id"), requests.Text("1.body")));
        Assert.Matches("^[0-9a-f-]{36}$", requests.Text("2.headers.message-id"));
        Assert.All(requests.EnumerateArray(), r =>
        {
            Assert.Contains("/digitaltwins/room-1/telemetry?", r.Text("url"), StringComparison.Ordinal);
            Assert.Equal(204, r.Number("status"));
            Assert.True(DateTimeOffset.TryParse(r.Text("headers.telemetry-source-time"), CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
        });
        result.FailedWith("missingTwin", 404, "DigitalTwinNotFound");
    }

    [SkippableFact]
    public async Task PublishComponentTelemetry_is_accepted_although_SDK_1_1_0_swaps_payload_and_message_id()
    {
        var result = await sdk.RunAsync("telemetry.mjs", "component");

        result.Succeeded("swapped", 204);
        result.Succeeded("generatedId", 204);
        var requests = result.At("requests");
        Assert.Equal(2, requests.GetArrayLength());
        // On the wire: the payload in Message-Id, the message id as the JSON body.
        Assert.Equal(("""{"temperature":20.5}""", "\"msg-1\""), (requests.Text("0.headers.message-id"), requests.Text("0.body")));
        Assert.Equal("""{"temperature":20.6}""", requests.Text("1.headers.message-id"));
        Assert.Matches("^\"[0-9a-f-]{36}\"$", requests.Text("1.body"));
        Assert.All(requests.EnumerateArray(), r => Assert.Contains("/digitaltwins/room-1/components/thermostat/telemetry?", r.Text("url"), StringComparison.Ordinal));
        // An object payload never leaves the SDK: it refuses it as a message id.
        Assert.Equal("messageId with value \"[object Object]\" must be of type string.", result.Text("objectPayload.message"));
        Assert.Equal(0, result.Number("objectPayloadRequests"));
        result.FailedWith("missingComponent", 404, "ComponentNotFound");
        result.FailedWith("missingTwin", 404, "DigitalTwinNotFound");
    }
}
