using System.Text.Json;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests.Compatibility;

/// <summary>The SDK tests share one server; each scenario runs in an instance of its own.</summary>
[CollectionDefinition(Name)]
public sealed class OfficialSdk : ICollectionFixture<SdkServer>
{
    public const string Name = "Official JavaScript SDK";
}

/// <summary>One real Doppel server (TLS, SQLite, a trusted test issuer) for the SDK scripts.</summary>
public sealed class SdkServer : IAsyncLifetime
{
    private DataPlaneServer? _server;

    internal DataPlaneServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync() => _server = await DataPlaneServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Runs one scenario of a script against a new instance and returns what it observed.</summary>
    public async Task<JsonElement> RunAsync(string script, string scenario)
    {
        SdkScripts.Require();
        return await SdkScripts.RunAsync(Server, await Server.NewInstanceAsync(), script, scenario);
    }
}
