using Doppel.Diagnostics;
using Doppel.Dtdl.Resolution;

namespace Doppel.Dtdl;

/// <summary>The outcome of parsing one upload: the resolved models, or every problem found.</summary>
public sealed class DtdlParseResult
{
    internal DtdlParseResult(ModelSet? models, IReadOnlyList<Diagnostic> diagnostics)
    {
        Models = models;
        Diagnostics = diagnostics;
    }

    /// <summary>True when no error was found.</summary>
    public bool IsValid => Models is not null;

    /// <summary>
    /// The resolved model set, with the instance's stored models the upload was parsed against, or null
    /// when the upload is invalid.
    /// </summary>
    public ModelSet? Models { get; }

    /// <summary>Every problem found, in document order.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }
}
