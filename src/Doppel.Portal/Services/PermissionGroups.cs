namespace Doppel.Portal.Services;

/// <summary>Permissions in the groups "Request API permissions" shows them in.</summary>
public static class PermissionGroups
{
    /// <summary>
    /// Groups permissions by the part of their value before the first dot ("Read.Write" is in "Read"), as the Azure
    /// portal does; a value without a dot is its own group. Groups and permissions are in alphabetical order.
    /// </summary>
    public static IReadOnlyList<(string Name, IReadOnlyList<ApiPermissionInfo> Permissions)> Of(IEnumerable<ApiPermissionInfo> permissions) =>
        [.. permissions
            .GroupBy(p => p.Value.Split('.')[0], StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => (g.Key, (IReadOnlyList<ApiPermissionInfo>)[.. g.OrderBy(p => p.Value, StringComparer.OrdinalIgnoreCase)]))];
}
