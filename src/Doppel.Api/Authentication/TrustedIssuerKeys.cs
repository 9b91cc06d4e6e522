using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Doppel.Api.Authentication;

/// <summary>
/// The signing keys of the trusted issuers, offered to the JWT bearer handler as its configuration. PEM keys are
/// read once at start; JWKS documents are fetched on first use, cached for an hour, and fetched again (at most every
/// ten seconds) when a token names a key the cache does not hold. Every key remembers its issuer, so a key of one
/// issuer never validates a token claiming another.
/// </summary>
public sealed class TrustedIssuerKeys : IConfigurationManager<OpenIdConnectConfiguration>, IDisposable
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(10);

    /// <summary>The issuer tag of <see cref="ILocalIssuer"/>'s keys: their tokens' issuers are checked by <see cref="ILocalIssuer.IsIssuer"/>.</summary>
    public const string LocalIssuerTag = "urn:doppel:local-issuer";

    private readonly IReadOnlyList<TrustedIssuer> _issuers;
    private readonly ILocalIssuer? _local;
    private readonly List<(SecurityKey Key, string Issuer)> _staticKeys = [];
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly ConditionalWeakTable<SecurityKey, string> _issuerOfKey = [];
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _fetchedAt;
    private bool _refreshRequested;

    /// <summary>Reads the PEM keys of <paramref name="issuers"/>; throws <see cref="ArgumentException"/> for an unusable file.</summary>
    /// <remarks><paramref name="local"/> is Doppel's own token service, trusted besides <paramref name="issuers"/>.</remarks>
    public TrustedIssuerKeys(IReadOnlyList<TrustedIssuer> issuers, TimeProvider timeProvider, HttpMessageHandler? jwksHandler = null, ILocalIssuer? local = null)
    {
        ArgumentNullException.ThrowIfNull(issuers);
        _issuers = issuers;
        _local = local;
        _time = timeProvider;
        _http = jwksHandler is null ? new HttpClient() : new HttpClient(jwksHandler, disposeHandler: false);
        _http.Timeout = TimeSpan.FromSeconds(10);
        foreach (var issuer in issuers)
        {
            foreach (var file in issuer.KeyFiles)
            {
                foreach (var key in ReadPem(file))
                {
                    _staticKeys.Add((key, issuer.Issuer));
                }
            }

            foreach (var url in issuer.JwksUrls)
            {
                if (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
                {
                    throw new ArgumentException($"the JWKS URL {url} must use https (plain http is allowed on loopback only)");
                }
            }
        }
    }

    /// <summary>The trusted issuers.</summary>
    public IReadOnlyList<TrustedIssuer> Issuers => _issuers;

    /// <summary>Doppel's own token service, when it is trusted.</summary>
    public ILocalIssuer? Local => _local;

    /// <summary>Whether tokens claiming <paramref name="issuer"/> may be accepted at all (before their key is checked).</summary>
    public bool IsTrustedIssuer(string? issuer) =>
        issuer is not null && (_issuers.Any(i => string.Equals(i.Issuer, issuer, StringComparison.Ordinal)) || _local?.IsIssuer(issuer) == true);

    /// <summary>Whether <paramref name="key"/> (handed out by this object) may verify a token of <paramref name="issuer"/>.</summary>
    public bool KeyBelongsTo(SecurityKey key, string? issuer) =>
        issuer is not null && IssuerOf(key) is { } owner
        && (owner == issuer || (owner == LocalIssuerTag && _local?.IsIssuer(issuer) == true));

    /// <summary>The issuer a key belongs to, or null for a key this object did not hand out.</summary>
    public string? IssuerOf(SecurityKey key) => _issuerOfKey.TryGetValue(key, out var issuer) ? issuer : null;

    /// <inheritdoc />
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var now = _time.GetUtcNow();
        var current = _current;
        if (current is not null && !NeedsFetch(now))
        {
            return current;
        }

        await _refresh.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (_current is not null && !NeedsFetch(now))
            {
                return _current;
            }

            var configuration = new OpenIdConnectConfiguration { Issuer = _issuers.Count > 0 ? _issuers[0].Issuer : _local is not null ? LocalIssuerTag : "urn:doppel:no-trusted-issuer" };
            foreach (var (key, issuer) in _staticKeys)
            {
                Add(configuration, key, issuer);
            }

            foreach (var key in _local?.SigningKeys ?? [])
            {
                Add(configuration, key, LocalIssuerTag);
            }

            foreach (var issuer in _issuers)
            {
                foreach (var url in issuer.JwksUrls)
                {
                    foreach (var key in await FetchAsync(url, issuer.Issuer, cancel).ConfigureAwait(false))
                    {
                        Add(configuration, key, issuer.Issuer);
                    }
                }
            }

            _current = configuration;
            _fetchedAt = now;
            _refreshRequested = false;
            return configuration;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <inheritdoc />
    public void RequestRefresh() => _refreshRequested = true;

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        _refresh.Dispose();
    }

    private bool NeedsFetch(DateTimeOffset now)
    {
        if (!_issuers.Any(i => i.JwksUrls.Count > 0) && _local is null)
        {
            return _current is null;
        }

        var age = now - _fetchedAt;
        return _current is null || age >= CacheLifetime || (_refreshRequested && age >= MinimumRefreshInterval);
    }

    private void Add(OpenIdConnectConfiguration configuration, SecurityKey key, string issuer)
    {
        _issuerOfKey.AddOrUpdate(key, issuer);
        configuration.SigningKeys.Add(key);
    }

    private async Task<IList<SecurityKey>> FetchAsync(Uri url, string issuer, CancellationToken cancel)
    {
        try
        {
            var json = await _http.GetStringAsync(url, cancel).ConfigureAwait(false);
            return new JsonWebKeySet(json).GetSigningKeys();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ArgumentException or System.Text.Json.JsonException)
        {
            // An unreachable JWKS makes its issuer's tokens fail validation (401) until it answers again; the
            // other issuers keep working.
            _ = issuer;
            return [];
        }
    }

    /// <summary>Reads every public key or certificate in a PEM file.</summary>
    public static IReadOnlyList<SecurityKey> ReadPem(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read the trusted key file {path}: {ex.Message}", ex);
        }

        var keys = new List<SecurityKey>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label].ToString();
            var block = rest[fields.Location].ToString();
            rest = rest[fields.Location.End.Value..];
            try
            {
                keys.Add(label switch
                {
                    "CERTIFICATE" => new X509SecurityKey(X509Certificate2.CreateFromPem(block)),
                    "RSA PUBLIC KEY" => RsaKey(block),
                    "PUBLIC KEY" => PublicKey(block),
                    _ when label.Contains("PRIVATE", StringComparison.Ordinal) =>
                        throw new ArgumentException($"the trusted key file {path} holds a private key; give the issuer's public key or certificate instead"),
                    _ => throw new ArgumentException($"the trusted key file {path} holds a '{label}' block; expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE"),
                });
            }
            catch (CryptographicException ex)
            {
                throw new ArgumentException($"the trusted key file {path} has an unreadable {label}: {ex.Message}", ex);
            }
        }

        return keys.Count > 0 ? keys : throw new ArgumentException($"the trusted key file {path} has no PEM public key or certificate");
    }

    private static RsaSecurityKey RsaKey(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new RsaSecurityKey(rsa);
    }

    private static SecurityKey PublicKey(string pem)
    {
        var der = Convert.FromBase64String(string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim())));
        try
        {
            var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(der, out _);
            return new RsaSecurityKey(rsa);
        }
        catch (CryptographicException)
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(der, out _);
            return new ECDsaSecurityKey(ecdsa);
        }
    }
}
