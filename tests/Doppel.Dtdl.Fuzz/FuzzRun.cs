using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Doppel.Dtdl.Fuzz;

/// <summary>
/// One fuzzing session: the seeds as they are, then mutated inputs until the time is up. Each failing input is
/// written to <c>artifacts/fuzz-crashes/&lt;hash&gt;.json</c> with a <c>.txt</c> beside it that tells the seed,
/// the iteration and the stack trace; one input is kept per distinct failure signature.
/// </summary>
internal sealed class FuzzRun(FuzzSettings settings, IReadOnlyList<FuzzSeed> seeds)
{
    /// <summary>A run stops early once it has this many distinct failures: more would be noise.</summary>
    public const int MaxDistinctFailures = 10;

    private readonly Dictionary<string, string> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FuzzFailure?> _byInput = new(StringComparer.Ordinal);
    private byte[] _current = [];
    private long _iterations;
    private int _accepted;
    private TimeSpan _slowest;

    /// <summary>The saved input of each distinct failure, by signature; in a strict run, known crashes included.</summary>
    public IReadOnlyDictionary<string, string> Failures => _failures;

    /// <summary>The saved input of each <see cref="KnownCrashes"/> entry this run reproduced, by signature (not in a strict run).</summary>
    public IReadOnlyDictionary<string, string> KnownFailures => _known;

    /// <summary>What each input of <see cref="RunSeeds"/> gave, by seed name: null when every check held.</summary>
    public IReadOnlyDictionary<string, FuzzFailure?> ResultsBySeed => _byInput;

    /// <summary>Parses every seed unmutated.</summary>
    public void RunSeeds()
    {
        foreach (var seed in seeds)
        {
            _byInput[seed.Name] = RunOne(seed.Utf8, $"seed {seed.Name}");
        }
    }

    /// <summary>Mutates and parses until <see cref="FuzzSettings.Duration"/> has passed.</summary>
    public void RunMutations()
    {
        var clock = Stopwatch.StartNew();
        for (long iteration = 0; clock.Elapsed < settings.Duration && _failures.Count < MaxDistinctFailures; iteration++)
        {
            var mutator = new DtdlMutator(new Random(IterationSeed(settings.Seed, iteration)), seeds);
            RunOne(mutator.Next(), $"DOPPEL_FUZZ_SEED={settings.Seed}, iteration {iteration}");
        }
    }

    /// <summary>Saves the input being parsed right now, for a run that never came back.</summary>
    public string SaveCurrentAsHang() =>
        Save(Volatile.Read(ref _current), new FuzzFailure("hang: the parse never returned", "The run did not finish in its time budget plus grace."), "the input in progress");

    /// <summary>One line for the test log.</summary>
    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"seed {settings.Seed}, {settings.Duration.TotalSeconds:F0} s budget, {seeds.Count} seeds, {_iterations} inputs parsed " +
        $"({_accepted} accepted), slowest {_slowest.TotalMilliseconds:F0} ms, {_failures.Count} distinct failures, " +
        $"{_known.Count} known crashes reproduced");

    private FuzzFailure? RunOne(byte[] input, string origin)
    {
        Volatile.Write(ref _current, input);
        var clock = Stopwatch.StartNew();
        var failure = DtdlFuzzTarget.Run(input, out var accepted);
        _slowest = clock.Elapsed > _slowest ? clock.Elapsed : _slowest;
        _iterations++;
        _accepted += accepted ? 1 : 0;
        var bucket = failure is not null && !settings.Strict && KnownCrashes.For(failure.Signature) is not null ? _known : _failures;
        if (failure is not null && !bucket.ContainsKey(failure.Signature))
        {
            bucket[failure.Signature] = Save(input, failure, origin);
        }

        return failure;
    }

    private static string Save(byte[] input, FuzzFailure failure, string origin)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(input))[..16];
        Directory.CreateDirectory(FuzzPaths.Crashes);
        var path = Path.Combine(FuzzPaths.Crashes, hash + ".json");
        File.WriteAllBytes(path, input);
        File.WriteAllText(
            Path.ChangeExtension(path, ".txt"),
            $"{failure.Signature}\nfrom: {origin}\n\n{failure.Description}\n",
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    /// <summary>A generator seed for one iteration (SplitMix64 of the run seed and the iteration number), so an iteration can be replayed alone.</summary>
    private static int IterationSeed(int seed, long iteration)
    {
        var z = unchecked(((ulong)(uint)seed << 32) + (ulong)iteration + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return unchecked((int)(z ^ (z >> 31)));
    }
}
