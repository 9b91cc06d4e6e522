using Doppel.Management;
using Microsoft.AspNetCore.Http;

namespace Doppel.Api.Management;

/// <summary>The action an ARM write performs, named as the activity log shows it.</summary>
public static class ActivityOperation
{
    /// <summary>The action of <paramref name="method"/> on the path of <paramref name="segments"/>.</summary>
    public static string Of(string method, IReadOnlyList<string> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var verb = HttpMethods.IsDelete(method) ? "delete" : "write";
        bool Has(string segment) => segments.Any(s => s.Equals(segment, StringComparison.OrdinalIgnoreCase));
        if (Has("roleAssignments"))
        {
            return "Microsoft.Authorization/roleAssignments/" + verb;
        }

        if (Has("digitalTwinsInstances") && Has("endpoints"))
        {
            return verb == "delete" ? EndpointActions.Delete : EndpointActions.Write;
        }

        if (Has("digitalTwinsInstances"))
        {
            return verb == "delete" ? DigitalTwinsActions.Delete : DigitalTwinsActions.Write;
        }

        if (segments.Count == 4 && segments[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase))
        {
            return verb == "delete" ? ResourceGroupActions.Delete : ResourceGroupActions.Write;
        }

        return $"{method.ToUpperInvariant()} /{string.Join('/', segments)}";
    }
}
