"""Reads of analysis jobs, decided for the acting user."""

from __future__ import annotations

from django.db.models import QuerySet

from analysis.models import AnalysisJob
from ilp.selectors import Actor, record_scope


def job_list(*, actor: Actor) -> QuerySet[AnalysisJob]:
    """Jobs whose inputs the actor could see (the job carries its inputs' owner and
    classification, so the shared record rule decides)."""
    return record_scope(actor=actor, queryset=AnalysisJob.objects.select_related("created_by"))
