namespace Doppel.Api.Management;

/// <summary>
/// The data action each data-plane request needs (adt-facts.md §10): read for GET, write for PUT and PATCH, delete for
/// DELETE, action for the POSTs (add models, query, telemetry); relationships have their own finer actions, which the
/// Data Owner and Data Reader roles both cover.
/// </summary>
public static class DataPlaneActions
{
    private const string Prefix = "Microsoft.DigitalTwins/";

    /// <summary>The data action of a request, or <see langword="null"/> for a path no operation answers (it gets 404).</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="segments">The decoded path segments after the instance prefix.</param>
    public static string? For(string method, IReadOnlyList<string> segments)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count == 0)
        {
            return null;
        }

        var verb = Verb(method);
        switch (segments[0].ToLowerInvariant())
        {
            case "models":
                return Prefix + "models/" + (verb == "action" && segments.Count > 1 ? "write" : verb);
            case "query":
                return Prefix + "query/action";
            case "eventroutes":
                return Prefix + "eventroutes/" + verb;
            case "jobs" when segments.Count > 1:
                return $"{Prefix}jobs/{segments[1].ToLowerInvariant()}/{(verb == "action" ? "write" : verb)}";
            case "digitaltwins" when segments.Count >= 3:
                var child = segments[2].ToLowerInvariant();
                if (child is "relationships" or "incomingrelationships")
                {
                    return Prefix + "digitaltwins/relationships/" + (verb == "action" ? "write" : verb);
                }

                return Prefix + "digitaltwins/" + (segments[^1].Equals("telemetry", StringComparison.OrdinalIgnoreCase) ? "action" : verb);
            case "digitaltwins":
                return Prefix + "digitaltwins/" + verb;
            default:
                return null;
        }
    }

    private static string Verb(string method) => method.ToUpperInvariant() switch
    {
        "GET" or "HEAD" => "read",
        "PUT" or "PATCH" => "write",
        "DELETE" => "delete",
        _ => "action",
    };
}
