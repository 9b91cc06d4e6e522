using System.Diagnostics;
using System.Text.Json;
using Doppel.Diagnostics;

namespace Doppel.Dtdl.Fuzz;

/// <summary>What went wrong with one input: a short signature to tell distinct bugs apart, and the full story.</summary>
/// <param name="Signature">The exception type and the first Doppel frame, or the broken invariant's name.</param>
/// <param name="Description">The exception with its stack trace, or what the result looked like.</param>
internal sealed record FuzzFailure(string Signature, string Description);

/// <summary>
/// The fuzz target: parses one input and checks what must hold for any input at all.
/// <list type="bullet">
/// <item>Parse never throws; only <see cref="OperationCanceledException"/> may escape, and nothing here cancels.</item>
/// <item>No parse takes longer than <see cref="FuzzSettings.PerInputLimit"/> (a slow input is a denial of service).</item>
/// <item>Every diagnostic has a non-empty code and message; an invalid result has at least one error; a valid result
/// has models and no error.</item>
/// <item>There is no second DTDL parser to compare with in process (CONVENTIONS E23's oracle), so an accepted input is
/// checked against the parser itself: parsed again it gets the same verdict and the same diagnostic codes, and an
/// accepted array of Interfaces is also accepted when its Interfaces come as separate documents.</item>
/// </list>
/// The input is parsed as one document and, when it is a JSON array of several values, once more with each value as
/// a document of its own, which reaches the cross-document paths.
/// </summary>
internal static class DtdlFuzzTarget
{
    private static readonly DtdlParser Parser = new();

    /// <summary>Runs one input; null when every check held. <paramref name="accepted"/> tells whether the parser accepted it as one document.</summary>
    public static FuzzFailure? Run(byte[] input, out bool accepted)
    {
        var whole = new DtdlDocument[] { new("fuzz.json", input) };
        var failure = Check(whole, out var wholeResult);
        accepted = wholeResult?.IsValid == true;
        if (failure is not null)
        {
            return failure;
        }

        if (Split(input) is not { } parts)
        {
            return null;
        }

        failure = Check(parts, out var partsResult);
        if (failure is not null)
        {
            return failure with { Description = "(the array's values as separate documents) " + failure.Description };
        }

        return wholeResult!.IsValid && input.Length <= Parser.Options.MaxDocumentBytes && !partsResult!.IsValid
            ? new FuzzFailure(
                "verdict: an accepted array of Interfaces is rejected as separate documents",
                Describe(partsResult))
            : null;
    }

    private static FuzzFailure? Check(IReadOnlyList<DtdlDocument> documents, out DtdlParseResult? result)
    {
        result = null;
        var failure = Parse(documents, out result) ?? Invariants(result!);
        if (failure is not null || !result!.IsValid)
        {
            return failure;
        }

        failure = Parse(documents, out var again) ?? Invariants(again!);
        if (failure is not null)
        {
            return failure;
        }

        return again!.IsValid == result.IsValid && Codes(again).SequenceEqual(Codes(result), StringComparer.Ordinal)
            ? null
            : new FuzzFailure("determinism: a second parse of the same input gives another result", $"first: {Describe(result)}\nsecond: {Describe(again)}");
    }

    private static FuzzFailure? Parse(IReadOnlyList<DtdlDocument> documents, out DtdlParseResult? result)
    {
        result = null;
        var clock = Stopwatch.StartNew();
        try
        {
            result = Parser.Parse(documents);
        }
        catch (OperationCanceledException)
        {
            // Not a crash: the only exception Parse may let out. Nothing cancels here, so the result is simply absent.
            return null;
        }
#pragma warning disable CA1031 // Do not catch general exception types: any other exception out of Parse is exactly the crash this target looks for.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return new FuzzFailure(Signature(exception), exception.ToString());
        }

        return clock.Elapsed > FuzzSettings.PerInputLimit
            ? new FuzzFailure("slow: one parse took longer than the per-input limit", $"{clock.Elapsed.TotalSeconds:F1} s; limit {FuzzSettings.PerInputLimit.TotalSeconds} s")
            : null;
    }

    private static FuzzFailure? Invariants(DtdlParseResult? result)
    {
        if (result is null)
        {
            return null;
        }

        if (result.Diagnostics is null)
        {
            return new FuzzFailure("invariant: Diagnostics is null", "");
        }

        if (result.Diagnostics.Any(d => d is null || string.IsNullOrWhiteSpace(d.Code) || string.IsNullOrWhiteSpace(d.Message)))
        {
            return new FuzzFailure("invariant: a diagnostic without a code or a message", Describe(result));
        }

        if (result.IsValid)
        {
            if (result.Models is null)
            {
                return new FuzzFailure("invariant: a valid result without models", Describe(result));
            }

            if (result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                return new FuzzFailure("invariant: a valid result with an error", Describe(result));
            }
        }
        else if (!result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return new FuzzFailure("invariant: an invalid result without an error diagnostic", Describe(result));
        }

        return null;
    }

    /// <summary>The values of a well-formed top-level JSON array of at least two objects, each as its own document; otherwise null.</summary>
    private static DtdlDocument[]? Split(byte[] input)
    {
        var offset = input.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        var parts = new List<DtdlDocument>();
        try
        {
            var reader = new Utf8JsonReader(input.AsSpan(offset));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }

                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                var end = (int)reader.BytesConsumed;
                parts.Add(new DtdlDocument($"fuzz[{parts.Count}].json", input.AsMemory(offset + start, end - start)));
            }

            // Only a well-formed document is split: whatever follows the array must be whitespace.
            return !reader.Read() && parts.Count >= 2 ? [.. parts] : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IEnumerable<string> Codes(DtdlParseResult result) => result.Diagnostics.Select(d => d.Code);

    private static string Describe(DtdlParseResult? result) =>
        result is null
            ? "no result"
            : $"valid={result.IsValid}, models={(result.Models is null ? "null" : "set")}, diagnostics:\n  " +
              string.Join("\n  ", result.Diagnostics.Take(20).Select(d => d?.ToString() ?? "null"));

    /// <summary>The exception's type and the first frame in Doppel's code: the same bug reached by two inputs shares it.</summary>
    private static string Signature(Exception exception)
    {
        var frames = new StackTrace(exception).GetFrames();
        var frame = frames.FirstOrDefault(f => f.GetMethod()?.DeclaringType?.FullName?.StartsWith("Doppel.", StringComparison.Ordinal) == true)
            ?? frames.FirstOrDefault();
        var method = frame?.GetMethod();
        return $"{exception.GetType().FullName} at {method?.DeclaringType?.FullName}.{method?.Name}";
    }
}
