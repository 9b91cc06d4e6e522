using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Doppel.Diagnostics;

namespace Doppel.Cli.Dtdl;

/// <summary>The <c>--json</c> output of <c>doppel dtdl validate</c>.</summary>
/// <param name="Valid">Whether the upload is valid.</param>
/// <param name="Errors">Every error, in the parser's order.</param>
/// <param name="Warnings">Problems that do not make the upload invalid, in the same shape.</param>
internal sealed record ValidationReport(bool Valid, IReadOnlyList<ValidationProblem> Errors, IReadOnlyList<ValidationProblem> Warnings)
{
    private static readonly CliJsonContext Json = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        // Messages quote names with apostrophes; keep them readable instead of \u0027.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Builds the report from the parser's diagnostics.</summary>
    public static ValidationReport From(bool valid, IReadOnlyList<Diagnostic> diagnostics) => new(
        valid,
        [.. diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(ValidationProblem.From)],
        [.. diagnostics.Where(d => d.Severity != DiagnosticSeverity.Error).Select(ValidationProblem.From)]);

    /// <summary>The report as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json.ValidationReport);
}

/// <summary>One problem in the <c>--json</c> output. Every key is always present; unknown values are null.</summary>
/// <param name="Id">The validation id (the diagnostic's code), such as <c>dtmi:dtdl:parsingError:invalidId</c>.</param>
/// <param name="Dtmi">The DTMI of the element the problem belongs to.</param>
/// <param name="Property">The property of that element.</param>
/// <param name="File">The file, as given on the command line or found below a folder given.</param>
/// <param name="Line">One-based line.</param>
/// <param name="Column">One-based column.</param>
/// <param name="Message">Cause and action.</param>
internal sealed record ValidationProblem(string Id, string? Dtmi, string? Property, string? File, int? Line, int? Column, string Message)
{
    /// <summary>Converts a diagnostic.</summary>
    public static ValidationProblem From(Diagnostic diagnostic) => new(
        diagnostic.Code,
        diagnostic.ElementId,
        diagnostic.Property,
        diagnostic.Location?.Source,
        diagnostic.Location?.Line,
        diagnostic.Location?.Column,
        diagnostic.Message);
}

/// <summary>Source-generated serialisation for the CLI's JSON output (no reflection, trim- and AOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ValidationReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
