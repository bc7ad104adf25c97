"""Health checks of what the platform depends on: the database and the task broker."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection


@dataclass(frozen=True)
class Check:
    """The outcome of one health check."""

    ok: bool
    detail: str


def check_database() -> Check:
    """Run a trivial query on the default database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return Check(False, f"{type(exc).__name__}: {exc}".strip())
    return Check(True, connection.vendor)


def check_broker() -> Check:
    """Connect to the Celery broker; with none configured, tasks run in-process."""
    if settings.CELERY_BROKER_URL == settings.IN_PROCESS_BROKER_URL:
        return Check(True, "none configured: tasks run in-process")
    from ilp.celery import app

    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return Check(False, f"{type(exc).__name__}: {exc}".strip())
    return Check(True, "reachable")
