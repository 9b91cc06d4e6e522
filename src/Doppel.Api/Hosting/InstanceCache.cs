using System.Collections.Concurrent;
using Doppel.Storage;

namespace Doppel.Api.Hosting;

/// <summary>
/// The instances the data plane has resolved by name, remembered for <see cref="Lifetime"/> so that an instance
/// deleted by another server stops answering here soon after; one deleted through this server is forgotten at once.
/// </summary>
public sealed class InstanceCache(IInstanceStore instances, TimeProvider time)
{
    /// <summary>How long a resolved instance is remembered.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (InstanceRecord Instance, DateTimeOffset Until)> _known = new(StringComparer.Ordinal);

    /// <summary>The instance with this name, or <see langword="null"/>.</summary>
    public async ValueTask<InstanceRecord?> FindAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.ToLowerInvariant();
        var now = time.GetUtcNow();
        if (_known.TryGetValue(key, out var known) && known.Until > now)
        {
            return known.Instance;
        }

        var found = await instances.FindByNameAsync(key, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            _known.TryRemove(key, out _);
        }
        else
        {
            _known[key] = (found, now + Lifetime);
        }

        return found;
    }

    /// <summary>Forgets an instance (by lower-case name).</summary>
    public void Forget(string name) => _known.TryRemove(name, out _);
}
