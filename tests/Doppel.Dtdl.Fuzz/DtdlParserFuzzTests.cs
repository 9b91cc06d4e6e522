using Xunit.Abstractions;

namespace Doppel.Dtdl.Fuzz;

/// <summary>
/// The DTDL parser under a time-bounded mutation fuzzer (issue 2, "Hostile input never escapes as anything but a
/// diagnostic"; CONVENTIONS E23). <c>DOPPEL_FUZZ_SECONDS</c> and <c>DOPPEL_FUZZ_SEED</c> make a longer or different
/// run; see README.md.
/// </summary>
public sealed class DtdlParserFuzzTests(ITestOutputHelper output)
{
    /// <summary>How long past its budget a run may take before it counts as hung (a parse that ignores every limit).</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_seed_as_it_is_is_parsed_without_a_crash()
    {
        var run = new FuzzRun(FuzzSettings.FromEnvironment(), FuzzSeeds.Load());

        await RunAsync(run, run.RunSeeds, TimeSpan.Zero);

        AssertNoNewFailure(run);
    }

    [Fact]
    public async Task Mutated_DTDL_never_crashes_the_parser_and_every_rejection_carries_a_diagnostic()
    {
        var settings = FuzzSettings.FromEnvironment();
        var run = new FuzzRun(settings, FuzzSeeds.Load());

        await RunAsync(run, run.RunMutations, settings.Duration);

        AssertNoNewFailure(run);
    }

    [Fact]
    public async Task Every_saved_fuzz_regression_is_parsed_without_a_crash_unless_listed_as_a_known_open_crash()
    {
        var settings = FuzzSettings.FromEnvironment();
        var inputs = Directory.EnumerateFiles(FuzzPaths.Regressions, "*.json").Order(StringComparer.Ordinal)
            .Select(path => new FuzzSeed(Path.GetFileName(path), File.ReadAllBytes(path))).ToArray();
        var run = new FuzzRun(settings, inputs);

        await RunAsync(run, run.RunSeeds, TimeSpan.Zero);

        var unexpected = new List<string>();
        foreach (var (file, failure) in run.ResultsBySeed)
        {
            var known = KnownCrashes.ForFile(file);
            if (failure is null)
            {
                output.WriteLine(known is null ? $"{file}: passes" : $"{file}: passes now; remove it from KnownCrashes ({known.Signature})");
            }
            else if (known is not null && known.Signature == failure.Signature && !settings.Strict)
            {
                output.WriteLine($"{file}: still fails, known open crash: {failure.Signature}");
            }
            else
            {
                unexpected.Add($"{file}: {failure.Signature}\n{failure.Description}");
            }
        }

        Assert.True(unexpected.Count == 0, string.Join("\n\n", unexpected));
    }

    [Fact]
    public void Every_known_open_crash_has_its_inputs_saved_as_regressions()
    {
        var missing = KnownCrashes.All.SelectMany(c => c.Files)
            .Where(file => !File.Exists(Path.Combine(FuzzPaths.Regressions, file)))
            .ToArray();

        Assert.Empty(missing);
    }

    /// <summary>Runs <paramref name="body"/> on its own thread and fails with the input in progress when it hangs.</summary>
    private async Task RunAsync(FuzzRun run, Action body, TimeSpan budget)
    {
        var worker = Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var finished = await Task.WhenAny(worker, Task.Delay(budget + Grace));
        if (finished != worker)
        {
            Assert.Fail($"The parser did not return within {budget + Grace}; the input is in {run.SaveCurrentAsHang()}.");
        }

        await worker;
        output.WriteLine(run.Summary());
        foreach (var (signature, path) in run.KnownFailures)
        {
            output.WriteLine($"known open crash (see KnownCrashes): {signature}: {path}");
        }

        foreach (var (signature, path) in run.Failures)
        {
            output.WriteLine($"FAILURE {signature}: {path}");
        }
    }

    private static void AssertNoNewFailure(FuzzRun run) =>
        Assert.True(
            run.Failures.Count == 0,
            $"The parser failed on {run.Failures.Count} distinct input(s); each is saved with its stack trace beside it (.txt):\n" +
            string.Join('\n', run.Failures.Select(f => $"  {f.Value}  ({f.Key})")));
}
