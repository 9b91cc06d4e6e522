namespace Doppel.Storage.DataPlane;

/// <summary>The DTDL models of each instance, stored as they were uploaded.</summary>
public interface IModelStore
{
    /// <summary>
    /// Adds every model of one upload, or none: <see cref="StoreWriteOutcome.AlreadyExists"/> (with the id in
    /// <see cref="ModelAddResult.ExistingId"/>) when one is already stored, <see cref="StoreWriteOutcome.LimitReached"/>
    /// when the instance would hold more than <paramref name="maxModels"/>.
    /// </summary>
    Task<ModelAddResult> AddAsync(string instanceId, IReadOnlyList<NewModel> models, int maxModels, CancellationToken cancellationToken);

    /// <summary>Every model of the instance, in upload order.</summary>
    Task<IReadOnlyList<StoredModel>> ListAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Sets the decommissioned flag; false when there is no such model.</summary>
    Task<bool> SetDecommissionedAsync(string instanceId, string modelId, bool decommissioned, CancellationToken cancellationToken);

    /// <summary>Deletes a model; false when there is no such model.</summary>
    Task<bool> DeleteAsync(string instanceId, string modelId, CancellationToken cancellationToken);
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
/// <param name="Outcome"><see cref="StoreWriteOutcome.Written"/>, <see cref="StoreWriteOutcome.AlreadyExists"/> or <see cref="StoreWriteOutcome.LimitReached"/>.</param>
/// <param name="ExistingId">The first id that already exists, for <see cref="StoreWriteOutcome.AlreadyExists"/>.</param>
public sealed record ModelAddResult(StoreWriteOutcome Outcome, string? ExistingId = null);
