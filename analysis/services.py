"""Writes of analysis jobs: queue, run, cancel, and recover jobs whose worker died."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from analysis.inputs import clean_inputs, load_incidents
from analysis.methods.errors import MethodInputError
from analysis.models import AnalysisJob
from analysis.runners import RUNNERS
from ilp.governance.restriction import record_restrict
from ilp.models import User

logger = logging.getLogger(__name__)
#: A job delivered this many times without finishing is failed rather than tried again.
MAX_ATTEMPTS = 3


class JobCancelled(Exception):  # noqa: N818 - a signal, not an error
    """Raised inside a running job when its user asked to stop it."""


@transaction.atomic
def job_create(
    *,
    actor: User,
    kind: str,
    parameters: dict[str, Any] | None = None,
    inputs: dict[str, Any] | None = None,
    seed: int | None = None,
    title: str = "",
) -> AnalysisJob:
    """Check the method's parameters and inputs, record the job and queue it after commit."""
    from analysis.tasks import analysis_job_run_task

    if not actor.has_perm("analysis.add_analysisjob"):
        raise PermissionDenied("You may not run analyses.")
    if kind not in RUNNERS:
        raise ValidationError(
            {"kind": f"Unknown analysis {kind!r}; choose one of {', '.join(RUNNERS)}."}
        )
    if seed is not None and not 0 <= seed < 2**63:
        raise ValidationError({"seed": "The seed must be a whole number from 0 to 2^63 - 1."})
    cleaned = RUNNERS[kind].clean(parameters or {})
    if RUNNERS[kind].local_time:
        # Hours and weekdays mean something only in the agency's own time; the zone is fixed
        # when the job is queued (never taken from the caller), so a rerun gives the same table.
        cleaned["time_zone"] = actor.agency.time_zone if actor.agency else settings.TIME_ZONE
    checked_inputs = clean_inputs(actor=actor, inputs=inputs or {})
    if RUNNERS[kind].fixes_as_of and "as_of" not in cleaned and "occurred_to" not in checked_inputs:
        cleaned["as_of"] = timezone.now().astimezone(UTC).isoformat()
    job = AnalysisJob(
        agency=actor.agency,
        created_by=actor,
        kind=kind,
        title=title.strip(),
        parameters=cleaned,
        inputs=checked_inputs,
        seed=seed if seed is not None else secrets.randbelow(2**63),
    )
    job.full_clean()
    job.save()
    analysis_job_run_task.delay_on_commit(job.pk)
    return job


def _claim(job_id: int) -> AnalysisJob | None:
    """Mark the job running (again, if its worker died) or return None when there is nothing
    to do: it is finished, or it has been tried too often."""
    with transaction.atomic():
        job = AnalysisJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        now = timezone.now()
        if job.cancel_requested:
            job.status, job.finished_at = AnalysisJob.Status.CANCELLED, now
            job.save(update_fields=["status", "finished_at"])
            return None
        if job.attempts >= MAX_ATTEMPTS:
            job.status, job.finished_at = AnalysisJob.Status.FAILED, now
            job.error = f"Stopped after {job.attempts} attempts: the worker running it was lost."
            job.save(update_fields=["status", "finished_at", "error"])
            return None
        job.status, job.started_at, job.progress = AnalysisJob.Status.RUNNING, now, 0
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "progress", "attempts"])
        return job


def _progress_reporter(job: AnalysisJob) -> Any:
    def report(percent: int) -> None:
        # Progress and cancellation are read and written outside the job's own work, so the
        # user sees them while it runs.
        updated = AnalysisJob.objects.filter(pk=job.pk, cancel_requested=False).update(
            progress=max(0, min(99, percent))
        )
        if not updated:
            raise JobCancelled

    return report


def job_run(*, job_id: int) -> AnalysisJob | None:
    """Run a queued job (idempotent: a finished job is left alone, a re-delivered one re-runs
    from the start). The inputs are read as the user who asked for the job."""
    job = _claim(job_id)
    if job is None:
        return None
    report = _progress_reporter(job)
    fields: dict[str, Any]
    try:
        assert job.created_by is not None
        runner = RUNNERS[job.kind]
        arrays = load_incidents(
            actor=job.created_by, inputs=job.inputs, with_people=runner.needs_people
        )
        report(5)
        result = runner.run(arrays, job.parameters, job.seed, report)
        if arrays.private and not job.restricted:
            # The result shows what only its requester may see in full: it is theirs alone
            # (others can be named on it through the record's restriction page).
            record_restrict(actor=job.created_by, record=job)
        fields = {
            "status": AnalysisJob.Status.SUCCEEDED,
            "result": result,
            "progress": 100,
            "input_count": arrays.count,
            "classification": arrays.classification,
        }
    except JobCancelled:
        fields = {"status": AnalysisJob.Status.CANCELLED}
    except (MethodInputError, ValidationError) as exc:
        fields = {"status": AnalysisJob.Status.FAILED, "error": _message(exc)}
    except Exception:
        logger.exception("analysis job %s failed", job.pk)
        fields = {
            "status": AnalysisJob.Status.FAILED,
            "error": "The analysis stopped with an internal error; it has been logged.",
        }
    AnalysisJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **fields)
    job.refresh_from_db()
    return job


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


@transaction.atomic
def job_cancel(*, actor: User, job: AnalysisJob) -> AnalysisJob:
    """Stop a job: a queued one at once, a running one at its next progress step."""
    locked = AnalysisJob.objects.select_for_update().get(pk=job.pk)
    if locked.created_by_id != actor.pk and not actor.has_perm("analysis.change_analysisjob"):
        raise PermissionDenied("Only the analyst who ran the job can cancel it.")
    if locked.is_finished:
        raise ValidationError(f"The job has already {locked.get_status_display().lower()}.")
    locked.cancel_requested = True
    update = ["cancel_requested"]
    if locked.status == AnalysisJob.Status.QUEUED:
        locked.status, locked.finished_at = AnalysisJob.Status.CANCELLED, timezone.now()
        update += ["status", "finished_at"]
    locked.save(update_fields=update)
    return locked


def job_fail_stuck() -> int:
    """Fail jobs marked running for longer than the longest job may run: their worker was
    lost and the broker did not deliver them again. Run periodically by Celery beat."""
    limit = timezone.now() - timedelta(seconds=settings.CELERY_LONGEST_JOB_SECONDS + 600)
    return AnalysisJob.objects.filter(
        status=AnalysisJob.Status.RUNNING, started_at__lt=limit
    ).update(
        status=AnalysisJob.Status.FAILED,
        finished_at=timezone.now(),
        error="The worker running this job was lost and it did not finish in time.",
    )
