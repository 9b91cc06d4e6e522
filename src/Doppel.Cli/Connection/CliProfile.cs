using System.Text.Json;
using System.Text.Json.Serialization;
using Doppel.Cli.Output;

namespace Doppel.Cli.Connection;

/// <summary>Who is signed in to which server: the CLI's <c>profile.json</c>.</summary>
/// <param name="Server">The Doppel server's origin, e.g. <c>https://localhost:5443</c>.</param>
/// <param name="TenantId">The directory (tenant) id the sign-in happened in.</param>
/// <param name="CaFile">A PEM CA file the server's certificate chains to, or null for the system's roots.</param>
/// <param name="UserType"><c>user</c> or <c>servicePrincipal</c>, as <c>az account show</c> says.</param>
/// <param name="UserName">The user name, or the service principal's client id.</param>
/// <param name="Directory">The tenant as given at login (id or domain): the authority's path, which the cached sign-in belongs to.</param>
internal sealed record CliProfile(string Server, string TenantId, string? CaFile, string UserType, string UserName, string? Directory = null)
{
    /// <summary>The subscription chosen with <c>doppel account set</c>, used when a command names none.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>The tenant segment of the authority the CLI signs in at.</summary>
    public string Authority => Directory ?? TenantId;
}

/// <summary>
/// The CLI's folder: <c>$DOPPEL_CONFIG_DIR</c>, else <c>~/.doppel</c>. Files holding tokens or secrets are
/// created readable by the user only (0600), as <c>az</c> keeps <c>~/.azure</c>.
/// </summary>
internal sealed class CliConfig(string directory)
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string Directory { get; } = directory;

    public string ProfilePath => Path.Combine(Directory, "profile.json");

    public string TokenCachePath => Path.Combine(Directory, "msal_token_cache.bin");

    public string SecretsPath => Path.Combine(Directory, "service_principals.json");

    public static CliConfig For(CliConsole console) => new(
        console.Variable("DOPPEL_CONFIG_DIR") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".doppel"));

    /// <summary>The signed-in profile, or null.</summary>
    public CliProfile? ReadProfile() =>
        File.Exists(ProfilePath) ? JsonSerializer.Deserialize<CliProfile>(File.ReadAllText(ProfilePath), Options) : null;

    /// <summary>The signed-in profile.</summary>
    /// <exception cref="CliException">Nobody is signed in.</exception>
    public CliProfile RequireProfile() =>
        ReadProfile() ?? throw new CliException(ExitCodes.Invalid, "Not signed in. Run 'doppel login' first.");

    public void WriteProfile(CliProfile profile) => WritePrivate(ProfilePath, JsonSerializer.Serialize(profile, Options));

    /// <summary>The client secret stored for a service principal at login.</summary>
    public string? ReadSecret(string clientId, string tenantId) =>
        ReadSecrets().FirstOrDefault(s => s.ClientId == clientId && s.TenantId == tenantId)?.Secret;

    public void WriteSecret(string clientId, string tenantId, string secret)
    {
        var entries = ReadSecrets().Where(s => !(s.ClientId == clientId && s.TenantId == tenantId)).Append(new SecretEntry(clientId, tenantId, secret));
        WritePrivate(SecretsPath, JsonSerializer.Serialize(entries, Options));
    }

    /// <summary>Forgets the sign-in: profile, cached tokens and stored secrets.</summary>
    public void Clear()
    {
        foreach (var path in new[] { ProfilePath, TokenCachePath, SecretsPath })
        {
            File.Delete(path);
        }
    }

    /// <summary>Writes a file that only the user may read: created 0600 before any byte is in it.</summary>
    public void WritePrivate(string path, string text) => WritePrivate(path, OutputFormat.Utf8.GetBytes(text));

    public void WritePrivate(string path, byte[] bytes)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        {
            stream.Write(bytes);
        }

        if (!OperatingSystem.IsWindows())
        {
            // An existing file keeps its mode on Create: set it again.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private List<SecretEntry> ReadSecrets() =>
        File.Exists(SecretsPath) ? JsonSerializer.Deserialize<List<SecretEntry>>(File.ReadAllText(SecretsPath), Options) ?? [] : [];

    private sealed record SecretEntry(string ClientId, string TenantId, string Secret);
}
