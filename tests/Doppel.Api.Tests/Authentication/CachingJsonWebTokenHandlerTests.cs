using System.Security.Claims;
using System.Security.Cryptography;
using Doppel.Api.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Doppel.Api.Tests.Authentication;

/// <summary>Remembering validated tokens must never accept a token the full check would refuse.</summary>
public sealed class CachingJsonWebTokenHandlerTests
{
    private const string Issuer = "https://issuer.test/";
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly ECDsaSecurityKey key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    [Fact]
    public async Task Token_validated_once_is_accepted_again_with_a_fresh_identity()
    {
        var clock = new Clock(Start);
        var handler = new CachingJsonWebTokenHandler(clock);
        var token = Mint(Start, Start.AddHours(1));

        var first = await handler.ValidateTokenAsync(token, Parameters(clock));
        first.ClaimsIdentity.AddClaim(new Claim("added-by", "first request"));
        var second = await handler.ValidateTokenAsync(token, Parameters(clock));

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.DoesNotContain(second.ClaimsIdentity.Claims, c => c.Type == "added-by");
    }

    [Fact]
    public async Task Remembered_token_is_refused_once_it_has_expired()
    {
        var clock = new Clock(Start);
        var handler = new CachingJsonWebTokenHandler(clock);
        var token = Mint(Start, Start.AddMinutes(2));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(clock))).IsValid);

        clock.Now = Start.AddMinutes(3);
        var later = await handler.ValidateTokenAsync(token, Parameters(clock));

        Assert.False(later.IsValid);
    }

    [Fact]
    public async Task Token_with_a_bad_signature_is_never_remembered()
    {
        var clock = new Clock(Start);
        var handler = new CachingJsonWebTokenHandler(clock);
        var token = Mint(Start, Start.AddHours(1));
        var tampered = token[..^4] + (token[^4] == 'A' ? "BBBB" : "AAAA");

        var first = await handler.ValidateTokenAsync(tampered, Parameters(clock));
        var second = await handler.ValidateTokenAsync(tampered, Parameters(clock));

        Assert.False(first.IsValid);
        Assert.False(second.IsValid);
    }

    private string Mint(DateTimeOffset notBefore, DateTimeOffset expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = DataPlaneAuthentication.Audiences[0],
        NotBefore = notBefore.UtcDateTime,
        IssuedAt = notBefore.UtcDateTime,
        Expires = expires.UtcDateTime,
        Subject = new ClaimsIdentity([new Claim("sub", "tester")]),
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
    });

    private TokenValidationParameters Parameters(Clock clock) => new()
    {
        ValidIssuer = Issuer,
        ValidAudiences = DataPlaneAuthentication.Audiences,
        IssuerSigningKey = key,
        ClockSkew = TimeSpan.Zero,
        LifetimeValidator = (notBefore, expires, _, _) => notBefore <= clock.Now.UtcDateTime && clock.Now.UtcDateTime < expires,
    };

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
