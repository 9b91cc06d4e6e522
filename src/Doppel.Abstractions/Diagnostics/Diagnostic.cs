namespace Doppel.Diagnostics;

/// <summary>
/// One problem found in user input, as data: a stable code, where it was found, what is wrong (cause) and
/// what to do about it (action). Validators collect these; only the edge of the system turns them into an
/// exception or an HTTP error.
/// </summary>
/// <param name="Code">
/// A stable identifier. DTDL diagnostics use the validation ids of Microsoft's DTDLParser catalogue, such as
/// <c>dtmi:dtdl:parsingError:invalidId</c>, so that tools written against ADT recognise them.
/// </param>
/// <param name="Severity">Error or warning.</param>
/// <param name="Cause">What is wrong, in a sentence.</param>
/// <param name="Action">What the user can do about it, in a sentence.</param>
public sealed record Diagnostic(string Code, DiagnosticSeverity Severity, string Cause, string Action)
{
    /// <summary>Where the problem was found, when known.</summary>
    public SourceLocation? Location { get; init; }

    /// <summary>The identifier (for DTDL, the DTMI) of the element the problem belongs to, when known.</summary>
    public string? ElementId { get; init; }

    /// <summary>A second element involved in the problem, such as the other definition of a duplicate.</summary>
    public string? SecondaryId { get; init; }

    /// <summary>The property of the element the problem is about, when known.</summary>
    public string? Property { get; init; }

    /// <summary>The offending value, when there is one.</summary>
    public string? Value { get; init; }

    /// <summary>A second place involved in the problem.</summary>
    public SourceLocation? RelatedLocation { get; init; }

    /// <summary>The full message: cause followed by action.</summary>
    public string Message => $"{Cause} {Action}";

    /// <inheritdoc />
    public override string ToString() =>
        Location is null ? $"{Code}: {Message}" : $"{Location}: {Code}: {Message}";
}
