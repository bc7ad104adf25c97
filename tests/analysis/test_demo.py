"""The demo analyses of ``seed_demo``: one finished job of each kind, made once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from analysis.models import AnalysisJob
from analysis.runners import RUNNERS

pytestmark = pytest.mark.django_db


def test_seed_demo_runs_one_analysis_of_each_kind_once() -> None:
    first = io.StringIO()
    call_command("seed_demo", stdout=first)
    assert "analyses: 8 succeeded" in first.getvalue()
    jobs = AnalysisJob.objects.filter(created_by__username="analyst")
    assert sorted(jobs.values_list("kind", flat=True)) == sorted(RUNNERS)
    assert set(jobs.values_list("status", flat=True)) == {AnalysisJob.Status.SUCCEEDED}
    assert all(job.input_count > 0 and job.result for job in jobs)
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert "analyses: already there" in again.getvalue()
    assert AnalysisJob.objects.count() == len(RUNNERS)
