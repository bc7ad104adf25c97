"""Celery tasks of the core: periodic governance work."""

from __future__ import annotations

from celery import shared_task

from ilp.governance import review


@shared_task(name="ilp.review_due")
def review_due_task() -> dict[str, int]:
    """Give new records their review date and tell supervisors what has come due."""
    scheduled = review.review_schedule_missing()
    notified = review.review_notify_due()
    return {"scheduled": scheduled, "notified": notified}
