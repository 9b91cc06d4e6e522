using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Doppel.Cli;

/// <summary>
/// Examples shown at the end of a command's help. Command groups register them while building their commands;
/// <see cref="InstallInto"/> wraps the root's help action so <c>--help</c> prints them after the standard text.
/// </summary>
internal sealed class CliExamples
{
    private readonly Dictionary<Command, string[]> examples = [];

    /// <summary>Adds example command lines for <paramref name="command"/>.</summary>
    public void Add(Command command, params string[] commandLines) => examples[command] = commandLines;

    /// <summary>Makes the root's help option print the examples of the command asked about.</summary>
    public void InstallInto(Command root)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction standard)
            {
                help.Action = new HelpWithExamplesAction(standard, examples);
            }
        }
    }

    private sealed class HelpWithExamplesAction(HelpAction standard, Dictionary<Command, string[]> examples) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var exitCode = standard.Invoke(parseResult);
            if (examples.TryGetValue(parseResult.CommandResult.Command, out var commandLines))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (var commandLine in commandLines)
                {
                    output.WriteLine($"  {commandLine}");
                }

                output.WriteLine();
            }

            return exitCode;
        }
    }
}
