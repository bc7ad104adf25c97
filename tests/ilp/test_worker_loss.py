"""A job whose worker process dies is delivered again, not lost (a real worker on Redis).

The project sets acks_late together with reject_on_worker_lost (ilp/settings.py). The test
starts a Celery worker on the test broker, lets it take a job, kills the process running the job
with SIGKILL (as the kernel's OOM killer would) and watches the job run again. The control case
shows that acks_late alone would only have marked the job failed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    settings.CELERY_BROKER_URL == settings.IN_PROCESS_BROKER_URL,
    reason="needs a broker: make test sets CELERY_BROKER_URL",
)


@pytest.fixture
def store() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


@pytest.fixture
def queue(store: redis.Redis) -> Iterator[str]:
    """A queue of this test's own, served by a real worker with one pool process."""
    name = f"worker-loss-{uuid.uuid4().hex}"
    worker = subprocess.Popen(  # noqa: S603 - our own virtualenv's celery, fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.ilp.celery_probe",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            f"--queues={name}",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
            f"--hostname={name}@%h",
        ],
        cwd=ROOT,
        env={**os.environ, "CELERY_BROKER_URL": settings.CELERY_BROKER_URL},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield name
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        for leftover in [*store.scan_iter(f"{name}*"), *store.scan_iter(f"*{name}")]:
            store.delete(leftover)


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"gave up after {timeout:.0f} s waiting until {what}")


def start_and_kill(store: redis.Redis, queue: str, task_name: str) -> str:
    """Send the job, wait until a pool process runs it, and kill that process."""
    from ilp.celery import app

    key = f"{queue}:{task_name}"
    app.send_task(task_name, args=[key], queue=queue)
    wait_for(lambda: store.get(f"{key}:pid") is not None, 90, "the worker took the job")
    os.kill(int(store.get(f"{key}:pid")), signal.SIGKILL)
    return key


def test_a_job_whose_worker_dies_is_delivered_again(store: redis.Redis, queue: str) -> None:
    key = start_and_kill(store, queue, "tests.probe.with_project_settings")
    wait_for(lambda: store.get(f"{key}:done") is not None, 60, "the job ran again")
    assert int(store.get(f"{key}:runs")) == 2
    assert int(store.get(f"{key}:done")) == 2


def test_acks_late_alone_would_lose_the_job(store: redis.Redis, queue: str) -> None:
    key = start_and_kill(store, queue, "tests.probe.acks_late_alone")
    time.sleep(8)
    assert int(store.get(f"{key}:runs")) == 1
    assert store.get(f"{key}:done") is None
