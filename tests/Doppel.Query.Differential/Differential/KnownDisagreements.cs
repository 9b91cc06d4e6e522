namespace Doppel.Query.Differential.Differential;

/// <summary>
/// Cases where the SQL side answers differently from the oracle, each with its reason — where the SQL side is
/// wrong by docs/query-semantics.md, stricter than it, or where the page can be read both ways — per engine
/// (<c>*</c> for both). A listed case that starts to agree fails, so that the list only ever holds live
/// disagreements (CONVENTIONS E20: skips in one dictionary, each with a reason).
/// </summary>
public static class KnownDisagreements
{
    private static readonly Dictionary<(string Engine, string Query), string> Cases = new()
    {
    };

    /// <summary>Cases that disagree only some of the time (a plan or a timing), each with its reason: either outcome passes.</summary>
    private static readonly Dictionary<(string Engine, string Query), string> Intermittent = new()
    {
    };

    /// <summary>Why <paramref name="query"/> sometimes disagrees on <paramref name="engine"/>, or null.</summary>
    public static string? IntermittentReason(string engine, string query) => Intermittent.GetValueOrDefault((engine, query));

    /// <summary>
    /// Crashes of the service (an exception other than <c>AdtException</c>, so a 5xx on the wire) already reported,
    /// by a piece of their message: the fuzz and injection suites accept these and fail on any other.
    /// </summary>
    private static readonly (string Signature, string Reason)[] Crashes =
    [
    ];

    /// <summary>Why a service crash with <paramref name="message"/> is known, or null for a new crash.</summary>
    public static string? CrashReason(string message) =>
        Crashes.FirstOrDefault(c => message.Contains(c.Signature, StringComparison.Ordinal)).Reason;

    /// <summary>Why <paramref name="query"/> is known to disagree on <paramref name="engine"/>, or null.</summary>
    public static string? Reason(string engine, string query) =>
        Cases.TryGetValue((engine, query), out var reason) || Cases.TryGetValue(("*", query), out reason) ? reason : null;

    /// <summary>
    /// For queries no list names (the fuzzer's): which known disagreement a difference is an instance of, told by
    /// the query's shape and the messages, or null for a new one.
    /// </summary>
    public static string? Explain(string engine, string query, string disagreement) =>
        Reason(engine, query) ?? IntermittentReason(engine, query)
            ?? (disagreement.Contains("crashes with", StringComparison.Ordinal) ? CrashReason(disagreement) : null);

    /// <summary>Every listed case.</summary>
    public static IReadOnlyDictionary<(string Engine, string Query), string> All => Cases;
}
