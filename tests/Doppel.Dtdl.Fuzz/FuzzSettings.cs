using System.Globalization;

namespace Doppel.Dtdl.Fuzz;

/// <summary>
/// How long a run lasts and where its random sequence starts. The defaults keep <c>dotnet test</c> in CI short and
/// reproducible; the environment variables make a longer or different run without a code change.
/// </summary>
/// <param name="Seed">The run's seed (<c>DOPPEL_FUZZ_SEED</c>); each iteration derives its own generator from it.</param>
/// <param name="Duration">How long to mutate (<c>DOPPEL_FUZZ_SECONDS</c>, default 20 s).</param>
/// <param name="Strict">Whether the crashes listed in <see cref="KnownCrashes"/> fail the run too (<c>DOPPEL_FUZZ_STRICT=1</c>).</param>
internal sealed record FuzzSettings(int Seed, TimeSpan Duration, bool Strict)
{
    /// <summary>The fixed seed used when <c>DOPPEL_FUZZ_SEED</c> is not set.</summary>
    public const int DefaultSeed = 20_260_602;

    /// <summary>The run time used when <c>DOPPEL_FUZZ_SECONDS</c> is not set.</summary>
    public const int DefaultSeconds = 20;

    /// <summary>Longest a single parse may take; anything slower is reported as a denial of service.</summary>
    public static TimeSpan PerInputLimit { get; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Reads <c>DOPPEL_FUZZ_SEED</c>, <c>DOPPEL_FUZZ_SECONDS</c> and <c>DOPPEL_FUZZ_STRICT</c>; a value that is set
    /// but malformed is an error, not a silent default.
    /// </summary>
    public static FuzzSettings FromEnvironment()
    {
        var seed = Read("DOPPEL_FUZZ_SEED", DefaultSeed, minimum: int.MinValue);
        var seconds = Read("DOPPEL_FUZZ_SECONDS", DefaultSeconds, minimum: 0);
        var strict = Read("DOPPEL_FUZZ_STRICT", 0, minimum: 0) != 0;
        return new FuzzSettings(seed, TimeSpan.FromSeconds(seconds), strict);
    }

    private static int Read(string name, int fallback, int minimum)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new InvalidOperationException($"{name}={text} is not an integer >= {minimum}.");
    }
}
