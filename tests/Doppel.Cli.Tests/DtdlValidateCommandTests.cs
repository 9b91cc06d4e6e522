using System.Text.Json;
using System.Text.RegularExpressions;
using Doppel.Dtdl;

namespace Doppel.Cli.Tests;

/// <summary><c>doppel dtdl validate</c>, run in-process on the DTDL test data.</summary>
public sealed partial class DtdlValidateCommandTests
{
    private static readonly string Thermostat = TestData.Dtdl("samples/dtdl-spec-v2/Thermostat.json");
    private static readonly string TemperatureController = TestData.Dtdl("samples/dtdl-spec-v2/TemperatureController.json");
    private static readonly string DuplicateNames = TestData.Dtdl("invalid/S012-duplicate-content-names.json");
    private static readonly string NotJson = TestData.Dtdl("invalid/S033-json-syntax-error.json");
    private static readonly string InvalidFolder = TestData.Dtdl("invalid");
    private static readonly string ExplorerFolder = TestData.Dtdl("samples/digital-twins-explorer");
    private static readonly string ExtendingModel = TestData.Dtdl("samples/dtdlparser-resolve-sample/dtmi/com/example-1.json");
    private static readonly string BaseModelFolder = TestData.Dtdl("samples/dtdlparser-resolve-sample/dtmi/com/example");

    [Fact]
    public void Validate_valid_file_prints_nothing_on_stdout_a_summary_on_stderr_and_exits_0()
    {
        var run = CliRunner.Run("dtdl", "validate", Thermostat);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Empty(run.OutLines);
        Assert.Single(run.ErrorLines);
        Assert.StartsWith("Valid:", run.ErrorLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_valid_folder_exits_0()
    {
        var run = CliRunner.Run("dtdl", "validate", ExplorerFolder);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Empty(run.OutLines);
    }

    [Fact]
    public void Validate_invalid_file_prints_file_line_col_ID_message_and_exits_1()
    {
        var run = CliRunner.Run("dtdl", "validate", DuplicateNames);

        Assert.True(run.ExitCode == ExitCodes.Invalid, run.ToString());
        Assert.NotEmpty(run.OutLines);
        var problems = run.OutLines.Select(ParseLine).ToList();
        Assert.All(problems, p => Assert.Equal(DuplicateNames, p.File));
        Assert.Contains(problems, p => p.Id == "dtmi:dtdl:parsingError:nonUniquePropertyValue");
        Assert.Single(run.ErrorLines);
        Assert.StartsWith("Invalid:", run.ErrorLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_invalid_folder_prints_one_line_per_problem_and_exits_1()
    {
        var expected = new DtdlParser().Parse(
            [.. Directory.EnumerateFiles(InvalidFolder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(DtdlDocument.FromFile)]);

        var run = CliRunner.Run("dtdl", "validate", InvalidFolder);

        Assert.True(run.ExitCode == ExitCodes.Invalid, run.ToString());
        Assert.Equal(expected.Diagnostics.Count, run.OutLines.Count);
        var problems = run.OutLines.Select(ParseLine).ToList();
        Assert.Equal(expected.Diagnostics.Select(d => d.Code), problems.Select(p => p.Id));
        Assert.All(problems, p => Assert.StartsWith(InvalidFolder, p.File, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_malformed_json_file_reports_a_problem_and_exits_1()
    {
        var run = CliRunner.Run("dtdl", "validate", NotJson);

        Assert.True(run.ExitCode == ExitCodes.Invalid, run.ToString());
        var problem = ParseLine(Assert.Single(run.OutLines, line => line.StartsWith(NotJson, StringComparison.Ordinal)));
        Assert.True(problem.Line >= 1 && problem.Column >= 1, run.ToString());
    }

    [Fact]
    public void Validate_files_and_folders_given_together_form_one_upload()
    {
        var alone = CliRunner.Run("dtdl", "validate", ExtendingModel);
        var together = CliRunner.Run("dtdl", "validate", ExtendingModel, BaseModelFolder);

        Assert.True(alone.ExitCode == ExitCodes.Invalid, alone.ToString());
        Assert.True(together.ExitCode == ExitCodes.Success, together.ToString());
    }

    [Fact]
    public void Validate_reference_missing_from_the_upload_exits_1()
    {
        var run = CliRunner.Run("dtdl", "validate", TemperatureController, Thermostat);

        Assert.True(run.ExitCode == ExitCodes.Invalid, run.ToString());
        Assert.Contains(run.OutLines, line => line.Contains("dtmi:azure:DeviceManagement:DeviceInformation;1", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_with_json_prints_valid_false_and_every_error_field_and_exits_1()
    {
        var run = CliRunner.Run("dtdl", "validate", DuplicateNames, "--json");

        Assert.True(run.ExitCode == ExitCodes.Invalid, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.False, root.GetProperty("valid").ValueKind);
        var errors = root.GetProperty("errors").EnumerateArray().ToList();
        Assert.NotEmpty(errors);
        foreach (var error in errors)
        {
            Assert.Equal(JsonValueKind.String, error.GetProperty("id").ValueKind);
            Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
            Assert.Contains(error.GetProperty("dtmi").ValueKind, new[] { JsonValueKind.String, JsonValueKind.Null });
            Assert.Contains(error.GetProperty("property").ValueKind, new[] { JsonValueKind.String, JsonValueKind.Null });
            Assert.Contains(error.GetProperty("file").ValueKind, new[] { JsonValueKind.String, JsonValueKind.Null });
            Assert.Contains(error.GetProperty("line").ValueKind, new[] { JsonValueKind.Number, JsonValueKind.Null });
            Assert.Contains(error.GetProperty("column").ValueKind, new[] { JsonValueKind.Number, JsonValueKind.Null });
        }

        Assert.Contains(errors, e => e.GetProperty("id").GetString() == "dtmi:dtdl:parsingError:nonUniquePropertyValue" && e.GetProperty("file").GetString() == DuplicateNames);
    }

    [Fact]
    public void Validate_with_json_on_a_valid_upload_prints_valid_true_and_no_errors()
    {
        var run = CliRunner.Run("dtdl", "validate", "--json", Thermostat);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(JsonValueKind.True, json.RootElement.GetProperty("valid").ValueKind);
        Assert.Equal(0, json.RootElement.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public void Validate_without_paths_exits_2_with_a_message_on_stderr()
    {
        var run = CliRunner.Run("dtdl", "validate");

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Empty(run.OutLines);
        Assert.Contains("no files or folders given", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_missing_path_exits_2_and_names_the_path()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"doppel-missing-{Guid.NewGuid():N}.json");

        var run = CliRunner.Run("dtdl", "validate", Thermostat, missing);

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Empty(run.OutLines);
        Assert.Contains($"no such file or folder: '{missing}'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_unreadable_file_exits_2_and_says_it_cannot_be_read()
    {
        var path = Path.Combine(Path.GetTempPath(), $"doppel-locked-{Guid.NewGuid():N}.json");
        File.Copy(Thermostat, path);
        try
        {
            CliRun run;
            using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                run = CliRunner.Run("dtdl", "validate", path);
            }

            Assert.Equal(ExitCodes.UsageError, run.ExitCode);
            Assert.Contains($"cannot read '{path}'", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Validate_folder_without_json_files_exits_2()
    {
        var folder = Directory.CreateTempSubdirectory("doppel-empty-");
        try
        {
            var run = CliRunner.Run("dtdl", "validate", folder.FullName);

            Assert.Equal(ExitCodes.UsageError, run.ExitCode);
            Assert.Contains("holds no *.json files", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Validate_unknown_option_exits_2()
    {
        var run = CliRunner.Run("dtdl", "validate", Thermostat, "--bogus");

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("--bogus", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Doppel_without_a_command_exits_2()
    {
        var run = CliRunner.Run();

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("doppel --help", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_help_shows_usage_and_an_example_and_exits_0()
    {
        var run = CliRunner.Run("dtdl", "validate", "--help");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("doppel dtdl validate [<PATH>...] [options]", run.Out, StringComparison.Ordinal);
        Assert.Contains("--json", run.Out, StringComparison.Ordinal);
        Assert.Contains("Examples:", run.Out, StringComparison.Ordinal);
        Assert.Contains(run.OutLines, line => line.StartsWith("doppel dtdl validate models/", StringComparison.Ordinal));
    }

    [Fact]
    public void Root_help_lists_the_dtdl_command_group()
    {
        var run = CliRunner.Run("--help");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains(run.OutLines, line => line.StartsWith("dtdl ", StringComparison.Ordinal));
    }

    private static Problem ParseLine(string line)
    {
        var match = ProblemLine().Match(line);
        Assert.True(match.Success, $"'{line}' is not 'file:line:col: ID: message'.");
        return new Problem(
            match.Groups["file"].Value,
            int.Parse(match.Groups["line"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(match.Groups["col"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture),
            match.Groups["id"].Value,
            match.Groups["message"].Value);
    }

    /// <summary><c>file:line:col: ID: message</c>; the ID has no spaces (DTDLParser ids contain colons, so it ends at ": ").</summary>
    [GeneratedRegex(@"^(?<file>.+?):(?<line>\d+):(?<col>\d+): (?<id>\S+): (?<message>\S.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex ProblemLine();

    private sealed record Problem(string File, int Line, int Column, string Id, string Message);
}
