using System.Globalization;
using Doppel.Diagnostics;
using Doppel.Dtdl;

namespace Doppel.Cli.Dtdl;

/// <summary><c>doppel dtdl validate PATH... [--json]</c>: parses every file given as one upload and reports each problem.</summary>
internal static class ValidateCommand
{
    private const string Name = "doppel dtdl validate";

    /// <summary>Runs the command and returns its exit code.</summary>
    public static int Run(IReadOnlyList<string> paths, bool json, CliConsole console)
    {
        if (paths.Count == 0)
        {
            return UsageError(console, ["no files or folders given; name at least one model file or folder"]);
        }

        var upload = UploadFiles.Read(paths);
        if (upload.Problems.Count > 0)
        {
            return UsageError(console, upload.Problems);
        }

        var result = new DtdlParser().Parse(upload.Documents);

        if (json)
        {
            console.Out.WriteLine(ValidationReport.From(result.IsValid, result.Diagnostics).ToJson());
        }
        else
        {
            foreach (var diagnostic in result.Diagnostics)
            {
                console.Out.WriteLine(FormatLine(diagnostic));
            }
        }

        console.Error.WriteLine(Summary(result, upload.Documents.Count));
        return result.IsValid ? ExitCodes.Success : ExitCodes.Invalid;
    }

    /// <summary>
    /// <c>file:line:col: ID: message</c>, the shape compilers use so editors and CI annotate the line. A problem
    /// with no location (one about the upload as a whole) starts with <c>&lt;upload&gt;</c> instead.
    /// </summary>
    public static string FormatLine(Diagnostic diagnostic)
    {
        var where = diagnostic.Location is { } location
            ? string.Create(CultureInfo.InvariantCulture, $"{location.Source}:{location.Line}:{location.Column}")
            : "<upload>";
        var message = diagnostic.Message.ReplaceLineEndings(" ");
        var warning = diagnostic.Severity == DiagnosticSeverity.Error ? "" : "warning: ";
        return $"{where}: {diagnostic.Code}: {warning}{message}";
    }

    private static string Summary(DtdlParseResult result, int files)
    {
        var errors = result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        var warnings = result.Diagnostics.Count - errors;
        var warningText = warnings == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $", {Plural(warnings, "warning")}");
        return result.IsValid
            ? string.Create(CultureInfo.InvariantCulture, $"Valid: {Plural(result.Models?.Interfaces.Count ?? 0, "Interface")} in {Plural(files, "file")}{warningText}.")
            : string.Create(CultureInfo.InvariantCulture, $"Invalid: {Plural(errors, "error")}{warningText} in an upload of {Plural(files, "file")}.");
    }

    private static string Plural(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");

    private static int UsageError(CliConsole console, IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            console.Error.WriteLine($"{Name}: error: {problem}");
        }

        console.Error.WriteLine($"Run '{Name} --help' for usage.");
        return ExitCodes.UsageError;
    }
}
