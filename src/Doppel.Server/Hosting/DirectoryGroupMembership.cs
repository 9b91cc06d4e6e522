using System.Collections.Concurrent;
using Doppel.Identity.Directory;
using Doppel.Management;
using Doppel.Management.Access;

namespace Doppel.Server.Hosting;

/// <summary>
/// Group membership for access decisions from the identity plane's directory: the groups of the token's tenant that
/// hold the caller, directly or through other groups (transitively), together with whatever the token's own
/// <c>groups</c> claim names (an external issuer's groups, which the directory does not know). A tenant's groups are
/// read once and remembered for <see cref="ManagementOptions.AccessCacheLifetime"/>; a membership change made through
/// this server forgets them at once, so a removed member loses access at once here and within that lifetime on other
/// servers sharing the database.
/// </summary>
internal sealed class DirectoryGroupMembership : IPrincipalDirectory
{
    private readonly DirectoryService _directory;
    private readonly ManagementOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Snapshot> _byTenant = new(StringComparer.OrdinalIgnoreCase);
    private long _generation;

    public DirectoryGroupMembership(DirectoryService directory, ManagementOptions options, TimeProvider time)
    {
        _directory = directory;
        _options = options;
        _time = time;
        directory.MembershipChanged += Forget;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyCollection<string>> GetGroupsAsync(Principal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.TenantId is not { Length: > 0 } tenant)
        {
            return principal.TokenGroups;
        }

        var snapshot = await SnapshotAsync(tenant, cancellationToken).ConfigureAwait(false);
        var fromDirectory = snapshot.GroupsOf(principal.ObjectId);
        if (principal.TokenGroups.Count == 0)
        {
            return fromDirectory;
        }

        var all = new HashSet<string>(fromDirectory, StringComparer.OrdinalIgnoreCase);
        all.UnionWith(principal.TokenGroups);
        return all;
    }

    /// <summary>Forgets every tenant's membership (a change is rare; reading a tenant's groups again is cheap).</summary>
    public void Forget(string tenantId)
    {
        Interlocked.Increment(ref _generation);
        _byTenant.TryRemove(tenantId, out _);
    }

    private async ValueTask<Snapshot> SnapshotAsync(string tenant, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var generation = Interlocked.Read(ref _generation);
        if (_byTenant.TryGetValue(tenant, out var cached) && cached.Until > now && cached.Generation == generation)
        {
            return cached;
        }

        var groups = await _directory.ListGroupsAsync(tenant, cancellationToken).ConfigureAwait(false);
        var parents = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in groups)
        {
            foreach (var member in group.Members)
            {
                if (!parents.TryGetValue(member, out var list))
                {
                    parents[member] = list = [];
                }

                list.Add(group.Id.ToLowerInvariant());
            }
        }

        var snapshot = new Snapshot(parents, now + _options.AccessCacheLifetime, generation);

        // A change that happened while the groups were read makes this snapshot stale: use it for this request only.
        if (Interlocked.Read(ref _generation) == generation)
        {
            _byTenant[tenant] = snapshot;
        }

        return snapshot;
    }

    private sealed class Snapshot(Dictionary<string, List<string>> parents, DateTimeOffset until, long generation)
    {
        private readonly ConcurrentDictionary<string, IReadOnlyCollection<string>> _closures = new(StringComparer.OrdinalIgnoreCase);

        public DateTimeOffset Until { get; } = until;

        public long Generation { get; } = generation;

        /// <summary>The groups holding <paramref name="objectId"/>, directly or through nested groups (cycles are harmless).</summary>
        public IReadOnlyCollection<string> GroupsOf(string objectId) => _closures.GetOrAdd(objectId, Closure);

        private IReadOnlyCollection<string> Closure(string objectId)
        {
            if (!parents.ContainsKey(objectId))
            {
                return [];
            }

            var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var pending = new Stack<string>();
            pending.Push(objectId);
            while (pending.TryPop(out var current))
            {
                if (!parents.TryGetValue(current, out var direct))
                {
                    continue;
                }

                foreach (var group in direct)
                {
                    if (found.Add(group))
                    {
                        pending.Push(group);
                    }
                }
            }

            return found;
        }
    }
}
