using System.CommandLine;
using Doppel.Cli.Dtdl;

namespace Doppel.Cli.Commands;

/// <summary>The <c>doppel dtdl</c> command group: offline work on DTDL models.</summary>
internal static class DtdlCommands
{
    /// <summary>Builds <c>dtdl</c> and its subcommands.</summary>
    public static Command Create(CliExamples examples)
    {
        var dtdl = new Command("dtdl", "Work with DTDL v2 and v3 models offline, without an instance.");
        dtdl.Subcommands.Add(CreateValidate(examples));
        return dtdl;
    }

    private static Command CreateValidate(CliExamples examples)
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Model files and folders (every *.json below a folder), all parsed together as ONE upload.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print {\"valid\":bool,\"errors\":[{id,dtmi,property,file,line,column,message}]} instead of one line per problem.",
        };

        var validate = new Command(
            "validate",
            "Validate DTDL models as one upload, as Azure Digital Twins would. Prints 'file:line:col: ID: message' per " +
            "problem and a summary on standard error; exit code 0 valid, 1 invalid, 2 usage error.")
        {
            paths,
            json,
        };

        validate.SetAction(parseResult => ValidateCommand.Run(
            parseResult.GetValue(paths) ?? [],
            parseResult.GetValue(json),
            new CliConsole(parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error)));

        examples.Add(
            validate,
            "doppel dtdl validate models/                     # every *.json below models/ as one upload",
            "doppel dtdl validate Room.json Floor.json --json  # two files, machine-readable result");
        return validate;
    }
}
