using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Doppel;

/// <summary>
/// A Digital Twin Model Identifier such as <c>dtmi:com:example:Thermostat;1</c>: a scheme, colon-separated
/// path segments and an optional version (<c>;major</c> or, from DTDL v3, <c>;major.minor</c>).
/// </summary>
public sealed partial record Dtmi
{
    /// <summary>Longest DTMI any DTDL version accepts.</summary>
    public const int MaxLength = 2048;

    private Dtmi(string value, string path, int? majorVersion, int? minorVersion)
    {
        Value = value;
        Path = path;
        MajorVersion = majorVersion;
        MinorVersion = minorVersion;
    }

    /// <summary>The whole identifier as written.</summary>
    public string Value { get; }

    /// <summary>The identifier without the scheme and version: <c>com:example:Thermostat</c>.</summary>
    public string Path { get; }

    /// <summary>The major version, or null for a versionless DTMI.</summary>
    public int? MajorVersion { get; }

    /// <summary>The minor version, or null when none was given.</summary>
    public int? MinorVersion { get; }

    /// <summary>The identifier without its version: <c>dtmi:com:example:Thermostat</c>.</summary>
    public string Versionless => "dtmi:" + Path;

    /// <summary>Parses a DTMI in the most permissive form any DTDL version accepts (v3's, with optional minor version).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Dtmi? dtmi)
    {
        dtmi = null;
        if (text is null || text.Length > MaxLength)
        {
            return false;
        }

        var match = Grammar().Match(text);
        if (!match.Success)
        {
            return false;
        }

        int? major = match.Groups["major"].Success ? int.Parse(match.Groups["major"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) : null;
        int? minor = match.Groups["minor"].Success ? int.Parse(match.Groups["minor"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) : null;
        dtmi = new Dtmi(text, match.Groups["path"].Value, major, minor);
        return true;
    }

    /// <summary>Parses a DTMI, throwing <see cref="FormatException"/> when the text is not one.</summary>
    public static Dtmi Parse(string text) =>
        TryParse(text, out var dtmi) ? dtmi : throw new FormatException($"'{text}' is not a valid DTMI.");

    /// <inheritdoc />
    public override string ToString() => Value;

    [GeneratedRegex(@"^dtmi:(?<path>[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?(?::[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?)*)(?:;(?<major>[1-9][0-9]{0,8})(?:\.(?<minor>[1-9][0-9]{0,5}))?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
