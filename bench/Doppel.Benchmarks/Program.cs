using BenchmarkDotNet.Running;

// Takes BenchmarkDotNet's usual arguments, e.g. `-- --filter '*'` or `-- --list flat`.
// Run in Release: dotnet run -c Release --project bench/Doppel.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Doppel.Benchmarks.DtdlUploadBenchmarks).Assembly).Run(args);
