using System.CommandLine;
using System.Text.Json.Nodes;
using Doppel.Cli.Output;

namespace Doppel.Cli.Connection;

/// <summary>The options every command has, as <c>az</c> has them: output format, JMESPath query, verbosity.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string> Output = new("--output", "-o")
    {
        Description = "Output format: json (default), jsonc, table, tsv, yaml, yamlc, none.",
        DefaultValueFactory = _ => "json",
        Recursive = true,
    };

    public static readonly Option<string?> Query = new("--query")
    {
        Description = "A JMESPath query applied to the result (https://jmespath.org).",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show each HTTP call on standard error.",
        Recursive = true,
    };

    public static readonly Option<bool> Debug = new("--debug")
    {
        Description = "Show each HTTP call with its headers (never the token) on standard error.",
        Recursive = true,
    };

    static GlobalOptions() => Output.AcceptOnlyFromAmong(OutputFormat.Names);

    public static void AddTo(Command root)
    {
        root.Options.Add(Output);
        root.Options.Add(Query);
        root.Options.Add(Verbose);
        root.Options.Add(Debug);
    }
}

/// <summary>One invocation of a command that talks to a server: its console, configuration and HTTP client.</summary>
internal sealed class CliContext : IDisposable
{
    private readonly Lazy<HttpClient> http;

    private CliContext(ParseResult parseResult, CliConsole console)
    {
        ParseResult = parseResult;
        Console = console;
        Config = CliConfig.For(console);
        var verbose = parseResult.GetValue(GlobalOptions.Verbose) || parseResult.GetValue(GlobalOptions.Debug);
        http = new Lazy<HttpClient>(() => CliHttp.Create(CaFile, verbose ? console.Error : null, parseResult.GetValue(GlobalOptions.Debug)));
    }

    public ParseResult ParseResult { get; }

    public CliConsole Console { get; }

    public CliConfig Config { get; }

    /// <summary>The CA file for this call: the one given now (login), else the profile's.</summary>
    public string? CaFile { get; set; }

    public HttpClient Http => http.Value;

    /// <summary>
    /// Runs a command: <paramref name="work"/> returns the result to print (or null for nothing); failures become one
    /// line on standard error and an exit code.
    /// </summary>
    public static async Task<int> RunAsync(ParseResult parseResult, Func<CliContext, CancellationToken, Task<JsonNode?>> work, CancellationToken cancellationToken)
    {
        var console = new CliConsole(parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error)
        {
            Environment = CliEnvironment.Current.Environment,
            IsTerminal = CliEnvironment.Current.IsTerminal,
        };
        using var context = new CliContext(parseResult, console);
        try
        {
            context.CaFile = context.Config.ReadProfile()?.CaFile;
            var result = await work(context, cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                OutputFormat.Write(console.Out, OutputFormat.Query(result, parseResult.GetValue(GlobalOptions.Query)), parseResult.GetValue(GlobalOptions.Output) ?? "json");
            }

            return ExitCodes.Success;
        }
        catch (CliException ex)
        {
            console.Error.WriteLine($"doppel: error: {ex.Message}");
            return ex.ExitCode;
        }
        catch (HttpRequestException ex)
        {
            console.Error.WriteLine($"doppel: error: cannot reach the server: {ex.Message}{(ex.InnerException is { } inner ? $" ({inner.Message})" : string.Empty)}");
            return ExitCodes.Invalid;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine("doppel: error: the server did not answer in time.");
            return ExitCodes.Invalid;
        }
    }

    public void Dispose()
    {
        if (http.IsValueCreated)
        {
            http.Value.Dispose();
        }
    }
}

/// <summary>
/// The console settings of the running invocation (environment overrides, terminal), which System.CommandLine's
/// actions cannot receive as parameters. Set by <see cref="DoppelCli.Run"/> for the duration of one run.
/// </summary>
internal static class CliEnvironment
{
    private static readonly AsyncLocal<CliConsole?> Ambient = new();

    public static CliConsole Current => Ambient.Value ?? CliConsole.Standard;

    public static IDisposable Use(CliConsole console)
    {
        var previous = Ambient.Value;
        Ambient.Value = console;
        return new Restore(() => Ambient.Value = previous);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
