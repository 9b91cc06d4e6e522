using System.Net.Sockets;
using Doppel.Storage.PostgreSql;
using Npgsql;

namespace Doppel.Storage.Tests.PostgreSql;

/// <summary>The one translation of driver errors into storage exceptions, without a server.</summary>
public sealed class PostgreSqlErrorsTests
{
    private const string Location = "postgresql://doppel@db:5432/doppel";

    [Theory]
    [InlineData("28P01", StoreFailure.CannotOpen, "refused the login")]
    [InlineData("28000", StoreFailure.CannotOpen, "refused the login")]
    [InlineData("3D000", StoreFailure.CannotOpen, "create the database first")]
    [InlineData("3F000", StoreFailure.CannotOpen, "create the schema first")]
    [InlineData("42501", StoreFailure.CannotOpen, "lacks a privilege")]
    [InlineData("53300", StoreFailure.CannotOpen, "does not accept connections now")]
    [InlineData("57P03", StoreFailure.CannotOpen, "does not accept connections now")]
    [InlineData("08006", StoreFailure.CannotOpen, "the connection to PostgreSQL")]
    [InlineData("25006", StoreFailure.ReadOnly, "is read-only")]
    [InlineData("53100", StoreFailure.DiskFull, "is full")]
    [InlineData("55P03", StoreFailure.Locked, "did not grant a lock in time")]
    [InlineData("40001", StoreFailure.Locked, "kept conflicting")]
    [InlineData("40P01", StoreFailure.Locked, "kept conflicting")]
    [InlineData("XX001", StoreFailure.Corrupt, "corrupt data")]
    [InlineData("23505", StoreFailure.Unknown, "refused a duplicate key")]
    [InlineData("22P02", StoreFailure.Unknown, "failed (22P02)")]
    public void Server_errors_map_by_SQLSTATE(string sqlState, StoreFailure failure, string text)
    {
        var exception = new PostgresException("the server's words.", "ERROR", "ERROR", sqlState);

        var translated = Assert.IsType<StoreUnavailableException>(PostgreSqlErrors.Translate(exception, Location));

        Assert.Equal(failure, translated.Failure);
        Assert.Contains(text, translated.Message, StringComparison.Ordinal);
        Assert.Contains(Location, translated.Message, StringComparison.Ordinal);
        Assert.Same(exception, translated.InnerException);
    }

    [Theory]
    [InlineData("40001", true)]
    [InlineData("40P01", true)]
    [InlineData("23505", false)]
    [InlineData("08006", false)]
    public void Only_serialization_failures_and_deadlocks_are_transient(string sqlState, bool transient)
    {
        var exception = new PostgresException("x", "ERROR", "ERROR", sqlState);

        Assert.Equal(transient, PostgreSqlErrors.IsTransient(exception));
    }

    [Fact]
    public void Refused_connection_says_so_in_one_line()
    {
        var exception = new NpgsqlException("Failed to connect to 127.0.0.1:1", new SocketException((int)SocketError.ConnectionRefused));

        var translated = Assert.IsType<StoreUnavailableException>(PostgreSqlErrors.Translate(exception, Location));

        Assert.Equal(StoreFailure.CannotOpen, translated.Failure);
        Assert.Equal($"cannot connect to PostgreSQL at {Location}: connection refused; is the server running and listening there?", translated.Message);
    }

    [Fact]
    public void Connection_timeout_says_no_answer_in_time()
    {
        var exception = new NpgsqlException("The operation has timed out", new TimeoutException());

        var translated = Assert.IsType<StoreUnavailableException>(PostgreSqlErrors.Translate(exception, Location));

        Assert.Equal($"cannot connect to PostgreSQL at {Location}: no answer in time", translated.Message);
    }
}
