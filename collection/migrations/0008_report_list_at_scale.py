"""The report list and its ranked search at half a million reports (docs/benchmarks.md,
report_list). PostgreSQL only, like 0005: the embedded SQLite default lists and searches as before.

- ``search_vector``: the weighted full-text vector of 0005 as a stored generated column, so that
  ranking a search reads each match's vector instead of parsing its title and text again (that
  parsing was most of a search's time). PostgreSQL computes it on every write, whatever writes;
  adding it computes it for every existing report (the table is rewritten once, under lock).
  It is not a model field: collection.reports.search reads it, and only there.
- ``collection_report_search_idx`` moves from the vector expression to the column.
- ``collection_report_received_desc_idx``: newest first, as the list orders, carrying the
  columns the access rule and the drafts rule read. The access rule is an OR (own agency /
  granted / disseminated), which no agency-led index can serve, so the first page walks this
  index and stops after 25 visible rows, and the list's count reads it alone (index-only) rather
  than every report's text.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

COLUMN = "search_vector"
SEARCH_INDEX = "collection_report_search_idx"
LIST_INDEX = "collection_report_received_desc_idx"
# Exactly the expression of 0005 (and so the ranking the search has always given).
VECTOR = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'B'))"
)

FORWARD = [
    f"ALTER TABLE collection_report ADD COLUMN {COLUMN} tsvector "
    f"GENERATED ALWAYS AS {VECTOR} STORED",
    f"DROP INDEX IF EXISTS {SEARCH_INDEX}",
    f"CREATE INDEX {SEARCH_INDEX} ON collection_report USING gin ({COLUMN})",
    f"CREATE INDEX {LIST_INDEX} ON collection_report (received_at DESC, id DESC) "
    "INCLUDE (agency_id, classification, restricted, status, author_id)",
]
BACKWARD = [
    f"DROP INDEX IF EXISTS {LIST_INDEX}",
    f"DROP INDEX IF EXISTS {SEARCH_INDEX}",
    f"ALTER TABLE collection_report DROP COLUMN IF EXISTS {COLUMN}",
    f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON collection_report USING gin ({VECTOR})",
]


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("collection", "0007_incident_cell_counts")]

    operations = [migrations.RunPython(forward, backward)]
