using System.Collections.Concurrent;

namespace Doppel.Api.Authentication;

/// <summary>
/// What the authentication code remembers about a token, by its exact text: kept until a given time, at most
/// <see cref="MaxAge"/> from when it was remembered, and at most <see cref="MaxEntries"/> at once (beyond that the
/// memory starts over). Shared by the token handler's and the data plane's caches, which must expire alike.
/// </summary>
internal sealed class ExpiringMemory<T>
    where T : class
{
    /// <summary>How long anything is remembered at most.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>How many entries are remembered at most.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (T Value, DateTimeOffset Until)> entries = new(StringComparer.Ordinal);

    /// <summary>The value remembered for <paramref name="key"/> if it is still valid at <paramref name="now"/>; an expired one is forgotten.</summary>
    public T? Find(string? key, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(key) || !entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.Until > now)
        {
            return entry.Value;
        }

        entries.TryRemove(key, out _);
        return null;
    }

    /// <summary>The time until which something that expires at <paramref name="expires"/> is kept, remembered at <paramref name="now"/>.</summary>
    public static DateTimeOffset KeptUntil(DateTimeOffset expires, DateTimeOffset now) => expires < now + MaxAge ? expires : now + MaxAge;

    /// <summary>Remembers <paramref name="value"/> for <paramref name="key"/> until <paramref name="until"/>.</summary>
    public void Remember(string key, T value, DateTimeOffset until)
    {
        if (entries.Count >= MaxEntries)
        {
            entries.Clear();
        }

        entries[key] = (value, until);
    }
}
