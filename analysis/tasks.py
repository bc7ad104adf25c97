"""Celery tasks of the analysis stage: take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from analysis import services


@shared_task(name="analysis.job_run", acks_late=True, reject_on_worker_lost=True)
def analysis_job_run_task(job_id: int) -> str | None:
    """Run one analysis job (safe to deliver twice: a finished job is left alone)."""
    job = services.job_run(job_id=job_id)
    return job.status if job else None


@shared_task(name="analysis.jobs_fail_stuck")
def analysis_jobs_fail_stuck_task() -> int:
    """Fail jobs whose worker was lost and that were not delivered again."""
    return services.job_fail_stuck()
