using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Dtdl.Resolution;
using Doppel.Storage.DataPlane;
using Doppel.Twins.Errors;
using Doppel.Twins.Events;
using Doppel.Twins.Json;
using Doppel.Twins.Models;

namespace Doppel.Twins.Twins;

/// <summary>A component as GET returns it, with the twin's ETag.</summary>
/// <param name="ETag">The twin's ETag.</param>
/// <param name="Document">The component's JSON.</param>
public sealed record ComponentResult(string ETag, string Document);

/// <summary>
/// Digital twins and their components: create or replace, read, JSON Patch with ETags, delete, each validated
/// against the twin's resolved model.
/// </summary>
public sealed class TwinService(IDataPlaneStore store, ModelService models, TimeProvider timeProvider, DataPlaneLimits limits)
{
    private const int MaxAttempts = 20;
    private readonly TwinDocumentBuilder _builder = new(limits);

    /// <summary>The limits this service applies.</summary>
    public DataPlaneLimits Limits => limits;

    /// <summary>Reads a twin.</summary>
    public async Task<StoredTwin> GetAsync(string instanceId, string twinId, CancellationToken cancellationToken)
    {
        CheckId(twinId, "twin", limits);
        return await store.Twins.GetAsync(instanceId, twinId, cancellationToken).ConfigureAwait(false)
            ?? throw AdtErrors.TwinNotFound(twinId);
    }

    /// <summary>Creates or replaces a twin; <c>If-None-Match: *</c> makes it create-only.</summary>
    public async Task<StoredTwin> PutAsync(string instanceId, string twinId, ReadOnlyMemory<byte> body, string? ifNoneMatch, CancellationToken cancellationToken)
    {
        CheckId(twinId, "twin", limits);
        if (ifNoneMatch is not null && ifNoneMatch.Trim() != "*")
        {
            throw AdtErrors.InvalidIfNoneMatch();
        }

        if (WireFormat.ParseBody(body, limits.MaxJsonDepth, AdtErrorCodes.InvalidArgument) is not JsonObject twin)
        {
            throw AdtErrors.InvalidArgument("The twin must be a JSON object.");
        }

        var modelId = ModelIdOf(twin);
        var instanceModels = await models.GetModelsAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var model = ResolveModel(instanceModels, modelId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var existing = await store.Twins.GetAsync(instanceId, twinId, cancellationToken).ConfigureAwait(false);
            if (existing is not null && ifNoneMatch is not null)
            {
                throw AdtErrors.PreconditionFailed("digital twin " + twinId);
            }

            if (existing is null && instanceModels.ById[model.Id].Decommissioned)
            {
                throw AdtErrors.ModelDecommissioned(model.Id);
            }

            var now = ChangeEvents.Now(timeProvider);
            var etag = WireFormat.NewETag();
            var document = _builder.Build(twinId, etag, twin, model, instanceModels.Set, null, null, now);
            var stored = new StoredTwin(twinId, model.Id, etag, document.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions));

            // Create or replace what was read, so that the event says which it was; a twin created or changed
            // in between is read again.
            var outcome = existing is null
                ? await store.Twins.WriteAsync(instanceId, stored, StoreWriteMode.CreateOnly, null, limits.MaxTwinsPerInstance,
                    ChangeEvents.TwinCreated(twinId, stored.Document, now), cancellationToken).ConfigureAwait(false)
                : await store.Twins.WriteAsync(instanceId, stored, StoreWriteMode.ReplaceIfMatch, existing.ETag, limits.MaxTwinsPerInstance,
                    ChangeEvents.TwinUpdated(twinId, model.Id, ChangeEvents.TwinDiff((JsonObject)JsonNode.Parse(existing.Document)!, document), now),
                    cancellationToken).ConfigureAwait(false);
            switch (outcome)
            {
                case StoreWriteOutcome.Written:
                    return stored;
                case StoreWriteOutcome.PreconditionFailed when ifNoneMatch is not null:
                    throw AdtErrors.PreconditionFailed("digital twin " + twinId);
                case StoreWriteOutcome.PreconditionFailed or StoreWriteOutcome.NotFound:
                    continue;
                case StoreWriteOutcome.LimitReached:
                    throw new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.TwinLimitReached,
                        string.Create(CultureInfo.InvariantCulture, $"The instance already holds {limits.MaxTwinsPerInstance} twins, its limit."));
                default:
                    throw new InvalidOperationException($"Unexpected store outcome {outcome}.");
            }
        }

        throw Busy(twinId);
    }

    /// <summary>Applies a JSON Patch to a twin (or, with <paramref name="component"/>, to one of its components).</summary>
    public async Task<StoredTwin> PatchAsync(string instanceId, string twinId, ReadOnlyMemory<byte> patch, string? ifMatch, CancellationToken cancellationToken, string? component = null)
    {
        CheckId(twinId, "twin", limits);
        var operations = JsonPatch.Parse(patch, limits.MaxJsonDepth);
        var specificETag = ifMatch is not null && !WireFormat.IsWildcard(ifMatch);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await store.Twins.GetAsync(instanceId, twinId, cancellationToken).ConfigureAwait(false)
                ?? throw AdtErrors.TwinNotFound(twinId);
            if (ifMatch is not null && !WireFormat.IfMatchMatches(ifMatch, current.ETag))
            {
                throw AdtErrors.PreconditionFailed("digital twin " + twinId);
            }

            var instanceModels = await models.GetModelsAsync(instanceId, cancellationToken).ConfigureAwait(false);
            var previous = (JsonObject)JsonNode.Parse(current.Document)!;
            if (component is not null)
            {
                CheckComponent(instanceModels, current, previous, twinId, component);
            }

            var working = (JsonObject)previous.DeepClone();
            var touched = new HashSet<string>(StringComparer.Ordinal);
            foreach (var operation in operations)
            {
                IReadOnlyList<string> tokens = component is null ? operation.Tokens : [component, .. operation.Tokens];
                ApplyTwinOperation(working, operation, tokens, touched);
            }

            Prune(working);
            var modelId = ModelIdOf(working);
            var model = ResolveModel(instanceModels, modelId);
            if (modelId != current.ModelId && instanceModels.ById[model.Id].Decommissioned)
            {
                throw AdtErrors.ModelDecommissioned(model.Id);
            }

            var now = ChangeEvents.Now(timeProvider);
            var etag = WireFormat.NewETag();
            var document = _builder.Build(twinId, etag, working, model, instanceModels.Set, previous, touched, now);
            var stored = new StoredTwin(twinId, model.Id, etag, document.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions));
            var change = ChangeEvents.TwinUpdated(twinId, model.Id, ChangeEvents.PatchOf(operations, component), now);
            var outcome = await store.Twins.WriteAsync(instanceId, stored, StoreWriteMode.ReplaceIfMatch, current.ETag, limits.MaxTwinsPerInstance, change, cancellationToken).ConfigureAwait(false);
            switch (outcome)
            {
                case StoreWriteOutcome.Written:
                    return stored;
                case StoreWriteOutcome.NotFound:
                    throw AdtErrors.TwinNotFound(twinId);
                case StoreWriteOutcome.PreconditionFailed when specificETag:
                    throw AdtErrors.PreconditionFailed("digital twin " + twinId);
                case StoreWriteOutcome.PreconditionFailed:
                    continue; // Changed since we read it; the caller asked for no particular version: read again.
                default:
                    throw new InvalidOperationException($"Unexpected store outcome {outcome}.");
            }
        }

        throw Busy(twinId);
    }

    /// <summary>Deletes a twin that has no relationships.</summary>
    public async Task DeleteAsync(string instanceId, string twinId, string? ifMatch, CancellationToken cancellationToken)
    {
        CheckId(twinId, "twin", limits);
        var specificETag = ifMatch is not null && !WireFormat.IsWildcard(ifMatch);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await store.Twins.GetAsync(instanceId, twinId, cancellationToken).ConfigureAwait(false)
                ?? throw AdtErrors.TwinNotFound(twinId);
            if (ifMatch is not null && !WireFormat.IfMatchMatches(ifMatch, current.ETag))
            {
                throw AdtErrors.PreconditionFailed("digital twin " + twinId);
            }

            var change = ChangeEvents.TwinDeleted(twinId, current.Document, ChangeEvents.Now(timeProvider));
            var outcome = await store.Twins.DeleteAsync(instanceId, twinId, current.ETag, change, cancellationToken).ConfigureAwait(false);
            switch (outcome)
            {
                case StoreWriteOutcome.Written:
                    return;
                case StoreWriteOutcome.NotFound:
                    throw AdtErrors.TwinNotFound(twinId);
                case StoreWriteOutcome.HasRelationships:
                    throw AdtErrors.RelationshipsNotDeleted(twinId);
                case StoreWriteOutcome.PreconditionFailed when specificETag:
                    throw AdtErrors.PreconditionFailed("digital twin " + twinId);
                case StoreWriteOutcome.PreconditionFailed:
                    continue;
                default:
                    throw new InvalidOperationException($"Unexpected store outcome {outcome}.");
            }
        }

        throw Busy(twinId);
    }

    /// <summary>Reads one component of a twin.</summary>
    public async Task<ComponentResult> GetComponentAsync(string instanceId, string twinId, string component, CancellationToken cancellationToken)
    {
        var current = await GetAsync(instanceId, twinId, cancellationToken).ConfigureAwait(false);
        var instanceModels = await models.GetModelsAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var document = (JsonObject)JsonNode.Parse(current.Document)!;
        CheckComponent(instanceModels, current, document, twinId, component);
        return new ComponentResult(current.ETag, document[component]!.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions));
    }

    /// <summary>
    /// Checks that <paramref name="twinId"/> exists and, for component telemetry, that it has
    /// <paramref name="component"/>. Telemetry bodies are not checked against the model (SDK 1.1.0 swaps them).
    /// </summary>
    public async Task CheckTelemetryTargetAsync(string instanceId, string twinId, string? component, CancellationToken cancellationToken)
    {
        var current = await GetAsync(instanceId, twinId, cancellationToken).ConfigureAwait(false);
        if (component is not null)
        {
            var instanceModels = await models.GetModelsAsync(instanceId, cancellationToken).ConfigureAwait(false);
            CheckComponent(instanceModels, current, (JsonObject)JsonNode.Parse(current.Document)!, twinId, component);
        }
    }

    private static AdtException Busy(string twinId) => new(AdtErrorKind.Unavailable, AdtErrorCodes.ServiceUnavailable,
        $"The digital twin {twinId} is being changed by many requests at once; try again.");

    /// <summary>Refuses ids that are empty, too long or hold control characters.</summary>
    public static void CheckId(string id, string what, DataPlaneLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (string.IsNullOrEmpty(id) || id.Length > limits.MaxIdLength || id.Any(char.IsControl))
        {
            throw AdtErrors.InvalidArgument(string.Create(CultureInfo.InvariantCulture,
                $"The {what} id '{id}' is invalid: it must have 1 to {limits.MaxIdLength} characters and no control characters."));
        }
    }

    private static void CheckComponent(InstanceModels instanceModels, StoredTwin twin, JsonObject document, string twinId, string component)
    {
        var isComponent = instanceModels.Set.TryGetInterface(twin.ModelId, out var model)
            ? model.Components.ContainsKey(component)
            : document[component] is JsonObject candidate && candidate.ContainsKey("$metadata");
        if (!isComponent || document[component] is not JsonObject)
        {
            throw AdtErrors.ComponentNotFound(twinId, component);
        }
    }

    private static string ModelIdOf(JsonObject twin)
    {
        if (twin["$metadata"] is not JsonObject metadata)
        {
            throw AdtErrors.TwinInvalid(["$metadata is required and must be a JSON object with $model."]);
        }

        if (metadata["$model"] is not JsonValue model || model.GetValueKind() != JsonValueKind.String || model.GetValue<string>().Length == 0)
        {
            throw AdtErrors.TwinInvalid(["$metadata.$model is required and must be the DTMI of the twin's model."]);
        }

        return model.GetValue<string>();
    }

    private static InterfaceInfo ResolveModel(InstanceModels instanceModels, string modelId) =>
        instanceModels.Set.TryGetInterface(modelId, out var model) && instanceModels.ById.ContainsKey(modelId)
            ? model
            : throw AdtErrors.TwinInvalid([AdtErrors.ModelMissingReason(modelId)]);

    private static void ApplyTwinOperation(JsonObject working, PatchOperation operation, IReadOnlyList<string> tokens, HashSet<string> touched)
    {
        var first = tokens[0];
        if (first is "$dtId" or "$etag")
        {
            throw AdtErrors.PatchInvalid($"The path {operation.Path} cannot be patched: {first} is set by the service.");
        }

        if (first == "$metadata")
        {
            if (tokens is [_, "$model"] && operation.Op is "add" or "replace")
            {
                if (operation.Value is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
                {
                    throw AdtErrors.PatchInvalid("The value of /$metadata/$model must be a DTMI string.");
                }

                ((JsonObject)working["$metadata"]!)["$model"] = value.GetValue<string>();
                touched.Add("$model");
                return;
            }

            if (tokens is [_, var property, "sourceTime"] && !property.StartsWith('$'))
            {
                EnsureObject(EnsureObject(working, "$metadata"), property);
                JsonPatch.Apply(working, operation.Op, tokens, operation.Value, operation.Path);
                return;
            }

            throw AdtErrors.PatchInvalid($"The path {operation.Path} cannot be patched: only /$metadata/$model and /$metadata/{{property}}/sourceTime can.");
        }

        if (tokens.Count >= 2 && tokens[1] == "$metadata")
        {
            if (tokens is [var component, _, var property, "sourceTime"] && !property.StartsWith('$') && working[component] is JsonObject componentObject)
            {
                EnsureObject(EnsureObject(componentObject, "$metadata"), property);
                JsonPatch.Apply(working, operation.Op, tokens, operation.Value, operation.Path);
                return;
            }

            throw AdtErrors.PatchInvalid($"The path {operation.Path} cannot be patched: only /{{component}}/$metadata/{{property}}/sourceTime can.");
        }

        if (tokens.Any(t => t.StartsWith('$')))
        {
            throw AdtErrors.PatchInvalid($"The path {operation.Path} cannot be patched.");
        }

        JsonPatch.Apply(working, operation.Op, tokens, operation.Value, operation.Path);
        touched.Add(tokens.Count == 1 ? first : first + "/" + tokens[1]);
    }

    private static JsonObject EnsureObject(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    /// <summary>Drops metadata entries of properties a patch removed.</summary>
    private static void Prune(JsonObject working)
    {
        PruneMetadata(working);
        foreach (var (_, value) in working)
        {
            if (value is JsonObject component && component.ContainsKey("$metadata"))
            {
                PruneMetadata(component);
            }
        }

        static void PruneMetadata(JsonObject owner)
        {
            if (owner["$metadata"] is not JsonObject metadata)
            {
                return;
            }

            foreach (var key in metadata.Select(p => p.Key).ToList())
            {
                if (!key.StartsWith('$') && !owner.ContainsKey(key))
                {
                    metadata.Remove(key);
                }
            }
        }
    }
}
