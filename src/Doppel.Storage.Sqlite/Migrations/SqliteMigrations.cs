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
        new(2, "create models, twins and relationships", """
            CREATE TABLE models (
                instance_id    TEXT    NOT NULL REFERENCES instances (id),
                id             TEXT    NOT NULL,
                seq            INTEGER NOT NULL,
                definition     TEXT    NOT NULL,
                display_name   TEXT,
                description    TEXT,
                upload_time    TEXT    NOT NULL,
                decommissioned INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (instance_id, id)
            ) STRICT;
            CREATE UNIQUE INDEX models_by_seq ON models (instance_id, seq);

            CREATE TABLE twins (
                instance_id TEXT NOT NULL REFERENCES instances (id),
                id          TEXT NOT NULL,
                model_id    TEXT NOT NULL,
                etag        TEXT NOT NULL,
                document    TEXT NOT NULL,
                PRIMARY KEY (instance_id, id)
            ) STRICT;
            CREATE INDEX twins_by_model ON twins (instance_id, model_id);

            CREATE TABLE relationships (
                instance_id TEXT NOT NULL,
                source_id   TEXT NOT NULL,
                id          TEXT NOT NULL,
                target_id   TEXT NOT NULL,
                name        TEXT NOT NULL,
                etag        TEXT NOT NULL,
                document    TEXT NOT NULL,
                PRIMARY KEY (instance_id, source_id, id),
                FOREIGN KEY (instance_id, source_id) REFERENCES twins (instance_id, id),
                FOREIGN KEY (instance_id, target_id) REFERENCES twins (instance_id, id)
            ) STRICT;
            CREATE INDEX relationships_by_target ON relationships (instance_id, target_id, source_id, id);
            CREATE INDEX relationships_by_name ON relationships (instance_id, source_id, name);
            """),
        new(3, "create the change-event outbox", """
            CREATE TABLE outbox_positions (
                instance_id TEXT    NOT NULL PRIMARY KEY,
                last_seq    INTEGER NOT NULL
            ) STRICT;

            CREATE TABLE outbox (
                instance_id TEXT    NOT NULL,
                seq         INTEGER NOT NULL,
                id          TEXT    NOT NULL,
                type        TEXT    NOT NULL,
                subject     TEXT    NOT NULL,
                time        TEXT    NOT NULL,
                traceparent TEXT,
                data        TEXT    NOT NULL,
                PRIMARY KEY (instance_id, seq)
            ) STRICT;
            """),
        new(4, "create model versions", """
            CREATE TABLE model_versions (
                instance_id TEXT    NOT NULL PRIMARY KEY,
                version     INTEGER NOT NULL
            ) STRICT;
            """),
        new(5, "create twin counts", """
            CREATE TABLE twin_counts (
                instance_id TEXT    NOT NULL PRIMARY KEY,
                count       INTEGER NOT NULL
            ) STRICT;

            INSERT INTO twin_counts (instance_id, count)
            SELECT instance_id, COUNT(*) FROM twins GROUP BY instance_id;
            """),
        new(6, "index twins by model and id", """
            CREATE INDEX twins_by_model_and_id ON twins (instance_id, model_id, id);
            DROP INDEX twins_by_model;
            """),
        new(7, "create the control plane", """
            CREATE TABLE subscriptions (
                subscription_id TEXT NOT NULL PRIMARY KEY,
                display_name    TEXT NOT NULL,
                tenant_id       TEXT,
                created_at      TEXT NOT NULL
            ) STRICT;

            CREATE TABLE resource_groups (
                subscription_id    TEXT NOT NULL REFERENCES subscriptions (subscription_id),
                name_key           TEXT NOT NULL,
                name               TEXT NOT NULL,
                location           TEXT NOT NULL,
                tags               TEXT NOT NULL,
                provisioning_state TEXT NOT NULL,
                created_at         TEXT NOT NULL,
                PRIMARY KEY (subscription_id, name_key)
            ) STRICT;

            CREATE TABLE digital_twins_resources (
                subscription_id       TEXT NOT NULL,
                resource_group_key    TEXT NOT NULL,
                name_key              TEXT NOT NULL,
                resource_group        TEXT NOT NULL,
                name                  TEXT NOT NULL,
                instance_id           TEXT NOT NULL REFERENCES instances (id),
                location              TEXT NOT NULL,
                tags                  TEXT NOT NULL,
                public_network_access TEXT,
                provisioning_state    TEXT NOT NULL,
                operation_id          TEXT,
                created_at            TEXT NOT NULL,
                updated_at            TEXT NOT NULL,
                created_by            TEXT,
                created_by_type       TEXT,
                last_modified_by      TEXT,
                last_modified_by_type TEXT,
                PRIMARY KEY (subscription_id, resource_group_key, name_key),
                FOREIGN KEY (subscription_id, resource_group_key) REFERENCES resource_groups (subscription_id, name_key)
            ) STRICT;
            CREATE INDEX digital_twins_resources_by_instance ON digital_twins_resources (instance_id);

            CREATE TABLE async_operations (
                subscription_id TEXT NOT NULL,
                id              TEXT NOT NULL,
                location        TEXT NOT NULL,
                kind            TEXT NOT NULL,
                resource_id     TEXT NOT NULL,
                status          TEXT NOT NULL,
                error_code      TEXT,
                error_message   TEXT,
                started_at      TEXT NOT NULL,
                ended_at        TEXT,
                PRIMARY KEY (subscription_id, id)
            ) STRICT;

            CREATE TABLE role_assignments (
                subscription_id    TEXT NOT NULL,
                id                 TEXT NOT NULL,
                scope              TEXT NOT NULL,
                role_definition_id TEXT NOT NULL,
                principal_id       TEXT NOT NULL,
                principal_type     TEXT NOT NULL,
                created_at         TEXT NOT NULL,
                created_by         TEXT,
                PRIMARY KEY (subscription_id, id)
            ) STRICT;
            CREATE INDEX role_assignments_by_principal ON role_assignments (subscription_id, principal_id);

            CREATE TABLE activity_log (
                subscription_id TEXT    NOT NULL,
                seq             INTEGER NOT NULL,
                id              TEXT    NOT NULL,
                event_time      TEXT    NOT NULL,
                caller          TEXT    NOT NULL,
                caller_id       TEXT    NOT NULL,
                operation       TEXT    NOT NULL,
                resource_id     TEXT    NOT NULL,
                status          TEXT    NOT NULL,
                http_status     INTEGER NOT NULL,
                PRIMARY KEY (subscription_id, seq)
            ) STRICT;
            """),
        new(8, "create the directory", """
            CREATE TABLE directory_objects (
                tenant_id   TEXT    NOT NULL,
                kind        TEXT    NOT NULL,
                id          TEXT    NOT NULL,
                unique_name TEXT,
                document    TEXT    NOT NULL,
                version     INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, kind, id)
            ) STRICT;
            CREATE UNIQUE INDEX directory_objects_by_name ON directory_objects (tenant_id, kind, unique_name)
                WHERE unique_name IS NOT NULL;
            """),
        new(9, "create instance endpoints", """
            CREATE TABLE digital_twins_endpoints (
                subscription_id       TEXT NOT NULL,
                instance_id           TEXT NOT NULL REFERENCES instances (id),
                name_key              TEXT NOT NULL,
                name                  TEXT NOT NULL,
                endpoint_type         TEXT NOT NULL,
                authentication_type   TEXT NOT NULL,
                properties            TEXT NOT NULL,
                protected_secrets     TEXT,
                provisioning_state    TEXT NOT NULL,
                created_at            TEXT NOT NULL,
                updated_at            TEXT NOT NULL,
                created_by            TEXT,
                created_by_type       TEXT,
                last_modified_by      TEXT,
                last_modified_by_type TEXT,
                PRIMARY KEY (subscription_id, instance_id, name_key)
            ) STRICT;
            """),
    ];
}
