using System.Net;
using System.Net.Sockets;
using Doppel.Server.Hosting;
using Doppel.Server.Tests.Support;

namespace Doppel.Server.Tests.Hosting;

/// <summary>Every start-up problem a user can fix: exit code 2 and one line on stderr, never a stack trace.</summary>
public sealed class StartupFailureTests
{
    public static TheoryData<string[], string> BadOptions => new()
    {
        { ["--port", "abc"], "--port must be a number from 1 to 65535, not 'abc'" },
        { ["--port", "70000"], "--port must be a number from 1 to 65535, not '70000'" },
        { ["--bogus"], "Unrecognized command or argument '--bogus'" },
        { ["--cert", "server.pem"], "--cert and --key go together" },
        { ["--instance", "-bad-"], "--instance '-bad-' is not a valid instance name" },
        { ["--instance", "ab"], "--instance 'ab' is not a valid instance name" },
        { ["--store", "mysql"], "Argument 'mysql' not recognized. Must be one of: 'sqlite' 'postgres'" },
        { ["--store", "postgres"], "--store postgres needs a connection string: give --connection-string or set DOPPEL_POSTGRES" },
        { ["--connection-string", "Host=db"], "--connection-string is for --store postgres" },
        { ["--host-suffix", "*.twins.localhost"], "--host-suffix '*.twins.localhost' is not a DNS name" },
        { ["--log-format", "xml"], "Argument 'xml' not recognized" },
        { ["--data-dir", " "], "--data-dir must name a directory" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task Bad_option_exits_with_code_2_and_one_line_naming_the_problem(string[] args, string expected)
    {
        using var data = new TemporaryDirectory();

        var (exitCode, error) = await RunToExitAsync(data.Path, args);

        Assert.Equal(ExitCodes.StartupFailed, exitCode);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.StartsWith("doppel: ", error, StringComparison.Ordinal);
        Assert.Single(Lines(error));
    }

    [Fact]
    public async Task Busy_port_exits_with_code_2_and_names_the_port()
    {
        using var data = new TemporaryDirectory();
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        await using var server = InProcessServer.Start(data.Path, port);
        var exitCode = await server.Run.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(ExitCodes.StartupFailed, exitCode);
        Assert.Equal(
            $"doppel: port {port} is already in use on 127.0.0.1 or [::1]; stop the program using it or choose another --port",
            Lines(server.ErrorOutput).Single());
    }

    [Fact]
    public async Task Second_server_on_the_same_data_directory_exits_with_code_2()
    {
        using var data = new TemporaryDirectory();
        await using var first = await InProcessServer.StartReadyAsync(data.Path);

        await using var second = InProcessServer.Start(data.Path);
        var exitCode = await second.Run.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(ExitCodes.StartupFailed, exitCode);
        Assert.Contains("is in use by another Doppel server", Lines(second.ErrorOutput).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_directory_that_is_a_file_exits_with_code_2()
    {
        using var data = new TemporaryDirectory();
        var file = data.Combine("not-a-directory");
        await File.WriteAllTextAsync(file, "x");

        var (exitCode, error) = await RunToExitAsync(file, []);

        Assert.Equal(ExitCodes.StartupFailed, exitCode);
        Assert.Equal($"doppel: the data directory {file} is a file, not a directory; choose another --data-dir", Lines(error).Single());
    }

    [Fact]
    public async Task Data_directory_below_a_file_exits_with_code_2()
    {
        using var data = new TemporaryDirectory();
        var file = data.Combine("file");
        await File.WriteAllTextAsync(file, "x");
        var below = Path.Combine(file, "data");

        var (exitCode, error) = await RunToExitAsync(below, []);

        Assert.Equal(ExitCodes.StartupFailed, exitCode);
        Assert.StartsWith($"doppel: cannot create the data directory {below}: ", Lines(error).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Corrupt_database_exits_with_code_2_and_says_so()
    {
        using var data = new TemporaryDirectory();
        await File.WriteAllBytesAsync(data.Combine("doppel.db"), Enumerable.Repeat((byte)0x5A, 8192).ToArray());

        var (exitCode, error) = await RunToExitAsync(data.Path, []);

        Assert.Equal(ExitCodes.StartupFailed, exitCode);
        Assert.Equal(
            $"doppel: the database {data.Combine("doppel.db")} is corrupt or is not a SQLite database; restore it from a backup or move it away to start empty",
            Lines(error).Single());
    }

    [Fact]
    public async Task CA_certificate_without_its_key_exits_with_code_2()
    {
        using var data = new TemporaryDirectory();
        await using (await InProcessServer.StartReadyAsync(data.Path))
        {
        }

        File.Delete(data.Combine("ca.key"));

        var (exitCode, error) = await RunToExitAsync(data.Path, []);

        Assert.Equal(ExitCodes.StartupFailed, exitCode);
        Assert.StartsWith($"doppel: {data.Combine("ca.crt")} exists but {data.Combine("ca.key")} does not", Lines(error).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provided_certificate_that_does_not_exist_exits_with_code_2()
    {
        using var data = new TemporaryDirectory();
        var missing = data.Combine("missing.pem");

        var (exitCode, error) = await RunToExitAsync(data.Path, ["--cert", missing, "--key", missing]);

        Assert.Equal(ExitCodes.StartupFailed, exitCode);
        Assert.Equal($"doppel: --cert {missing} does not exist", Lines(error).Single());
    }

    [Fact]
    public async Task Help_prints_the_options_and_exits_with_code_0()
    {
        using var data = new TemporaryDirectory();
        await using var server = InProcessServer.StartWithArgs(data.Path, 0, ["--help"]);

        var exitCode = await server.Run.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(ExitCodes.Success, exitCode);
        foreach (var option in new[] { "--data-dir", "--port", "--cert", "--key", "--host-suffix", "--instance", "--store" })
        {
            Assert.Contains(option, server.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Version_prints_the_version_and_exits_with_code_0()
    {
        using var data = new TemporaryDirectory();
        await using var server = InProcessServer.StartWithArgs(data.Path, 0, ["--version"]);

        var exitCode = await server.Run.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", server.Output);
        Assert.False(File.Exists(data.Combine("doppel.db")));
    }

    private static async Task<(int ExitCode, string Error)> RunToExitAsync(string dataDirectory, string[] args)
    {
        var port = FreePort.Find();
        string[] portArgs = args.Contains("--port") ? [] : ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        string[] dataArgs = args.Contains("--data-dir") ? [] : ["--data-dir", dataDirectory];
        await using var server = InProcessServer.StartWithArgs(dataDirectory, port, [.. dataArgs, .. portArgs, .. args]);
        var exitCode = await server.Run.WaitAsync(TimeSpan.FromSeconds(20));
        return (exitCode, server.ErrorOutput);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
