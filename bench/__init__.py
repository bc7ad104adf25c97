"""Benchmarks of the ILP platform: run with ``python -m bench`` (see bench/__main__.py).

A benchmark is a module in this package that defines ``NAME: str`` and
``run(rows: int | None) -> dict``. This module holds what benchmarks share: Django set-up on a
PostgreSQL benchmark database, and the summary statistics they report.
"""

from __future__ import annotations

import json
import math
import os
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

    from ilp.models import Agency, User


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


def get_ok(client: Client, path: str) -> None:
    """GET ``path``; a benchmark of error pages would measure the wrong thing, so stop on one."""
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}, not 200")


def time_gets(client: Client, path: str, count: int, warm_up: int = 0) -> list[int]:
    """Durations in nanoseconds of ``count`` GETs of ``path``, after ``warm_up`` untimed ones
    (URL resolution, template compilation and connection set-up happen once)."""
    for _ in range(warm_up):
        get_ok(client, path)
    samples = []
    for _ in range(count):
        started = time.perf_counter_ns()
        get_ok(client, path)
        samples.append(time.perf_counter_ns() - started)
    return samples


def endpoint_figures(
    endpoints: dict[str, tuple[Client, str]], count: int, warm_up: int
) -> dict[str, dict[str, float]]:
    """Median and p95 of each endpoint, and ``x_healthz``: its median as a multiple of the
    ``healthz`` endpoint's (the baseline of the same run, which ``endpoints`` must include)."""
    figures = {
        label: summary_ms(time_gets(client, path, count, warm_up))
        for label, (client, path) in endpoints.items()
    }
    baseline = figures["healthz"]["median_ms"]
    for figure in figures.values():
        figure["x_healthz"] = round(figure["median_ms"] / baseline, 2)
    return figures


def server_version() -> str:
    """The database server, as figures name it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone() or ("?",)
    return f"PostgreSQL {version}"


def bench_analyst(
    *, agency_code: str, agency_name: str, username: str, clearance: int | None = None
) -> tuple[User, Agency]:
    """An active analyst of a benchmark agency (made on the first run, reused after)."""
    from django.contrib.auth.models import Group

    from ilp.models import Agency, Unit, User
    from ilp.roles import Role

    agency, _ = Agency.objects.get_or_create(code=agency_code, defaults={"name": agency_name})
    unit, _ = Unit.objects.get_or_create(
        agency=agency, code="INTEL", defaults={"name": f"{agency_name} Intelligence"}
    )
    defaults: dict[str, Any] = {"agency": agency, "unit": unit, "is_active": True}
    if clearance is not None:
        defaults["clearance"] = clearance
    user, _ = User.objects.update_or_create(username=username, defaults=defaults)
    user.groups.set([Group.objects.get(name=Role.ANALYST.value)])
    return user, agency


def copy_text(value: Any) -> str:
    """A Python value as PostgreSQL COPY text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)
