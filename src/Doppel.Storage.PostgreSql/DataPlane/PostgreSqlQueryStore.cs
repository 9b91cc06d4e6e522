using System.Data;
using Doppel.Query.Binding;
using Doppel.Query.Sql;
using Doppel.Storage.DataPlane;
using Npgsql;
using NpgsqlTypes;

namespace Doppel.Storage.PostgreSql.DataPlane;

/// <summary>
/// PostgreSQL's side of the query language: documents read as <c>jsonb</c> (stored as text, cast where a query
/// reads them), members by <c>#&gt;</c> with a <c>text[]</c> path, strings compared under <c>COLLATE "C"</c>
/// (code-point order, as on SQLite), numbers as <c>numeric</c>.
/// </summary>
internal sealed class PostgreSqlQueryDialect : ISqlDialect
{
    public static PostgreSqlQueryDialect Instance { get; } = new();

    public string True => "TRUE";

    public string False => "FALSE";

    public string Unknown => "NULL::boolean";

    public string Separator(int which) => which == 1 ? "chr(1)" : "chr(2)";

    public string OrderedJoin => "JOIN";

    public string Document(string tableAlias) => $"({tableAlias}.document::jsonb)";

    public object? JsonPath(IReadOnlyList<string> path) => path.ToArray();

    public object StringList(IReadOnlyList<string> values) => values.ToArray();

    public string InList(string column, string listParameter) => $"{column} = ANY({listParameter})";

    // numeric compares integers and reals exactly; a double beyond decimal's range stays a double.
    public object? Literal(object? value) => value switch
    {
        long l => (decimal)l,
        double d when Math.Abs(d) < 7.9e27 => (decimal)d,
        _ => value,
    };

    public string HasKind(string document, string path, JsonKind kind) => $"(jsonb_typeof({document} #> {path}) = '{Name(kind)}')";

    public string KindName(string document, string path) => $"jsonb_typeof({document} #> {path})";

    public string Typed(string document, string path, JsonKind kind) => kind switch
    {
        JsonKind.String => $"(({document} #>> {path}) COLLATE \"C\")",
        JsonKind.Number => $"(({document} #> {path})::numeric)",
        _ => $"(({document} #> {path})::boolean)",
    };

    public string Text(string column) => $"({column} COLLATE \"C\")";

    public string TypedParameter(string parameter, JsonKind kind) => kind switch
    {
        JsonKind.String => $"({parameter}::text COLLATE \"C\")",
        JsonKind.Number => $"({parameter}::numeric)",
        JsonKind.Boolean => $"({parameter}::boolean)",
        _ => "NULL",
    };

    public string IsDefined(string document, string path) => $"(({document} #> {path}) IS NOT NULL)";

    public string Json(string document, string path) => $"(({document} #> {path})::text)";

    public string ArrayContains(string document, string path, string parameter, JsonKind kind) =>
        $"(({document} #> {path}) @> jsonb_build_array({(kind == JsonKind.Null ? "NULL::text" : TypedParameter(parameter, kind))}))";

    public string StringTest(StringFunction function, string value, string argument) => function switch
    {
        StringFunction.StartsWith => $"(left({value}, length({argument})) = {argument})",
        StringFunction.EndsWith => $"(right({value}, length({argument})) = {argument})",
        _ => $"(strpos({value}, {argument}) > 0)",
    };

    public string Position(string haystack, string needle) => $"strpos({haystack}, {needle})";

    // Split into arrays and test them for a common element with the overlap operator. The empty strings before the
    // first and after the last separator are removed from one side, so that they cannot count as shared.
    public string PathsShare(string left, string right) =>
        $"(string_to_array({left}, chr(1)) && array_remove(string_to_array({right}, chr(1)), ''))";

    private static string Name(JsonKind kind) => kind switch
    {
        JsonKind.String => "string",
        JsonKind.Number => "number",
        JsonKind.Boolean => "boolean",
        JsonKind.Null => "null",
        JsonKind.Object => "object",
        _ => "array",
    };
}

/// <summary>Runs compiled queries on PostgreSQL; a timeout cancels the statement on the server.</summary>
internal sealed class PostgreSqlQueryStore(PostgreSqlDatabase database) : IQueryStore
{
    public ISqlDialect Dialect => PostgreSqlQueryDialect.Instance;

    public async Task<IReadOnlyList<object?[]>> ReadAsync(SqlStatement statement, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            // Cancelling the token makes Npgsql send PostgreSQL a cancel request for the running statement.
            return await database.ReadAsync<IReadOnlyList<object?[]>>(async (connection, ct) =>
            {
                var rows = new List<object?[]>();
                if (statement.Steps is not { } steps)
                {
                    await ReadIntoAsync(connection, statement, timeout, int.MaxValue, rows, ct).ConfigureAwait(false);
                    return rows;
                }

                // A page read model by model reads one snapshot, as one statement would.
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
                await steps.ReadAsync(statement, (part, maxRows, into) => ReadIntoAsync(connection, part, timeout, maxRows, into, ct), rows).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return rows;
            }, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested && IsCancellation(ex))
        {
            throw new QueryTimeoutException(timeout);
        }
    }

    /// <summary>Appends at most <paramref name="maxRows"/> rows of <paramref name="statement"/> to <paramref name="rows"/>.</summary>
    private static async Task ReadIntoAsync(
        NpgsqlConnection connection, SqlStatement statement, TimeSpan timeout, int maxRows, List<object?[]> rows, CancellationToken cancellationToken)
    {
        // The query timeout governs (through the token); Npgsql's own 30 s default must not cut in first.
        await using var command = new NpgsqlCommand(statement.Text, connection) { CommandTimeout = (int)Math.Ceiling(timeout.TotalSeconds) + 5 };
        foreach (var (name, value) in statement.Parameters)
        {
            command.Parameters.Add(Parameter(name.TrimStart('@'), value));
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await QueryRows.AppendAsync(reader, statement, maxRows, rows, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A parameter with its PostgreSQL type spelled out (Npgsql infers no array type by itself).</summary>
    private static NpgsqlParameter Parameter(string name, object? value) => new(name, value switch
    {
        string[] => NpgsqlDbType.Array | NpgsqlDbType.Text,
        string => NpgsqlDbType.Text,
        decimal => NpgsqlDbType.Numeric,
        double => NpgsqlDbType.Double,
        long => NpgsqlDbType.Bigint,
        bool => NpgsqlDbType.Boolean,
        _ => NpgsqlDbType.Text,
    })
    { Value = value ?? DBNull.Value };

    private static bool IsCancellation(Exception ex) =>
        ex is OperationCanceledException || ex.InnerException is OperationCanceledException or PostgresException { SqlState: PostgresErrorCodes.QueryCanceled }
        || ex is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled }
        || ex is StoreUnavailableException { InnerException: OperationCanceledException or PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } };
}
