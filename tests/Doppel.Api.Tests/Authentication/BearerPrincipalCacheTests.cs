using System.Globalization;
using System.Security.Claims;
using Doppel.Api.Authentication;

namespace Doppel.Api.Tests.Authentication;

/// <summary>The data plane's memory of accepted bearer headers must never outlive the token or the trust period.</summary>
public sealed class BearerPrincipalCacheTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Accepted_header_is_found_again_with_its_principal_and_caller()
    {
        var clock = new Clock(Start);
        var cache = new BearerPrincipalCache(clock);
        var principal = Principal(Start.AddHours(1));

        cache.Remember("Bearer a", principal);
        var found = cache.Find("Bearer a");

        Assert.NotNull(found);
        Assert.Same(principal, found.Principal);
        Assert.Equal("7c2c0a0e-0d4b-4b8e-9a53-2b6a1c1d0e01", found.Caller!.ObjectId);
        Assert.Equal("tenant-1", found.Caller.TenantId);
    }

    [Fact]
    public void Header_never_accepted_is_not_found()
    {
        var cache = new BearerPrincipalCache(new Clock(Start));
        cache.Remember("Bearer a", Principal(Start.AddHours(1)));

        Assert.Null(cache.Find("Bearer b"));
        Assert.Null(cache.Find("bearer a"));
        Assert.Null(cache.Find(""));
        Assert.Null(cache.Find(null));
    }

    [Fact]
    public void Remembered_header_is_forgotten_when_its_token_expires()
    {
        var clock = new Clock(Start);
        var cache = new BearerPrincipalCache(clock);
        cache.Remember("Bearer a", Principal(Start.AddMinutes(2)));

        clock.Now = Start.AddMinutes(2);

        Assert.Null(cache.Find("Bearer a"));
    }

    [Fact]
    public void Remembered_header_of_a_long_lived_token_is_forgotten_after_the_maximum_age()
    {
        var clock = new Clock(Start);
        var cache = new BearerPrincipalCache(clock);
        cache.Remember("Bearer a", Principal(Start.AddDays(1)));

        clock.Now = Start + BearerPrincipalCache.MaxAge - TimeSpan.FromSeconds(1);
        Assert.NotNull(cache.Find("Bearer a"));

        clock.Now = Start + BearerPrincipalCache.MaxAge;
        Assert.Null(cache.Find("Bearer a"));
    }

    [Fact]
    public void Principal_without_an_expiry_or_already_expired_is_not_remembered()
    {
        var cache = new BearerPrincipalCache(new Clock(Start));
        cache.Remember("Bearer no-exp", new ClaimsPrincipal(new ClaimsIdentity([new Claim("oid", "x")], "test")));
        cache.Remember("Bearer expired", Principal(Start.AddSeconds(-1)));

        Assert.Null(cache.Find("Bearer no-exp"));
        Assert.Null(cache.Find("Bearer expired"));
    }

    private static ClaimsPrincipal Principal(DateTimeOffset expires) => new(new ClaimsIdentity(
        [
            new Claim("oid", "7C2C0A0E-0D4B-4B8E-9A53-2B6A1C1D0E01"),
            new Claim("tid", "tenant-1"),
            new Claim("appid", "client-1"),
            new Claim("idtyp", "app"),
            new Claim("exp", expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ],
        "test"));

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
