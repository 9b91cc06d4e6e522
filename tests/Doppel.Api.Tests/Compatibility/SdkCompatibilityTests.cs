namespace Doppel.Api.Tests.Compatibility;

/// <summary>
/// The official JavaScript SDK (<c>@azure/digital-twins-core</c> 1.1.0, pinned in <c>Compatibility/js/package-lock.json</c>)
/// against a real server, unmodified (CONVENTIONS E21): one end-to-end walk through models, twins with ETags,
/// components, relationships both ways and telemetry (<c>js/sdk-smoke.mjs</c>). The Sdk*Tests classes cover each
/// area in depth. Without Node or <c>npm ci</c> the test skips with the reason, and fails under <c>CI=true</c>.
/// </summary>
[Collection(OfficialSdk.Name)]
public sealed class SdkCompatibilityTests(SdkServer sdk)
{
    [SkippableFact]
    public async Task Official_JavaScript_SDK_drives_models_twins_components_relationships_and_telemetry()
    {
        SdkScripts.Require();

        var (exitCode, output, errors) = await SdkScripts.RunProcessAsync(sdk.Server, await sdk.Server.NewInstanceAsync(), "sdk-smoke.mjs");

        Assert.True(exitCode == 0, $"exit {exitCode}\n{output}\n{errors}");
        Assert.Contains("all ok", output, StringComparison.Ordinal);
    }
}
