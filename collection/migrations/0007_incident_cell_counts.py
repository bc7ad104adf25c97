"""Incident counts per H3 cell kept by PostgreSQL, so the whole-area map does not count a million
rows on every load (collection.incidents.geojson reads them; docs/benchmarks.md, map_list).

``collection_incident_cell_count`` holds, per agency, classification and stored cell, how many
unrestricted located incidents there are: exactly the incidents an actor with the incident view
permission sees wholesale in their own agency (up to their clearance). Restricted, granted and
disseminated incidents are never counted here; the map counts them live through record_scope.

Statement-level triggers with transition tables keep the counts in the same transaction as every
write to collection_incident, whatever writes it (services, the import's COPY + upsert, admin,
bulk updates, raw SQL, deletes, TRUNCATE). A trigger adds its statement's net change per key as
one row and folds it with the key's committed rows it can lock at once: rows another transaction
is folding are skipped (SKIP LOCKED), never waited for, so imports and edits of the same area
never block or deadlock on a counter. A key may therefore hold a few rows; readers sum them.

``collection_incident_cell_count_rebuild()`` recounts from the table (after a data-only restore
with triggers off). PostgreSQL only: the embedded SQLite default counts live.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "collection_incident_cell_count"

# Net change of one statement per (agency, classification, cell): +1 per new row, -1 per old row
# that was counted (unrestricted, located).
_COUNTED = "WHERE NOT restricted AND h3_cell <> ''"
_NEW = f"SELECT agency_id, classification, h3_cell, 1 AS incidents FROM new_rows {_COUNTED}"
_OLD = f"SELECT agency_id, classification, h3_cell, -1 AS incidents FROM old_rows {_COUNTED}"
_APPLY = f"""
    WITH delta AS (
        SELECT agency_id, classification, h3_cell, sum(incidents) AS incidents
        FROM ({{rows}}) AS changed
        GROUP BY agency_id, classification, h3_cell
        HAVING sum(incidents) <> 0
    ), folded AS (
        DELETE FROM {TABLE} WHERE id IN (
            SELECT c.id FROM {TABLE} c
            JOIN delta d USING (agency_id, classification, h3_cell)
            FOR UPDATE OF c SKIP LOCKED
        )
        RETURNING agency_id, classification, h3_cell, incidents
    )
    INSERT INTO {TABLE} (agency_id, classification, h3_cell, incidents)
    SELECT agency_id, classification, h3_cell, sum(incidents)
    FROM (SELECT * FROM delta UNION ALL SELECT * FROM folded) AS merged
    GROUP BY agency_id, classification, h3_cell
    HAVING sum(incidents) <> 0;
"""

CREATE = [
    f"""
    CREATE TABLE {TABLE} (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        agency_id bigint NOT NULL,
        classification smallint NOT NULL,
        h3_cell varchar(16) NOT NULL,
        incidents bigint NOT NULL
    )
    """,
    f"CREATE INDEX {TABLE}_key_idx ON {TABLE} (agency_id, classification, h3_cell) "
    "INCLUDE (incidents)",
    f"""
    CREATE FUNCTION {TABLE}_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {_APPLY.format(rows=_NEW)}
        ELSIF TG_OP = 'UPDATE' THEN
            {_APPLY.format(rows=f"{_NEW} UNION ALL {_OLD}")}
        ELSIF TG_OP = 'DELETE' THEN
            {_APPLY.format(rows=_OLD)}
        ELSE
            DELETE FROM {TABLE};
        END IF;
        RETURN NULL;
    END;
    $$
    """,
    f"""
    CREATE FUNCTION {TABLE}_rebuild() RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        LOCK TABLE collection_incident IN SHARE MODE;
        DELETE FROM {TABLE};
        INSERT INTO {TABLE} (agency_id, classification, h3_cell, incidents)
        SELECT agency_id, classification, h3_cell, count(*)
        FROM collection_incident {_COUNTED}
        GROUP BY agency_id, classification, h3_cell;
    END;
    $$
    """,
    f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON collection_incident "
    f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_apply()",
    f"CREATE TRIGGER {TABLE}_update AFTER UPDATE ON collection_incident "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_apply()",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON collection_incident "
    f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_apply()",
    f"CREATE TRIGGER {TABLE}_truncate AFTER TRUNCATE ON collection_incident "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_apply()",
    # The map's live remainder (restricted incidents of the actor's agency, and other agencies'
    # incidents) is found through this and the agency index, not by reading every row.
    "CREATE INDEX collection_incident_restricted_idx ON collection_incident (agency_id) "
    "WHERE restricted",
    # The triggers' lock keeps writers out until this migration commits: the count is exact.
    f"SELECT {TABLE}_rebuild()",
]

DROP = [
    "DROP INDEX IF EXISTS collection_incident_restricted_idx",
    *(
        f"DROP TRIGGER IF EXISTS {TABLE}_{event} ON collection_incident"
        for event in ("insert", "update", "delete", "truncate")
    ),
    f"DROP FUNCTION IF EXISTS {TABLE}_rebuild()",
    f"DROP FUNCTION IF EXISTS {TABLE}_apply()",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("collection", "0006_import_json_blank")]

    operations = [migrations.RunPython(create, drop)]
