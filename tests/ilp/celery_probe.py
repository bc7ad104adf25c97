"""Tasks for the worker-loss test (tests/ilp/test_worker_loss.py), run by a real worker.

Each run counts itself in Redis and records its process id. The first run then sleeps so that
the test can kill that process; a later run finishes at once.
"""

from __future__ import annotations

import os
import time

import redis
from django.conf import settings

from ilp.celery import app


def _run_once_then_wait(key: str) -> int:
    store = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    runs = int(store.incr(f"{key}:runs"))
    store.set(f"{key}:pid", os.getpid())
    if runs == 1:
        time.sleep(120)
    store.set(f"{key}:done", runs)
    return runs


@app.task(name="tests.probe.with_project_settings")
def with_project_settings(key: str) -> int:
    """Takes the project's reliability settings (acks_late and reject_on_worker_lost)."""
    return _run_once_then_wait(key)


@app.task(name="tests.probe.acks_late_alone", acks_late=True, reject_on_worker_lost=False)
def acks_late_alone(key: str) -> int:
    """What acks_late without reject_on_worker_lost would do: the control case."""
    return _run_once_then_wait(key)
