using Doppel.Diagnostics;

namespace Doppel.Dtdl;

/// <summary>Thrown at the edge by <see cref="DtdlParser.ParseOrThrow"/>; holds every problem of the upload.</summary>
public sealed class DtdlValidationException : Exception
{
    /// <summary>Creates the exception from the diagnostics of a failed parse.</summary>
    public DtdlValidationException(IReadOnlyList<Diagnostic> diagnostics)
        : base(diagnostics.Count == 0 ? "The DTDL upload is invalid." : diagnostics[0].Message)
    {
        Diagnostics = diagnostics;
    }

    /// <summary>Every problem of the upload.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }
}
