namespace Doppel.Storage.PostgreSql.Migrations;

/// <summary>
/// Every PostgreSQL schema migration, in order, mirroring <c>SqliteMigrations</c>: the same numbers and names, the
/// same tables, columns and keys. Every key starts with the instance id (or is it), so that the tables can be
/// distributed by that key on a sharded PostgreSQL (Citus and the like) later (DESIGN.md).
/// </summary>
/// <remarks>
/// Text columns that are compared or ordered use <c>COLLATE "C"</c>: byte order, as SQLite's default collation, and
/// independent of the locale the cluster was created with.
/// </remarks>
internal static class PostgreSqlMigrations
{
    public static IReadOnlyList<PostgreSqlMigration> All { get; } =
    [
        new(1, "create instances", """
            CREATE TABLE instances (
                id         text        COLLATE "C" NOT NULL PRIMARY KEY,
                name       text        COLLATE "C" NOT NULL UNIQUE,
                created_at timestamptz NOT NULL
            );
            """),
    ];
}
