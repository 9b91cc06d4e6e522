using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests;

public sealed class AuthenticationTests : IAsyncLifetime
{
    private DataPlaneServer _server = null!;

    public async Task InitializeAsync() => _server = await DataPlaneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Request_without_a_token_gets_401_Unauthorized_with_a_Bearer_challenge()
    {
        using var client = _server.Client(token: string.Empty);

        using var response = await client.GetAsync("models");

        await Adt.ErrorAsync(response, HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("https://digitaltwins.azure.net")]
    [InlineData("0b07f429-9f4b-4714-9392-cc5e8e80c8b0")]
    public async Task Token_for_either_ADT_audience_is_accepted(string audience)
    {
        using var client = _server.Client(token: _server.Issuer.Mint(audience));

        using var response = await client.GetAsync("models");

        await Adt.OkAsync(response);
    }

    public static TheoryData<string, string> RejectedTokens => new()
    {
        { "expired", "expired" },
        { "wrong-audience", "audience" },
        { "not-yet-valid", "not valid yet" },
        { "garbage", "well-formed" },
    };

    [Theory]
    [MemberData(nameof(RejectedTokens))]
    public async Task Invalid_token_gets_401_with_invalid_token_and_a_reason(string kind, string reason)
    {
        var token = kind switch
        {
            "expired" => _server.Issuer.Mint(expires: DateTime.UtcNow.AddHours(-1), notBefore: DateTime.UtcNow.AddHours(-2)),
            "wrong-audience" => _server.Issuer.Mint("https://management.azure.com/"),
            "not-yet-valid" => _server.Issuer.Mint(notBefore: DateTime.UtcNow.AddHours(1), expires: DateTime.UtcNow.AddHours(2)),
            _ => "not.a.jwt",
        };
        using var client = _server.Client(token: token);

        using var response = await client.GetAsync("models");

        var error = await Adt.ErrorAsync(response, HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Contains(reason, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_signed_by_an_untrusted_key_is_refused()
    {
        using var stranger = new TokenIssuer(_server.Issuer.Issuer, _server.Data.Path);
        using var client = _server.Client(token: stranger.Mint());

        using var response = await client.GetAsync("models");

        await Adt.ErrorAsync(response, HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task Token_whose_signature_was_tampered_with_is_refused()
    {
        var token = _server.Issuer.Mint();
        var tampered = token[..^4] + (token[^4] == 'A' ? "BBBB" : "AAAA");
        using var client = _server.Client(token: tampered);

        using var response = await client.GetAsync("models");

        await Adt.ErrorAsync(response, HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task Token_from_an_untrusted_issuer_is_refused_even_when_signed_by_a_trusted_key()
    {
        using var client = _server.Client(token: _server.Issuer.Mint(issuer: "https://someone-else.example/"));

        using var response = await client.GetAsync("models");

        var error = await Adt.ErrorAsync(response, HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Contains("issuer", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_probes_need_no_token()
    {
        using var client = _server.Client(token: string.Empty);

        using var health = await client.Http.GetAsync(new Uri(_server.Origin, "healthz"));
        using var ready = await client.Http.GetAsync(new Uri(_server.Origin, "readyz"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Basic_authentication_is_not_a_bearer_token()
    {
        using var client = _server.Client(token: string.Empty);
        client.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("a:b")));

        using var response = await client.GetAsync("models");

        await Adt.ErrorAsync(response, HttpStatusCode.Unauthorized, "Unauthorized");
    }
}

public sealed class TrustedIssuerPairingTests
{
    [Fact]
    public async Task Key_of_one_trusted_issuer_does_not_validate_tokens_claiming_another()
    {
        using var data = new Doppel.Server.Tests.Support.TemporaryDirectory();
        using var second = new TokenIssuer("https://second.doppel.test/", data.Path);
        await using var server = await DataPlaneServer.StartAsync("--trusted-issuer", second.Issuer, "--trusted-key", second.PublicKeyPath);
        using var own = server.Client(token: second.Mint());
        using var forged = server.Client(token: server.Issuer.Mint(issuer: second.Issuer));

        using var ownResponse = await own.GetAsync("models");
        using var forgedResponse = await forged.GetAsync("models");

        await Adt.OkAsync(ownResponse);
        await Adt.ErrorAsync(forgedResponse, HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task Issuer_with_a_JWKS_URL_on_loopback_is_trusted_with_the_keys_it_serves()
    {
        using var data = new Doppel.Server.Tests.Support.TemporaryDirectory();
        using var jwksIssuer = new TokenIssuer("https://jwks.doppel.test/", data.Path);
        var port = Doppel.Server.Tests.Support.FreePort.Find();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var served = 0;
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                Interlocked.Increment(ref served);
                var bytes = Encoding.UTF8.GetBytes(jwksIssuer.Jwks());
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
        await using var server = await DataPlaneServer.StartAsync("--trusted-issuer", jwksIssuer.Issuer, "--trusted-jwks", $"http://127.0.0.1:{port}/keys");
        using var client = server.Client(token: jwksIssuer.Mint());

        using var first = await client.GetAsync("models");
        using var second = await client.GetAsync("models");

        await Adt.OkAsync(first);
        await Adt.OkAsync(second);
        Assert.Equal(1, served);
        listener.Stop();
        await serving;
    }
}
