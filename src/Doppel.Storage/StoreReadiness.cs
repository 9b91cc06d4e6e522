namespace Doppel.Storage;

/// <summary>The answer of a readiness check.</summary>
/// <param name="IsReady">Whether the store answered and its schema is at the expected version.</param>
/// <param name="SchemaVersion">The highest applied migration, or <see langword="null"/> when it could not be read.</param>
/// <param name="ExpectedSchemaVersion">The highest migration this build knows.</param>
/// <param name="Reason">Why the store is not ready; <see langword="null"/> when it is.</param>
public sealed record StoreReadiness(bool IsReady, int? SchemaVersion, int ExpectedSchemaVersion, string? Reason)
{
    /// <summary>A ready answer at the given version.</summary>
    public static StoreReadiness Ready(int version) => new(true, version, version, null);

    /// <summary>A not-ready answer with its reason.</summary>
    public static StoreReadiness NotReady(int? version, int expected, string reason) =>
        new(false, version, expected, reason);
}
