"""Benchmarks of the ILP platform: run with ``python -m bench`` (see bench/__main__.py).

A benchmark is a module in this package that defines ``NAME: str`` and
``run(rows: int | None) -> dict``. This module holds what benchmarks share: Django set-up on a
PostgreSQL benchmark database, and the summary statistics they report.
"""

from __future__ import annotations

import math
import os
import resource
import statistics
import sys
from collections.abc import Sequence


def setup_django() -> None:
    """Configure Django for a benchmark, create its database if missing, and migrate it.

    Benchmarks measure the platform as deployed, so they refuse SQLite and run with DEBUG off
    (DEBUG keeps every SQL statement in memory and would distort both time and RSS).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ilp.settings")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(
            "Benchmarks run on PostgreSQL: set DATABASE_URL, e.g. "
            "postgres://postgres@127.0.0.1:5432/ilp_bench (or use `make bench`)."
        )
    _create_database_if_missing(database)
    call_command("migrate", interactive=False, verbosity=0)


def _create_database_if_missing(database: dict[str, object]) -> None:
    """Create the named database through the server's ``postgres`` database when it is absent."""
    import psycopg2  # type: ignore[import-untyped]
    from psycopg2 import sql

    name = str(database["NAME"])
    connection = psycopg2.connect(
        dbname="postgres",
        user=str(database.get("USER") or "") or None,
        password=str(database.get("PASSWORD") or "") or None,
        host=str(database.get("HOST") or "") or None,
        port=str(database.get("PORT") or "") or None,
    )
    try:
        connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction.
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                print(f"bench: creating database {name}", file=sys.stderr)
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def summary_ms(samples_ns: Sequence[int]) -> dict[str, float]:
    """Median and 95th percentile (nearest rank) of durations in nanoseconds, in milliseconds."""
    if not samples_ns:
        raise ValueError("no samples")
    ordered = sorted(samples_ns)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "median_ms": round(statistics.median(ordered) / 1e6, 3),
        "p95_ms": round(p95 / 1e6, 3),
    }


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
    return round(peak / divisor, 1)
