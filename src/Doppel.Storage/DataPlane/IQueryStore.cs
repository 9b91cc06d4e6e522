using Doppel.Query.Sql;

namespace Doppel.Storage.DataPlane;

/// <summary>Runs compiled queries of the ADT query language against the engine's tables.</summary>
public interface IQueryStore
{
    /// <summary>The engine's SQL dialect, for <see cref="SqlCompiler"/>.</summary>
    ISqlDialect Dialect { get; }

    /// <summary>
    /// Runs <paramref name="statement"/> and returns its rows: the key columns as strings, then each output as a
    /// string (JSON or text) or a long (a count), null where the database returned NULL. The statement is
    /// interrupted inside the database when <paramref name="timeout"/> passes (<see cref="QueryTimeoutException"/>)
    /// or <paramref name="cancellationToken"/> is cancelled. A statement with <see cref="SqlStatement.Steps"/> is
    /// read through <see cref="ModelSteps.ReadAsync"/>, all its statements in one read transaction: read alone, it
    /// would end the page at the end of its first model.
    /// </summary>
    Task<IReadOnlyList<object?[]>> ReadAsync(SqlStatement statement, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>A query ran longer than it was allowed to and was stopped in the database.</summary>
public sealed class QueryTimeoutException : Exception
{
    /// <summary>Creates the exception for a query stopped after <paramref name="timeout"/>.</summary>
    public QueryTimeoutException(TimeSpan timeout)
        : base($"The query ran longer than {timeout.TotalSeconds:0.###} seconds and was stopped.")
    {
        Timeout = timeout;
    }

    /// <summary>Creates the exception with a message.</summary>
    public QueryTimeoutException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public QueryTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public QueryTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The time the query was allowed.</summary>
    public TimeSpan Timeout { get; }
}
