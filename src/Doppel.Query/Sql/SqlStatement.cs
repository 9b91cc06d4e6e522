namespace Doppel.Query.Sql;

/// <summary>How a result column becomes part of a row.</summary>
public enum OutputKind
{
    /// <summary>JSON text, written as it is; NULL leaves the member out.</summary>
    Json,

    /// <summary>Text, written as a JSON string; NULL leaves the member out.</summary>
    String,

    /// <summary>An integer (the count).</summary>
    Integer,
}

/// <summary>One result column after the key columns: the row member's name (null for a whole-document row) and kind.</summary>
public sealed record OutputColumn(string? Name, OutputKind Kind);

/// <summary>
/// A compiled query: SQL text with named parameters. Each row starts with <see cref="KeyColumns"/> text
/// columns (the row's key, in the order rows come back; the continuation point) followed by
/// <see cref="Outputs"/>.
/// </summary>
public sealed record SqlStatement(string Text, IReadOnlyList<KeyValuePair<string, object?>> Parameters, int KeyColumns, IReadOnlyList<OutputColumn> Outputs)
{
    /// <summary>
    /// The one row (0-based) whose key columns the caller reads: the last row of the page, where the next page
    /// continues; the store may leave the key columns of the other rows null. Null: every row's keys are read.
    /// </summary>
    public int? KeyRow { get; init; }

    /// <summary>
    /// When set, this statement reads only the rest of a later page's first model, and the page goes on model by
    /// model: the store reads it with <see cref="ModelSteps.ReadAsync"/>, in one read transaction.
    /// </summary>
    public ModelSteps? Steps { get; init; }

    /// <summary>True when the key columns of row <paramref name="index"/> are to be read.</summary>
    public bool ReadsKeysOf(int index) => KeyRow is not { } only || only == index;
}
