using Doppel.Cli.Output;
using Microsoft.Identity.Client;

namespace Doppel.Cli.Connection;

/// <summary>
/// Tokens for the signed-in profile, through MSAL against the Doppel server's identity plane (its authority is
/// <c>{server}/{tenant}</c>): a user's tokens are refreshed silently from the cached sign-in, a service principal's
/// are requested with the secret stored at login. The MSAL cache lives in a 0600 file.
/// </summary>
internal sealed class CliTokens(CliConfig config, CliProfile profile, HttpClient http)
{
    /// <summary>The client id of command-line tools in Doppel's directory (the same as the Azure CLI's in Entra ID).</summary>
    public const string CliClientId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

    /// <summary>The data-plane scope.</summary>
    public const string DigitalTwinsScope = "https://digitaltwins.azure.net/.default";

    /// <summary>An access token for <paramref name="scope"/>.</summary>
    public async Task<string> GetTokenAsync(string scope, CancellationToken cancellationToken)
    {
        try
        {
            if (profile.UserType == "servicePrincipal")
            {
                var secret = config.ReadSecret(profile.UserName, profile.Authority)
                    ?? throw new CliException(ExitCodes.Invalid, "The service principal's secret is not stored. Run 'doppel login --service-principal' again.");
                var app = Confidential(config, profile.Server, profile.Authority, profile.UserName, secret, http);
                return (await app.AcquireTokenForClient([scope]).ExecuteAsync(cancellationToken).ConfigureAwait(false)).AccessToken;
            }

            var user = Public(config, profile.Server, profile.Authority, http);
            var account = (await user.GetAccountsAsync().ConfigureAwait(false)).FirstOrDefault(a => string.Equals(a.Username, profile.UserName, StringComparison.OrdinalIgnoreCase))
                ?? throw new CliException(ExitCodes.Invalid, "The sign-in has expired. Run 'doppel login' again.");
            return (await user.AcquireTokenSilent([scope], account).ExecuteAsync(cancellationToken).ConfigureAwait(false)).AccessToken;
        }
        catch (MsalUiRequiredException)
        {
            throw new CliException(ExitCodes.Invalid, "The sign-in has expired. Run 'doppel login' again.");
        }
        catch (MsalServiceException ex)
        {
            throw new CliException(ExitCodes.Invalid, $"The server refused to issue a token: {ex.Message} ({ex.ErrorCode})");
        }
    }

    /// <summary>The public client (users) for a server and tenant, with the persisted cache.</summary>
    public static IPublicClientApplication Public(CliConfig config, string server, string tenant, HttpClient http)
    {
        var app = PublicClientApplicationBuilder.Create(CliClientId)
            .WithAuthority($"{server.TrimEnd('/')}/{tenant}", validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new Factory(http))
            .Build();
        Persist(app.UserTokenCache, config);
        return app;
    }

    /// <summary>The confidential client (a service principal with a secret) for a server and tenant.</summary>
    public static IConfidentialClientApplication Confidential(CliConfig config, string server, string tenant, string clientId, string secret, HttpClient http)
    {
        var app = ConfidentialClientApplicationBuilder.Create(clientId)
            .WithClientSecret(secret)
            .WithAuthority($"{server.TrimEnd('/')}/{tenant}", validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new Factory(http))
            .Build();
        Persist(app.AppTokenCache, config);
        return app;
    }

    private static void Persist(ITokenCache cache, CliConfig config)
    {
        cache.SetBeforeAccess(args =>
        {
            if (File.Exists(config.TokenCachePath))
            {
                args.TokenCache.DeserializeMsalV3(File.ReadAllBytes(config.TokenCachePath), shouldClearExistingCache: true);
            }
        });
        cache.SetAfterAccess(args =>
        {
            if (args.HasStateChanged)
            {
                config.WritePrivate(config.TokenCachePath, args.TokenCache.SerializeMsalV3());
            }
        });
    }

    private sealed class Factory(HttpClient http) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => http;
    }
}
