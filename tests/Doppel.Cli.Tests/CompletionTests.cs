namespace Doppel.Cli.Tests;

/// <summary>Shell completion: the scripts, and the words the CLI offers after what was typed.</summary>
public sealed class CompletionTests
{
    [Fact]
    public void Completion_offers_subcommands_options_and_option_values_after_the_words_typed()
    {
        var groups = CliRunner.Run("__complete", "--", "dt", "tw");
        var twin = CliRunner.Run("__complete", "--", "dt", "twin", "");
        var formats = CliRunner.Run("__complete", "--", "dt", "model", "list", "-o", "t");

        Assert.Equal(["twin"], groups.OutLines);
        Assert.Contains("query", twin.OutLines);
        Assert.Contains("relationship", twin.OutLines);
        Assert.Contains("--output", twin.OutLines);
        Assert.Equal(["table", "tsv"], formats.OutLines.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _doppel_complete doppel")]
    [InlineData("zsh", "compdef _doppel doppel")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName doppel")]
    public void Completion_prints_a_script_for_each_shell_that_asks_doppel_for_the_words(string shell, string registration)
    {
        var run = CliRunner.Run("completion", shell);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(registration, run.Out, StringComparison.Ordinal);
        Assert.Contains("doppel __complete --", run.Out, StringComparison.Ordinal);
    }
}
