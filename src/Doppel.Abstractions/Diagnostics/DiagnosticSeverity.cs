namespace Doppel.Diagnostics;

/// <summary>How serious a diagnostic is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The input is rejected.</summary>
    Error,

    /// <summary>The input is accepted, but something deserves attention.</summary>
    Warning,
}
