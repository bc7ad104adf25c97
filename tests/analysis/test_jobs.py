"""Analysis jobs: queued after commit, run over what the requester may see, reproducible,
cancellable, and never left 'running' when their worker dies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from analysis import services
from analysis.models import AnalysisJob
from analysis.selectors import job_list
from collection.models import Incident
from ilp.models import Agency, User
from tests.collection.factories import IncidentFactory, OffenceTypeFactory

pytestmark = pytest.mark.django_db


def scatter(
    agency: Agency | None, n: int, *, seed: int = 1, centre: tuple[float, float] = (51.5, -0.12)
) -> list[Incident]:
    """``n`` incidents spread over ~2 km around ``centre`` over 60 days, with a tight cluster."""
    assert agency is not None
    rng = np.random.default_rng(seed)
    offence = OffenceTypeFactory.create(name="Burglary dwelling", harm_weight=456)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    incidents = []
    for i in range(n):
        spread = 0.002 if i % 3 == 0 else 0.02
        lat = centre[0] + rng.normal(0, spread)
        lon = centre[1] + rng.normal(0, spread)
        when = start + timedelta(hours=float(rng.uniform(0, 24 * 60)))
        incidents.append(
            Incident(
                agency=agency,
                reference=f"{agency.code}-{seed}-{i}",
                offence=offence,
                occurred_from=when,
                occurred_to=when,
                latitude=lat,
                longitude=lon,
            )
        )
    return Incident.objects.bulk_create(incidents)


def result_of(job: AnalysisJob) -> dict[str, Any]:
    assert job.result is not None
    return dict(job.result)


def run(actor: User, kind: str, **kwargs: Any) -> AnalysisJob:
    job = services.job_create(actor=actor, kind=kind, **kwargs)
    finished = services.job_run(job_id=job.pk)
    assert finished is not None
    return finished


def test_a_job_is_queued_only_after_the_transaction_commits(
    analyst: User, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[int] = []
    from analysis.tasks import analysis_job_run_task

    monkeypatch.setattr(analysis_job_run_task, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = services.job_create(actor=analyst, kind="kde")
        assert sent == []
    assert len(callbacks) == 1
    assert sent == [job.pk]
    assert job.status == AnalysisJob.Status.QUEUED


def test_kde_job_reads_only_the_requesters_agency(analyst: User, partner: User) -> None:
    scatter(analyst.agency, 60, seed=1)
    assert partner.agency is not None
    scatter(partner.agency, 40, seed=2)
    job = run(analyst, "kde", parameters={"cell_size": 50, "bandwidth": 300})
    assert job.status == AnalysisJob.Status.SUCCEEDED, job.error
    assert job.input_count == 60
    assert result_of(job)["events"] == 60
    assert result_of(job)["cells"][0]["density"] == result_of(job)["max_density"]
    assert job.progress == 100
    assert job.duration_seconds is not None


def test_job_results_are_visible_only_to_users_who_could_see_the_inputs(
    analyst: User, outsider: User, partner: User
) -> None:
    scatter(analyst.agency, 10)
    job = run(analyst, "kde")
    assert job_list(actor=outsider).filter(pk=job.pk).exists()
    assert not job_list(actor=partner).filter(pk=job.pk).exists()


def test_near_repeat_with_the_stored_seed_gives_the_same_numbers(analyst: User) -> None:
    scatter(analyst.agency, 80)
    params = {
        "spatial_bands": [0, 200, 400, 800],
        "temporal_bands": [0, 7, 14, 28],
        "permutations": 99,
    }
    first = run(analyst, "near_repeat", parameters=params)
    again = run(analyst, "near_repeat", parameters=first.parameters, seed=first.seed)
    assert first.status == AnalysisJob.Status.SUCCEEDED, first.error
    assert result_of(again) == result_of(first)
    assert len(result_of(first)["observed"]) == 3
    assert len(result_of(first)["observed"][0]) == 3


def test_gistar_on_h3_cells_finds_the_cluster(analyst: User) -> None:
    scatter(analyst.agency, 150)
    job = run(analyst, "gistar", parameters={"grid": "h3", "resolution": 9})
    assert job.status == AnalysisJob.Status.SUCCEEDED, job.error
    top = result_of(job)["cells"][0]
    assert top["z"] > 3
    assert top["q"] < 0.05
    assert result_of(job)["hot_spots"] >= 1


def test_gistar_on_a_square_grid(analyst: User) -> None:
    scatter(analyst.agency, 150)
    job = run(analyst, "gistar", parameters={"grid": "square", "cell_size": 250})
    assert job.status == AnalysisJob.Status.SUCCEEDED, job.error
    assert result_of(job)["grid"] == "square"
    assert result_of(job)["cells"][0]["count"] > 0


@pytest.mark.parametrize(
    ("kind", "parameters", "field"),
    [
        ("kde", {"bandwidth": -5}, "bandwidth"),
        ("kde", {"cell_size": "wide"}, "cell_size"),
        ("kde", {"kernel": "triangle"}, "kernel"),
        ("near_repeat", {"spatial_bands": [0, 200, 100]}, "spatial_bands"),
        ("near_repeat", {"temporal_bands": [7]}, "temporal_bands"),
        ("gistar", {"grid": "hexagonal"}, "grid"),
        ("astrology", {}, "kind"),
    ],
)
def test_bad_parameters_are_refused_before_anything_is_queued(
    analyst: User, kind: str, parameters: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.job_create(actor=analyst, kind=kind, parameters=parameters)
    assert field in caught.value.message_dict
    assert not AnalysisJob.objects.exists()


def test_inputs_with_a_period_that_ends_before_it_starts_are_refused(analyst: User) -> None:
    with pytest.raises(ValidationError, match="ends before it starts"):
        services.job_create(
            actor=analyst,
            kind="kde",
            inputs={"occurred_from": "2026-02-01T00:00:00Z", "occurred_to": "2026-01-01T00:00Z"},
        )


def test_an_officer_cannot_run_analyses(officer: User) -> None:
    with pytest.raises(PermissionDenied):
        services.job_create(actor=officer, kind="kde")


def test_a_job_with_no_incidents_fails_with_a_reason(analyst: User) -> None:
    job = run(analyst, "kde")
    assert job.status == AnalysisJob.Status.FAILED
    assert "at least 1 incident" in job.error


def test_a_job_clipped_to_a_drawn_polygon_reads_only_incidents_inside(analyst: User) -> None:
    inside = scatter(analyst.agency, 30)
    IncidentFactory.create(agency=analyst.agency, latitude=52.5, longitude=-1.9)
    polygon = {
        "type": "Polygon",
        "coordinates": [[[-0.3, 51.3], [0.1, 51.3], [0.1, 51.7], [-0.3, 51.7], [-0.3, 51.3]]],
    }
    job = run(analyst, "kde", inputs={"polygon": polygon})
    assert job.input_count == len(inside)


def test_cancelling_a_queued_job_stops_it_at_once(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    cancelled = services.job_cancel(actor=analyst, job=job)
    assert cancelled.status == AnalysisJob.Status.CANCELLED
    assert services.job_run(job_id=job.pk) is None


def test_cancelling_a_running_job_stops_it_at_its_next_step(analyst: User) -> None:
    scatter(analyst.agency, 20)
    job = services.job_create(actor=analyst, kind="kde")
    AnalysisJob.objects.filter(pk=job.pk).update(cancel_requested=True)
    # The request arrives after the worker claimed the job: the first progress step sees it.
    claimed = services._claim(job.pk)
    assert claimed is None  # a job cancelled before it starts is not started at all
    job.refresh_from_db()
    assert job.status == AnalysisJob.Status.CANCELLED


def test_a_running_job_whose_worker_died_is_run_again_when_redelivered(analyst: User) -> None:
    scatter(analyst.agency, 20)
    job = services.job_create(actor=analyst, kind="kde")
    AnalysisJob.objects.filter(pk=job.pk).update(
        status=AnalysisJob.Status.RUNNING, attempts=1, progress=40
    )
    finished = services.job_run(job_id=job.pk)
    assert finished is not None
    assert finished.status == AnalysisJob.Status.SUCCEEDED
    assert finished.attempts == 2


def test_a_job_delivered_too_often_is_failed_with_a_reason(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    AnalysisJob.objects.filter(pk=job.pk).update(
        status=AnalysisJob.Status.RUNNING, attempts=services.MAX_ATTEMPTS
    )
    assert services.job_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.status == AnalysisJob.Status.FAILED
    assert "worker running it was lost" in job.error


def test_stuck_running_jobs_are_failed_by_the_periodic_check(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    AnalysisJob.objects.filter(pk=job.pk).update(
        status=AnalysisJob.Status.RUNNING, started_at=timezone.now() - timedelta(days=1)
    )
    assert services.job_fail_stuck() == 1
    job.refresh_from_db()
    assert job.status == AnalysisJob.Status.FAILED


def test_a_finished_job_delivered_again_is_left_alone(analyst: User) -> None:
    scatter(analyst.agency, 20)
    job = run(analyst, "kde")
    assert services.job_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.attempts == 1


def test_near_repeat_with_an_open_last_band_is_stored_and_runs(analyst: User) -> None:
    scatter(analyst.agency, 40)
    job = run(
        analyst,
        "near_repeat",
        parameters={
            "spatial_bands": "0,200,inf",
            "temporal_bands": [0, 7, "inf"],
            "permutations": 19,
        },
    )
    assert job.status == AnalysisJob.Status.SUCCEEDED, job.error
    assert job.parameters["spatial_bands"] == [0.0, 200.0, "inf"]
    assert result_of(job)["spatial_bands"][-1] == "inf"


def test_a_job_that_read_a_restricted_incident_is_restricted_to_its_requester(
    analyst: User, supervisor: User, outsider: User
) -> None:
    from ilp.governance.restriction import record_restrict

    incidents = scatter(analyst.agency, 10)
    record_restrict(actor=supervisor, record=incidents[0], users=[analyst])
    job = run(analyst, "kde")
    assert job.status == AnalysisJob.Status.SUCCEEDED, job.error
    assert job.input_count == 10
    assert job.restricted
    assert job_list(actor=analyst).filter(pk=job.pk).exists()
    # Colleagues who may not see the restricted incident may not see what was made from it.
    assert not job_list(actor=outsider).filter(pk=job.pk).exists()
    # The supervisor restricted the incident but did not ask for the analysis.
    assert not job_list(actor=supervisor).filter(pk=job.pk).exists()


def test_a_job_that_read_another_agencys_shared_incident_is_restricted_to_its_requester(
    analyst: User, outsider: User, partner: User
) -> None:
    from ilp.governance.dissemination import record_disseminate
    from ilp.roles import Role
    from tests.factories import UnitFactory, UserFactory

    scatter(analyst.agency, 10)
    assert partner.agency is not None
    theirs = scatter(partner.agency, 3, seed=5)
    away_unit = UnitFactory.create(agency=partner.agency, code="AI", name="Away Intelligence")
    sharer = UserFactory.create(username="away-sup", unit=away_unit, role=Role.SUPERVISOR)
    record_disseminate(
        actor=sharer,
        record=theirs[0],
        recipient_agency=analyst.agency,
        recipient_user=analyst,
        purpose="Joint burglary operation",
    )
    job = run(analyst, "kde")
    assert job.input_count == 11
    assert job.restricted
    assert not job_list(actor=outsider).filter(pk=job.pk).exists()


def test_a_job_over_ordinary_incidents_is_not_restricted(analyst: User, outsider: User) -> None:
    scatter(analyst.agency, 10)
    job = run(analyst, "kde")
    assert not job.restricted
    assert job_list(actor=outsider).filter(pk=job.pk).exists()
