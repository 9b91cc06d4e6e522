using System.Text;
using Doppel.Query.Binding;
using Doppel.Query.Sql;
using Doppel.Storage.DataPlane;
using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Sqlite.DataPlane;

/// <summary>
/// SQLite's side of the query language: JSON through the JSON1 functions (<c>json_type</c>, <c>json_extract</c>,
/// <c>-&gt;</c>, <c>json_each</c>), strings compared by their UTF-8 bytes (the default BINARY collation, which
/// is code-point order), booleans as 1 and 0.
/// </summary>
internal sealed class SqliteQueryDialect : ISqlDialect
{
    public static SqliteQueryDialect Instance { get; } = new();

    public string True => "1";

    public string False => "0";

    public string Unknown => "NULL";

    public string Separator(int which) => which == 1 ? "char(1)" : "char(2)";

    // SQLite never reorders the tables of a CROSS JOIN.
    public string OrderedJoin => "CROSS JOIN";

    public string Document(string tableAlias) => tableAlias + ".document";

    /// <summary>
    /// <c>$."a"."b"</c>. SQLite reads a quoted label up to the next double quote and refuses some characters in
    /// it, so a name holding a double quote, a backslash or a control character cannot be addressed (it counts
    /// as undefined; DTDL names never hold one).
    /// </summary>
    public object? JsonPath(IReadOnlyList<string> path)
    {
        var text = new StringBuilder("$");
        foreach (var segment in path)
        {
            if (segment.Any(c => c is '"' or '\\' || char.IsControl(c)))
            {
                return null;
            }

            text.Append(".\"").Append(segment).Append('"');
        }

        return text.ToString();
    }

    public object? Literal(object? value) => value is bool b ? (b ? 1L : 0L) : value;

    public string HasKind(string document, string path, JsonKind kind) => kind switch
    {
        JsonKind.String => $"(json_type({document}, {path}) = 'text')",
        JsonKind.Number => $"(json_type({document}, {path}) IN ('integer', 'real'))",
        JsonKind.Boolean => $"(json_type({document}, {path}) IN ('true', 'false'))",
        JsonKind.Null => $"(json_type({document}, {path}) = 'null')",
        JsonKind.Object => $"(json_type({document}, {path}) = 'object')",
        _ => $"(json_type({document}, {path}) = 'array')",
    };

    public string KindName(string document, string path) =>
        $"(CASE json_type({document}, {path}) WHEN 'text' THEN 'string' WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number' WHEN 'true' THEN 'boolean' WHEN 'false' THEN 'boolean' ELSE json_type({document}, {path}) END)";

    // json_extract gives strings as TEXT, numbers as INTEGER or REAL and booleans as 1 or 0: each comparable with
    // a parameter of the same kind.
    public string Typed(string document, string path, JsonKind kind) => $"json_extract({document}, {path})";

    // A filter only keeps rows that compare true, and json_extract never fails on a member of another kind (it gives
    // its SQL value, which compares by SQLite's cross-type order): so compare first and test the kind only on the
    // few rows that compared true. Most rows then cost one JSON lookup instead of two.
    public string KindedComparison(string kindTest, string comparison, bool truthOnly) =>
        truthOnly ? $"({comparison} AND {kindTest})" : $"CASE WHEN {kindTest} THEN {comparison} END";

    public string Text(string column) => column;

    // One JSON array instead of a parameter per value: Microsoft.Data.Sqlite binds by name, and SQLite finds each
    // name by a scan of all of them, so an IS_OF_MODEL over a family of a few hundred models spent more time binding
    // than reading.
    public object StringList(IReadOnlyList<string> values)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * values.Count + 2);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // SQLite runs in the process, so a statement costs little; an IS_OF_MODEL list of a few hundred models is built
    // for every statement that reads it, and a (model, id) range over it made SQLite read every earlier row of the
    // page's model. A later page read model by model starts each read where its rows do and builds no list.
    public bool PagesModelByModel => true;

    public string InList(string column, string listParameter) => $"{column} IN (SELECT value FROM json_each({listParameter}))";

    public string TypedParameter(string parameter, JsonKind kind) => kind == JsonKind.Null ? "NULL" : parameter;

    public string IsDefined(string document, string path) => $"(json_type({document}, {path}) IS NOT NULL)";

    public string Json(string document, string path) => $"({document} -> {path})";

    public string ArrayContains(string document, string path, string parameter, JsonKind kind)
    {
        var type = kind switch
        {
            JsonKind.String => "x.type = 'text'",
            JsonKind.Number => "x.type IN ('integer', 'real')",
            JsonKind.Boolean => "x.type IN ('true', 'false')",
            _ => "x.type = 'null'",
        };
        var value = kind == JsonKind.Null ? string.Empty : $" AND x.atom = {parameter}";
        return $"EXISTS (SELECT 1 FROM json_each({document}, {path}) x WHERE {type}{value})";
    }

    public string StringTest(StringFunction function, string value, string argument) => function switch
    {
        StringFunction.StartsWith => $"(substr({value}, 1, length({argument})) = {argument})",
        StringFunction.EndsWith => $"(length({argument}) = 0 OR substr({value}, -length({argument})) = {argument})",
        _ => $"(instr({value}, {argument}) > 0)",
    };

    public string Position(string haystack, string needle) => $"instr({haystack}, {needle})";

    // SQLite has no split function: a recursive CTE peels the left path one element at a time (rest is what is
    // left after the separator, k the element just cut off), and each element is looked up in the right path
    // with its separators on both sides, so that one element never matches part of another. The recursion stops
    // when no separator is left, so even a malformed path cannot make it loop.
    public string PathsShare(string left, string right) =>
        $"EXISTS (WITH RECURSIVE path_split(rest, k) AS (SELECT substr({left}, 2), NULL "
        + "UNION ALL SELECT substr(rest, instr(rest, char(1)) + 1), substr(rest, 1, instr(rest, char(1)) - 1) FROM path_split WHERE instr(rest, char(1)) > 0) "
        + $"SELECT 1 FROM path_split WHERE k IS NOT NULL AND instr({right}, char(1) || k || char(1)) > 0)";
}

/// <summary>Runs compiled queries on the SQLite file; a timeout interrupts the statement inside SQLite.</summary>
internal sealed class SqliteQueryStore(SqliteSession session) : IQueryStore
{
    public ISqlDialect Dialect => SqliteQueryDialect.Instance;

    public Task<IReadOnlyList<object?[]>> ReadAsync(SqlStatement statement, TimeSpan timeout, CancellationToken cancellationToken) =>
        session.ReadAsync<IReadOnlyList<object?[]>>(async db =>
        {
            var connection = db.Connection;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);

            // sqlite3_interrupt stops the running statement at its next step, from any thread: the query stops
            // in the database, not only in C#.
            var handle = connection.Handle;
            using var interrupt = deadline.Token.Register(() => SQLitePCL.raw.sqlite3_interrupt(handle));
            try
            {
                var rows = new List<object?[]>();
                if (statement.Steps is not { } steps)
                {
                    await ReadIntoAsync(db, statement, int.MaxValue, rows, deadline.Token).ConfigureAwait(false);
                    return rows;
                }

                // A page read model by model reads one snapshot, as one statement would. BEGIN and COMMIT are kept
                // prepared, as the other commands are (BeginTransaction prepares them anew, which cost a tenth of a
                // page); whatever happens, the connection goes back to the pool outside a transaction.
                await db.ExecuteAsync("BEGIN", CancellationToken.None).ConfigureAwait(false);
                try
                {
                    await steps.ReadAsync(statement, (part, maxRows, into) => ReadIntoAsync(db, part, maxRows, into, deadline.Token), rows).ConfigureAwait(false);
                    await db.ExecuteAsync("COMMIT", CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    if (SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0)
                    {
                        await db.ExecuteAsync("ROLLBACK", CancellationToken.None).ConfigureAwait(false);
                    }
                }

                return rows;
            }
            catch (Exception ex) when (ex is SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_INTERRUPT } || (ex is SqliteException or OperationCanceledException && deadline.IsCancellationRequested))
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new QueryTimeoutException(timeout);
            }
        }, cancellationToken);

    /// <summary>Appends at most <paramref name="maxRows"/> rows of <paramref name="statement"/> to <paramref name="rows"/>.</summary>
    private static async Task ReadIntoAsync(SqliteDb db, SqlStatement statement, int maxRows, List<object?[]> rows, CancellationToken deadline)
    {
        // sqlite3_interrupt stops a running statement only: the statements of a page read model by model check
        // the deadline between them.
        deadline.ThrowIfCancellationRequested();
        // Not db.Command, whose cache holds the stores' constant SQL: query texts have a small cache of their own.
        var command = db.QueryCommand(statement.Text, statement.Parameters);
        // The interrupt, not a token, stops a running statement.
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        await QueryRows.AppendAsync(reader, statement, maxRows, rows, CancellationToken.None).ConfigureAwait(false);
    }
}
