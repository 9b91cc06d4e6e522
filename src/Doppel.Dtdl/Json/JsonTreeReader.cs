using System.Text.Json;

namespace Doppel.Dtdl.Json;

/// <summary>Why a document could not be read as JSON, and where.</summary>
internal sealed record JsonReadError(string Message, int Offset);

/// <summary>
/// Reads a UTF-8 JSON document into a <see cref="JsonNode"/> tree, keeping each value's offset.
/// Depth is bounded so hostile nesting fails as a diagnostic, not as a stack overflow.
/// </summary>
internal static class JsonTreeReader
{
    public static JsonNode? Read(ReadOnlySpan<byte> utf8, int maxDepth, out JsonReadError? error)
    {
        error = null;
        var bomShift = 0;
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
            bomShift = 3;
        }

        // Checked up front: the reader reports bad UTF-8 only when a string is decoded, and not as a JsonException.
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            error = new JsonReadError("The document is not valid UTF-8.", 0);
            return null;
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read())
            {
                error = new JsonReadError("The document is empty.", 0);
                return null;
            }

            var root = ReadValue(ref reader, bomShift);
            if (reader.Read())
            {
                error = new JsonReadError("There is more text after the JSON value.", (int)reader.TokenStartIndex);
                return null;
            }

            return root;
        }
        catch (JsonException ex)
        {
            error = new JsonReadError(CleanMessage(ex.Message), (int)reader.BytesConsumed);
            return null;
        }
        catch (InvalidOperationException ex)
        {
            // An escape such as "\ud800" is valid JSON syntax but no valid string; the reader says so only on decoding.
            error = new JsonReadError(ex.Message, (int)reader.TokenStartIndex + bomShift);
            return null;
        }
    }

    private static JsonNode ReadValue(ref Utf8JsonReader reader, int shift)
    {
        var offset = (int)reader.TokenStartIndex + shift;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JsonObject(offset);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var nameOffset = (int)reader.TokenStartIndex + shift;
                    var name = reader.GetString()!;
                    reader.Read();
                    obj.Members.Add(new JsonMember(name, nameOffset, ReadValue(ref reader, shift)));
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new JsonArray(offset);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Items.Add(ReadValue(ref reader, shift));
                }

                return array;
            case JsonTokenType.String:
                return new JsonString(offset, reader.GetString()!);
            case JsonTokenType.Number:
                return new JsonNumber(offset, System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan));
            case JsonTokenType.True:
                return new JsonLiteral(JsonKind.True, offset);
            case JsonTokenType.False:
                return new JsonLiteral(JsonKind.False, offset);
            default:
                return new JsonLiteral(JsonKind.Null, offset);
        }
    }

    // System.Text.Json appends its own "LineNumber: x | BytePositionInLine: y." which duplicates our location.
    private static string CleanMessage(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
