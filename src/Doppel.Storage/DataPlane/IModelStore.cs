namespace Doppel.Storage.DataPlane;

/// <summary>
/// The DTDL models of each instance, stored as they were uploaded, and the instance's model version: a number that
/// every committed model change (add, decommission, delete) raises by one in its own transaction, so that a
/// server that caches the resolved models can tell cheaply whether another server changed them.
/// </summary>
/// <remarks>
/// The writes take an expected version: a server validates a change against the models it has (an upload against
/// the models it extends, a delete against the models that refer to it) and the store refuses the change with
/// <see cref="StoreWriteOutcome.PreconditionFailed"/> when the models changed in between, so that two servers
/// cannot commit changes that are each valid but not together. <c>null</c> skips the check.
/// </remarks>
public interface IModelStore
{
    /// <summary>The instance's model version: 0 before its first model change.</summary>
    Task<long> GetVersionAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// Adds every model of one upload, or none: <see cref="StoreWriteOutcome.PreconditionFailed"/> when the model
    /// version is not <paramref name="expectedVersion"/>, <see cref="StoreWriteOutcome.AlreadyExists"/> (with the id
    /// in <see cref="ModelAddResult.ExistingId"/>) when one is already stored, <see cref="StoreWriteOutcome.LimitReached"/>
    /// when the instance would hold more than <paramref name="maxModels"/>.
    /// </summary>
    Task<ModelAddResult> AddAsync(string instanceId, IReadOnlyList<NewModel> models, int maxModels, long? expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Every model of the instance, in upload order. A change committed while the list is read may or may not be
    /// in it: read <see cref="GetVersionAsync"/> first, and the list is at least that version.
    /// </summary>
    Task<IReadOnlyList<StoredModel>> ListAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the decommissioned flag: <see cref="StoreWriteOutcome.NotFound"/> when there is no such model,
    /// <see cref="StoreWriteOutcome.PreconditionFailed"/> when the model version is not <paramref name="expectedVersion"/>.
    /// </summary>
    Task<ModelWriteResult> SetDecommissionedAsync(string instanceId, string modelId, bool decommissioned, long? expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a model: <see cref="StoreWriteOutcome.NotFound"/> when there is no such model,
    /// <see cref="StoreWriteOutcome.PreconditionFailed"/> when the model version is not <paramref name="expectedVersion"/>.
    /// </summary>
    Task<ModelWriteResult> DeleteAsync(string instanceId, string modelId, long? expectedVersion, CancellationToken cancellationToken);
}

/// <summary>A model to add.</summary>
/// <param name="Id">The Interface's DTMI.</param>
/// <param name="Definition">The DTDL JSON exactly as uploaded.</param>
/// <param name="DisplayName">The display name as a JSON language map, or null.</param>
/// <param name="Description">The description as a JSON language map, or null.</param>
/// <param name="UploadTime">When it was uploaded.</param>
public sealed record NewModel(string Id, string Definition, string? DisplayName, string? Description, DateTimeOffset UploadTime);

/// <summary>A stored model.</summary>
/// <param name="Id">The Interface's DTMI.</param>
/// <param name="Sequence">Its position in the instance's upload order; increases, never reused.</param>
/// <param name="Definition">The DTDL JSON exactly as uploaded.</param>
/// <param name="DisplayName">The display name as a JSON language map, or null.</param>
/// <param name="Description">The description as a JSON language map, or null.</param>
/// <param name="UploadTime">When it was uploaded.</param>
/// <param name="Decommissioned">Whether it is decommissioned.</param>
public sealed record StoredModel(string Id, long Sequence, string Definition, string? DisplayName, string? Description, DateTimeOffset UploadTime, bool Decommissioned);

/// <summary>What <see cref="IModelStore.AddAsync"/> did.</summary>
/// <param name="Outcome"><see cref="StoreWriteOutcome.Written"/>, <see cref="StoreWriteOutcome.PreconditionFailed"/>, <see cref="StoreWriteOutcome.AlreadyExists"/> or <see cref="StoreWriteOutcome.LimitReached"/>.</param>
/// <param name="ExistingId">The first id that already exists, for <see cref="StoreWriteOutcome.AlreadyExists"/>.</param>
/// <param name="Version">The model version after the upload (the current one when nothing was added).</param>
/// <param name="FirstSequence">The <see cref="StoredModel.Sequence"/> of the first added model; the others follow it one by one, in upload order.</param>
public sealed record ModelAddResult(StoreWriteOutcome Outcome, string? ExistingId = null, long Version = 0, long FirstSequence = 0);

/// <summary>What a decommission or delete did.</summary>
/// <param name="Outcome"><see cref="StoreWriteOutcome.Written"/>, <see cref="StoreWriteOutcome.NotFound"/> or <see cref="StoreWriteOutcome.PreconditionFailed"/>.</param>
/// <param name="Version">The model version after the change (the current one when nothing changed).</param>
public sealed record ModelWriteResult(StoreWriteOutcome Outcome, long Version);
