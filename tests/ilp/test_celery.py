"""The Celery app: jobs survive a killed worker, and work is enqueued only after commit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db import transaction

from ilp.celery import app


def test_a_job_is_acknowledged_only_when_it_finishes() -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_a_job_whose_worker_dies_is_delivered_again() -> None:
    # acks_late alone marks such a job failed; reject_on_worker_lost puts it back on the queue.
    assert app.conf.task_reject_on_worker_lost is True


def test_the_broker_does_not_redeliver_a_job_that_is_still_running() -> None:
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility > settings.CELERY_LONGEST_JOB_SECONDS
    assert app.conf.task_time_limit <= settings.CELERY_LONGEST_JOB_SECONDS


def test_tasks_use_the_django_task_class_with_delay_on_commit() -> None:
    @app.task(name="tests.noop")
    def noop() -> str:
        return "done"

    assert isinstance(noop, DjangoTask)
    assert hasattr(noop, "delay_on_commit")


@app.task(name="tests.record_call")
def record_call() -> str:
    """A task used only to watch when it is sent."""
    return "done"


def _task() -> DjangoTask:
    # Before the app is finalised the decorator returns a lazy proxy; after, the task itself.
    getter = getattr(record_call, "_get_current_object", None)
    return getter() if getter else record_call


@pytest.mark.django_db(transaction=True)
def test_delay_on_commit_waits_for_the_transaction() -> None:
    task = _task()
    with mock.patch.object(task, "delay") as delay:
        with transaction.atomic():
            task.delay_on_commit()
            delay.assert_not_called()
        delay.assert_called_once()


def _enqueue_then_fail(task: DjangoTask) -> None:
    with transaction.atomic():
        task.delay_on_commit()
        raise RuntimeError("roll back")


@pytest.mark.django_db(transaction=True)
def test_delay_on_commit_sends_nothing_when_the_transaction_rolls_back() -> None:
    task = _task()
    with mock.patch.object(task, "delay") as delay:
        with pytest.raises(RuntimeError):
            _enqueue_then_fail(task)
        delay.assert_not_called()


@pytest.mark.parametrize("program", ["worker", "beat"])
def test_worker_and_beat_refuse_to_start_without_a_broker(program: str, tmp_path: Path) -> None:
    # Without CELERY_BROKER_URL the web process runs tasks itself; a worker would wait forever.
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    result = subprocess.run(  # noqa: S603 - our own virtualenv's celery, fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ilp",
            program,
            f"--schedule={tmp_path / 'schedule'}" if program == "beat" else "--concurrency=1",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "CELERY_BROKER_URL is not set" in result.stdout + result.stderr
