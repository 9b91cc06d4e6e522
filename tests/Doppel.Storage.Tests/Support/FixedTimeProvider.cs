namespace Doppel.Storage.Tests.Support;

/// <summary>A clock that always shows one time, whole seconds, so every engine stores it exactly.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public static readonly DateTimeOffset Default = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    public FixedTimeProvider()
        : this(Default)
    {
    }

    public DateTimeOffset Now { get; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
