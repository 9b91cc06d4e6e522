namespace Doppel.Dtdl;

/// <summary>
/// Settings for <see cref="DtdlParser"/>. Immutable and shareable: build once, use for every parse.
/// The defaults are those of Azure Digital Twins.
/// </summary>
public sealed record DtdlParserOptions
{
    /// <summary>The defaults used by Azure Digital Twins.</summary>
    public static DtdlParserOptions Default { get; } = new();

    /// <summary>
    /// Whether an <c>@context</c> may name an extension the parser does not know. Null means the DTDL
    /// version's own default: tolerated in v2, rejected in v3.
    /// </summary>
    public bool? AllowUndefinedExtensions { get; init; }

    /// <summary>The newest DTDL language version accepted. ADT accepts 2 and 3.</summary>
    public int MaxDtdlVersion { get; init; } = 3;

    /// <summary>Largest accepted document, in bytes (ADT: 1 MiB per model).</summary>
    public int MaxDocumentBytes { get; init; } = 1024 * 1024;

    /// <summary>Most Interfaces accepted in one upload (ADT: 250 per API call).</summary>
    public int MaxInterfacesPerUpload { get; init; } = int.MaxValue;

    /// <summary>Deepest JSON nesting accepted before the document is rejected as hostile.</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>
    /// Whether ADT's own limits apply on top of the language (<see cref="MaxInterfacesPerUpload"/>). The rules ADT
    /// shares with the language — only Interfaces at the top level, no v2 Interface extending or embedding a v3
    /// one — always apply.
    /// </summary>
    public bool ApplyAdtRules { get; init; } = true;
}
