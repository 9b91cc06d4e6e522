using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Doppel.Cli.Connection;

/// <summary>
/// The CLI's HTTP client: trusts the server's CA file when one was given at login (Doppel makes its own CA), and
/// with <c>--verbose</c> or <c>--debug</c> writes each call to standard error — never the Authorization header.
/// </summary>
internal static class CliHttp
{
    public static HttpClient Create(string? caFile, TextWriter? log, bool debug)
    {
        var handler = new SocketsHttpHandler();
        if (caFile is not null)
        {
            if (!File.Exists(caFile))
            {
                throw new Output.CliException(ExitCodes.UsageError, $"The CA file '{caFile}' does not exist.");
            }

            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (errors == SslPolicyErrors.None)
                    {
                        return true;
                    }

                    if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                    {
                        return false;
                    }

                    // Chain the server's certificate to the given CA only (name checks already passed).
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            };
        }

        HttpMessageHandler pipeline = log is null ? handler : new LoggingHandler(handler, log, debug);
        return new HttpClient(pipeline) { Timeout = TimeSpan.FromSeconds(100) };
    }

    /// <summary>Writes "METHOD url -> status (ms)", and with <c>--debug</c> the headers, without secrets.</summary>
    private sealed class LoggingHandler(HttpMessageHandler inner, TextWriter log, bool debug) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            log.WriteLine($"doppel: {request.Method} {request.RequestUri}");
            if (debug)
            {
                foreach (var (name, values) in request.Headers)
                {
                    log.WriteLine($"doppel:   {name}: {(string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase) ? "<redacted>" : string.Join(", ", values))}");
                }
            }

            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            log.WriteLine($"doppel: {(int)response.StatusCode} {response.ReasonPhrase} in {clock.ElapsedMilliseconds} ms");
            if (debug)
            {
                foreach (var (name, values) in response.Headers)
                {
                    log.WriteLine($"doppel:   {name}: {string.Join(", ", values)}");
                }
            }

            return response;
        }
    }
}
