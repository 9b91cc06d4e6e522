namespace Doppel.Query.Sql;

/// <summary>Appends at most <paramref name="maxRows"/> rows of <paramref name="statement"/> to <paramref name="rows"/>.</summary>
/// <remarks>
/// The store reads the key columns of a row where <see cref="SqlStatement.ReadsKeysOf"/> says so, counted over
/// <paramref name="rows"/>: the statements of one page append to one list, and the page's last row is its key row.
/// </remarks>
public delegate Task StatementReader(SqlStatement statement, int maxRows, List<object?[]> rows);

/// <summary>
/// How a later page of a query in (model, id) order goes on after its first statement, which reads the rest of the
/// page's first model: once that model runs out, the page seeks the index for the next model of the IS_OF_MODEL list
/// that has twins (one seek, or a few where models outside the list lie between) and reads that model's rows, and so
/// on, until the page is full or the list is done.
/// </summary>
/// <remarks>
/// <para>
/// Each read is one index range of one model. An IS_OF_MODEL over a family of a few hundred models (the REC
/// ontology has many) made SQLite build and search that list for every page, which cost a first page about as much
/// as reading its hundred twins; a later page now reads its rows without it, and builds no list at all unless
/// <see cref="MaxSeeks"/> runs out. The seeks leapfrog: the next listed model after the current one, then the first
/// model at or after it that any twin has; where that model is not listed, the next listed model after it.
/// </para>
/// <para>
/// Model ids are DTMIs, which are ASCII, so ordinal order is the database's byte order (SQLite's BINARY collation,
/// PostgreSQL's <c>COLLATE "C"</c> columns). The store runs all the statements of one page in one read transaction,
/// so the page reads one snapshot, as a single statement would.
/// </para>
/// </remarks>
public sealed class ModelSteps
{
    /// <summary>
    /// The most seeks one page makes: a page that needs more (many listed models with few matching rows each) reads
    /// the rest of the list in one statement.
    /// </summary>
    public const int MaxSeeks = 8;

    private readonly string firstModel;
    private readonly string[] sortedModels;
    private readonly Func<string, SqlStatement> modelRows;
    private readonly Func<string, SqlStatement> laterModels;
    private readonly Func<string, SqlStatement> nextModel;

    /// <param name="firstModel">The model whose rest the page's first statement reads.</param>
    /// <param name="sortedModels">The IS_OF_MODEL list the rows' models are in, in ordinal order, each id once.</param>
    /// <param name="limit">The rows the page reads.</param>
    /// <param name="modelRows">The statement for the rows of one model, from its first.</param>
    /// <param name="laterModels">The statement for the rows of every listed model after one.</param>
    /// <param name="nextModel">The statement for the first model id at or after one that a twin has.</param>
    internal ModelSteps(
        string firstModel, string[] sortedModels, int limit,
        Func<string, SqlStatement> modelRows, Func<string, SqlStatement> laterModels, Func<string, SqlStatement> nextModel)
    {
        this.firstModel = firstModel;
        this.sortedModels = sortedModels;
        Limit = limit;
        this.modelRows = modelRows;
        this.laterModels = laterModels;
        this.nextModel = nextModel;
    }

    /// <summary>The rows the page reads (the page and the one row that tells whether another follows).</summary>
    public int Limit { get; }

    /// <summary>Reads the page into <paramref name="rows"/>: <paramref name="first"/>'s rows, then model by model.</summary>
    public async Task ReadAsync(SqlStatement first, StatementReader read, List<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(rows);
        await read(first, Limit - rows.Count, rows).ConfigureAwait(false);
        var model = firstModel;
        var seeks = 0;
        while (rows.Count < Limit && ListedAfter(model) is { } candidate)
        {
            if (++seeks > MaxSeeks)
            {
                await read(laterModels(model), Limit - rows.Count, rows).ConfigureAwait(false);
                return;
            }

            var found = new List<object?[]>(1);
            await read(nextModel(candidate), 1, found).ConfigureAwait(false);
            if (found is not [[string present, ..]])
            {
                return;
            }

            model = present;
            if (Array.BinarySearch(sortedModels, present, StringComparer.Ordinal) >= 0)
            {
                await read(modelRows(present), Limit - rows.Count, rows).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The first listed model after <paramref name="model"/>, or null.</summary>
    private string? ListedAfter(string model)
    {
        var index = Array.BinarySearch(sortedModels, model, StringComparer.Ordinal);
        index = index >= 0 ? index + 1 : ~index;
        return index < sortedModels.Length ? sortedModels[index] : null;
    }
}
