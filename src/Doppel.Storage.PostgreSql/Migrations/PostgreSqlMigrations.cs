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
        new(7, "create the control plane", """
            CREATE TABLE subscriptions (
                subscription_id text        COLLATE "C" NOT NULL PRIMARY KEY,
                display_name    text        NOT NULL,
                tenant_id       text        COLLATE "C",
                created_at      timestamptz NOT NULL
            );

            CREATE TABLE resource_groups (
                subscription_id    text        COLLATE "C" NOT NULL REFERENCES subscriptions (subscription_id),
                name_key           text        COLLATE "C" NOT NULL,
                name               text        NOT NULL,
                location           text        NOT NULL,
                tags               text        NOT NULL,
                provisioning_state text        NOT NULL,
                created_at         timestamptz NOT NULL,
                PRIMARY KEY (subscription_id, name_key)
            );

            CREATE TABLE digital_twins_resources (
                subscription_id       text        COLLATE "C" NOT NULL,
                resource_group_key    text        COLLATE "C" NOT NULL,
                name_key              text        COLLATE "C" NOT NULL,
                resource_group        text        NOT NULL,
                name                  text        NOT NULL,
                instance_id           text        COLLATE "C" NOT NULL REFERENCES instances (id),
                location              text        NOT NULL,
                tags                  text        NOT NULL,
                public_network_access text,
                provisioning_state    text        NOT NULL,
                operation_id          text,
                created_at            timestamptz NOT NULL,
                updated_at            timestamptz NOT NULL,
                created_by            text,
                created_by_type       text,
                last_modified_by      text,
                last_modified_by_type text,
                PRIMARY KEY (subscription_id, resource_group_key, name_key),
                FOREIGN KEY (subscription_id, resource_group_key) REFERENCES resource_groups (subscription_id, name_key)
            );
            CREATE INDEX digital_twins_resources_by_instance ON digital_twins_resources (instance_id);

            CREATE TABLE async_operations (
                subscription_id text        COLLATE "C" NOT NULL,
                id              text        COLLATE "C" NOT NULL,
                location        text        NOT NULL,
                kind            text        NOT NULL,
                resource_id     text        NOT NULL,
                status          text        NOT NULL,
                error_code      text,
                error_message   text,
                started_at      timestamptz NOT NULL,
                ended_at        timestamptz,
                PRIMARY KEY (subscription_id, id)
            );

            CREATE TABLE role_assignments (
                subscription_id    text        COLLATE "C" NOT NULL,
                id                 text        COLLATE "C" NOT NULL,
                scope              text        NOT NULL,
                role_definition_id text        COLLATE "C" NOT NULL,
                principal_id       text        COLLATE "C" NOT NULL,
                principal_type     text        NOT NULL,
                created_at         timestamptz NOT NULL,
                created_by         text,
                PRIMARY KEY (subscription_id, id)
            );
            CREATE INDEX role_assignments_by_principal ON role_assignments (subscription_id, principal_id);

            CREATE TABLE activity_log (
                subscription_id text        COLLATE "C" NOT NULL,
                seq             bigint      NOT NULL,
                id              text        NOT NULL,
                event_time      timestamptz NOT NULL,
                caller          text        NOT NULL,
                caller_id       text        NOT NULL,
                operation       text        NOT NULL,
                resource_id     text        NOT NULL,
                status          text        NOT NULL,
                http_status     integer     NOT NULL,
                PRIMARY KEY (subscription_id, seq)
            );
            """),
        new(8, "create the directory", """
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
        new(9, "create instance endpoints", """
            CREATE TABLE digital_twins_endpoints (
                subscription_id       text        COLLATE "C" NOT NULL,
                instance_id           text        COLLATE "C" NOT NULL REFERENCES instances (id),
                name_key              text        COLLATE "C" NOT NULL,
                name                  text        NOT NULL,
                endpoint_type         text        NOT NULL,
                authentication_type   text        NOT NULL,
                properties            text        NOT NULL,
                protected_secrets     text,
                provisioning_state    text        NOT NULL,
                created_at            timestamptz NOT NULL,
                updated_at            timestamptz NOT NULL,
                created_by            text,
                created_by_type       text,
                last_modified_by      text,
                last_modified_by_type text,
                PRIMARY KEY (subscription_id, instance_id, name_key)
            );
            """),
    ];
}
