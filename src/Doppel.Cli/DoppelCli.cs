using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Doppel.Cli.Commands;

namespace Doppel.Cli;

/// <summary>
/// The <c>doppel</c> command line: a root command with one subcommand per command group. Each group lives in its
/// own file under <c>Commands/</c> and is registered in <see cref="CommandGroups"/>.
/// </summary>
public static class DoppelCli
{
    /// <summary>
    /// The command groups, in the order help lists them. To add one (login, dt, ad, group, …), write
    /// <c>Commands/&lt;Name&gt;Commands.cs</c> with a <c>Create(CliExamples)</c> method and list it here.
    /// </summary>
    private static readonly Func<CliExamples, Command>[] CommandGroups =
    [
        LoginCommands.CreateLogin,
        LoginCommands.CreateLogout,
        LoginCommands.CreateAccount,
        ArmCommands.CreateGroup,
        AdCommands.Create,
        SetupCommand.Create,
        CompletionCommand.Create,
        CompletionCommand.CreateComplete,
        DtCommands.Create,
        DtdlCommands.Create,
    ];

    /// <summary>Builds the command tree, with examples appended to each command's help.</summary>
    public static Command CreateRootCommand()
    {
        // A named Command rather than RootCommand, whose name is the host executable's ("testhost" in-process).
        var root = new Command("doppel", "Doppel: a local emulator of Azure Digital Twins, and its command-line tools.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        Connection.GlobalOptions.AddTo(root);
        var examples = new CliExamples();
        foreach (var createGroup in CommandGroups)
        {
            root.Subcommands.Add(createGroup(examples));
        }

        examples.InstallInto(root);
        return root;
    }

    /// <summary>
    /// Runs one command line and returns the exit code (see <see cref="ExitCodes"/>). Everything is written to
    /// <paramref name="console"/>, so the CLI can run in-process.
    /// </summary>
    public static int Run(IReadOnlyList<string> args, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);

        var parseResult = CreateRootCommand().Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            foreach (var error in parseResult.Errors)
            {
                console.Error.WriteLine($"doppel: error: {error.Message}");
            }

            console.Error.WriteLine($"Run '{CommandPath(parseResult.CommandResult.Command)} --help' for usage.");
            return ExitCodes.UsageError;
        }

        // No default exception handler: a crash must not look like exit code 1 (an invalid upload).
        using var ambient = Connection.CliEnvironment.Use(console);
        return parseResult.Invoke(new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
        });
    }

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command current; symbol = current.Parents.FirstOrDefault())
        {
            names.Insert(0, current.Name);
        }

        return string.Join(' ', names);
    }
}
