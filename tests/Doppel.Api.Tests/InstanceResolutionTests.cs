using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests;

public sealed class InstanceResolutionTests : IAsyncLifetime
{
    private DataPlaneServer _server = null!;

    public async Task InitializeAsync() => _server = await DataPlaneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Unknown_instance_in_the_path_gets_404_InstanceNotFound()
    {
        using var client = _server.Client("no-such-instance");

        using var response = await client.GetAsync("models");

        await Adt.ErrorAsync(response, HttpStatusCode.NotFound, "InstanceNotFound");
    }

    [Fact]
    public async Task Instance_path_prefix_is_case_insensitive_for_the_name()
    {
        using var client = _server.Client("MAIN");

        using var response = await client.GetAsync("models");

        await Adt.OkAsync(response);
    }

    [Fact]
    public async Task Instance_created_while_the_server_runs_is_served_and_isolated()
    {
        var other = await _server.NewInstanceAsync();
        using var main = _server.Client();
        using var fresh = _server.Client(other);
        await Adt.OkAsync(await main.PostAsync("models", Samples.Models(Samples.Room)), HttpStatusCode.Created);

        using var response = await fresh.GetAsync("models");

        await Adt.OkAsync(response);
        Assert.Equal(0, (await Adt.JsonAsync(response)).GetProperty("value").GetArrayLength());
    }

    [Fact]
    public async Task Data_plane_paths_without_an_instance_are_not_found()
    {
        using var client = _server.Client();

        using var response = await client.Http.GetAsync(new Uri(_server.Origin, "models?api-version=2023-10-31"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("main", HttpStatusCode.OK)]
    [InlineData("nothere", HttpStatusCode.NotFound)]
    public async Task Host_name_of_the_form_name_api_location_suffix_selects_the_instance(string name, HttpStatusCode expected)
    {
        // *.localhost does not resolve here: connect to 127.0.0.1 and send the host name; the generated certificate
        // covers *.<suffix> only, so this one test accepts a name mismatch, but still requires the chain to end at the CA.
        using var root = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(_server.CaPath);
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                    chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(root);
                    chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                    return certificate is System.Security.Cryptography.X509Certificates.X509Certificate2 leaf && chain.Build(leaf);
                },
            },
        };
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://127.0.0.1:{_server.Port}/models?api-version=2023-10-31");
        request.Headers.Host = $"{name}.api.westeurope.digitaltwins.localhost:{_server.Port}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _server.Token);

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.NotFound)
        {
            await Adt.ErrorAsync(response, HttpStatusCode.NotFound, "InstanceNotFound");
        }
    }

    [Fact]
    public async Task Missing_api_version_gets_400_MissingApiVersionParameter()
    {
        using var client = _server.Client();

        using var response = await client.Http.GetAsync(client.Url("models", apiVersion: null));

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "MissingApiVersionParameter");
    }

    [Theory]
    [InlineData("2019-01-01")]
    [InlineData("2023-07-31-preview")]
    [InlineData("latest")]
    public async Task Unknown_api_version_gets_400_InvalidApiVersionParameter(string version)
    {
        using var client = _server.Client();

        using var response = await client.Http.GetAsync(client.Url("models", version));

        var error = await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidApiVersionParameter");
        Assert.Contains("2023-10-31", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2020-10-31")]
    [InlineData("2022-05-31")]
    [InlineData("2023-06-30")]
    [InlineData("2023-10-31")]
    public async Task Every_supported_api_version_is_accepted(string version)
    {
        using var client = _server.Client();

        using var response = await client.Http.GetAsync(client.Url("models", version));

        await Adt.OkAsync(response);
    }

    [Fact]
    public async Task Unknown_data_plane_path_gets_an_ADT_404()
    {
        using var client = _server.Client();

        using var response = await client.GetAsync("nothing/here");

        await Adt.ErrorAsync(response, HttpStatusCode.NotFound, "NotFound");
    }
}

public sealed class ApiVersionOptOutTests
{
    [Fact]
    public async Task Skip_api_version_check_accepts_any_version()
    {
        await using var server = await DataPlaneServer.StartAsync("--skip-api-version-check");
        using var client = server.Client();

        using var response = await client.Http.GetAsync(client.Url("models", "1999-12-31"));

        await Adt.OkAsync(response);
    }
}
