using Doppel.Storage.DataPlane;

namespace Doppel.Storage.Identity;

/// <summary>
/// The identity plane's directory: tenants, users, groups, app registrations, service principals, permission
/// grants and the token service's keys, each a JSON document of one <see cref="DirectoryObject.Kind"/> under a
/// tenant id (server-wide objects such as tenants and keys use <see cref="DirectoryObject.ServerScope"/>). The
/// store keeps keys unique, names unique per tenant and kind, and changes optimistic through a version number;
/// the rules of what a document holds live in Doppel.Identity.
/// </summary>
public interface IDirectoryStore
{
    /// <summary>
    /// Creates <paramref name="directoryObject"/> with version 1. <see cref="StoreWriteOutcome.AlreadyExists"/> when
    /// its id, or its unique name among the tenant's objects of its kind, is taken.
    /// </summary>
    Task<StoreWriteOutcome> CreateAsync(DirectoryObject directoryObject, CancellationToken cancellationToken);

    /// <summary>The object with this id, or <see langword="null"/>.</summary>
    Task<DirectoryObject?> FindAsync(string tenantId, string kind, string id, CancellationToken cancellationToken);

    /// <summary>The object with this unique name (compared without regard to case), or <see langword="null"/>.</summary>
    Task<DirectoryObject?> FindByNameAsync(string tenantId, string kind, string uniqueName, CancellationToken cancellationToken);

    /// <summary>The tenant's objects of a kind, ordered by id.</summary>
    Task<IReadOnlyList<DirectoryObject>> ListAsync(string tenantId, string kind, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the document and unique name of an existing object whose version is <paramref name="expectedVersion"/>,
    /// raising the version by one. <see cref="StoreWriteOutcome.NotFound"/>, <see cref="StoreWriteOutcome.PreconditionFailed"/>
    /// (another version) or <see cref="StoreWriteOutcome.AlreadyExists"/> (the new unique name is taken).
    /// </summary>
    Task<StoreWriteOutcome> ReplaceAsync(DirectoryObject directoryObject, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Deletes an object; <see cref="StoreWriteOutcome.NotFound"/> when there is none.</summary>
    Task<StoreWriteOutcome> DeleteAsync(string tenantId, string kind, string id, CancellationToken cancellationToken);
}

/// <summary>One object of the directory.</summary>
/// <param name="TenantId">The tenant it belongs to, or <see cref="ServerScope"/>.</param>
/// <param name="Kind">What it is, such as <c>user</c> or <c>application</c>.</param>
/// <param name="Id">Its id, unique among the tenant's objects of its kind.</param>
/// <param name="UniqueName">A name unique among the tenant's objects of its kind (a user principal name, an app id), stored in lower case; or null.</param>
/// <param name="Document">The object as JSON.</param>
/// <param name="Version">Raised by one with every change; 1 after creation.</param>
public sealed record DirectoryObject(string TenantId, string Kind, string Id, string? UniqueName, string Document, long Version = 1)
{
    /// <summary>The tenant id of server-wide objects (tenants themselves, signing keys).</summary>
    public const string ServerScope = "-";

    /// <summary>How unique names are compared and stored.</summary>
    public static string? Normalize(string? uniqueName) => uniqueName?.ToLowerInvariant();
}
