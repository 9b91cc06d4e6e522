namespace Doppel.Storage;

/// <summary>
/// The Digital Twins instances hosted by this server. Until the control plane exists, instances are created by
/// the server's <c>--instance</c> option.
/// </summary>
public interface IInstanceStore
{
    /// <summary>
    /// Returns the instance with this name, creating it first when there is none. Names are compared without
    /// regard to case, as ARM resource names are, and stored in lower case.
    /// </summary>
    /// <exception cref="ArgumentException">The name breaks <see cref="InstanceName.IsValid"/>.</exception>
    Task<InstanceRecord> EnsureAsync(string name, CancellationToken cancellationToken);

    /// <summary>The instance with this name, or <see langword="null"/>.</summary>
    Task<InstanceRecord?> FindByNameAsync(string name, CancellationToken cancellationToken);

    /// <summary>All instances, ordered by name.</summary>
    Task<IReadOnlyList<InstanceRecord>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>One hosted Digital Twins instance.</summary>
/// <param name="Id">
/// The stable key every per-instance table starts with (DESIGN.md: shardable by this key). Generated once and
/// never reused.
/// </param>
/// <param name="Name">The instance name in lower case; unique on this server.</param>
/// <param name="CreatedAt">When the instance was created.</param>
public sealed record InstanceRecord(string Id, string Name, DateTimeOffset CreatedAt);
