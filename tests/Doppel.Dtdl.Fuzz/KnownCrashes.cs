namespace Doppel.Dtdl.Fuzz;

/// <summary>A parser crash the fuzzer found and that is not fixed yet.</summary>
/// <param name="Signature">The failure signature (<see cref="FuzzFailure.Signature"/>) every input of this bug shares.</param>
/// <param name="Files">Its smallest known inputs under <c>testdata/dtdl/fuzz-regressions/</c>.</param>
/// <param name="Note">What triggers it.</param>
internal sealed record KnownCrash(string Signature, string[] Files, string Note);

/// <summary>
/// Crashes of the parser that the fuzzer found and that are reported but not fixed yet. The fuzz tests own only the
/// fuzzer, not <c>src/Doppel.Dtdl</c>; so that CI stays green while the fix is pending, a failure with one of these
/// signatures is written to the test log and to <c>artifacts/fuzz-crashes/</c> but does not fail the run, unless
/// <c>DOPPEL_FUZZ_STRICT=1</c>. Once the parser is fixed, delete the entry: the regression test then requires its
/// files to pass, and it says in its log when a listed file no longer fails.
/// </summary>
internal static class KnownCrashes
{
    /// <remarks>
    /// Empty now. The first crashes the fuzzer found (a lone surrogate escape such as <c>"\ud800"</c> in a string or a
    /// property name; a Property with a semantic co-type whose schema DTMI does not resolve) were fixed in the parser
    /// (commit 6ade6de) and are replayed from <c>testdata/dtdl/fuzz-regressions/</c>. An entry looks like
    /// <c>new("System.NullReferenceException at Doppel.Dtdl.Validation.ReferenceRules.ClassOf", ["file.json"], "what triggers it")</c>.
    /// </remarks>
    public static IReadOnlyList<KnownCrash> All { get; } = [];

    /// <summary>The known crash with this signature, or null.</summary>
    public static KnownCrash? For(string signature) => All.FirstOrDefault(c => c.Signature == signature);

    /// <summary>The known crash whose inputs include this regression file name, or null.</summary>
    public static KnownCrash? ForFile(string fileName) => All.FirstOrDefault(c => c.Files.Contains(fileName, StringComparer.Ordinal));
}
