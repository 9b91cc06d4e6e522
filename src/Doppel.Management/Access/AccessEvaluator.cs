using System.Collections.Concurrent;
using Doppel.Storage.Management;

namespace Doppel.Management.Access;

/// <summary>
/// Decides whether a principal may perform an action at a scope: some role assignment to the principal or to one of
/// its groups, at that scope or above it, whose role grants the action. A subscription's assignments are read once and
/// remembered for <see cref="ManagementOptions.AccessCacheLifetime"/>; a change made through this server forgets them
/// at once.
/// </summary>
public sealed class AccessEvaluator(IManagementStore store, IPrincipalDirectory directory, ManagementOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Snapshot> _bySubscription = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="principal"/> may do <paramref name="action"/> at <paramref name="scope"/>.</summary>
    public async ValueTask<bool> IsAllowedAsync(Principal principal, ResourceScope scope, string action, bool isDataAction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(scope);
        var snapshot = await SnapshotAsync(scope.SubscriptionId, cancellationToken).ConfigureAwait(false);
        if (snapshot.Grants.Count == 0)
        {
            return false;
        }

        // The principal's own assignments first: one lookup, no group lookup, and the common case.
        if (snapshot.ByPrincipal.TryGetValue(principal.ObjectId, out var own) && AnyGrants(own, scope, action, isDataAction))
        {
            return true;
        }

        var groups = await directory.GetGroupsAsync(principal, cancellationToken).ConfigureAwait(false);
        foreach (var group in groups)
        {
            if (snapshot.ByPrincipal.TryGetValue(group, out var ofGroup) && AnyGrants(ofGroup, scope, action, isDataAction))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Throws ARM's <c>AuthorizationFailed</c> unless the principal may do the action at the scope.</summary>
    public async ValueTask RequireAsync(Principal principal, ResourceScope scope, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (!await IsAllowedAsync(principal, scope, action, isDataAction: false, cancellationToken).ConfigureAwait(false))
        {
            throw new ManagementException(ManagementErrorKind.Forbidden, ManagementErrorCodes.AuthorizationFailed,
                $"The client '{principal.DisplayName}' with object id '{principal.ObjectId}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.");
        }
    }

    /// <summary>Whether the principal holds any role assignment anywhere in the subscription (which makes the subscription visible to it).</summary>
    public async ValueTask<bool> HasAnyAssignmentAsync(Principal principal, string subscriptionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var assignments = (await SnapshotAsync(subscriptionId, cancellationToken).ConfigureAwait(false)).Grants;
        if (assignments.Any(a => string.Equals(a.PrincipalId, principal.ObjectId, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        var groups = await directory.GetGroupsAsync(principal, cancellationToken).ConfigureAwait(false);
        return assignments.Any(a => groups.Contains(a.PrincipalId, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Forgets what this server remembers of the subscription's assignments.</summary>
    public void Invalidate(string subscriptionId) => _bySubscription.TryRemove(subscriptionId, out _);

    private static bool AnyGrants(List<Grant> grants, ResourceScope scope, string action, bool isDataAction)
    {
        foreach (var grant in grants)
        {
            if (grant.Scope.Contains(scope) && grant.Role.Grants(action, isDataAction))
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<Snapshot> SnapshotAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_bySubscription.TryGetValue(subscriptionId, out var cached) && cached.Until > now)
        {
            return cached;
        }

        var rows = await store.ListRoleAssignmentsAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        var grants = new List<Grant>(rows.Count);
        foreach (var row in rows)
        {
            if (ResourceScope.TryParse(row.Scope, out var scope) && BuiltInRoles.Find(row.RoleDefinitionId) is { } role)
            {
                grants.Add(new Grant(scope, role, row.PrincipalId));
            }
        }

        var byPrincipal = new Dictionary<string, List<Grant>>(StringComparer.OrdinalIgnoreCase);
        foreach (var grant in grants)
        {
            if (!byPrincipal.TryGetValue(grant.PrincipalId, out var list))
            {
                byPrincipal[grant.PrincipalId] = list = [];
            }

            list.Add(grant);
        }

        var snapshot = new Snapshot(grants, byPrincipal, now + options.AccessCacheLifetime);
        _bySubscription[subscriptionId] = snapshot;
        return snapshot;
    }

    private sealed record Grant(ResourceScope Scope, RoleDefinition Role, string PrincipalId);

    private sealed record Snapshot(IReadOnlyList<Grant> Grants, Dictionary<string, List<Grant>> ByPrincipal, DateTimeOffset Until);
}
