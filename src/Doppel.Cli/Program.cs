using Doppel.Cli;

return DoppelCli.Run(args, CliConsole.Standard);
