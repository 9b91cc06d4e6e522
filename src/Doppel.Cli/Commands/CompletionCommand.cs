using System.CommandLine;
using System.CommandLine.Completions;

namespace Doppel.Cli.Commands;

/// <summary>
/// Shell completion: <c>doppel completion bash|zsh|pwsh</c> prints a script for the shell's profile; the script
/// asks <c>doppel __complete</c> (hidden) for the words that may follow, which System.CommandLine computes from the
/// command tree.
/// </summary>
internal static class CompletionCommand
{
    public static Command Create(CliExamples examples)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or pwsh." };
        shell.AcceptOnlyFromAmong("bash", "zsh", "pwsh");
        var completion = new Command("completion", "Print a shell completion script: add its output to your shell's profile.") { shell };
        completion.SetAction(parseResult =>
        {
            parseResult.InvocationConfiguration.Output.Write(parseResult.GetValue(shell) switch
            {
                "bash" => """
                    _doppel_complete() {
                        local IFS=$'\n'
                        COMPREPLY=($(doppel __complete -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
                    }
                    complete -o default -F _doppel_complete doppel

                    """,
                "zsh" => """
                    _doppel() {
                        local -a words_after
                        words_after=(${(f)"$(doppel __complete -- ${words[2,CURRENT]} 2>/dev/null)"})
                        compadd -a words_after
                    }
                    compdef _doppel doppel

                    """,
                _ => """
                    Register-ArgumentCompleter -Native -CommandName doppel -ScriptBlock {
                        param($wordToComplete, $commandAst, $cursorPosition)
                        $words = $commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() }
                        if ($wordToComplete -eq '') { $words += '' }
                        doppel __complete -- @words | ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
                    }

                    """,
            });
            return ExitCodes.Success;
        });
        examples.Add(completion, "doppel completion bash >> ~/.bashrc", "doppel completion pwsh >> $PROFILE");
        return completion;
    }

    /// <summary>
    /// The hidden command the scripts call as <c>doppel __complete -- WORDS</c>: the words typed so far (the last one
    /// partial) in, completions out; the <c>--</c> keeps the words from being read as this command's own options.
    /// </summary>
    public static Command CreateComplete(CliExamples examples)
    {
        var words = new Argument<string[]>("words") { Arity = ArgumentArity.ZeroOrMore };
        var complete = new Command("__complete", "Completions for the words typed so far (used by the completion scripts).") { words };
        complete.Hidden = true;
        complete.SetAction(parseResult =>
        {
            var typed = parseResult.GetValue(words) ?? [];
            var root = DoppelCli.CreateRootCommand();
            var partial = typed.Length == 0 ? string.Empty : typed[^1];
            var before = typed.Length == 0 ? [] : typed[..^1];

            // Complete after the words already typed; the partial word filters what may come there.
            var result = root.Parse(before);
            foreach (var item in result.GetCompletions(null).Select(c => c.Label).Where(l => l.StartsWith(partial, StringComparison.Ordinal) && !l.StartsWith('/')).Distinct())
            {
                parseResult.InvocationConfiguration.Output.WriteLine(item);
            }

            return ExitCodes.Success;
        });
        return complete;
    }
}
