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
public sealed record SqlStatement(string Text, IReadOnlyList<KeyValuePair<string, object?>> Parameters, int KeyColumns, IReadOnlyList<OutputColumn> Outputs);
