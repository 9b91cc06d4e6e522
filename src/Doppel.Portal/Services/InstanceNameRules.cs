using System.Text.RegularExpressions;

namespace Doppel.Portal.Services;

/// <summary>ADT's rules for an instance name, checked as the person types (the server checks them again).</summary>
public static partial class InstanceNameRules
{
    /// <summary>The problem with <paramref name="name"/>, or null when it follows the rules.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "The value must not be empty.";
        }

        if (name.Length is < 3 or > 63)
        {
            return "The name must be between 3 and 63 characters.";
        }

        if (name.StartsWith('-') || name.EndsWith('-'))
        {
            return "The name must start and end with a letter or a number.";
        }

        return Allowed().IsMatch(name) ? null : "The name can contain only letters, numbers, and hyphens.";
    }

    [GeneratedRegex("^[A-Za-z0-9-]+$")]
    private static partial Regex Allowed();
}
