namespace Doppel.Query.Differential.Differential;

/// <summary>
/// Cases where the SQL side answers differently from the oracle and docs/query-semantics.md says the oracle is
/// right, each with its reason, per engine (<c>*</c> for both). A listed case that starts to agree fails, so that
/// the list only ever holds live disagreements (CONVENTIONS E20: skips in one dictionary, each with a reason).
/// </summary>
public static class KnownDisagreements
{
    private static readonly Dictionary<(string Engine, string Query), string> Cases = new()
    {
    };

    /// <summary>Why <paramref name="query"/> is known to disagree on <paramref name="engine"/>, or null.</summary>
    public static string? Reason(string engine, string query) =>
        Cases.TryGetValue((engine, query), out var reason) || Cases.TryGetValue(("*", query), out reason) ? reason : null;

    /// <summary>Every listed case.</summary>
    public static IReadOnlyDictionary<(string Engine, string Query), string> All => Cases;
}
