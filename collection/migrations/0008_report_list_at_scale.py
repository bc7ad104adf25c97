"""The report list at a million reports (docs/benchmarks.md, report_list). PostgreSQL only, like
0005: the embedded SQLite default lists as before.

``collection_report_received_desc_idx``: newest first, as the list orders, carrying the columns
the access rule and the drafts rule read. The access rule is an OR (own agency / granted /
disseminated), which no agency-led index can serve, so the first page walks this index and stops
after one page of visible rows.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

LIST_INDEX = "collection_report_received_desc_idx"


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {LIST_INDEX} ON collection_report (received_at DESC, id DESC) "
            "INCLUDE (agency_id, classification, restricted, status, author_id)"
        )


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {LIST_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("collection", "0007_incident_cell_counts")]

    operations = [migrations.RunPython(forward, backward)]
