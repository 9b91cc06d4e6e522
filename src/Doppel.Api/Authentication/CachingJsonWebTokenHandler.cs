using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Doppel.Api.Authentication;

/// <summary>
/// Validates bearer JWTs and remembers the ones that passed, so a client that sends the same token with every
/// request pays for the signature check once, not per request (it was a third of a GET's CPU). A remembered token
/// is trusted until its expiry, or for at most <see cref="MaxAge"/>, whichever comes first; each request gets its
/// own copy of the identity, so nothing a request adds to it leaks into another.
/// </summary>
public sealed class CachingJsonWebTokenHandler : JsonWebTokenHandler
{
    /// <summary>How long a validated token is remembered at most.</summary>
    public static readonly TimeSpan MaxAge = ExpiringMemory<TokenValidationResult>.MaxAge;

    /// <summary>How many tokens are remembered at most; beyond that the memory starts over.</summary>
    public const int MaxEntries = ExpiringMemory<TokenValidationResult>.MaxEntries;

    private readonly ExpiringMemory<TokenValidationResult> validated = new();
    private readonly TimeProvider time;

    /// <summary>Creates the handler; <paramref name="time"/> is the clock expiry is judged by.</summary>
    public CachingJsonWebTokenHandler(TimeProvider? time = null)
    {
        this.time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow();
        if (validated.Find(token, now) is { } remembered)
        {
            return Copy(remembered);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (token is not null && result.IsValid && result.SecurityToken is JsonWebToken jwt && jwt.ValidTo > now.UtcDateTime)
        {
            validated.Remember(token, result, ExpiringMemory<TokenValidationResult>.KeptUntil(new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), now));
            return Copy(result);
        }

        return result;
    }

    private static TokenValidationResult Copy(TokenValidationResult result) => new()
    {
        IsValid = true,
        ClaimsIdentity = result.ClaimsIdentity.Clone(),
        SecurityToken = result.SecurityToken,
        Issuer = result.Issuer,
        TokenType = result.TokenType,
    };
}
