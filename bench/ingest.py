"""Ingest throughput: the real import path against a raw PostgreSQL COPY of the same rows.

``rows`` realistic incidents (references, ~40 offence names, times over three years, points
clustered over London) are written to a temporary CSV file and imported through
``collection.imports.services.import_file`` — the path the command line, the browser job and
the API use: streaming parse and validation (in a thread), H3 cells, COPY into a temporary table
and one upsert per chunk into ``collection_incident``, all in one transaction.

The baseline, in the same run, is ``COPY`` of exactly the rows the import stored (exported from
``collection_incident``) into a fresh table of the same shape: ``LIKE collection_incident
INCLUDING ALL`` (columns, defaults, checks, the same ten indexes) plus the same four foreign
keys, timed to its COMMIT. ``copy_nofk_rows_per_s`` is the same COPY without the foreign keys.
``parse_rows_per_s`` times the Python side alone (read, validate, prepare the COPY text) to show
which side dominates. Peak RSS is the process's after the import.
"""

from __future__ import annotations

import csv
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

NAME = "ingest"
DEFAULT_ROWS = 100_000
AGENCY = "BENCH-INGEST"
OFFENCES = [
    "Burglary residential",
    "Burglary business",
    "Theft from a motor vehicle",
    "Theft of a motor vehicle",
    "Vehicle interference",
    "Shoplifting",
    "Theft from the person",
    "Bicycle theft",
    "Other theft",
    "Robbery of personal property",
    "Robbery of business property",
    "Criminal damage to a dwelling",
    "Criminal damage to a vehicle",
    "Arson",
    "Common assault",
    "Assault occasioning actual bodily harm",
    "Wounding with intent",
    "Grievous bodily harm",
    "Harassment",
    "Stalking",
    "Malicious communications",
    "Public order offence",
    "Possession of a weapon",
    "Possession of cannabis",
    "Possession of class A drugs",
    "Supply of class A drugs",
    "Supply of cannabis",
    "Domestic abuse assault",
    "Sexual assault",
    "Rape",
    "Exposure",
    "Fraud by false representation",
    "Handling stolen goods",
    "Making off without payment",
    "Trespass",
    "Drink driving",
    "Dangerous driving",
    "Homicide",
    "Kidnapping",
    "Blackmail",
]
STATUSES = ["open", "closed", "charged", "NFA", "under investigation", "Cleared by arrest", ""]
STREETS = [
    "High Street",
    "Station Road",
    "Church Lane",
    "Victoria Road",
    "Park Avenue",
    "Mill Lane",
    "King Street",
    "Queens Road",
    "London Road",
    "Green Lane",
]
# Hotspots over London: crime clusters, it is not uniform.
CENTRES = [
    (51.5142, -0.0931),
    (51.5450, -0.0553),
    (51.4613, -0.1156),
    (51.5560, -0.2795),
    (51.4816, 0.0680),
    (51.5904, -0.1657),
    (51.4120, -0.3005),
    (51.5370, -0.1426),
]


def run(rows: int | None) -> dict[str, Any]:
    """Import ``rows`` generated incidents and COPY the same rows; report both rates."""
    from bench import peak_rss_mib, server_version, setup_django

    setup_django()

    count = rows or DEFAULT_ROWS
    agency = _bench_agency()
    _remove_bench_rows(agency.pk)
    with tempfile.TemporaryDirectory(prefix="ilp-bench-ingest-") as folder:
        source = Path(folder) / "incidents.csv"
        _generate(source, count)
        _checkpoint()
        seconds, result = _time_import(agency, source)
        peak = peak_rss_mib()
        if result.created != count or result.rejected:
            raise RuntimeError(f"benchmark rows were not all created: {result.as_json()}")
        exported = Path(folder) / "stored.csv"
        columns = _export(result.import_id, exported)
        copy_seconds = _time_copy(exported, columns, foreign_keys=True)
        copy_nofk_seconds = _time_copy(exported, columns, foreign_keys=False)
        parse_seconds = _time_parse(agency, source)
    _remove_bench_rows(agency.pk)
    rate, copy_rate = count / seconds, count / copy_seconds
    return {
        "name": NAME,
        "rows": count,
        "rows_per_s": round(rate),
        "copy_rows_per_s": round(copy_rate),
        "ratio": round(rate / copy_rate, 3),
        "peak_rss_mb": peak,
        "import_seconds": round(seconds, 2),
        "copy_seconds": round(copy_seconds, 2),
        "copy_nofk_rows_per_s": round(count / copy_nofk_seconds),
        "ratio_nofk": round(copy_nofk_seconds / seconds, 3),
        "parse_rows_per_s": round(count / parse_seconds),
        "database": server_version(),
    }


def _bench_agency() -> Any:
    from ilp.models import Agency

    agency, _ = Agency.objects.update_or_create(
        code=AGENCY, defaults={"name": "Benchmark ingest", "time_zone": "Europe/London"}
    )
    return agency


def _remove_bench_rows(agency_id: int) -> None:
    """Start from an empty slice of the table (and no dead rows left in its indexes)."""
    from django.db import connection

    from collection.models import Import, Incident

    # Plain SQL: the ORM's delete would load every incident into memory first.
    with connection.cursor() as cursor:
        for model in (Incident, Import):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE agency_id = %s",  # noqa: S608
                [agency_id],
            )
        cursor.execute(f"VACUUM ANALYZE {Incident._meta.db_table}")


def _checkpoint() -> None:
    """Flush dirty pages now, so a checkpoint does not land inside one timing and not the other."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:  # not a superuser: the figures are noisier, not wrong
        pass


def _generate(path: Path, count: int) -> None:
    """Realistic rows, written as they are made (never all in memory). Times are London wall
    clock, as a records system exports them: made from real instants, so none falls in a
    daylight-saving gap."""
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    rng = random.Random(20260301)
    start = datetime(2022, 1, 1, tzinfo=UTC)
    minutes = 3 * 365 * 24 * 60

    def local(moment: datetime) -> str:
        return moment.astimezone(london).strftime("%Y-%m-%d %H:%M")

    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "crime_ref",
                "offence",
                "date_from",
                "date_to",
                "date_reported",
                "lat",
                "lon",
                "address",
                "outcome",
            ]
        )
        for number in range(count):
            began = start + timedelta(minutes=rng.randrange(minutes))
            ended = began + timedelta(minutes=rng.choice((0, 0, 15, 60, 240, 720)))
            reported = ended + timedelta(minutes=rng.randrange(2880))
            centre_lat, centre_lon = rng.choice(CENTRES)
            began_text, ended_text = local(began), local(ended)
            # Around the autumn change the wall clock runs back an hour; an RMS would show
            # such a window as ending before it starts, so keep the generated data clean.
            ended_text = max(ended_text, began_text)
            writer.writerow(
                [
                    f"CR/{began.year}/{number:08d}",
                    rng.choice(OFFENCES),
                    began_text,
                    ended_text,
                    max(local(reported), ended_text),
                    f"{rng.gauss(centre_lat, 0.02):.6f}",
                    f"{rng.gauss(centre_lon, 0.03):.6f}",
                    f"{rng.randrange(1, 400)} {rng.choice(STREETS)}",
                    rng.choice(STATUSES),
                ]
            )


SPEC_MAPPING = {
    "reference": "crime_ref",
    "offence": "offence",
    "occurred_from": "date_from",
    "occurred_to": "date_to",
    "reported_at": "date_reported",
    "latitude": "lat",
    "longitude": "lon",
    "address": "address",
    "status": "outcome",
}


def _time_import(agency: Any, source: Path) -> tuple[float, Any]:
    from collection.imports.services import import_file
    from collection.imports.spec import ImportSpec

    started = time.perf_counter()
    result = import_file(
        actor=None, agency=agency, path=source, spec=ImportSpec(mapping=SPEC_MAPPING)
    )
    return time.perf_counter() - started, result


def _export(import_id: int | None, path: Path) -> list[str]:
    """The rows the import stored, in the table's own form, streamed to a file."""
    from django.db import connection

    from collection.models import Incident

    columns = [f.column for f in Incident._meta.concrete_fields if not f.primary_key]
    names = ", ".join(columns)
    with connection.cursor() as cursor, path.open("w") as handle:
        cursor.cursor.copy_expert(
            f"COPY (SELECT {names} FROM {Incident._meta.db_table} "  # noqa: S608
            f"WHERE source_import_id = {int(import_id or 0)} ORDER BY id) TO STDOUT",
            handle,
        )
    return columns


def _time_copy(path: Path, columns: list[str], *, foreign_keys: bool) -> float:
    """COPY the stored rows into a fresh table shaped like collection_incident, to COMMIT."""
    from django.db import connection, transaction

    from collection.models import Incident

    table = Incident._meta.db_table
    copy = "bench_ingest_copy"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {copy}")
        cursor.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
        if foreign_keys:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {copy} ADD CONSTRAINT {name}_bench {definition}")
    _checkpoint()
    try:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor, path.open() as handle:
            cursor.cursor.copy_expert(
                f"COPY {copy} ({', '.join(columns)}) FROM STDIN", handle, size=1024 * 1024
            )
        return time.perf_counter() - started
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {copy}")


def _time_parse(agency: Any, source: Path) -> float:
    """The Python side alone: read, validate and prepare every chunk, no database."""
    from django.utils import timezone

    from collection.imports.copy import PostgresWriter
    from collection.imports.parsing import RowParser
    from collection.imports.pipeline import _batches
    from collection.imports.reading import open_csv
    from collection.imports.spec import ImportSpec, resolve
    from collection.imports.writers import Target

    started = time.perf_counter()
    csv_file = open_csv(
        name=source.name, size=source.stat().st_size, opener=lambda: source.open("rb")
    )
    parser = RowParser(
        sources=resolve(ImportSpec(mapping=SPEC_MAPPING), csv_file.header),
        width=len(csv_file.header),
        time_zone=agency.time_zone,
        now=timezone.now(),
    )
    writer = PostgresWriter(Target(agency.pk, None, None, dry_run=True))
    for batch, _ in _batches(csv_file, None):
        rows, _errors = parser.parse(batch)
        writer.prepare(rows)
    return time.perf_counter() - started
