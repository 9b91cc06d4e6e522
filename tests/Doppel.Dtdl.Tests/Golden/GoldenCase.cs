namespace Doppel.Dtdl.Tests.Golden;

/// <summary>One error DTDLParser expects for an invalid golden case (<c>expect.parsingErrors[]</c>).</summary>
internal sealed record ExpectedError(string ValidationId, string? PrimaryId, string? SecondaryId, string? Property, string? Value);

/// <summary>
/// One case of DTDLParser's golden data (<c>testdata/dtdl/dtdlparser-testcases/{generated,doc-examples,solecisms}</c>):
/// documents parsed together as one upload, the options they are parsed with, and the expected verdict and errors.
/// </summary>
/// <param name="Id">Stable id: the file's path below <c>dtdlparser-testcases</c>, plus <c>[n]</c> when the file holds an array of cases.</param>
/// <param name="Folder">The source folder: generated, doc-examples or solecisms.</param>
/// <param name="FileVersion">The version in the file name (<c>…V2.json</c>). For the extension doc examples this is the extension's version.</param>
/// <param name="DtdlVersion">The DTDL version the case is written in: the one DTDL context of its documents, else <paramref name="FileVersion"/>.</param>
/// <param name="Valid">DTDLParser's verdict.</param>
/// <param name="Options">Parser options named by the case (<c>AllowUndefinedExtensions</c>, <c>DisallowUndefinedExtensions</c>).</param>
/// <param name="Quirks">DTDLParser quirks the case needs (non-default behaviour).</param>
/// <param name="MaxDtdlVersion">The case's <c>maxDtdlVersion</c> setting, when it has one.</param>
/// <param name="UnsupportedSettings">Keys of settings this runner cannot reproduce (<c>resolution</c>, <c>partialResolution</c>, <c>acceptableLimits</c>, unknown keys).</param>
/// <param name="Inputs">The JSON text of each document of the upload, as written in the case file.</param>
/// <param name="ExpectedErrors">The errors DTDLParser reports, in its order; empty for valid cases.</param>
internal sealed partial record GoldenCase(
    string Id,
    string Folder,
    int FileVersion,
    int DtdlVersion,
    bool Valid,
    IReadOnlyList<string> Options,
    IReadOnlyList<string> Quirks,
    int? MaxDtdlVersion,
    IReadOnlyList<string> UnsupportedSettings,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<ExpectedError> ExpectedErrors)
{
    /// <summary>
    /// True when the case exercises DTDLParser's layering: an element defined in several layers, written with a
    /// fragment identifier (<c>dtmi:ex:Thing;1#layer</c>) or the layering context. DTDL v2 and v3 reject such
    /// identifiers; the report shows these cases apart because the first error named comes from merging layers.
    /// </summary>
    public bool UsesLayering => Inputs.Any(text => text.Contains("dtmi:dtdl:extension:layering", StringComparison.Ordinal) || FragmentId().IsMatch(text));

    [System.Text.RegularExpressions.GeneratedRegex("\"@id\"\\s*:\\s*\"dtmi:[^\"]*#")]
    private static partial System.Text.RegularExpressions.Regex FragmentId();

    /// <summary>The ValidationID of DTDLParser's first error, or null.</summary>
    public string? FirstExpectedId => ExpectedErrors.Count > 0 ? ExpectedErrors[0].ValidationId : null;

    /// <summary>The upload as documents named after the case file, <c>FooV2.json[0]</c>, <c>FooV2.json[1]</c>, ….</summary>
    public IReadOnlyList<DtdlDocument> ToDocuments()
    {
        var name = Path.GetFileName(Id);
        return [.. Inputs.Select((text, i) => DtdlDocument.FromText($"{name}[{i}]", text))];
    }
}
