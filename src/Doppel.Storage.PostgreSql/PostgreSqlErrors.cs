using System.Net.Sockets;
using Npgsql;

namespace Doppel.Storage.PostgreSql;

/// <summary>
/// The one place where Npgsql's exceptions and PostgreSQL's SQLSTATE codes become storage exceptions
/// (CONVENTIONS B11: driver errors are mapped in one storage-side transformer), as <c>SqliteErrors</c> does for
/// SQLite. Codes: https://www.postgresql.org/docs/current/errcodes-appendix.html.
/// </summary>
internal static class PostgreSqlErrors
{
    /// <summary>Whether running the same transaction again may succeed: a serialization failure or a deadlock.</summary>
    public static bool IsTransient(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    /// <summary>Whether the exception is a driver exception this class translates.</summary>
    public static bool IsDriverException(Exception exception) => exception is NpgsqlException;

    public static Exception Translate(Exception exception, string location)
    {
        if (exception is PostgresException postgres)
        {
            return TranslateServerError(postgres, location);
        }

        var (failure, text) = FindCause<SocketException>(exception) switch
        {
            { SocketErrorCode: SocketError.ConnectionRefused } =>
                (StoreFailure.CannotOpen, $"cannot connect to PostgreSQL at {location}: connection refused; is the server running and listening there?"),
            { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } =>
                (StoreFailure.CannotOpen, $"cannot connect to PostgreSQL at {location}: the host name does not resolve"),
            { } socket =>
                (StoreFailure.CannotOpen, $"cannot connect to PostgreSQL at {location}: {Sentence(socket.Message)}"),
            null when FindCause<TimeoutException>(exception) is not null =>
                (StoreFailure.CannotOpen, $"cannot connect to PostgreSQL at {location}: no answer in time"),
            null =>
                (StoreFailure.CannotOpen, $"PostgreSQL at {location} failed: {Sentence(exception.Message)}"),
        };
        return new StoreUnavailableException(failure, text, exception);
    }

    private static StoreUnavailableException TranslateServerError(PostgresException exception, string location)
    {
        var detail = Sentence(exception.MessageText);
        var (failure, text) = exception.SqlState switch
        {
            PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                (StoreFailure.CannotOpen, $"PostgreSQL at {location} refused the login: {detail}"),
            PostgresErrorCodes.InvalidCatalogName =>
                (StoreFailure.CannotOpen, $"PostgreSQL at {location}: {detail}; create the database first"),
            PostgresErrorCodes.InvalidSchemaName =>
                (StoreFailure.CannotOpen, $"PostgreSQL at {location}: no schema of the search path exists ({detail}); create the schema first"),
            PostgresErrorCodes.InsufficientPrivilege =>
                (StoreFailure.CannotOpen, $"PostgreSQL at {location}: the role lacks a privilege Doppel needs ({detail})"),
            PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown =>
                (StoreFailure.CannotOpen, $"PostgreSQL at {location} does not accept connections now: {detail}"),
            PostgresErrorCodes.ReadOnlySqlTransaction =>
                (StoreFailure.ReadOnly, $"PostgreSQL at {location} is read-only (a standby?): {detail}"),
            PostgresErrorCodes.DiskFull =>
                (StoreFailure.DiskFull, $"the disk of PostgreSQL at {location} is full"),
            PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled =>
                (StoreFailure.Locked, $"PostgreSQL at {location} did not grant a lock in time: {detail}"),
            PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected =>
                (StoreFailure.Locked, $"a transaction on PostgreSQL at {location} kept conflicting with concurrent ones: {detail}"),
            PostgresErrorCodes.DataCorrupted or PostgresErrorCodes.IndexCorrupted =>
                (StoreFailure.Corrupt, $"PostgreSQL at {location} reports corrupt data: {detail}"),
            PostgresErrorCodes.UniqueViolation =>
                (StoreFailure.Unknown, $"PostgreSQL at {location} refused a duplicate key ({exception.ConstraintName}): {detail}"),
            _ when exception.SqlState.StartsWith("08", StringComparison.Ordinal) =>
                (StoreFailure.CannotOpen, $"the connection to PostgreSQL at {location} failed: {detail}"),
            _ =>
                (StoreFailure.Unknown, $"PostgreSQL at {location} failed ({exception.SqlState}): {detail}"),
        };
        return new StoreUnavailableException(failure, text, exception);
    }

    private static T? FindCause<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static string Sentence(string message) => message.Trim().TrimEnd('.');
}
