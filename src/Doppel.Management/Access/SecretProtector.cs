using System.Security.Cryptography;
using System.Text;

namespace Doppel.Management.Access;

/// <summary>
/// Encrypts the secrets the control plane stores (endpoint connection strings and access keys) with AES-256-GCM under
/// one key, bound to the resource they belong to (the associated data), so a stored value copied to another resource
/// does not decrypt. The text form is <c>v1.{base64(nonce | tag | ciphertext)}</c>. Thread-safe.
/// </summary>
public sealed class SecretProtector
{
    /// <summary>The key length in bytes (AES-256).</summary>
    public const int KeyLength = 32;

    private const string Prefix = "v1.";
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private readonly byte[] _key;

    /// <summary>Uses <paramref name="key"/>, which must be <see cref="KeyLength"/> random bytes.</summary>
    public SecretProtector(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyLength)
        {
            throw new ArgumentException($"The key must be {KeyLength} bytes long, not {key.Length}.", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>A protector with a new random key, for hosts that keep no secrets across restarts (tests).</summary>
    public static SecretProtector Ephemeral() => new(RandomNumberGenerator.GetBytes(KeyLength));

    /// <summary>Encrypts <paramref name="plaintext"/> for the resource <paramref name="context"/>.</summary>
    public string Protect(string plaintext, string context)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(context);
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var buffer = new byte[NonceLength + TagLength + clear.Length];
        var nonce = buffer.AsSpan(0, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagLength);
        aes.Encrypt(nonce, clear, buffer.AsSpan(NonceLength + TagLength), buffer.AsSpan(NonceLength, TagLength), Encoding.UTF8.GetBytes(context));
        CryptographicOperations.ZeroMemory(clear);
        return Prefix + Convert.ToBase64String(buffer);
    }

    /// <summary>Decrypts what <see cref="Protect"/> made for the same <paramref name="context"/>.</summary>
    /// <exception cref="CryptographicException">The text was not made with this key for this resource, or was changed.</exception>
    public string Unprotect(string protectedText, string context)
    {
        ArgumentNullException.ThrowIfNull(protectedText);
        ArgumentNullException.ThrowIfNull(context);
        if (!protectedText.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("The protected secret has an unknown format.");
        }

        byte[] buffer;
        try
        {
            buffer = Convert.FromBase64String(protectedText[Prefix.Length..]);
        }
        catch (FormatException ex)
        {
            throw new CryptographicException("The protected secret is not valid base64.", ex);
        }

        if (buffer.Length < NonceLength + TagLength)
        {
            throw new CryptographicException("The protected secret is too short.");
        }

        var clear = new byte[buffer.Length - NonceLength - TagLength];
        using var aes = new AesGcm(_key, TagLength);
        aes.Decrypt(buffer.AsSpan(0, NonceLength), buffer.AsSpan(NonceLength + TagLength), buffer.AsSpan(NonceLength, TagLength), clear, Encoding.UTF8.GetBytes(context));
        return Encoding.UTF8.GetString(clear);
    }
}
