using System.Data.Common;
using Doppel.Query.Sql;

namespace Doppel.Storage.DataPlane;

/// <summary>A compiled query's rows as <see cref="IQueryStore.ReadAsync"/> returns them, read the same on every engine.</summary>
public static class QueryRows
{
    /// <summary>
    /// Appends at most <paramref name="maxRows"/> rows of <paramref name="reader"/> (the result of
    /// <paramref name="statement"/>) to <paramref name="rows"/>: the key columns where
    /// <see cref="SqlStatement.ReadsKeysOf"/> says so, counted over <paramref name="rows"/>, then the outputs.
    /// </summary>
    public static async Task AppendAsync(DbDataReader reader, SqlStatement statement, int maxRows, List<object?[]> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(rows);
        for (var read = 0; read < maxRows && await reader.ReadAsync(cancellationToken).ConfigureAwait(false); read++)
        {
            // Columns after the outputs (ORDER BY terms) are for the database only.
            var row = new object?[statement.KeyColumns + statement.Outputs.Count];
            // The key columns only where the caller reads them (the page's last row): each is a string made from the
            // database's text, and a MATCH row has one per twin of the pattern.
            for (var i = statement.ReadsKeysOf(rows.Count) ? 0 : statement.KeyColumns; i < row.Length; i++)
            {
                // One GetValue per column (on SQLite each reader call is a call into the engine): counts stay
                // numbers, text stays text, anything else is read as text.
                row[i] = reader.GetValue(i) switch
                {
                    DBNull => null,
                    long l => l,
                    int n => (long)n,
                    string text => text,
                    _ => reader.GetString(i),
                };
            }

            rows.Add(row);
        }
    }
}
