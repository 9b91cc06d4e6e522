namespace Doppel.Api.Tests.Compatibility;

/// <summary>Components through the official JavaScript SDK (<c>js/components.mjs</c>).</summary>
[Collection(OfficialSdk.Name)]
public sealed class SdkComponentsTests(SdkServer sdk)
{
    [SkippableFact]
    public async Task GetComponent_carries_the_twin_ETag_and_updateComponent_patches_relative_to_the_component()
    {
        var result = await sdk.RunAsync("components.mjs", "get-and-update");

        result.Succeeded("component", 200, etag: true);
        Assert.Equal(result.Text("twin.etag"), result.Text("component.etag"));
        Assert.Equal(20, result.Number("component.body.setpoint"));
        Assert.True(result.At("component.body.$metadata").Has("$lastUpdateTime"));
        Assert.True(result.At("component.body.$metadata.setpoint").Has("lastUpdateTime"));
        result.Succeeded("updated", 204, etag: true);
        Assert.NotEqual(result.Text("component.etag"), result.Text("updated.etag"));
        Assert.Equal(result.Text("component.etag"), result.Text("updateRequest.headers.if-match"));
        Assert.Equal("application/json-patch+json", result.Text("updateRequest.headers.content-type"));
        Assert.Contains("/digitaltwins/room-1/components/thermostat?", result.Text("updateRequest.url"), StringComparison.Ordinal);
        result.FailedWith("stale", 412, "PreconditionFailed");
        result.Succeeded("after", 200, etag: true);
        Assert.Equal(result.Text("updated.etag"), result.Text("after.etag"));
        Assert.Equal(21.5, result.At("after.body.setpoint").GetDouble());
        Assert.Equal("heat", result.Text("after.body.mode"));
        Assert.Equal("2024-05-01T10:00:00Z", result.Text("after.body.$metadata.setpoint.sourceTime"));
        Assert.Equal(result.Text("updated.etag"), result.Text("twinAfter.etag"));
        Assert.Equal(21.5, result.At("twinAfter.thermostat.setpoint").GetDouble());
        Assert.Equal(1, result.Number("twinAfter.area"));
        result.Succeeded("wildcard", 204, etag: true);
        Assert.Equal(result.Text("wildcard.etag"), result.Text("last.etag"));
        Assert.False(result.At("last.body").Has("mode"));
        Assert.False(result.At("last.body.$metadata").Has("mode"));
    }

    [SkippableFact]
    public async Task Component_errors_surface_with_ADTs_codes()
    {
        var result = await sdk.RunAsync("components.mjs", "errors");

        result.FailedWith("missingComponent", 404, "ComponentNotFound");
        result.FailedWith("propertyIsNoComponent", 404, "ComponentNotFound");
        result.FailedWith("missingTwin", 404, "DigitalTwinNotFound");
        result.FailedWith("updateOfMissingComponent", 404, "ComponentNotFound");
        result.FailedWith("updateOfMissingTwin", 404, "DigitalTwinNotFound");
        result.FailedWith("unknownProperty", 400, "ValidationFailed");
        Assert.Contains("humidity", result.Text("unknownProperty.details.0.message"), StringComparison.Ordinal);
        result.FailedWith("wrongType", 400, "ValidationFailed");
        result.FailedWith("unsupportedOperation", 400, "JsonPatchInvalid");
    }
}
