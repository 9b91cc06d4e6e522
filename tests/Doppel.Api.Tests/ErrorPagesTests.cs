using System.Reflection;
using Doppel.Api.Tests.Support;
using Doppel.Twins.Errors;

namespace Doppel.Api.Tests;

/// <summary>
/// Every error code the data plane can answer with is a constant of <see cref="AdtErrorCodes"/>, and each has its
/// page at <c>docs/errors/&lt;CODE&gt;.md</c> (CONVENTIONS B9): a new code without a page fails here.
/// </summary>
public sealed class ErrorPagesTests
{
    private static readonly string Pages = Path.Combine(RepoPaths.Docs, "errors");

    public static TheoryData<string> Codes()
    {
        var codes = new TheoryData<string>();
        foreach (var code in AllCodes())
        {
            codes.Add(code);
        }

        return codes;
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Every_error_code_has_a_page_with_its_status_meaning_example_and_fix(string code)
    {
        var path = Path.Combine(Pages, code + ".md");

        Assert.True(File.Exists(path), $"docs/errors/{code}.md is missing: every code in AdtErrorCodes needs a page.");
        var page = File.ReadAllText(path);
        Assert.StartsWith($"# {code}\n", page, StringComparison.Ordinal);
        Assert.Matches(@"\*\*HTTP \d{3}\*\*", page);
        Assert.Contains("## What it means", page, StringComparison.Ordinal);
        Assert.Contains("## When Doppel returns it", page, StringComparison.Ordinal);
        Assert.Contains($"\"code\": \"{code}\"", page, StringComparison.Ordinal);
        Assert.Contains("## How to fix it", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_page_belongs_to_a_code_the_data_plane_has()
    {
        var codes = AllCodes().ToHashSet(StringComparer.Ordinal);

        var strays = Directory.EnumerateFiles(Pages, "*.md")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => name != "README" && !codes.Contains(name!))
            .ToList();

        Assert.Empty(strays);
    }

    [Fact]
    public void Each_page_states_the_status_the_error_envelope_is_sent_with()
    {
        var expected = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [AdtErrorCodes.DigitalTwinNotFound] = 404,
            [AdtErrorCodes.PreconditionFailed] = 412,
            [AdtErrorCodes.ModelAlreadyExists] = 409,
            [AdtErrorCodes.Unauthorized] = 401,
            [AdtErrorCodes.PayloadTooLarge] = 413,
            [AdtErrorCodes.UnsupportedMediaType] = 415,
            [AdtErrorCodes.ServiceUnavailable] = 503,
        };

        foreach (var (code, status) in expected)
        {
            Assert.Contains($"**HTTP {status}**", File.ReadAllText(Path.Combine(Pages, code + ".md")), StringComparison.Ordinal);
        }
    }

    private static IEnumerable<string> AllCodes() =>
        typeof(AdtErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!);
}
