using System.Globalization;
using System.Security.Claims;
using Doppel.Api.Management;
using Doppel.Management.Access;

namespace Doppel.Api.Authentication;

/// <summary>
/// The data plane's memory of the bearer tokens it accepted: for an <c>Authorization</c> header seen before, the
/// principal its token gave and the caller read from it, until the token expires or for at most
/// <see cref="MaxAge"/>. A client sends one token with every request, so a request then skips the authentication
/// handler (its creation, the copy of the validation parameters, the principal and ticket it builds: about a tenth
/// of a GET twin's server CPU) and the reading of the caller's claims.
/// </summary>
/// <remarks>
/// Only headers whose token passed the full validation are remembered, keyed by the exact header text, so a request
/// is never let in on a token that was not validated. The remembered principal is shared by the requests that send
/// the same header: the data plane reads it and never changes it. <see cref="MaxAge"/> is the same as
/// <see cref="CachingJsonWebTokenHandler.MaxAge"/>, the time the token handler itself trusts a validated token.
/// </remarks>
public sealed class BearerPrincipalCache(TimeProvider? time = null)
{
    /// <summary>How long an accepted header is remembered at most.</summary>
    public static readonly TimeSpan MaxAge = ExpiringMemory<Accepted>.MaxAge;

    /// <summary>How many headers are remembered at most; beyond that the memory starts over.</summary>
    public const int MaxEntries = ExpiringMemory<Accepted>.MaxEntries;

    private readonly ExpiringMemory<Accepted> entries = new();
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    /// <summary>The principal and caller remembered for <paramref name="authorization"/>, or null.</summary>
    public Accepted? Find(string? authorization) => entries.Find(authorization, clock.GetUtcNow());

    /// <summary>
    /// Remembers what <paramref name="authorization"/> authenticated as, until the token's <c>exp</c> (a principal
    /// without one is not remembered). Returns what a later <see cref="Find"/> gives.
    /// </summary>
    public Accepted Remember(string? authorization, ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var now = clock.GetUtcNow();
        var expires = Expiry(principal);
        var accepted = new Accepted(principal, PrincipalClaims.From(principal), expires is { } e ? ExpiringMemory<Accepted>.KeptUntil(e, now) : now + MaxAge);
        if (!string.IsNullOrEmpty(authorization) && expires > now)
        {
            entries.Remember(authorization, accepted, accepted.Until);
        }

        return accepted;
    }

    private static DateTimeOffset? Expiry(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirst("exp")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, DateTimeOffset.MaxValue.ToUnixTimeSeconds()))
            : null;

    /// <summary>An accepted token's principal, its caller (null without an <c>oid</c> or <c>sub</c>) and how long it is kept.</summary>
    public sealed record Accepted(ClaimsPrincipal Principal, Principal? Caller, DateTimeOffset Until);
}
