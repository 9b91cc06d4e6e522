using Doppel.Diagnostics;
using Doppel.Dtdl.Resolution;

namespace Doppel.Dtdl;

/// <summary>
/// Parses, validates and resolves DTDL v2 and v3 uploads. Thread-safe: create one per set of options and share it.
/// </summary>
/// <remarks>
/// One call takes one upload — every document a client sends together — plus the models already stored in the
/// instance, and returns either the resolved model set or every problem found. Validation never stops at the
/// first problem; only <see cref="ParseOrThrow"/> throws.
/// </remarks>
public sealed class DtdlParser
{
    /// <summary>Creates a parser with the given options, or ADT's defaults.</summary>
    public DtdlParser(DtdlParserOptions? options = null)
    {
        Options = options ?? DtdlParserOptions.Default;
    }

    /// <summary>The options this parser applies.</summary>
    public DtdlParserOptions Options { get; }

    /// <summary>Parses one upload.</summary>
    /// <param name="documents">The documents of the upload, each an Interface or an array of them.</param>
    /// <param name="stored">The models already in the instance, which the upload may refer to; null for none.</param>
    /// <param name="cancellationToken">Stops a long parse.</param>
    public DtdlParseResult Parse(IReadOnlyList<DtdlDocument> documents, ModelSet? stored = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return new UploadParser(Options, stored, cancellationToken).Run(documents);
    }

    /// <summary>Parses one upload and throws <see cref="DtdlValidationException"/> with every problem when it is invalid.</summary>
    public ModelSet ParseOrThrow(IReadOnlyList<DtdlDocument> documents, ModelSet? stored = null, CancellationToken cancellationToken = default)
    {
        var result = Parse(documents, stored, cancellationToken);
        return result.Models ?? throw new DtdlValidationException(result.Diagnostics);
    }
}
