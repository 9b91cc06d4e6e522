namespace Doppel.Storage.Sqlite.Migrations;

/// <summary>
/// Every SQLite schema migration, in order. Each key starts with the instance id (or is it), so the PostgreSQL
/// schema can be distributed by that key later (DESIGN.md).
/// </summary>
internal static class SqliteMigrations
{
    public static IReadOnlyList<SqliteMigration> All { get; } =
    [
        new(1, "create instances", """
            CREATE TABLE instances (
                id         TEXT NOT NULL PRIMARY KEY,
                name       TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL
            ) STRICT;
            """),
    ];
}
