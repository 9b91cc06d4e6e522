using System.Diagnostics;
using System.Text.Json.Nodes;
using Doppel.Storage.DataPlane;
using Doppel.Twins.Json;

namespace Doppel.Twins.Events;

/// <summary>The CloudEvents <c>type</c> values of ADT's change notifications (adt-facts.md §9.1).</summary>
public static class ChangeEventTypes
{
    /// <summary>A twin was created; <c>data</c> is the twin as GET returns it.</summary>
    public const string TwinCreate = "Microsoft.DigitalTwins.Twin.Create";

    /// <summary>A twin was changed; <c>data</c> is <c>{"modelId", "patch"}</c>.</summary>
    public const string TwinUpdate = "Microsoft.DigitalTwins.Twin.Update";

    /// <summary>A twin was deleted; <c>data</c> is its last state.</summary>
    public const string TwinDelete = "Microsoft.DigitalTwins.Twin.Delete";

    /// <summary>A relationship was created; <c>data</c> is the relationship as GET returns it.</summary>
    public const string RelationshipCreate = "Microsoft.DigitalTwins.Relationship.Create";

    /// <summary>A relationship was changed; <c>data</c> is <c>{"modelId", "patch"}</c>.</summary>
    public const string RelationshipUpdate = "Microsoft.DigitalTwins.Relationship.Update";

    /// <summary>A relationship was deleted; <c>data</c> is its last state.</summary>
    public const string RelationshipDelete = "Microsoft.DigitalTwins.Relationship.Delete";
}

/// <summary>
/// Builds the change event of each twin and relationship write, in ADT's shapes: lifecycle events carry the
/// document, update events the model id and the JSON Patch. The store appends the event in the transaction of the
/// write (<see cref="IOutboxStore"/>).
/// </summary>
internal static class ChangeEvents
{
    public static ChangeEvent TwinCreated(string twinId, string document, DateTimeOffset time) =>
        New(ChangeEventTypes.TwinCreate, twinId, document, time);

    public static ChangeEvent TwinUpdated(string twinId, string modelId, JsonArray patch, DateTimeOffset time) =>
        New(ChangeEventTypes.TwinUpdate, twinId, UpdateData(modelId, patch), time);

    public static ChangeEvent TwinDeleted(string twinId, string document, DateTimeOffset time) =>
        New(ChangeEventTypes.TwinDelete, twinId, document, time);

    public static ChangeEvent RelationshipCreated(string sourceId, string relationshipId, string document, DateTimeOffset time) =>
        New(ChangeEventTypes.RelationshipCreate, RelationshipSubject(sourceId, relationshipId), document, time);

    public static ChangeEvent RelationshipUpdated(string sourceId, string relationshipId, string modelId, JsonArray patch, DateTimeOffset time) =>
        New(ChangeEventTypes.RelationshipUpdate, RelationshipSubject(sourceId, relationshipId), UpdateData(modelId, patch), time);

    public static ChangeEvent RelationshipDeleted(string sourceId, string relationshipId, string document, DateTimeOffset time) =>
        New(ChangeEventTypes.RelationshipDelete, RelationshipSubject(sourceId, relationshipId), document, time);

    /// <summary>
    /// The patch of an update event from the operations a client sent; for a component patch the paths are made
    /// relative to the twin (<c>/{component}/...</c>).
    /// </summary>
    public static JsonArray PatchOf(IReadOnlyList<PatchOperation> operations, string? component)
    {
        var prefix = component is null ? string.Empty : "/" + EscapeToken(component);
        var patch = new JsonArray();
        foreach (var operation in operations)
        {
            patch.Add(Operation(operation.Op, prefix + operation.Path, operation.Value));
        }

        return patch;
    }

    /// <summary>
    /// The patch that turns the twin <paramref name="before"/> into <paramref name="after"/> (a PUT that replaces a
    /// twin): its model, its properties, and the properties of its components, one operation each.
    /// </summary>
    public static JsonArray TwinDiff(JsonObject before, JsonObject after)
    {
        var patch = new JsonArray();
        var modelBefore = (before["$metadata"] as JsonObject)?["$model"];
        var modelAfter = (after["$metadata"] as JsonObject)?["$model"];
        if (!JsonNode.DeepEquals(modelBefore, modelAfter))
        {
            patch.Add(Operation("replace", "/$metadata/$model", modelAfter));
        }

        foreach (var (name, value) in after)
        {
            if (name.StartsWith('$'))
            {
                continue;
            }

            var path = "/" + EscapeToken(name);
            if (!before.TryGetPropertyValue(name, out var old))
            {
                patch.Add(Operation("add", path, IsComponent(value) ? WithoutMetadata((JsonObject)value!) : value));
            }
            else if (IsComponent(value) && IsComponent(old))
            {
                Diff((JsonObject)old!, (JsonObject)value!, path, patch, static key => key == "$metadata");
            }
            else if (!JsonNode.DeepEquals(old, value))
            {
                patch.Add(Operation("replace", path, IsComponent(value) ? WithoutMetadata((JsonObject)value!) : value));
            }
        }

        foreach (var (name, _) in before)
        {
            if (!name.StartsWith('$') && !after.ContainsKey(name))
            {
                patch.Add(Operation("remove", "/" + EscapeToken(name), null));
            }
        }

        return patch;
    }

    /// <summary>
    /// The patch that turns the relationship <paramref name="before"/> into <paramref name="after"/> (a PUT that
    /// replaces one): its properties, and <c>$targetId</c> or <c>$relationshipName</c> when they change.
    /// </summary>
    public static JsonArray RelationshipDiff(JsonObject before, JsonObject after)
    {
        var patch = new JsonArray();
        Diff(before, after, string.Empty, patch, static key => key is "$relationshipId" or "$etag" or "$sourceId");
        return patch;
    }

    /// <summary>The event's time as the outbox keeps it (to the microsecond), so the stored document and the event agree.</summary>
    public static DateTimeOffset Now(TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }

    private static void Diff(JsonObject before, JsonObject after, string prefix, JsonArray patch, Func<string, bool> skip)
    {
        foreach (var (name, value) in after)
        {
            if (skip(name))
            {
                continue;
            }

            var path = prefix + "/" + EscapeToken(name);
            if (!before.TryGetPropertyValue(name, out var old))
            {
                patch.Add(Operation("add", path, value));
            }
            else if (!JsonNode.DeepEquals(old, value))
            {
                patch.Add(Operation("replace", path, value));
            }
        }

        foreach (var (name, _) in before)
        {
            if (!skip(name) && !after.ContainsKey(name))
            {
                patch.Add(Operation("remove", prefix + "/" + EscapeToken(name), null));
            }
        }
    }

    private static bool IsComponent(JsonNode? node) => node is JsonObject obj && obj.ContainsKey("$metadata");

    private static JsonObject WithoutMetadata(JsonObject component)
    {
        var copy = new JsonObject();
        foreach (var (name, value) in component)
        {
            if (name != "$metadata")
            {
                copy[name] = value?.DeepClone();
            }
        }

        return copy;
    }

    private static JsonObject Operation(string op, string path, JsonNode? value)
    {
        var operation = new JsonObject { ["op"] = op, ["path"] = path };
        if (op != "remove")
        {
            operation["value"] = value?.DeepClone();
        }

        return operation;
    }

    private static string UpdateData(string modelId, JsonArray patch) =>
        new JsonObject { ["modelId"] = modelId, ["patch"] = patch }.ToJsonString(WireFormat.JsonOptions);

    private static string RelationshipSubject(string sourceId, string relationshipId) => $"{sourceId}/relationships/{relationshipId}";

    private static string EscapeToken(string token) =>
        token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static ChangeEvent New(string type, string subject, string data, DateTimeOffset time) =>
        new(Guid.NewGuid().ToString(), type, subject, time, TraceParent(), data);

    /// <summary>The W3C <c>traceparent</c> of the current activity (the request's, which continues the caller's trace).</summary>
    private static string? TraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;
}
