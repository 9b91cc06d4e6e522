using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Dtdl;
using Doppel.Dtdl.Resolution;
using Doppel.Storage.DataPlane;
using Doppel.Twins.Errors;
using Doppel.Twins.Json;

namespace Doppel.Twins.Models;

/// <summary>An instance's models: the stored rows and their resolved <see cref="ModelSet"/>, at one model version.</summary>
public sealed class InstanceModels
{
    internal InstanceModels(ModelSet set, IReadOnlyList<StoredModel> stored, long version)
    {
        Set = set;
        Stored = stored;
        Version = version;
        ById = stored.ToDictionary(m => m.Id, StringComparer.Ordinal);
    }

    /// <summary>The instance's model version these models are (<see cref="IModelStore.GetVersionAsync"/>).</summary>
    public long Version { get; }

    /// <summary>Every stored Interface, resolved.</summary>
    public ModelSet Set { get; }

    /// <summary>The stored rows in upload order.</summary>
    public IReadOnlyList<StoredModel> Stored { get; }

    /// <summary>The stored rows by DTMI.</summary>
    public IReadOnlyDictionary<string, StoredModel> ById { get; }
}

/// <summary>One page of models.</summary>
/// <param name="Items">The models of this page.</param>
/// <param name="NextAfter">The sequence number to continue after, or null on the last page.</param>
public sealed record ModelPage(IReadOnlyList<StoredModel> Items, long? NextAfter);

/// <summary>
/// The models API: uploads validated with Doppel.Dtdl against the instance's stored models, listing, decommissioning
/// and deletion. The resolved model set of each instance is cached with its model version; every use first reads
/// the stored version (one primary-key lookup) and loads the models again when another server changed them, so a
/// model change made through any server is seen by the next request to every server. Changes are validated
/// against the cached models and committed only if the version is still theirs (optimistic concurrency): two
/// servers cannot commit model changes that are each valid but not together.
/// </summary>
public sealed class ModelService(IDataPlaneStore store, DtdlParser parser, TimeProvider timeProvider, DataPlaneLimits limits)
{
    private readonly ConcurrentDictionary<string, InstanceModels> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private const int MaxAttempts = 20;

    /// <summary>The limits this service applies.</summary>
    public DataPlaneLimits Limits => limits;

    /// <summary>The instance's models, resolved: the cached ones when the stored model version is still theirs.</summary>
    public async Task<InstanceModels> GetModelsAsync(string instanceId, CancellationToken cancellationToken)
    {
        var version = await store.Models.GetVersionAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (_cache.TryGetValue(instanceId, out var cached) && cached.Version == version)
        {
            return cached;
        }

        var gate = Lock(instanceId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have loaded them while this one waited.
            return _cache.TryGetValue(instanceId, out cached) && cached.Version >= version
                ? cached
                : await LoadAsync(instanceId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Validates and stores one upload (a JSON array of Interfaces); all or nothing.</summary>
    public async Task<IReadOnlyList<StoredModel>> AddAsync(string instanceId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var upload = ParseUpload(body);
        var root = upload.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw AdtErrors.InvalidArgument("The request body must be a JSON array of DTDL Interfaces.");
        }

        var count = root.GetArrayLength();
        if (count == 0)
        {
            throw AdtErrors.InvalidArgument("The request body must contain at least one DTDL Interface.");
        }

        if (count > limits.MaxModelsPerUpload)
        {
            throw AdtErrors.LimitExceeded(string.Create(CultureInfo.InvariantCulture,
                $"The upload has {count} models; at most {limits.MaxModelsPerUpload} can be added in one request."));
        }

        // Each model is kept exactly as it was sent: its own slice of the request body.
        var documents = new List<DtdlDocument>(count);
        var ids = new List<string?>(count);
        var i = 0;
        foreach (var element in root.EnumerateArray())
        {
            documents.Add(DtdlDocument.FromText(string.Create(CultureInfo.InvariantCulture, $"models[{i++}]"), element.GetRawText()));
            ids.Add(element.ValueKind == JsonValueKind.Object && element.TryGetProperty("@id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null);
        }

        var gate = Lock(instanceId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var current = await CurrentAsync(instanceId, cancellationToken).ConfigureAwait(false);
                foreach (var id in ids)
                {
                    if (id is not null && current.ById.ContainsKey(id))
                    {
                        throw AdtErrors.ModelAlreadyExists(id);
                    }
                }

                var result = parser.Parse(documents, current.Set, cancellationToken);
                if (!result.IsValid || result.Models is null)
                {
                    throw AdtErrors.DtdlInvalid([.. result.Diagnostics.Select(ToDetail)]);
                }

                var now = timeProvider.GetUtcNow();
                var newModels = new List<NewModel>(result.Models.Uploaded.Count);
                for (var d = 0; d < ids.Count; d++)
                {
                    if (ids[d] is { } id)
                    {
                        var definition = Encoding.UTF8.GetString(documents[d].Utf8.Span);
                        if (Encoding.UTF8.GetByteCount(definition) > limits.MaxModelBytes)
                        {
                            throw AdtErrors.DtdlInvalid([new AdtErrorDetail(AdtErrorCodes.DtdlParserError,
                                string.Create(CultureInfo.InvariantCulture, $"{documents[d].Name}: the model {id} is larger than {limits.MaxModelBytes} bytes."))]);
                        }

                        var info = result.Models.Interfaces[id];
                        newModels.Add(new NewModel(id, definition, LanguageMap(info.DisplayName), LanguageMap(info.Description), now));
                    }
                }

                var added = await store.Models.AddAsync(instanceId, newModels, limits.MaxModelsPerInstance, current.Version, cancellationToken).ConfigureAwait(false);
                switch (added.Outcome)
                {
                    case StoreWriteOutcome.PreconditionFailed:
                        continue; // Another server changed the models: validate against them again.
                    case StoreWriteOutcome.AlreadyExists:
                        _cache.TryRemove(instanceId, out _);
                        throw AdtErrors.ModelAlreadyExists(added.ExistingId ?? newModels[0].Id);
                    case StoreWriteOutcome.LimitReached:
                        throw AdtErrors.LimitExceeded(string.Create(CultureInfo.InvariantCulture,
                            $"The instance can hold at most {limits.MaxModelsPerInstance} models."));
                }

                // The version was the one validated against, so the stored models are exactly these.
                var stored = newModels.Select((m, i) => new StoredModel(m.Id, added.FirstSequence + i, m.Definition, m.DisplayName, m.Description, m.UploadTime, false)).ToList();
                var models = new InstanceModels(result.Models, [.. current.Stored, .. stored], added.Version);
                _cache[instanceId] = models;
                return stored;
            }

            throw Busy();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>One page of the instance's models, optionally only those <paramref name="dependenciesFor"/> need.</summary>
    public async Task<ModelPage> ListAsync(string instanceId, IReadOnlyList<string> dependenciesFor, long? after, int? maxItems, CancellationToken cancellationToken)
    {
        if (dependenciesFor.Count > limits.MaxDependenciesFor)
        {
            throw AdtErrors.LimitExceeded(string.Create(CultureInfo.InvariantCulture,
                $"dependenciesFor names {dependenciesFor.Count} models; at most {limits.MaxDependenciesFor} are allowed."));
        }

        var models = await GetModelsAsync(instanceId, cancellationToken).ConfigureAwait(false);
        IEnumerable<StoredModel> selected = models.Stored;
        if (dependenciesFor.Count > 0)
        {
            var missing = dependenciesFor.Where(id => !models.ById.ContainsKey(id)).ToList();
            if (missing.Count > 0)
            {
                throw AdtErrors.ModelNotFound(string.Join(", ", missing));
            }

            var needed = Dependencies(models.Set, dependenciesFor);
            selected = selected.Where(m => needed.Contains(m.Id));
        }

        var size = Math.Clamp(maxItems ?? limits.ModelsPageSize, 1, limits.ModelsPageSize);
        var page = selected.Where(m => after is null || m.Sequence > after).Take(size + 1).ToList();
        return page.Count > size ? new ModelPage(page[..size], page[size - 1].Sequence) : new ModelPage(page, null);
    }

    /// <summary>One model.</summary>
    public async Task<StoredModel> GetAsync(string instanceId, string modelId, CancellationToken cancellationToken)
    {
        CheckModelId(modelId);
        var models = await GetModelsAsync(instanceId, cancellationToken).ConfigureAwait(false);
        return models.ById.TryGetValue(modelId, out var model) ? model : throw AdtErrors.ModelNotFound(modelId);
    }

    /// <summary>
    /// Applies a model JSON Patch: only <c>replace /decommissioned</c> with a boolean is allowed. Decommissioning a
    /// model that models not decommissioned extend or use as a component is <c>ModelReferencesNotDecommissioned</c>.
    /// </summary>
    public async Task UpdateAsync(string instanceId, string modelId, ReadOnlyMemory<byte> patch, CancellationToken cancellationToken)
    {
        CheckModelId(modelId);
        var operations = JsonPatch.Parse(patch, limits.MaxJsonDepth);
        bool? decommissioned = null;
        foreach (var operation in operations)
        {
            if (operation.Op != "replace" || operation.Tokens is not ["decommissioned"])
            {
                throw AdtErrors.PatchInvalid($"Only 'replace' of '/decommissioned' is supported on models, not '{operation.Op}' of '{operation.Path}'.");
            }

            if (operation.Value is not JsonValue value || value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw AdtErrors.PatchInvalid("The value of '/decommissioned' must be true or false.");
            }

            decommissioned = value.GetValue<bool>();
        }

        if (decommissioned is null)
        {
            throw AdtErrors.PatchInvalid("The patch document has no operation.");
        }

        var gate = Lock(instanceId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var current = await CurrentAsync(instanceId, cancellationToken).ConfigureAwait(false);
                if (!current.ById.TryGetValue(modelId, out var model))
                {
                    throw AdtErrors.ModelNotFound(modelId);
                }

                // A model still in use by models that can be used for new twins stays usable (decommissioning an
                // already decommissioned model changes nothing and is not refused).
                if (decommissioned.Value && !model.Decommissioned)
                {
                    var inUse = ReferencesTo(current, modelId).Where(id => !current.ById[id].Decommissioned).ToList();
                    if (inUse.Count > 0)
                    {
                        throw AdtErrors.ModelReferencesNotDecommissioned(modelId, inUse);
                    }
                }

                var written = await store.Models.SetDecommissionedAsync(instanceId, modelId, decommissioned.Value, current.Version, cancellationToken).ConfigureAwait(false);
                switch (written.Outcome)
                {
                    case StoreWriteOutcome.Written:
                        var stored = current.Stored.Select(m => m.Id == modelId ? m with { Decommissioned = decommissioned.Value } : m).ToList();
                        _cache[instanceId] = new InstanceModels(current.Set, stored, written.Version);
                        return;
                    case StoreWriteOutcome.NotFound:
                        throw AdtErrors.ModelNotFound(modelId);
                    case StoreWriteOutcome.PreconditionFailed:
                        continue;
                    default:
                        throw new InvalidOperationException($"Unexpected store outcome {written.Outcome}.");
                }
            }

            throw Busy();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Deletes a model that no other model extends or uses as a component.</summary>
    public async Task DeleteAsync(string instanceId, string modelId, CancellationToken cancellationToken)
    {
        CheckModelId(modelId);
        var gate = Lock(instanceId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var models = await CurrentAsync(instanceId, cancellationToken).ConfigureAwait(false);
                if (!models.ById.ContainsKey(modelId))
                {
                    throw AdtErrors.ModelNotFound(modelId);
                }

                var referencedBy = ReferencesTo(models, modelId).ToList();
                if (referencedBy.Count > 0)
                {
                    throw AdtErrors.ModelReferencesNotDeleted(modelId, referencedBy);
                }

                var deleted = await store.Models.DeleteAsync(instanceId, modelId, models.Version, cancellationToken).ConfigureAwait(false);
                switch (deleted.Outcome)
                {
                    case StoreWriteOutcome.Written:
                        // The models without this one are loaded again on next use: resolving them needs the parser.
                        _cache.TryRemove(instanceId, out _);
                        return;
                    case StoreWriteOutcome.NotFound:
                        throw AdtErrors.ModelNotFound(modelId);
                    case StoreWriteOutcome.PreconditionFailed:
                        continue;
                    default:
                        throw new InvalidOperationException($"Unexpected store outcome {deleted.Outcome}.");
                }
            }

            throw Busy();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Writes a model as ADT's <c>DigitalTwinsModelData</c>.</summary>
    public static JsonObject ToJson(StoredModel model, bool includeDefinition)
    {
        var json = new JsonObject { ["id"] = model.Id };
        if (model.DisplayName is not null)
        {
            json["displayName"] = JsonNode.Parse(model.DisplayName);
        }

        if (model.Description is not null)
        {
            json["description"] = JsonNode.Parse(model.Description);
        }

        json["uploadTime"] = WireFormat.Timestamp(model.UploadTime);
        json["decommissioned"] = model.Decommissioned;
        if (includeDefinition)
        {
            json["model"] = JsonNode.Parse(model.Definition);
        }

        return json;
    }

    /// <summary>The DTMIs <paramref name="roots"/> depend on: themselves, their ancestors and component schemas, transitively.</summary>
    internal static HashSet<string> Dependencies(ModelSet set, IEnumerable<string> roots)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(roots);
        while (queue.TryDequeue(out var id))
        {
            if (!seen.Add(id) || !set.TryGetInterface(id, out var info))
            {
                continue;
            }

            foreach (var ancestor in info.Ancestors)
            {
                queue.Enqueue(ancestor);
            }

            foreach (var component in info.Components.Values)
            {
                queue.Enqueue(component.Schema);
            }
        }

        return seen;
    }

    private static void CheckModelId(string modelId)
    {
        if (!Dtmi.TryParse(modelId, out _))
        {
            throw AdtErrors.InvalidArgument($"The model id '{modelId}' is not a valid DTMI.");
        }
    }

    private static AdtErrorDetail ToDetail(Doppel.Diagnostics.Diagnostic diagnostic)
    {
        var where = diagnostic.Location is null ? string.Empty : diagnostic.Location + ": ";
        var element = diagnostic.ElementId is null ? string.Empty : $" (element {diagnostic.ElementId}{(diagnostic.Property is null ? string.Empty : ", property " + diagnostic.Property)})";
        return new AdtErrorDetail(AdtErrorCodes.DtdlParserError, $"{where}{diagnostic.Message}{element} [{diagnostic.Code}]");
    }

    private static string? LanguageMap(IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            return null;
        }

        var json = new JsonObject();
        foreach (var (language, text) in map)
        {
            json[language] = text;
        }

        return json.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions);
    }

    private static JsonDocument ParseUpload(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            throw AdtErrors.MalformedJson(AdtErrorCodes.DtdlParserError, "the body is empty.");
        }

        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw AdtErrors.MalformedJson(AdtErrorCodes.DtdlParserError, ex.Message);
        }
    }

    private SemaphoreSlim Lock(string instanceId) => _locks.GetOrAdd(instanceId, _ => new SemaphoreSlim(1, 1));

    private static AdtException Busy() => new(AdtErrorKind.Unavailable, AdtErrorCodes.ServiceUnavailable,
        "The models of this instance are being changed by many requests at once; try again.");

    /// <summary>The models other than <paramref name="modelId"/> that extend it or use it as a component schema, by id.</summary>
    private static IEnumerable<string> ReferencesTo(InstanceModels models, string modelId) =>
        models.Set.Interfaces.Values
            .Where(i => i.Id != modelId && (i.Extends.Contains(modelId) || i.Components.Values.Any(c => c.Schema == modelId)))
            .Select(i => i.Id)
            .Order(StringComparer.Ordinal);

    /// <summary>The current models, with the gate held: the cached ones if the stored version is still theirs.</summary>
    private async Task<InstanceModels> CurrentAsync(string instanceId, CancellationToken cancellationToken)
    {
        var version = await store.Models.GetVersionAsync(instanceId, cancellationToken).ConfigureAwait(false);
        return _cache.TryGetValue(instanceId, out var cached) && cached.Version == version
            ? cached
            : await LoadAsync(instanceId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads and resolves the stored models, with the gate held, and caches them.</summary>
    private async Task<InstanceModels> LoadAsync(string instanceId, CancellationToken cancellationToken)
    {
        // The version first: the list read after it holds at least that version's changes. Should it hold a later
        // one too, the next use sees a newer version and loads again.
        var version = await store.Models.GetVersionAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var stored = await store.Models.ListAsync(instanceId, cancellationToken).ConfigureAwait(false);
        ModelSet set;
        if (stored.Count == 0)
        {
            set = ModelSet.Empty;
        }
        else
        {
            var documents = stored.Select(m => DtdlDocument.FromText(m.Id, m.Definition)).ToList();
            var result = parser.Parse(documents, null, cancellationToken);
            set = result.Models ?? throw new InvalidOperationException(
                $"The stored models of instance {instanceId} no longer validate: {string.Join("; ", result.Diagnostics.Take(3).Select(d => d.ToString()))}");
        }

        var models = new InstanceModels(set, stored, version);
        _cache[instanceId] = models;
        return models;
    }
}
