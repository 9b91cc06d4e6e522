using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DevLab.JmesPath;
using YamlDotNet.Serialization;

namespace Doppel.Cli.Output;

/// <summary>
/// How results are printed, as <c>az</c> prints them: <c>json</c> (the default, indented), <c>jsonc</c>,
/// <c>table</c>, <c>tsv</c>, <c>yaml</c> or <c>none</c>, after the <c>--query</c> JMESPath expression is applied.
/// </summary>
internal static class OutputFormat
{
    public static readonly string[] Names = ["json", "jsonc", "table", "tsv", "yaml", "yamlc", "none"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Applies <paramref name="query"/> (JMESPath) to <paramref name="result"/>.</summary>
    /// <exception cref="CliException">The expression is not valid JMESPath.</exception>
    public static JsonNode? Query(JsonNode? result, string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return result;
        }

        try
        {
            var text = new JmesPath().Transform(result?.ToJsonString() ?? "null", query);
            return JsonNode.Parse(text);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new CliException(ExitCodes.UsageError, $"--query '{query}' is not a valid JMESPath expression: {ex.Message}");
        }
    }

    /// <summary>Writes <paramref name="result"/> in <paramref name="format"/>.</summary>
    public static void Write(TextWriter output, JsonNode? result, string format)
    {
        switch (format)
        {
            case "none":
                return;
            case "tsv":
                WriteTsv(output, result);
                return;
            case "table":
                WriteTable(output, result);
                return;
            case "yaml" or "yamlc":
                output.Write(new SerializerBuilder().Build().Serialize(Plain(result) ?? "null"));
                return;
            default:
                output.WriteLine(result is null ? "null" : result.ToJsonString(Indented));
                return;
        }
    }

    /// <summary>One line per item, the scalar values of each item separated by tabs, as <c>az -o tsv</c>.</summary>
    private static void WriteTsv(TextWriter output, JsonNode? result)
    {
        foreach (var item in Items(result))
        {
            output.WriteLine(item is JsonObject row
                ? string.Join('\t', row.Where(p => p.Value is not JsonObject and not JsonArray).Select(p => Scalar(p.Value)))
                : Scalar(item));
        }
    }

    /// <summary>A table of the items' scalar members (the columns of the first item), as <c>az -o table</c>.</summary>
    private static void WriteTable(TextWriter output, JsonNode? result)
    {
        var items = Items(result).ToList();
        if (items.Count == 0)
        {
            return;
        }

        if (items[0] is not JsonObject first)
        {
            output.WriteLine("Result");
            output.WriteLine("--------");
            items.ForEach(i => output.WriteLine(Scalar(i)));
            return;
        }

        var columns = first.Where(p => p.Value is not JsonObject and not JsonArray).Select(p => p.Key).ToList();
        var rows = items.Select(i => columns.Select(c => i is JsonObject o && o[c] is { } v and not JsonObject and not JsonArray ? Scalar(v) : string.Empty).ToList()).ToList();
        var widths = columns.Select((c, i) => Math.Max(Heading(c).Length, rows.Max(r => r[i].Length))).ToList();
        output.WriteLine(string.Join("  ", columns.Select((c, i) => Heading(c).PadRight(widths[i]))).TrimEnd());
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((v, i) => v.PadRight(widths[i]))).TrimEnd());
        }
    }

    /// <summary>A column heading as az writes it: the member name with a capital first letter, without '$'.</summary>
    private static string Heading(string name)
    {
        var trimmed = name.TrimStart('$');
        return trimmed.Length == 0 ? name : char.ToUpperInvariant(trimmed[0]) + trimmed[1..];
    }

    private static JsonArray Items(JsonNode? result) => result switch
    {
        null => [],
        JsonArray array => array,
        _ => [result.DeepClone()],
    };

    private static string Scalar(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "True" : "False",
        _ => value.ToJsonString(),
    };

    /// <summary>The JSON as plain dictionaries, lists and scalars, for the YAML serializer.</summary>
    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray a => a.Select(Plain).ToList(),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        _ => node.ToJsonString(),
    };

    /// <summary>Formats a number as JSON does, for messages.</summary>
    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>UTF-8 without BOM, for files the CLI writes.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(false);
}

/// <summary>A failure the CLI reports as one line and an exit code (1 error, 2 usage, 3 not found).</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>
    /// A refused HTTP call, read the way ADT, ARM and Graph all write errors (<c>{"error":{"code","message"}}</c>):
    /// the message with the code, exit 3 for 404 and 1 otherwise.
    /// </summary>
    public static CliException FromResponse(System.Net.HttpStatusCode status, string body, string who)
    {
        string? code = null, message = null;
        try
        {
            var error = JsonNode.Parse(body)?["error"];
            (code, message) = ((string?)error?["code"], (string?)error?["message"]);
        }
        catch (JsonException)
        {
        }

        return new CliException(status == System.Net.HttpStatusCode.NotFound ? ExitCodes.NotFound : ExitCodes.Invalid,
            message is null ? $"{who} answered {(int)status} {status}" : $"{message} ({code})");
    }
}
