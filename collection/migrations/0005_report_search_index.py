"""A GIN index on the reports' weighted full-text vector (the expression collection.reports.search
builds), so ranked search does not compute every report's vector on each query. PostgreSQL only:
the embedded SQLite default searches by substring and has no such index."""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEX = "collection_report_search_idx"
VECTOR = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'B'))"
)


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON collection_report USING gin ({VECTOR})"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("collection", "0004_incident_indexes")]

    operations = [migrations.RunPython(create, drop)]
