using System.Globalization;

namespace Doppel.LoadBench;

/// <summary>The command line of a benchmark run; every phase is bounded by a duration or a count.</summary>
internal sealed record BenchOptions
{
    public string? ServerDll { get; init; }

    public int Workers { get; init; } = 32;

    public int Rounds { get; init; } = 5;

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(8);

    public int RecRounds { get; init; } = 5;

    public TimeSpan JitWarmup { get; init; } = TimeSpan.FromSeconds(5);

    public long Twins { get; init; } = 1_000_000;

    public long Prefill { get; init; }

    public TimeSpan FillBudget { get; init; } = TimeSpan.FromMinutes(10);

    public double QuietLoad { get; init; } = 1.5;

    public TimeSpan QuietWait { get; init; } = TimeSpan.FromMinutes(10);

    public string? Markdown { get; init; }

    public string? KeepData { get; init; }

    public const string Usage = """
        usage: Doppel.LoadBench [options]
          --server <dll>          Doppel.Server.dll to start (default: src/Doppel.Server/bin/Release/net10.0 of this repository)
          --workers <n>           concurrent HTTP/1.1 clients, one connection each (32)
          --rounds <n>            measured rounds of bare/GET, creates and patches (5)
          --jit-warmup <s>        seconds of each workload (create, GET, patch, bare) before any round, for the JIT (5)
          --warmup <s>            warm-up seconds before each measurement (2)
          --duration <s>          measured seconds per round and workload (8)
          --rec-rounds <n>        RealEstateCore v3 uploads, each into a fresh instance (5)
          --twins <n>             twins stored before peak RSS is read (1000000); 0 skips the phase
          --prefill <n>           store n twins through the SQLite store before the server starts (0); they count towards --twins
          --fill-budget <s>       stop storing twins after this many seconds, and report the count reached (600)
          --quiet-load <x>        wait until the 1-minute load average is below this before measuring (1.5)
          --quiet-wait <s>        give up waiting for a quiet machine after this many seconds and measure anyway (600)
          --markdown <file>       also write the results as a Markdown table
          --keep-data <dir>       use this data directory and keep it (default: a temporary directory, deleted)
        usage: Doppel.LoadBench tokens [--workers 16] [--rounds 3] [--warmup 3] [--duration 8] [--server <dll>]
          client-credential tokens per second from Doppel's own token service
        usage: Doppel.LoadBench authz [--workers 16] [--rounds 4] [--warmup 2] [--duration 5] [--server <dll>]
          GET twin on a role-checked instance (--dev's dev) against an unowned one (--instance open), same run
        """;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            double Number() => double.Parse(Value(), CultureInfo.InvariantCulture);
            options = name switch
            {
                "--server" => options with { ServerDll = Path.GetFullPath(Value()) },
                "--workers" => options with { Workers = Int() },
                "--rounds" => options with { Rounds = Int() },
                "--jit-warmup" => options with { JitWarmup = TimeSpan.FromSeconds(Number()) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(Number()) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Number()) },
                "--rec-rounds" => options with { RecRounds = Int() },
                "--twins" => options with { Twins = long.Parse(Value(), CultureInfo.InvariantCulture) },
                "--prefill" => options with { Prefill = long.Parse(Value(), CultureInfo.InvariantCulture) },
                "--fill-budget" => options with { FillBudget = TimeSpan.FromSeconds(Number()) },
                "--quiet-load" => options with { QuietLoad = Number() },
                "--quiet-wait" => options with { QuietWait = TimeSpan.FromSeconds(Number()) },
                "--markdown" => options with { Markdown = Path.GetFullPath(Value()) },
                "--keep-data" => options with { KeepData = Path.GetFullPath(Value()) },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        if (options.Workers < 1 || options.Rounds < 1 || options.RecRounds < 0 || options.Twins < 0 || options.Prefill < 0 || options.Duration <= TimeSpan.Zero)
        {
            throw new ArgumentException("counts and durations must be positive");
        }

        return options;
    }
}
