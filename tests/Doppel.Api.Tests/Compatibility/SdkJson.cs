using System.Text.Json;

namespace Doppel.Api.Tests.Compatibility;

/// <summary>Reading and asserting what the SDK scripts observed.</summary>
internal static class SdkJson
{
    /// <summary>The element at a dotted path (<c>created.body.$etag</c>; numbers index arrays).</summary>
    public static JsonElement At(this JsonElement element, string path)
    {
        var current = element;
        foreach (var name in path.Split('.'))
        {
            if (current.ValueKind == JsonValueKind.Array && int.TryParse(name, out var index))
            {
                Assert.True(index < current.GetArrayLength(), $"'{path}': index {index} is past the end of {current}");
                current = current[index];
                continue;
            }

            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out var next))
            {
                Assert.Fail($"'{path}': no '{name}' in {Abbreviate(current)}");
                return default;
            }

            current = next;
        }

        return current;
    }

    public static string? Text(this JsonElement element, string path) => element.At(path).GetString();

    public static int Number(this JsonElement element, string path) => element.At(path).GetInt32();

    public static bool Flag(this JsonElement element, string path) => element.At(path).GetBoolean();

    public static bool Has(this JsonElement element, string name) => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out _);

    public static bool IsNull(this JsonElement element, string path) => element.At(path).ValueKind == JsonValueKind.Null;

    public static List<string> Texts(this JsonElement element, string path) => [.. element.At(path).EnumerateArray().Select(e => e.GetString()!)];

    public static List<int> Numbers(this JsonElement element, string path) => [.. element.At(path).EnumerateArray().Select(e => e.GetInt32())];

    public static List<string> Names(this JsonElement element, string path) => [.. element.At(path).EnumerateObject().Select(p => p.Name)];

    /// <summary>Asserts a call succeeded with <paramref name="status"/>, and, when asked, with a weak ETag header.</summary>
    public static void Succeeded(this JsonElement result, string path, int status, bool etag = false)
    {
        var call = result.At(path);
        Assert.True(call.At("status").GetInt32() == status, $"'{path}': expected {status}, the SDK saw {call}");
        if (etag)
        {
            Assert.Matches("^W/\"[0-9a-f-]{36}\"$", call.Text("etag"));
        }
        else
        {
            Assert.True(call.IsNull("etag"), $"'{path}': expected no ETag, the SDK saw {call}");
        }
    }

    /// <summary>Asserts a call failed the way ADT fails it: a RestError with the status, the code and a message.</summary>
    public static void FailedWith(this JsonElement result, string path, int status, string code)
    {
        var failure = result.At(path);
        Assert.True(
            failure.Flag("failed") && failure.Text("name") == "RestError" && failure.At("statusCode").ValueKind == JsonValueKind.Number
                && failure.Number("statusCode") == status && failure.Text("code") == code && !string.IsNullOrWhiteSpace(failure.Text("message")),
            $"'{path}': expected a RestError {status} {code}, the SDK saw {failure}");
    }

    private static string Abbreviate(JsonElement element)
    {
        var text = element.ToString();
        return text.Length <= 400 ? text : text[..400] + "...";
    }
}
