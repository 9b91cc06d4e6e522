using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Dtdl.Resolution;
using Doppel.Storage.DataPlane;
using Doppel.Twins.Errors;
using Doppel.Twins.Events;
using Doppel.Twins.Json;
using Doppel.Twins.Models;
using Doppel.Twins.Twins;

namespace Doppel.Twins.Relationships;

/// <summary>One page of relationships.</summary>
/// <param name="Items">The relationships of this page.</param>
/// <param name="Next">Where the next page starts, or null on the last page.</param>
public sealed record RelationshipPage(IReadOnlyList<StoredRelationship> Items, RelationshipKey? Next);

/// <summary>
/// Relationships between twins: create or replace, read, JSON Patch, delete and list, validated against the
/// source twin's model (relationship name, target model, properties, maxMultiplicity).
/// </summary>
public sealed class RelationshipService(IDataPlaneStore store, ModelService models, TimeProvider timeProvider, DataPlaneLimits limits)
{
    private const int MaxAttempts = 20;

    /// <summary>The limits this service applies.</summary>
    public DataPlaneLimits Limits => limits;

    /// <summary>Reads a relationship.</summary>
    public async Task<StoredRelationship> GetAsync(string instanceId, string sourceId, string relationshipId, CancellationToken cancellationToken)
    {
        CheckIds(sourceId, relationshipId);
        return await store.Relationships.GetAsync(instanceId, sourceId, relationshipId, cancellationToken).ConfigureAwait(false)
            ?? await NotFoundAsync(instanceId, sourceId, relationshipId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates or replaces a relationship; <c>If-None-Match: *</c> makes it create-only.</summary>
    public async Task<StoredRelationship> PutAsync(string instanceId, string sourceId, string relationshipId, ReadOnlyMemory<byte> body, string? ifNoneMatch, CancellationToken cancellationToken)
    {
        CheckIds(sourceId, relationshipId);
        if (ifNoneMatch is not null && ifNoneMatch.Trim() != "*")
        {
            throw AdtErrors.InvalidIfNoneMatch();
        }

        if (WireFormat.ParseBody(body, limits.MaxJsonDepth, AdtErrorCodes.InvalidArgument) is not JsonObject relationship)
        {
            throw AdtErrors.InvalidArgument("The relationship must be a JSON object.");
        }

        var targetId = RequiredString(relationship, "$targetId");
        var name = RequiredString(relationship, "$relationshipName");
        TwinService.CheckId(targetId, "target twin", limits);
        if (targetId == sourceId)
        {
            throw AdtErrors.SelfRelationship(sourceId);
        }

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var source = await store.Twins.GetAsync(instanceId, sourceId, cancellationToken).ConfigureAwait(false)
                ?? throw AdtErrors.TwinNotFound(sourceId);
            var instanceModels = await models.GetModelsAsync(instanceId, cancellationToken).ConfigureAwait(false);
            var definition = RelationshipOf(instanceModels, source, name);
            var target = await store.Twins.GetAsync(instanceId, targetId, cancellationToken).ConfigureAwait(false)
                ?? throw AdtErrors.TargetTwinNotFound(targetId);
            if (definition.Target is { } targetModel
                && !(instanceModels.Set.TryGetInterface(target.ModelId, out var targetInfo) && targetInfo.IsOfModel(targetModel)))
            {
                throw AdtErrors.InvalidRelationship(
                    $"The relationship '{name}' of the model {source.ModelId} must target a twin of the model {targetModel}; the twin {targetId} is of the model {target.ModelId}.");
            }

            var existing = await store.Relationships.GetAsync(instanceId, sourceId, relationshipId, cancellationToken).ConfigureAwait(false);
            if (existing is not null && ifNoneMatch is not null)
            {
                throw AdtErrors.PreconditionFailed("relationship " + relationshipId);
            }

            var now = ChangeEvents.Now(timeProvider);
            var document = Build(sourceId, relationshipId, targetId, name, WireFormat.NewETag(), relationship, definition);
            var stored = new StoredRelationship(sourceId, relationshipId, targetId, name, (string)document["$etag"]!, document.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions));

            // Create or replace what was read, so that the event says which it was; a relationship created or
            // changed in between is read again.
            var outcome = existing is null
                ? await store.Relationships.WriteAsync(instanceId, stored, StoreWriteMode.CreateOnly, null, LimitsFor(definition),
                    ChangeEvents.RelationshipCreated(sourceId, relationshipId, stored.Document, now), cancellationToken).ConfigureAwait(false)
                : await store.Relationships.WriteAsync(instanceId, stored, StoreWriteMode.ReplaceIfMatch, existing.ETag, LimitsFor(definition),
                    ChangeEvents.RelationshipUpdated(sourceId, relationshipId, source.ModelId, ChangeEvents.RelationshipDiff((JsonObject)JsonNode.Parse(existing.Document)!, document), now),
                    cancellationToken).ConfigureAwait(false);
            var raced = outcome == StoreWriteOutcome.PreconditionFailed || (outcome == StoreWriteOutcome.NotFound && existing is not null);
            if (raced && ifNoneMatch is null)
            {
                continue;
            }

            return Check(outcome, stored, sourceId, relationshipId, name, definition) ?? throw AdtErrors.PreconditionFailed("relationship " + relationshipId);
        }

        throw Busy(relationshipId);
    }

    /// <summary>Applies a JSON Patch to a relationship's properties.</summary>
    public async Task<StoredRelationship> PatchAsync(string instanceId, string sourceId, string relationshipId, ReadOnlyMemory<byte> patch, string? ifMatch, CancellationToken cancellationToken)
    {
        CheckIds(sourceId, relationshipId);
        var operations = JsonPatch.Parse(patch, limits.MaxJsonDepth);
        var specificETag = ifMatch is not null && !WireFormat.IsWildcard(ifMatch);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await GetAsync(instanceId, sourceId, relationshipId, cancellationToken).ConfigureAwait(false);
            if (ifMatch is not null && !WireFormat.IfMatchMatches(ifMatch, current.ETag))
            {
                throw AdtErrors.PreconditionFailed("relationship " + relationshipId);
            }

            var source = await store.Twins.GetAsync(instanceId, sourceId, cancellationToken).ConfigureAwait(false)
                ?? throw AdtErrors.TwinNotFound(sourceId);
            var instanceModels = await models.GetModelsAsync(instanceId, cancellationToken).ConfigureAwait(false);
            var definition = RelationshipOf(instanceModels, source, current.Name);
            var working = (JsonObject)JsonNode.Parse(current.Document)!;
            foreach (var operation in operations)
            {
                if (operation.Tokens[0].StartsWith('$'))
                {
                    throw AdtErrors.PatchInvalid($"The path {operation.Path} cannot be patched: only relationship properties can.");
                }

                JsonPatch.Apply(working, operation);
            }

            var document = Build(sourceId, relationshipId, current.TargetId, current.Name, WireFormat.NewETag(), working, definition);
            var stored = new StoredRelationship(sourceId, relationshipId, current.TargetId, current.Name, (string)document["$etag"]!, document.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions));
            var change = ChangeEvents.RelationshipUpdated(sourceId, relationshipId, source.ModelId, ChangeEvents.PatchOf(operations, null), ChangeEvents.Now(timeProvider));
            var outcome = await store.Relationships.WriteAsync(instanceId, stored, StoreWriteMode.ReplaceIfMatch, current.ETag, LimitsFor(definition), change, cancellationToken).ConfigureAwait(false);
            if (Check(outcome, stored, sourceId, relationshipId, current.Name, definition) is { } written)
            {
                return written;
            }

            if (specificETag)
            {
                throw AdtErrors.PreconditionFailed("relationship " + relationshipId);
            }
        }

        throw Busy(relationshipId);
    }

    /// <summary>Deletes a relationship.</summary>
    public async Task DeleteAsync(string instanceId, string sourceId, string relationshipId, string? ifMatch, CancellationToken cancellationToken)
    {
        CheckIds(sourceId, relationshipId);
        var specificETag = ifMatch is not null && !WireFormat.IsWildcard(ifMatch);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await GetAsync(instanceId, sourceId, relationshipId, cancellationToken).ConfigureAwait(false);
            if (ifMatch is not null && !WireFormat.IfMatchMatches(ifMatch, current.ETag))
            {
                throw AdtErrors.PreconditionFailed("relationship " + relationshipId);
            }

            var change = ChangeEvents.RelationshipDeleted(sourceId, relationshipId, current.Document, ChangeEvents.Now(timeProvider));
            var outcome = await store.Relationships.DeleteAsync(instanceId, sourceId, relationshipId, current.ETag, change, cancellationToken).ConfigureAwait(false);
            switch (outcome)
            {
                case StoreWriteOutcome.Written:
                    return;
                case StoreWriteOutcome.NotFound:
                    await NotFoundAsync(instanceId, sourceId, relationshipId, cancellationToken).ConfigureAwait(false);
                    return;
                case StoreWriteOutcome.PreconditionFailed when specificETag:
                    throw AdtErrors.PreconditionFailed("relationship " + relationshipId);
            }
        }

        throw Busy(relationshipId);
    }

    /// <summary>One page of a twin's outgoing relationships, optionally only those named <paramref name="name"/>.</summary>
    public async Task<RelationshipPage> ListOutgoingAsync(string instanceId, string sourceId, string? name, string? afterId, int? maxItems, CancellationToken cancellationToken)
    {
        TwinService.CheckId(sourceId, "twin", limits);
        _ = await store.Twins.GetAsync(instanceId, sourceId, cancellationToken).ConfigureAwait(false) ?? throw AdtErrors.TwinNotFound(sourceId);
        var size = PageSize(maxItems);
        var items = await store.Relationships.ListOutgoingAsync(instanceId, sourceId, name, afterId, size + 1, cancellationToken).ConfigureAwait(false);
        return items.Count > size
            ? new RelationshipPage([.. items.Take(size)], new RelationshipKey(sourceId, items[size - 1].Id))
            : new RelationshipPage(items, null);
    }

    /// <summary>One page of a twin's incoming relationships.</summary>
    public async Task<RelationshipPage> ListIncomingAsync(string instanceId, string targetId, RelationshipKey? after, int? maxItems, CancellationToken cancellationToken)
    {
        TwinService.CheckId(targetId, "twin", limits);
        _ = await store.Twins.GetAsync(instanceId, targetId, cancellationToken).ConfigureAwait(false) ?? throw AdtErrors.TwinNotFound(targetId);
        var size = PageSize(maxItems);
        var items = await store.Relationships.ListIncomingAsync(instanceId, targetId, after, size + 1, cancellationToken).ConfigureAwait(false);
        return items.Count > size
            ? new RelationshipPage([.. items.Take(size)], new RelationshipKey(items[size - 1].SourceId, items[size - 1].Id))
            : new RelationshipPage(items, null);
    }

    private static AdtException Busy(string relationshipId) => new(AdtErrorKind.Unavailable, AdtErrorCodes.ServiceUnavailable,
        $"The relationship {relationshipId} is being changed by many requests at once; try again.");

    private int PageSize(int? maxItems) => Math.Clamp(maxItems ?? limits.RelationshipsPageSize, 1, limits.RelationshipsPageSize);

    private RelationshipLimits LimitsFor(RelationshipInfo definition) =>
        new(definition.MaxMultiplicity, limits.MaxOutgoingRelationships, limits.MaxIncomingRelationships);

    private static StoredRelationship? Check(StoreWriteOutcome outcome, StoredRelationship stored, string sourceId, string relationshipId, string name, RelationshipInfo definition) => outcome switch
    {
        StoreWriteOutcome.Written => stored,
        StoreWriteOutcome.NotFound => throw AdtErrors.TwinNotFound(sourceId),
        StoreWriteOutcome.TargetNotFound => throw AdtErrors.TargetTwinNotFound(stored.TargetId),
        StoreWriteOutcome.PreconditionFailed => null,
        StoreWriteOutcome.MultiplicityExceeded => throw AdtErrors.InvalidRelationship(string.Create(CultureInfo.InvariantCulture,
            $"The twin {sourceId} already has {definition.MaxMultiplicity} relationships named '{name}', the maxMultiplicity of its model; {relationshipId} would exceed it.")),
        StoreWriteOutcome.LimitReached => throw AdtErrors.LimitExceeded(
            $"The twin {sourceId} or {stored.TargetId} already has the most relationships a twin may have."),
        _ => throw new InvalidOperationException($"Unexpected store outcome {outcome}."),
    };

    private void CheckIds(string sourceId, string relationshipId)
    {
        TwinService.CheckId(sourceId, "twin", limits);
        TwinService.CheckId(relationshipId, "relationship", limits);
    }

    private async Task<StoredRelationship> NotFoundAsync(string instanceId, string sourceId, string relationshipId, CancellationToken cancellationToken)
    {
        _ = await store.Twins.GetAsync(instanceId, sourceId, cancellationToken).ConfigureAwait(false) ?? throw AdtErrors.TwinNotFound(sourceId);
        throw AdtErrors.RelationshipNotFound(sourceId, relationshipId);
    }

    private static RelationshipInfo RelationshipOf(InstanceModels instanceModels, StoredTwin source, string name)
    {
        if (!instanceModels.Set.TryGetInterface(source.ModelId, out var model) || !instanceModels.ById.ContainsKey(source.ModelId))
        {
            throw AdtErrors.RelationshipInvalid([AdtErrors.ModelMissingReason(source.ModelId)]);
        }

        return model.Relationships.TryGetValue(name, out var definition)
            ? definition
            : throw AdtErrors.InvalidRelationship($"The model {model.Id} of the twin {source.Id} has no relationship named '{name}'.");
    }

    private static string RequiredString(JsonObject body, string name) =>
        body[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > 0
            ? value.GetValue<string>()
            : throw AdtErrors.RelationshipInvalid([$"{name} is required and must be a non-empty string."]);

    private JsonObject Build(string sourceId, string relationshipId, string targetId, string name, string etag, JsonObject body, RelationshipInfo definition)
    {
        var errors = new List<string>();
        var document = new JsonObject
        {
            ["$relationshipId"] = relationshipId,
            ["$etag"] = etag,
            ["$sourceId"] = sourceId,
            ["$targetId"] = targetId,
            ["$relationshipName"] = name,
        };
        foreach (var (key, value) in body)
        {
            if (key.StartsWith('$'))
            {
                if (key is not ("$relationshipId" or "$etag" or "$sourceId" or "$targetId" or "$relationshipName"))
                {
                    errors.Add($"'{key}' is not a relationship field.");
                }
                else if (key is "$relationshipId" or "$sourceId" && value is JsonValue given && given.GetValueKind() == JsonValueKind.String
                    && given.GetValue<string>() != (key == "$sourceId" ? sourceId : relationshipId))
                {
                    errors.Add($"{key} '{given.GetValue<string>()}' differs from the one in the request path.");
                }

                continue;
            }

            if (!definition.Properties.TryGetValue(key, out var property))
            {
                errors.Add($"'{key}' is not a property of the relationship '{name}'.");
                continue;
            }

            var element = JsonSerializer.SerializeToElement(value);
            if (!property.Schema.Accepts(element, out var reason))
            {
                errors.Add($"The value of '{key}' does not match its schema: {reason ?? "invalid"}.");
                continue;
            }

            document[key] = value?.DeepClone();
        }

        if (errors.Count > 0)
        {
            throw AdtErrors.RelationshipInvalid(errors);
        }

        var size = Encoding.UTF8.GetByteCount(document.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions));
        if (size > limits.MaxTwinBytes)
        {
            throw AdtErrors.RelationshipInvalid([string.Create(CultureInfo.InvariantCulture, $"The relationship is {size} bytes; at most {limits.MaxTwinBytes} are allowed.")]);
        }

        return document;
    }
}
