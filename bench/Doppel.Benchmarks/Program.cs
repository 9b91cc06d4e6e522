using BenchmarkDotNet.Running;
using Doppel.Benchmarks;

// Takes BenchmarkDotNet's usual arguments, e.g. `-- --filter '*'` or `-- --list flat`.
// Run in Release: dotnet run -c Release --project bench/Doppel.Benchmarks -- --filter '*'
// `-- auth-cpu [rounds] [n]`: the data plane's authentication against GET twin in process CPU time (AuthenticationCpuRatio).
if (args is ["auth-cpu", ..])
{
    var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
    var n = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
    return await AuthenticationCpuRatio.RunAsync(rounds, n);
}

BenchmarkSwitcher.FromAssembly(typeof(DtdlUploadBenchmarks).Assembly).Run(args);
return 0;
