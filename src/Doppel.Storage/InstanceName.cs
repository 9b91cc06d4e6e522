namespace Doppel.Storage;

/// <summary>
/// The rule for Digital Twins instance names, as ARM has it for <c>Microsoft.DigitalTwins/digitalTwinsInstances</c>:
/// 3 to 63 letters, digits and hyphens, neither starting nor ending with a hyphen.
/// </summary>
public static class InstanceName
{
    /// <summary>The shortest allowed name.</summary>
    public const int MinLength = 3;

    /// <summary>The longest allowed name.</summary>
    public const int MaxLength = 63;

    /// <summary>Whether <paramref name="name"/> is a valid instance name.</summary>
    public static bool IsValid(string? name)
    {
        if (name is null || name.Length is < MinLength or > MaxLength || name[0] == '-' || name[^1] == '-')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The canonical (lower-case) form of a valid name.</summary>
    /// <exception cref="ArgumentException">The name is not valid.</exception>
    public static string Normalize(string name)
    {
        if (!IsValid(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid instance name: use {MinLength} to {MaxLength} letters, digits and hyphens, not starting or ending with a hyphen.",
                nameof(name));
        }

        return name.ToLowerInvariant();
    }
}
