namespace Doppel.Storage.PostgreSql.Migrations;

/// <summary>
/// Every PostgreSQL schema migration, in order, mirroring <c>SqliteMigrations</c>: the same numbers and names, the
/// same tables, columns and keys. Every key starts with the instance id (or is it), so that the tables can be
/// distributed by that key on a sharded PostgreSQL (Citus and the like) later (DESIGN.md).
/// </summary>
/// <remarks>
/// Text columns that are compared or ordered use <c>COLLATE "C"</c>: byte order, as SQLite's default collation, and
/// independent of the locale the cluster was created with. JSON documents are <c>text</c>, not <c>jsonb</c>, so that
/// they come back byte for byte as they were stored, as on SQLite.
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
        new(2, "create models, twins and relationships", """
            CREATE TABLE models (
                instance_id    text        COLLATE "C" NOT NULL REFERENCES instances (id),
                id             text        COLLATE "C" NOT NULL,
                seq            bigint      NOT NULL,
                definition     text        NOT NULL,
                display_name   text,
                description    text,
                upload_time    timestamptz NOT NULL,
                decommissioned boolean     NOT NULL DEFAULT false,
                PRIMARY KEY (instance_id, id)
            );
            CREATE UNIQUE INDEX models_by_seq ON models (instance_id, seq);

            CREATE TABLE twins (
                instance_id text COLLATE "C" NOT NULL REFERENCES instances (id),
                id          text COLLATE "C" NOT NULL,
                model_id    text COLLATE "C" NOT NULL,
                etag        text NOT NULL,
                document    text NOT NULL,
                PRIMARY KEY (instance_id, id)
            );
            CREATE INDEX twins_by_model ON twins (instance_id, model_id);

            CREATE TABLE relationships (
                instance_id text COLLATE "C" NOT NULL,
                source_id   text COLLATE "C" NOT NULL,
                id          text COLLATE "C" NOT NULL,
                target_id   text COLLATE "C" NOT NULL,
                name        text COLLATE "C" NOT NULL,
                etag        text NOT NULL,
                document    text NOT NULL,
                PRIMARY KEY (instance_id, source_id, id),
                FOREIGN KEY (instance_id, source_id) REFERENCES twins (instance_id, id),
                FOREIGN KEY (instance_id, target_id) REFERENCES twins (instance_id, id)
            );
            CREATE INDEX relationships_by_target ON relationships (instance_id, target_id, source_id, id);
            CREATE INDEX relationships_by_name ON relationships (instance_id, source_id, name);
            """),
        new(3, "create the change-event outbox", """
            CREATE TABLE outbox_positions (
                instance_id text   COLLATE "C" NOT NULL PRIMARY KEY,
                last_seq    bigint NOT NULL
            );

            CREATE TABLE outbox (
                instance_id text        COLLATE "C" NOT NULL,
                seq         bigint      NOT NULL,
                id          text        NOT NULL,
                type        text        NOT NULL,
                subject     text        NOT NULL,
                time        timestamptz NOT NULL,
                traceparent text,
                data        text        NOT NULL,
                PRIMARY KEY (instance_id, seq)
            );
            """),
        new(4, "create model versions", """
            CREATE TABLE model_versions (
                instance_id text   COLLATE "C" NOT NULL PRIMARY KEY,
                version     bigint NOT NULL
            );
            """),
        new(5, "create twin counts", """
            CREATE TABLE twin_counts (
                instance_id text   COLLATE "C" NOT NULL PRIMARY KEY,
                count       bigint NOT NULL
            );

            INSERT INTO twin_counts (instance_id, count)
            SELECT instance_id, COUNT(*) FROM twins GROUP BY instance_id;
            """),
        new(6, "index twins by model and id", """
            CREATE INDEX twins_by_model_and_id ON twins (instance_id, model_id, id);
            DROP INDEX twins_by_model;
            """),
        new(7, "create the directory", """
            CREATE TABLE directory_objects (
                tenant_id   text   COLLATE "C" NOT NULL,
                kind        text   COLLATE "C" NOT NULL,
                id          text   COLLATE "C" NOT NULL,
                unique_name text   COLLATE "C",
                document    text   NOT NULL,
                version     bigint NOT NULL,
                PRIMARY KEY (tenant_id, kind, id)
            );
            CREATE UNIQUE INDEX directory_objects_by_name ON directory_objects (tenant_id, kind, unique_name)
                WHERE unique_name IS NOT NULL;
            """),
    ];
}
