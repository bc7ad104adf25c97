"""Ranked report search without parsing every report on each query (collection.reports.search).
PostgreSQL only: the embedded SQLite default searches by substring.

- ``search_vector``: the reports' weighted full-text vector (title above body) as a stored
  generated column. PostgreSQL computes it on every write, whatever writes, so ranking a search
  reads each match's vector instead of parsing its title and text again; adding it computes it
  for every existing report (the table is rewritten once, under lock). It is not a model field:
  collection.reports.search reads it, and only there.
- ``collection_report_search_idx``: a GIN index on it, which the search's plan uses (a test
  checks).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

COLUMN = "search_vector"
INDEX = "collection_report_search_idx"
VECTOR = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'B'))"
)

FORWARD = [
    f"ALTER TABLE collection_report ADD COLUMN {COLUMN} tsvector "
    f"GENERATED ALWAYS AS {VECTOR} STORED",
    f"CREATE INDEX {INDEX} ON collection_report USING gin ({COLUMN})",
]
BACKWARD = [
    f"DROP INDEX IF EXISTS {INDEX}",
    f"ALTER TABLE collection_report DROP COLUMN IF EXISTS {COLUMN}",
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
    dependencies = [("collection", "0004_incident_indexes")]

    operations = [migrations.RunPython(forward, backward)]
