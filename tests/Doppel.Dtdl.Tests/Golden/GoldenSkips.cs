namespace Doppel.Dtdl.Tests.Golden;

/// <summary>
/// The one list of golden cases that are not judged, each with the reason (CONVENTIONS E20). Upload cases are
/// classified by what they need beyond the defaults; the reason text is generated per category. DTMI cases are
/// listed by hand.
/// </summary>
internal static class GoldenSkips
{
    /// <summary>The parser options this runner can reproduce.</summary>
    public static readonly IReadOnlySet<string> SupportedOptions = new HashSet<string>(StringComparer.Ordinal)
    {
        "AllowUndefinedExtensions",
        "DisallowUndefinedExtensions",
    };

    private const string DtmiFragment =
        "DTDLParser's Dtmi class accepts a fragment ('#…') and exposes it as Fragment; Doppel.Dtmi models the DTMIs " +
        "of model documents, where DTDL forbids fragments, so it has no Fragment and rejects '#'.";

    private const string DtmiReserved =
        "DTDLParser's Dtmi class accepts a reserved segment (leading '_', used for identifiers the parser generates) " +
        "and flags it with IsReserved; Doppel.Dtmi has no IsReserved and rejects such segments, which DTDL forbids " +
        "in model documents.";

    private static readonly Lazy<IReadOnlyDictionary<string, string>> AllReasons = new(Build);

    /// <summary>Case id → why the case is not judged.</summary>
    public static IReadOnlyDictionary<string, string> Reasons => AllReasons.Value;

    /// <summary>The reason a case is skipped, or null when it is judged.</summary>
    public static string? ReasonFor(string caseId) => Reasons.TryGetValue(caseId, out var reason) ? reason : null;

    /// <summary>Whether the case is judged (not skipped).</summary>
    public static bool IsJudged(string caseId) => !Reasons.ContainsKey(caseId);

    /// <summary>The category part of a reason (its first sentence), for summaries.</summary>
    public static string CategoryOf(string reason)
    {
        var end = reason.IndexOf(':', StringComparison.Ordinal);
        return end > 0 ? reason[..end] : reason;
    }

    private static Dictionary<string, string> Build()
    {
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["dtmis/DtmiFragment.json"] = DtmiFragment,
            ["dtmis/DtmiFragmentEmpty.json"] = DtmiFragment,
            ["dtmis/DtmiVersionEmptyPlusFragment.json"] = DtmiFragment,
            ["dtmis/DtmiVersionTwoPartPlusFragment.json"] = DtmiFragment,
            ["dtmis/DtmiFragmentLeadingUnderscore.json"] = DtmiFragment + " " + DtmiReserved,
            ["dtmis/DtmiSegmentLeadingUnderscore.json"] = DtmiReserved,
        };

        foreach (var golden in GoldenCorpus.Cases.Values)
        {
            var reason = Classify(golden);
            if (reason is not null)
            {
                reasons.Add(golden.Id, reason);
            }
        }

        return reasons;
    }

    /// <summary>Why an upload case cannot be judged with Doppel's settings, or null.</summary>
    private static string? Classify(GoldenCase golden)
    {
        var reasons = new List<string>();
        if (golden.Quirks.Count > 0)
        {
            reasons.Add($"DTDLParser quirk: needs {string.Join(", ", golden.Quirks)}, which makes DTDLParser tolerate solecisms it rejects by default; Doppel, like ADT, has no such mode.");
        }

        if (golden.DtdlVersion > 3 || golden.MaxDtdlVersion > 3)
        {
            reasons.Add("DTDL v4: written against dtmi:dtdl:context;4 (the v4 preview; for extension doc examples the file suffix is the extension's version); ADT and Doppel accept DTDL v2 and v3 only.");
        }

        foreach (var key in golden.UnsupportedSettings)
        {
            reasons.Add(key switch
            {
                "resolution" => "Resolver callback: supplies models on demand through DTDLParser's DtmiResolver ('resolution'); Doppel resolves against the instance's stored models instead, which this runner does not build.",
                "partialResolution" => "Partial resolution: resolves layered partial definitions ('partialResolution'), a DTDLParser feature ADT does not expose.",
                "acceptableLimits" => "Custom limits: raises DTDLParser's limits ('acceptableLimits'); Doppel applies ADT's fixed limits.",
                _ => $"Unknown setting: case key '{key}' is not understood by this runner.",
            });
        }

        foreach (var option in golden.Options.Where(o => !SupportedOptions.Contains(o)))
        {
            reasons.Add($"Unknown option: parser option '{option}' has no Doppel equivalent.");
        }

        return reasons.Count == 0 ? null : string.Join(" ", reasons);
    }
}
