using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Twins.Errors;

namespace Doppel.Twins.Json;

/// <summary>One operation of an RFC 6902 JSON Patch, restricted to what ADT accepts: add, replace, remove.</summary>
/// <param name="Op">The operation: <c>add</c>, <c>replace</c> or <c>remove</c>.</param>
/// <param name="Path">The JSON Pointer as given.</param>
/// <param name="Tokens">The pointer's reference tokens, unescaped (<c>~1</c> is <c>/</c>, <c>~0</c> is <c>~</c>).</param>
/// <param name="Value">The value of add and replace.</param>
public sealed record PatchOperation(string Op, string Path, IReadOnlyList<string> Tokens, JsonNode? Value);

/// <summary>Parses and applies JSON Patch documents (RFC 6902 with RFC 6901 pointers) on System.Text.Json nodes.</summary>
public static class JsonPatch
{
    /// <summary>Parses a patch document; every problem is <c>JsonPatchInvalid</c>.</summary>
    public static IReadOnlyList<PatchOperation> Parse(ReadOnlyMemory<byte> body, int maxDepth)
    {
        var root = WireFormat.ParseBody(body, maxDepth, AdtErrorCodes.JsonPatchInvalid);
        if (root is not JsonArray array)
        {
            throw AdtErrors.PatchInvalid("The patch document must be a JSON array of operations.");
        }

        var operations = new List<PatchOperation>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonObject operation)
            {
                throw AdtErrors.PatchInvalid("Each patch operation must be a JSON object.");
            }

            if (!operation.TryGetPropertyValue("op", out var opNode) || opNode is not JsonValue opValue || opValue.GetValueKind() != JsonValueKind.String)
            {
                throw AdtErrors.PatchInvalid("A patch operation has no 'op' string.");
            }

            var op = opValue.GetValue<string>();
            if (op is "move" or "copy" or "test")
            {
                throw AdtErrors.UnsupportedPatchOperation(op);
            }

            if (op is not ("add" or "replace" or "remove"))
            {
                throw AdtErrors.PatchInvalid($"Unknown operation type {op}.");
            }

            if (!operation.TryGetPropertyValue("path", out var pathNode) || pathNode is not JsonValue pathValue || pathValue.GetValueKind() != JsonValueKind.String)
            {
                throw AdtErrors.PatchInvalid($"The {op} operation has no 'path' string.");
            }

            var path = pathValue.GetValue<string>();
            var tokens = ParsePointer(path);
            JsonNode? value = null;
            if (op != "remove")
            {
                if (!operation.TryGetPropertyValue("value", out value))
                {
                    throw AdtErrors.PatchInvalid($"The {op} operation at {path} has no 'value'.");
                }

                value = value?.DeepClone();
            }

            operations.Add(new PatchOperation(op, path, tokens, value));
        }

        return operations;
    }

    /// <summary>Splits a JSON Pointer into unescaped tokens; the whole-document pointer "" is refused.</summary>
    public static IReadOnlyList<string> ParsePointer(string path)
    {
        if (path.Length == 0 || path[0] != '/')
        {
            throw AdtErrors.PatchInvalid($"The path '{path}' is not a JSON Pointer to a member (it must start with '/').");
        }

        var tokens = path[1..].Split('/');
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            for (var j = 0; j < token.Length; j++)
            {
                if (token[j] == '~' && (j + 1 >= token.Length || token[j + 1] is not ('0' or '1')))
                {
                    throw AdtErrors.PatchInvalid($"The path '{path}' has a '~' that is not '~0' or '~1'.");
                }
            }

            tokens[i] = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        }

        return tokens;
    }

    /// <summary>Applies one operation to <paramref name="root"/> in place.</summary>
    public static void Apply(JsonObject root, PatchOperation operation) => Apply(root, operation.Op, operation.Tokens, operation.Value, operation.Path);

    /// <summary>Applies one operation with explicit tokens (used for paths rewritten relative to a component).</summary>
    public static void Apply(JsonObject root, string op, IReadOnlyList<string> tokens, JsonNode? value, string pathForMessages)
    {
        JsonNode parent = root;
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            parent = Child(parent, tokens[i]) ?? throw AdtErrors.PatchInvalid($"The path {pathForMessages} does not exist: add its parent first.");
        }

        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj:
                var exists = obj.ContainsKey(last);
                if (op != "add" && !exists)
                {
                    throw AdtErrors.PatchInvalid($"The path {pathForMessages} does not exist, so it cannot be {(op == "remove" ? "removed" : "replaced")}.");
                }

                if (op == "remove")
                {
                    obj.Remove(last);
                }
                else
                {
                    obj[last] = value?.DeepClone();
                }

                break;
            case JsonArray array:
                if (op == "add" && last == "-")
                {
                    array.Add(value?.DeepClone());
                    break;
                }

                if (!TryIndex(last, out var index) || index > array.Count || (op != "add" && index == array.Count))
                {
                    throw AdtErrors.PatchInvalid($"The path {pathForMessages} is not an index of the array.");
                }

                if (op == "add")
                {
                    array.Insert(index, value?.DeepClone());
                }
                else if (op == "replace")
                {
                    array[index] = value?.DeepClone();
                }
                else
                {
                    array.RemoveAt(index);
                }

                break;
            default:
                throw AdtErrors.PatchInvalid($"The path {pathForMessages} goes through a value that is neither an object nor an array.");
        }
    }

    private static JsonNode? Child(JsonNode node, string token) => node switch
    {
        JsonObject obj => obj.TryGetPropertyValue(token, out var child) ? child : null,
        JsonArray array => TryIndex(token, out var i) && i < array.Count ? array[i] : null,
        _ => null,
    };

    private static bool TryIndex(string token, out int index)
    {
        index = -1;
        if (token.Length == 0 || (token.Length > 1 && token[0] == '0') || !token.All(char.IsAsciiDigit))
        {
            return false;
        }

        return int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index);
    }
}
