using System.Text.Json;
using System.Text.Json.Nodes;

namespace Doppel.Portal.Services;

/// <summary>The platforms a redirect URI belongs to, as "Register an application" and "Authentication" offer them.</summary>
public enum RedirectPlatform
{
    /// <summary>"Public client/native (mobile &amp; desktop)": the manifest's <c>publicClient</c>.</summary>
    PublicClient,

    /// <summary>"Web": the manifest's <c>web</c>.</summary>
    Web,

    /// <summary>"Single-page application (SPA)": the manifest's <c>spa</c>.</summary>
    Spa,
}

/// <summary>
/// The checks the app registration forms make as the person types, with Entra's rules (Graph checks them again; a
/// refusal from it is shown as it comes).
/// </summary>
public static class AppRegistrationRules
{
    /// <summary>The platforms with the labels the Azure portal gives them.</summary>
    public static IReadOnlyList<(RedirectPlatform Platform, string Label)> Platforms { get; } =
    [
        (RedirectPlatform.PublicClient, "Public client/native (mobile & desktop)"),
        (RedirectPlatform.Web, "Web"),
        (RedirectPlatform.Spa, "Single-page application (SPA)"),
    ];

    /// <summary>A platform's label.</summary>
    public static string Label(RedirectPlatform platform) => Platforms.First(p => p.Platform == platform).Label;

    /// <summary>The manifest property that holds a platform's redirect URIs.</summary>
    public static string ManifestProperty(RedirectPlatform platform) => platform switch
    {
        RedirectPlatform.Web => "web",
        RedirectPlatform.Spa => "spa",
        _ => "publicClient",
    };

    /// <summary>The problem with an app's name, or null.</summary>
    public static string? NameProblem(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "The application name is required."
        : name.Trim().Length > 120 ? "The application name must be 120 characters or fewer."
        : null;

    /// <summary>
    /// The problem with a redirect URI for a platform, or null. It must be an absolute URI without a fragment; a web
    /// or single-page app receives codes and tokens only over HTTPS, except on the person's own machine.
    /// </summary>
    public static string? RedirectUriProblem(RedirectPlatform platform, string? uri)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            return null;
        }

        // On Unix "/callback" parses as an absolute file: URI; a redirect URI must name its scheme, and never file:.
        if (!Uri.TryCreate(uri.Trim(), UriKind.Absolute, out var parsed) || parsed.IsFile || !uri.Trim().StartsWith(parsed.Scheme + ":", StringComparison.OrdinalIgnoreCase))
        {
            return "The redirect URI must be a valid absolute URI, such as https://myapp.com/auth.";
        }

        if (parsed.Fragment.Length > 0)
        {
            return "The redirect URI must not contain a fragment (#).";
        }

        if (uri.Trim().Length > 256)
        {
            return "The redirect URI must be 256 characters or fewer.";
        }

        var local = parsed.Scheme == Uri.UriSchemeHttp && (parsed.IsLoopback || string.Equals(parsed.Host, "localhost", StringComparison.OrdinalIgnoreCase));
        return platform != RedirectPlatform.PublicClient && parsed.Scheme != Uri.UriSchemeHttps && !local
            ? "Must start with \"HTTPS\" or \"http://localhost\"."
            : null;
    }

    /// <summary>
    /// The properties of an edited manifest that differ from the stored one — what a Save sends as a PATCH — or the
    /// problem with the text when it is not a JSON object. Properties left out of the text are left as they are.
    /// </summary>
    public static (JsonObject? Changes, string? Problem) ManifestChanges(JsonObject stored, string? edited)
    {
        ArgumentNullException.ThrowIfNull(stored);
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(edited ?? "", documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, position {ex.BytePositionInLine + 1})" : "";
            return (null, $"The manifest is not valid JSON{where}: {ex.Message.Split(" LineNumber:", StringSplitOptions.None)[0]}");
        }

        if (parsed is not JsonObject edits)
        {
            return (null, "The manifest must be a JSON object.");
        }

        var changes = new JsonObject();
        foreach (var (name, value) in edits)
        {
            if (!stored.TryGetPropertyValue(name, out var before) || !JsonNode.DeepEquals(before, value))
            {
                changes[name] = value?.DeepClone();
            }
        }

        return (changes, null);
    }
}
