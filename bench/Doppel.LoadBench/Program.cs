using Doppel.LoadBench;

if (args is ["serve-bare", ..])
{
    return await BareServer.RunAsync(args);
}

if (args is ["tokens", ..])
{
    try
    {
        return await TokenBench.RunAsync(args);
    }
    catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
    {
        Console.Error.WriteLine($"loadbench: {ex.Message}");
        return 2;
    }
}

if (args is ["authz", ..])
{
    try
    {
        return await AuthzBench.RunAsync(args);
    }
    catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
    {
        Console.Error.WriteLine($"loadbench: {ex.Message}");
        return 2;
    }
}

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"loadbench: {ex.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var bench = new Bench(options);
return await bench.RunAsync();
