using Doppel.Storage;
using Doppel.Storage.DataPlane;
using Doppel.Storage.Sqlite;
using Doppel.Storage.Sqlite.DataPlane;

namespace Doppel.Server.Hosting;

/// <summary>The data-plane store over the engine <c>--store</c> chose.</summary>
internal static class DataPlaneStoreFactory
{
    public static IDataPlaneStore Create(IStore store) => store switch
    {
        SqliteStore sqlite => new SqliteDataPlaneStore(sqlite),
        _ => new NotImplementedDataPlaneStore(store.Engine),
    };

    /// <summary>
    /// An engine without a data-plane implementation yet: the server starts (health, readiness), and every
    /// data-plane call answers 501 NotImplemented.
    /// </summary>
    private sealed class NotImplementedDataPlaneStore(string engine) : IDataPlaneStore, IModelStore, ITwinStore, IRelationshipStore
    {
        public IModelStore Models => this;

        public ITwinStore Twins => this;

        public IRelationshipStore Relationships => this;

        public Task<ModelAddResult> AddAsync(string instanceId, IReadOnlyList<NewModel> models, int maxModels, CancellationToken cancellationToken) => throw Missing();

        public Task<IReadOnlyList<StoredModel>> ListAsync(string instanceId, CancellationToken cancellationToken) => throw Missing();

        public Task<bool> SetDecommissionedAsync(string instanceId, string modelId, bool decommissioned, CancellationToken cancellationToken) => throw Missing();

        public Task<bool> DeleteAsync(string instanceId, string modelId, CancellationToken cancellationToken) => throw Missing();

        public Task<StoredTwin?> GetAsync(string instanceId, string twinId, CancellationToken cancellationToken) => throw Missing();

        public Task<StoreWriteOutcome> WriteAsync(string instanceId, StoredTwin twin, StoreWriteMode mode, string? expectedETag, long maxTwins, CancellationToken cancellationToken) => throw Missing();

        public Task<StoreWriteOutcome> DeleteAsync(string instanceId, string twinId, string? ifMatch, CancellationToken cancellationToken) => throw Missing();

        public Task<StoredRelationship?> GetAsync(string instanceId, string sourceId, string relationshipId, CancellationToken cancellationToken) => throw Missing();

        public Task<StoreWriteOutcome> WriteAsync(string instanceId, StoredRelationship relationship, StoreWriteMode mode, string? expectedETag, RelationshipLimits limits, CancellationToken cancellationToken) => throw Missing();

        public Task<StoreWriteOutcome> DeleteAsync(string instanceId, string sourceId, string relationshipId, string? ifMatch, CancellationToken cancellationToken) => throw Missing();

        public Task<IReadOnlyList<StoredRelationship>> ListOutgoingAsync(string instanceId, string sourceId, string? name, string? afterId, int max, CancellationToken cancellationToken) => throw Missing();

        public Task<IReadOnlyList<StoredRelationship>> ListIncomingAsync(string instanceId, string targetId, RelationshipKey? after, int max, CancellationToken cancellationToken) => throw Missing();

        private NotSupportedException Missing() => new($"The data plane is not implemented on the {engine} store yet; run with --store sqlite.");
    }
}
