"""The PostgreSQL fast path: COPY each chunk into a temporary table, then one
INSERT … SELECT … ON CONFLICT (agency_id, reference) DO UPDATE into collection_incident.

Everything runs inside the caller's single transaction, so a failure leaves nothing behind.
References are checked against the earlier chunks of the same import through a second temporary
table with a primary key (server memory, not the worker's: Python holds one chunk at a time).
``RETURNING (xmax = 0)`` tells a new row (no previous version) from an updated one.
"""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from django.db import connection

from collection.imports.offences import OffenceResolver
from collection.imports.parsing import IncidentRow
from collection.imports.writers import ChunkOutcome, Target, duplicate_error
from collection.models import Incident

STAGE_COLUMNS = (
    "row_no integer NOT NULL, reference text NOT NULL, offence text NOT NULL, "
    "occurred_from timestamptz NOT NULL, occurred_to timestamptz NOT NULL, "
    "reported_at timestamptz, latitude double precision, longitude double precision, "
    "h3_cell text, address text, status text NOT NULL"
)

# Columns the import fills from each row (and who/which import); every other column of
# collection_incident gets its model default (classification, handling code, restriction…), so a
# field added to Record later is written correctly without touching this module.
ROW_VALUES: dict[str, str] = {
    "agency_id": "%(agency)s",
    "created_by_id": "%(actor)s",
    "created_at": "now()",
    "updated_at": "now()",
    "reference": "s.reference",
    "offence_id": "o.id",
    "occurred_from": "s.occurred_from",
    "occurred_to": "s.occurred_to",
    "reported_at": "s.reported_at",
    "latitude": "s.latitude",
    "longitude": "s.longitude",
    "h3_cell": "coalesce(s.h3_cell, '')",
    "address": "coalesce(s.address, '')",
    "status": "s.status",
    "source_import_id": "%(import)s",
}


def insert_values() -> tuple[dict[str, str], dict[str, Any]]:
    """Column → SQL expression for the INSERT, and the parameters of the default values."""
    values = dict(ROW_VALUES)
    defaults: dict[str, Any] = {}
    for field in Incident._meta.concrete_fields:
        if field.primary_key or field.column in values:
            continue
        name = f"default_{field.column}"
        values[field.column] = f"%({name})s"
        defaults[name] = field.get_db_prep_value(field.get_default(), connection)
    return values, defaults


# What a re-import refreshes; classification, handling and authorship stay as they were.
UPDATED_COLUMNS = (
    "offence_id",
    "occurred_from",
    "occurred_to",
    "reported_at",
    "latitude",
    "longitude",
    "h3_cell",
    "address",
    "status",
    "source_import_id",
    "updated_at",
)
_COPY_BLOCK = 1024 * 1024


def copy_text(cursor: Any, sql: str, text: str) -> None:
    """COPY … FROM STDIN from an in-memory CSV text (psycopg2, or psycopg 3)."""
    raw = cursor.cursor
    if hasattr(raw, "copy_expert"):
        raw.copy_expert(sql, io.StringIO(text), size=_COPY_BLOCK)
    else:  # pragma: no cover - psycopg 3
        with raw.copy(sql) as copy:
            copy.write(text)


class PostgresWriter:
    """Writes chunks with COPY and one upsert statement per chunk.

    The only names put into SQL text are the model's table and column names and this writer's
    own temporary table names (a random hex token): never anything from the file (S608).
    """

    def __init__(self, target: Target) -> None:
        self.target = target
        self.offences = OffenceResolver()
        token = uuid.uuid4().hex[:12]
        self.stage = f"ilp_import_stage_{token}"
        self.seen = f"ilp_import_seen_{token}"

    def prepare(self, rows: list[IncidentRow]) -> tuple[str, set[str]]:
        """The chunk as CSV text for COPY, and its offence names."""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(
            (
                row.row,
                row.reference,
                row.offence,
                row.occurred_from.isoformat(),
                row.occurred_to.isoformat(),
                row.reported_at.isoformat() if row.reported_at is not None else None,
                row.latitude,
                row.longitude,
                row.h3_cell,
                row.address,
                row.status,
            )
            for row in rows
        )
        return buffer.getvalue(), {row.offence for row in rows}

    def open(self) -> None:
        with connection.cursor() as cursor:
            if not self.target.dry_run:
                # Check foreign keys as each chunk is written (overlapping the parsing of the
                # next) instead of millions of deferred checks at COMMIT.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.stage} ({STAGE_COLUMNS})")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.seen} "
                "(reference text PRIMARY KEY, row_no integer NOT NULL)"
            )

    def write(self, prepared: tuple[str, set[str]]) -> ChunkOutcome:
        text, names = prepared
        outcome = ChunkOutcome()
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {self.stage}")
            copy_text(cursor, f"COPY {self.stage} FROM STDIN WITH (FORMAT csv)", text)
            outcome.duplicates = self._reject_repeats(cursor)
            if self.target.dry_run:
                self._count_existing(cursor, outcome)
            else:
                self._upsert(cursor, names, outcome)
        return outcome

    def _reject_repeats(self, cursor: Any) -> list[Any]:
        """Remove rows whose reference an earlier chunk had; name the first row of each."""
        cursor.execute(
            f"WITH fresh AS (INSERT INTO {self.seen} (reference, row_no) "  # noqa: S608
            f"SELECT reference, row_no FROM {self.stage} "
            "ON CONFLICT (reference) DO NOTHING RETURNING reference) "
            f"SELECT s.row_no, s.reference FROM {self.stage} s "
            "WHERE NOT EXISTS (SELECT 1 FROM fresh f WHERE f.reference = s.reference)"
        )
        repeats = cursor.fetchall()
        if not repeats:
            return []
        references = [reference for _, reference in repeats]
        cursor.execute(
            f"SELECT reference, row_no FROM {self.seen} WHERE reference = ANY(%s)",  # noqa: S608
            [references],
        )
        first = dict(cursor.fetchall())
        cursor.execute(
            f"DELETE FROM {self.stage} WHERE row_no = ANY(%s)",  # noqa: S608
            [[row for row, _ in repeats]],
        )
        return [duplicate_error(row, reference, first[reference]) for row, reference in repeats]

    def _count_existing(self, cursor: Any, outcome: ChunkOutcome) -> None:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE i.id IS NULL), count(i.id), min(s.longitude), "  # noqa: S608
            "min(s.latitude), max(s.longitude), max(s.latitude) "
            f"FROM {self.stage} s LEFT JOIN {Incident._meta.db_table} i "
            "ON i.agency_id = %s AND i.reference = s.reference",
            [self.target.agency_id],
        )
        self._take_counts(cursor.fetchone(), outcome)

    def _upsert(self, cursor: Any, names: set[str], outcome: ChunkOutcome) -> None:
        ids = self.offences.ids(names)
        insert, defaults = insert_values()
        columns = ", ".join(insert)
        values = ", ".join(insert.values())
        updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in UPDATED_COLUMNS)
        cursor.execute(
            "WITH offence (name, id) AS "  # noqa: S608
            "(SELECT * FROM unnest(%(names)s::text[], %(ids)s::bigint[])), "
            f"written AS (INSERT INTO {Incident._meta.db_table} AS i ({columns}) "
            f"SELECT {values} FROM {self.stage} s JOIN offence o ON o.name = s.offence "
            f"ON CONFLICT (agency_id, reference) DO UPDATE SET {updates}, "
            "version = i.version + 1 "
            "RETURNING (xmax = 0) AS created, longitude, latitude) "
            "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created), "
            "min(longitude), min(latitude), max(longitude), max(latitude) FROM written",
            {
                "names": list(ids),
                "ids": list(ids.values()),
                "agency": self.target.agency_id,
                "actor": self.target.actor_id,
                "import": self.target.import_id,
                **defaults,
            },
        )
        self._take_counts(cursor.fetchone(), outcome)

    @staticmethod
    def _take_counts(found: Any, outcome: ChunkOutcome) -> None:
        created, updated, min_lon, min_lat, max_lon, max_lat = found
        outcome.created, outcome.updated = int(created), int(updated)
        if min_lon is not None:
            outcome.bbox = (min_lon, min_lat, max_lon, max_lat)

    def close(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.stage}, {self.seen}")
            if not self.target.dry_run:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
