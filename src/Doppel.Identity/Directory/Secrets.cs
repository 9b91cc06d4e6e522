using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;

namespace Doppel.Identity.Directory;

/// <summary>
/// Passwords and client secrets. Passwords are hashed with ASP.NET Core Identity's PBKDF2 (HMAC-SHA512, salted,
/// 100,000 iterations); client secrets are 256 random bits, so a SHA-256 of the value is as strong and lets the
/// token endpoint check thousands a second. Comparisons are in constant time.
/// </summary>
public static class Secrets
{
    private static readonly PasswordHasher<object> Hasher = new();
    private static readonly object Nobody = new();

    /// <summary>The alphabet of generated client secrets and passwords (no look-alikes lost to URL encoding).</summary>
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~_.-";

    /// <summary>Hashes a password.</summary>
    public static string HashPassword(string password) => Hasher.HashPassword(Nobody, password);

    /// <summary>Whether <paramref name="password"/> matches <paramref name="hash"/>.</summary>
    public static bool VerifyPassword(string hash, string password) =>
        Hasher.VerifyHashedPassword(Nobody, hash, password) != PasswordVerificationResult.Failed;

    /// <summary>A new random secret of <paramref name="length"/> characters (about 6 bits each).</summary>
    public static string Generate(int length = 44) => RandomNumberGenerator.GetString(Alphabet, length);

    /// <summary>The stored form of a client secret.</summary>
    public static string HashSecret(string secret) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Whether <paramref name="secret"/> is the one <paramref name="hash"/> was made from.</summary>
    public static bool VerifySecret(string hash, string secret)
    {
        var expected = Convert.FromBase64String(hash);
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>Whether a password is acceptable: 8 to 256 characters with three of lower, upper, digit, symbol (Entra's rule).</summary>
    public static bool IsStrongPassword(string password)
    {
        if (password.Length is < 8 or > 256)
        {
            return false;
        }

        var classes = (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsUpper) ? 1 : 0)
            + (password.Any(char.IsDigit) ? 1 : 0) + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        return classes >= 3;
    }

    /// <summary>A generated password that satisfies <see cref="IsStrongPassword"/>.</summary>
    public static string GeneratePassword()
    {
        while (true)
        {
            var candidate = Generate(24);
            if (IsStrongPassword(candidate))
            {
                return candidate;
            }
        }
    }
}
