using System.Globalization;

namespace Doppel.LoadBench;

/// <summary>
/// The options of the closed-loop modes that start a Release server of their own (<c>tokens</c>, <c>authz</c>):
/// workers, rounds, warm-up, duration and the server's build output.
/// </summary>
internal sealed record ModeOptions(int Workers, int Rounds, TimeSpan Warmup, TimeSpan Duration, string ServerDll)
{
    /// <summary>
    /// Reads <paramref name="args"/> (after the mode's name) over the mode's defaults (16 workers); null, with the
    /// reason on standard error, when the server has not been built.
    /// </summary>
    public static async Task<ModeOptions?> ParseAsync(string mode, string[] args, int rounds, TimeSpan warmup, TimeSpan duration)
    {
        var workers = 16;
        string? serverDll = null;
        for (var i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--workers": workers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)); break;
                case "--duration": duration = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)); break;
                case "--server": serverDll = Path.GetFullPath(Value()); break;
                default: throw new ArgumentException($"unknown option {args[i]} ({mode} takes --workers, --rounds, --warmup, --duration, --server)");
            }
        }

        serverDll ??= Path.Combine(Bench.FindRepository(), "src", "Doppel.Server", "bin", "Release", "net10.0", "Doppel.Server.dll");
        if (!File.Exists(serverDll))
        {
            await Console.Error.WriteLineAsync($"loadbench: {serverDll} does not exist; build it first: dotnet build -c Release src/Doppel.Server");
            return null;
        }

        return new ModeOptions(workers, rounds, warmup, duration, serverDll);
    }
}
