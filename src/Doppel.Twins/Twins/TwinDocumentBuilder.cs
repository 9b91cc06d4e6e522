using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Dtdl.Resolution;
using Doppel.Twins.Errors;
using Doppel.Twins.Json;

namespace Doppel.Twins.Twins;

/// <summary>
/// Checks a twin body against its model and writes the stored document in ADT's shape:
/// <c>$dtId</c>, <c>$etag</c>, properties, components (each with its own <c>$metadata</c>), and <c>$metadata</c>
/// last with <c>$model</c>, <c>$lastUpdateTime</c> and per property <c>lastUpdateTime</c> and <c>sourceTime</c>.
/// </summary>
internal sealed class TwinDocumentBuilder(DataPlaneLimits limits)
{
    /// <summary>
    /// Builds the document from <paramref name="body"/> (wire shape; metadata times in it are ignored except
    /// <c>sourceTime</c>). For a patch, <paramref name="previous"/> is the stored document and
    /// <paramref name="touched"/> the properties the patch changed (<c>name</c> or <c>component/name</c>,
    /// or <c>component</c> for a whole component); other properties keep their <c>lastUpdateTime</c>.
    /// </summary>
    public JsonObject Build(string twinId, string etag, JsonObject body, InterfaceInfo model, ModelSet models,
        JsonObject? previous, IReadOnlySet<string>? touched, DateTimeOffset now)
    {
        var errors = new List<string>();
        var stamp = WireFormat.Timestamp(now);
        var metadata = body["$metadata"] as JsonObject ?? [];
        var previousMetadata = previous?["$metadata"] as JsonObject;

        var properties = new JsonObject();
        var components = new JsonObject();
        foreach (var (key, value) in body)
        {
            if (key is "$dtId" or "$etag" or "$metadata")
            {
                continue;
            }

            if (key.StartsWith('$'))
            {
                errors.Add($"'{key}' is not a twin field; only $dtId, $etag and $metadata start with '$'.");
                continue;
            }

            if (model.Properties.TryGetValue(key, out var property))
            {
                CheckValue(key, property.Schema, value, errors);
                properties[key] = value?.DeepClone();
            }
            else if (model.Components.TryGetValue(key, out var component))
            {
                if (value is not JsonObject componentBody)
                {
                    errors.Add($"The component '{key}' must be a JSON object.");
                    continue;
                }

                if (!models.TryGetInterface(component.Schema, out var componentModel))
                {
                    errors.Add(AdtErrors.ModelMissingReason(component.Schema));
                    continue;
                }

                components[key] = BuildComponent(key, componentBody, componentModel, previous?[key] as JsonObject, touched, stamp, errors);
            }
            else
            {
                errors.Add($"'{key}' is not a property or component of the model {model.Id}.");
            }
        }

        foreach (var component in model.Components.Values)
        {
            if (!components.ContainsKey(component.Name))
            {
                errors.Add($"The component '{component.Name}' of the model {model.Id} is missing; components must be given (an empty object will do).");
            }
        }

        var outMetadata = new JsonObject
        {
            ["$model"] = model.Id,
            ["$lastUpdateTime"] = stamp,
        };
        CheckMetadata(metadata, properties, "", errors, allowModel: true);
        foreach (var (name, _) in properties)
        {
            outMetadata[name] = PropertyMetadata(name, name, metadata, previousMetadata, touched, stamp);
        }

        if (errors.Count > 0)
        {
            throw AdtErrors.TwinInvalid(errors);
        }

        var document = new JsonObject { ["$dtId"] = twinId, ["$etag"] = etag };
        foreach (var (name, value) in properties)
        {
            document[name] = value?.DeepClone();
        }

        foreach (var (name, value) in components)
        {
            document[name] = value?.DeepClone();
        }

        document["$metadata"] = outMetadata;
        var size = Encoding.UTF8.GetByteCount(document.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions));
        if (size > limits.MaxTwinBytes)
        {
            throw AdtErrors.TwinInvalid([$"The twin is {size} bytes; a twin may have at most {limits.MaxTwinBytes} bytes."]);
        }

        return document;
    }

    private JsonObject BuildComponent(string componentName, JsonObject body, InterfaceInfo model, JsonObject? previous,
        IReadOnlySet<string>? touched, string stamp, List<string> errors)
    {
        var metadata = body["$metadata"] as JsonObject ?? [];
        if (body.TryGetPropertyValue("$metadata", out var m) && m is not JsonObject)
        {
            errors.Add($"The $metadata of component '{componentName}' must be a JSON object.");
        }

        var previousMetadata = previous?["$metadata"] as JsonObject;
        var result = new JsonObject();
        var properties = new JsonObject();
        foreach (var (key, value) in body)
        {
            if (key == "$metadata")
            {
                continue;
            }

            if (model.Properties.TryGetValue(key, out var property))
            {
                CheckValue($"{componentName}.{key}", property.Schema, value, errors);
                properties[key] = value?.DeepClone();
            }
            else
            {
                errors.Add($"'{key}' is not a property of the component '{componentName}' (model {model.Id}).");
            }
        }

        CheckMetadata(metadata, properties, componentName + ".", errors, allowModel: false);
        var componentTouched = touched is null || touched.Contains(componentName) || touched.Any(t => t.StartsWith(componentName + "/", StringComparison.Ordinal));
        var outMetadata = new JsonObject
        {
            ["$lastUpdateTime"] = componentTouched ? stamp : previousMetadata?["$lastUpdateTime"]?.DeepClone() ?? stamp,
        };
        foreach (var (name, value) in properties)
        {
            result[name] = value?.DeepClone();
            outMetadata[name] = PropertyMetadata(name, componentName + "/" + name, metadata, previousMetadata, touched, stamp, componentName);
        }

        result["$metadata"] = outMetadata;
        return result;
    }

    private static JsonObject PropertyMetadata(string name, string touchKey, JsonObject metadata, JsonObject? previousMetadata,
        IReadOnlySet<string>? touched, string stamp, string? component = null)
    {
        var isTouched = touched is null || touched.Contains(touchKey) || (component is not null && touched.Contains(component))
            || touched.Any(t => t.StartsWith(touchKey + "/", StringComparison.Ordinal));
        var previousTime = previousMetadata?[name]?["lastUpdateTime"];
        var entry = new JsonObject
        {
            ["lastUpdateTime"] = isTouched || previousTime is null ? stamp : previousTime.DeepClone(),
        };
        if (metadata[name]?["sourceTime"] is { } sourceTime)
        {
            entry["sourceTime"] = sourceTime.DeepClone();
        }

        return entry;
    }

    private static void CheckMetadata(JsonObject metadata, JsonObject properties, string prefix, List<string> errors, bool allowModel)
    {
        foreach (var (key, value) in metadata)
        {
            if (allowModel && key is "$model" or "$lastUpdateTime")
            {
                continue;
            }

            if (!allowModel && key == "$lastUpdateTime")
            {
                continue;
            }

            if (!properties.ContainsKey(key))
            {
                errors.Add($"$metadata names '{prefix}{key}', which is not a property set on the twin.");
                continue;
            }

            if (value is not JsonObject entry)
            {
                errors.Add($"$metadata.{prefix}{key} must be a JSON object.");
                continue;
            }

            foreach (var (field, fieldValue) in entry)
            {
                if (field == "lastUpdateTime")
                {
                    continue;
                }

                if (field != "sourceTime")
                {
                    errors.Add($"$metadata.{prefix}{key}.{field} is not supported; only sourceTime can be set.");
                }
                else if (fieldValue is not JsonValue v || v.GetValueKind() != JsonValueKind.String || !WireFormat.IsDateTime(v.GetValue<string>()))
                {
                    errors.Add($"$metadata.{prefix}{key}.sourceTime must be an RFC 3339 date-time string.");
                }
            }
        }
    }

    private void CheckValue(string name, SchemaInfo schema, JsonNode? value, List<string> errors)
    {
        var element = value is null ? JsonDocument.Parse("null").RootElement : JsonSerializer.SerializeToElement(value);
        if (!schema.Accepts(element, out var reason))
        {
            errors.Add($"The value of '{name}' does not match its schema: {reason ?? "invalid"}.");
            return;
        }

        if (LongestString(element) > limits.MaxStringValueBytes)
        {
            errors.Add($"A string in '{name}' is longer than {limits.MaxStringValueBytes} bytes.");
        }
    }

    private static int LongestString(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => Encoding.UTF8.GetByteCount(element.GetString()!),
        JsonValueKind.Object => element.EnumerateObject().Select(p => Math.Max(Encoding.UTF8.GetByteCount(p.Name), LongestString(p.Value))).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => element.EnumerateArray().Select(LongestString).DefaultIfEmpty(0).Max(),
        _ => 0,
    };
}
