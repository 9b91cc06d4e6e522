using System.Text.Json;
using Doppel.Cli.Dtdl;
using Doppel.Diagnostics;

namespace Doppel.Cli.Tests;

/// <summary>The shapes <c>doppel dtdl validate</c> prints, checked on hand-made diagnostics so they hold whatever the parser finds.</summary>
public sealed class ValidateOutputFormatTests
{
    private static readonly Diagnostic Located = new("dtmi:dtdl:parsingError:invalidId", DiagnosticSeverity.Error, "Identifier 'x' is invalid.", "Replace it.")
    {
        Location = new SourceLocation("models/Room.json", Offset: 40, Line: 3, Column: 10),
        ElementId = "dtmi:com:example:Room;1",
        Property = "@id",
    };

    [Fact]
    public void FormatLine_with_location_prints_file_line_col_ID_message()
    {
        var line = ValidateCommand.FormatLine(Located);

        Assert.Equal("models/Room.json:3:10: dtmi:dtdl:parsingError:invalidId: Identifier 'x' is invalid. Replace it.", line);
    }

    [Fact]
    public void FormatLine_without_location_names_the_upload()
    {
        var line = ValidateCommand.FormatLine(Located with { Location = null });

        Assert.Equal("<upload>: dtmi:dtdl:parsingError:invalidId: Identifier 'x' is invalid. Replace it.", line);
    }

    [Fact]
    public void FormatLine_keeps_a_multi_line_message_on_one_line()
    {
        var line = ValidateCommand.FormatLine(Located with { Cause = "First line.\nSecond line." });

        Assert.DoesNotContain('\n', line);
        Assert.EndsWith("First line. Second line. Replace it.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_report_has_every_key_for_every_error_with_null_for_unknown_values()
    {
        var report = ValidationReport.From(valid: false, [Located, Located with { Location = null, ElementId = null, Property = null }]);

        using var json = JsonDocument.Parse(report.ToJson());

        Assert.Equal(JsonValueKind.False, json.RootElement.GetProperty("valid").ValueKind);
        var errors = json.RootElement.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(2, errors.Count);
        Assert.Equal(
            ["id", "dtmi", "property", "file", "line", "column", "message"],
            errors[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("dtmi:dtdl:parsingError:invalidId", errors[0].GetProperty("id").GetString());
        Assert.Equal("dtmi:com:example:Room;1", errors[0].GetProperty("dtmi").GetString());
        Assert.Equal("@id", errors[0].GetProperty("property").GetString());
        Assert.Equal("models/Room.json", errors[0].GetProperty("file").GetString());
        Assert.Equal(3, errors[0].GetProperty("line").GetInt32());
        Assert.Equal(10, errors[0].GetProperty("column").GetInt32());
        Assert.Equal("Identifier 'x' is invalid. Replace it.", errors[0].GetProperty("message").GetString());
        Assert.All(["dtmi", "property", "file", "line", "column"], key => Assert.Equal(JsonValueKind.Null, errors[1].GetProperty(key).ValueKind));
    }

    [Fact]
    public void Json_report_keeps_warnings_out_of_errors()
    {
        var warning = Located with { Severity = DiagnosticSeverity.Warning };

        using var json = JsonDocument.Parse(ValidationReport.From(valid: true, [warning]).ToJson());

        Assert.Equal(JsonValueKind.True, json.RootElement.GetProperty("valid").ValueKind);
        Assert.Equal(0, json.RootElement.GetProperty("errors").GetArrayLength());
        Assert.Equal(1, json.RootElement.GetProperty("warnings").GetArrayLength());
    }
}
