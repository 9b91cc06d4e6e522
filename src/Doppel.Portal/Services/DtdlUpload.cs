using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Doppel.Portal.Services;

/// <summary>A problem with an upload, placed in the person's own file when the position is known.</summary>
/// <param name="File">The file name, or null when the problem concerns the whole upload.</param>
/// <param name="Line">The 1-based line in that file, or null.</param>
/// <param name="Column">The 1-based column in that file, or null.</param>
/// <param name="Message">What the service (or the file reader) said.</param>
public sealed record UploadProblem(string? File, int? Line, int? Column, string Message)
{
    /// <summary>"file.json (3:17)", "file.json" or "".</summary>
    public string Where => File is null ? "" : Line is null ? File : string.Create(CultureInfo.InvariantCulture, $"{File} ({Line}:{Column})");
}

/// <summary>
/// Builds one <c>POST /models</c> body from DTDL files and maps the service's diagnostics back onto them. The server
/// names each array element <c>models[i]</c> and counts lines and columns inside that element's own text, so each
/// element is sent exactly as it stands in its file and the element's start in the file is remembered: a diagnostic
/// at <c>models[3]:2:5</c> becomes line/column in the file the person can open.
/// </summary>
public sealed partial class DtdlUpload
{
    private readonly List<(string File, int Line, int Column)> origins = [];
    private readonly StringBuilder body = new("[");

    /// <summary>Problems found while reading the files (not JSON, not an interface or array of them).</summary>
    public List<UploadProblem> FileProblems { get; } = [];

    /// <summary>The number of interfaces collected.</summary>
    public int Count => origins.Count;

    /// <summary>The request body: a JSON array of every interface collected.</summary>
    public string Body => body.ToString() + "]";

    /// <summary>Adds a file: one interface, or an array of them.</summary>
    public void Add(string file, string text)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var elements = root.ValueKind == JsonValueKind.Array ? [.. root.EnumerateArray()] : new List<JsonElement> { root };
            var from = 0;
            foreach (var element in elements)
            {
                // GetRawText is the element's exact slice of the file, so its offset in the file can be found.
                var raw = element.GetRawText();
                var offset = text.IndexOf(raw, from, StringComparison.Ordinal);
                from = offset < 0 ? from : offset + raw.Length;
                var (line, column) = offset < 0 ? (1, 1) : LineColumn(text, offset);
                origins.Add((file, line, column));
                body.Append(body.Length > 1 ? "," : "").Append(raw);
            }
        }
        catch (JsonException ex)
        {
            FileProblems.Add(new UploadProblem(file, (int?)ex.LineNumber + 1, (int?)ex.BytePositionInLine + 1, "Not valid JSON: " + ex.Message));
        }
    }

    /// <summary>Places the service's messages (the error's details, else its message) in the files.</summary>
    public IReadOnlyList<UploadProblem> Map(PortalApiException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var messages = error.Details.Count > 0 ? error.Details : [error.Message];
        return [.. messages.Select(Map)];
    }

    /// <summary>Places one message of the form <c>models[i]:line:col: text</c> (or <c>models[i]: text</c>).</summary>
    public UploadProblem Map(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var match = Position().Match(message);
        if (!match.Success)
        {
            return new UploadProblem(null, null, null, message);
        }

        var index = int.Parse(match.Groups["i"].Value, CultureInfo.InvariantCulture);
        if (index >= origins.Count)
        {
            return new UploadProblem(null, null, null, message);
        }

        var (file, startLine, startColumn) = origins[index];
        var text = message[match.Length..].TrimStart();
        if (!match.Groups["line"].Success)
        {
            return new UploadProblem(file, null, null, text);
        }

        var line = int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture);
        var column = int.Parse(match.Groups["col"].Value, CultureInfo.InvariantCulture);

        // Only the element's first line is shifted by the element's column in the file.
        return new UploadProblem(file, startLine + line - 1, line == 1 ? startColumn + column - 1 : column, text);
    }

    private static (int Line, int Column) LineColumn(string text, int offset)
    {
        int line = 1, lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart + 1);
    }

    [GeneratedRegex(@"^models\[(?<i>\d+)\](?::(?<line>\d+):(?<col>\d+))?:", RegexOptions.CultureInvariant)]
    private static partial Regex Position();
}
