namespace Doppel.Server.Hosting;

/// <summary>Checks on DNS names given as options.</summary>
internal static class HostNames
{
    /// <summary>
    /// Whether <paramref name="name"/> is a DNS name of letter-digit-hyphen labels (RFC 1123): each label 1 to 63
    /// characters, not starting or ending with a hyphen; 253 characters at most. No wildcards.
    /// </summary>
    public static bool IsValidDnsName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 253)
        {
            return false;
        }

        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }
}
