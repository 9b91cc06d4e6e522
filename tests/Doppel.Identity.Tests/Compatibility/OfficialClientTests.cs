using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Doppel.Identity.Tests.Support;
using Microsoft.Identity.Client;

namespace Doppel.Identity.Tests.Compatibility;

/// <summary>
/// The official .NET clients from NuGet (Azure.Identity, MSAL.NET) get tokens from a real Doppel server, trusting
/// only its generated CA, and those tokens open the data plane.
/// </summary>
public sealed class OfficialClientTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task Azure_Identity_ClientSecretCredential_gets_a_token_the_data_plane_accepts()
    {
        var (appId, _, secret) = await Server.RegisterAppAsync("azure-identity-daemon");
        var credential = new ClientSecretCredential(Server.TenantId, appId, secret, new ClientSecretCredentialOptions
        {
            AuthorityHost = Server.Origin,
            DisableInstanceDiscovery = true,
            Transport = new HttpClientTransport(Server.Client.Http),
        });

        var token = await credential.GetTokenAsync(new TokenRequestContext(["https://digitaltwins.azure.net/.default"]), CancellationToken.None);
        var again = await credential.GetTokenAsync(new TokenRequestContext(["https://digitaltwins.azure.net/.default"]), CancellationToken.None);
        using var models = await Server.ListModelsAsync(token.Token);

        Assert.True(token.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(50));
        Assert.Equal(token.Token, again.Token);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    [Fact]
    public async Task Azure_Identity_reports_a_wrong_secret_with_Entras_error_code()
    {
        var (appId, _, _) = await Server.RegisterAppAsync("azure-identity-wrong");
        var credential = new ClientSecretCredential(Server.TenantId, appId, "wrong-secret-value", new ClientSecretCredentialOptions
        {
            AuthorityHost = Server.Origin,
            DisableInstanceDiscovery = true,
            Transport = new HttpClientTransport(Server.Client.Http),
        });

        var error = await Assert.ThrowsAsync<AuthenticationFailedException>(async () =>
            await credential.GetTokenAsync(new TokenRequestContext(["https://digitaltwins.azure.net/.default"]), CancellationToken.None));

        Assert.True(error.ToString().Contains("7000215", StringComparison.Ordinal), error.ToString());
    }

    [Fact]
    public async Task MSAL_confidential_client_gets_a_token_for_the_tenant_by_domain_and_the_data_plane_accepts_it()
    {
        var (appId, _, secret) = await Server.RegisterAppAsync("msal-daemon");
        var app = ConfidentialClientApplicationBuilder.Create(appId)
            .WithClientSecret(secret)
            .WithAuthority($"{Server.OriginText}/doppel.local", validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new FixedHttpClientFactory(Server.Client.Http))
            .Build();

        var result = await app.AcquireTokenForClient(["https://digitaltwins.azure.net/.default"]).ExecuteAsync();
        using var models = await Server.ListModelsAsync(result.AccessToken);

        Assert.Equal("Bearer", result.TokenType);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    [Fact]
    public async Task MSAL_public_client_signs_a_user_in_with_the_password_grant_and_gets_an_account()
    {
        var app = PublicClientApplicationBuilder.Create(IdentityServer.CliClientId)
            .WithAuthority($"{Server.OriginText}/{Server.TenantId}", validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new FixedHttpClientFactory(Server.Client.Http))
            .Build();

#pragma warning disable CS0618 // ROPC is discouraged by Microsoft, and is what tests and the CLI use here.
        var result = await app.AcquireTokenByUsernamePassword(["https://digitaltwins.azure.net/.default"], IdentityServer.AdminName, IdentityServer.AdminPassword).ExecuteAsync();
#pragma warning restore CS0618
        var silent = await app.AcquireTokenSilent(["https://management.azure.com/.default"], result.Account).ExecuteAsync();
        using var models = await Server.ListModelsAsync(result.AccessToken);

        Assert.Equal(IdentityServer.AdminName, result.Account.Username);
        Assert.Equal(Server.TenantId, result.TenantId);
        Assert.NotEqual(result.AccessToken, silent.AccessToken);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    private sealed class FixedHttpClientFactory(HttpClient client) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => client;
    }
}
