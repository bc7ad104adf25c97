"""/api/v1/analysis/jobs/: list, retrieve, run, cancel and export, for each persona."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from analysis import services
from analysis.models import AnalysisJob
from ilp import services as core_services
from ilp.models import AuditEvent, User
from tests.analysis.test_jobs import scatter

pytestmark = pytest.mark.django_db

JOBS = "/api/v1/analysis/jobs/"


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def job_url(job: AnalysisJob, suffix: str = "") -> str:
    return f"{JOBS}{job.pk}/{suffix}"


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    return dict(body["error"])


def run(actor: User, kind: str, **kwargs: Any) -> AnalysisJob:
    job = services.job_create(actor=actor, kind=kind, **kwargs)
    finished = services.job_run(job_id=job.pk)
    assert finished is not None
    assert finished.status == AnalysisJob.Status.SUCCEEDED, finished.error
    return finished


# -- Reading -----------------------------------------------------------------------------------


def test_the_list_is_newest_first_without_results(analyst: User) -> None:
    scatter(analyst.agency, 20)
    older = run(analyst, "kde")
    newer = services.job_create(actor=analyst, kind="gistar", title="Second")
    body = client_for(analyst).get(JOBS).json()
    assert [job["id"] for job in body["results"]] == [newer.pk, older.pk]
    listed = body["results"][1]
    assert "result" not in listed
    assert listed["kind"] == "kde"
    assert listed["status"] == "succeeded"
    assert listed["created_by"] == "analyst"
    assert listed["input_count"] == 20
    assert listed["duration_seconds"] is not None
    assert "next" in body
    assert "previous" in body


def test_the_list_filters_by_kind_and_status(analyst: User) -> None:
    kde = services.job_create(actor=analyst, kind="kde")
    gistar = services.job_create(actor=analyst, kind="gistar")
    services.job_cancel(actor=analyst, job=gistar)
    client = client_for(analyst)
    assert [j["id"] for j in client.get(JOBS, {"kind": "kde"}).json()["results"]] == [kde.pk]
    cancelled = client.get(JOBS, {"status": "cancelled"}).json()["results"]
    assert [j["id"] for j in cancelled] == [gistar.pk]
    error_of(client.get(JOBS, {"status": "sleeping"}), 400)
    error_of(client.get(JOBS, {"status": ""}), 400)  # present but empty is not "any"


def test_officers_and_commanders_read_jobs(analyst: User, officer: User, commander: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    for reader in (officer, commander):
        client = client_for(reader)
        assert [j["id"] for j in client.get(JOBS).json()["results"]] == [job.pk]
        assert client.get(job_url(job)).status_code == 200


def test_a_partner_of_another_agency_sees_no_job(analyst: User, partner: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    client = client_for(partner)
    assert client.get(JOBS).json()["results"] == []
    error_of(client.get(job_url(job)), 404)
    error_of(client.post(job_url(job, "cancel/")), 404)
    error_of(client.get(job_url(job, "export/csv/")), 404)


def test_anonymous_callers_get_401(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    client = APIClient()
    error_of(client.get(JOBS), 401)
    error_of(client.get(job_url(job)), 401)
    error_of(client.post(JOBS, {"kind": "kde"}, format="json"), 401)
    error_of(client.get(job_url(job, "export/csv/")), 401)


def test_retrieve_includes_the_result_and_is_audited(analyst: User) -> None:
    scatter(analyst.agency, 30)
    job = run(analyst, "kde")
    body = client_for(analyst).get(job_url(job)).json()
    assert body["result"] == job.result
    assert body["seed"] == job.seed
    assert body["parameters"] == job.parameters
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_id=str(job.pk), actor=analyst
    ).exists()


def test_a_partner_system_reads_with_its_token(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    key = core_services.token_create(actor=analyst, name="GIS desk").key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(job_url(job)).json()["id"] == job.pk


def test_the_list_stays_within_its_query_budget(
    analyst: User, supervisor: User, django_assert_max_num_queries: Any
) -> None:
    for i in range(40):
        services.job_create(actor=analyst if i % 2 else supervisor, kind="kde")
    client = client_for(analyst)
    with django_assert_max_num_queries(3):
        response = client.get(JOBS)
    assert len(response.json()["results"]) == 40


# -- Running -----------------------------------------------------------------------------------


def test_a_null_polygon_means_no_polygon(analyst: User) -> None:
    response = client_for(analyst).post(
        JOBS, {"kind": "kde", "inputs": {"polygon": None}}, format="json"
    )
    assert response.status_code == 202, response.content
    assert AnalysisJob.objects.get().inputs == {}


def test_an_analyst_queues_a_job_and_gets_202(analyst: User) -> None:
    response = client_for(analyst).post(
        JOBS,
        {
            "kind": "near_repeat",
            "title": "Burglary series",
            "parameters": {"spatial_bands": [0, 100, 200], "temporal_bands": [0, 7, 14]},
            "inputs": {
                "occurred_from": "2026-01-01T00:00:00+01:00",
                "occurred_to": "2026-02-01T00:00:00Z",
                "offences": [],
            },
            "seed": 2**62,
        },
        format="json",
    )
    assert response.status_code == 202, response.content
    body = response.json()
    job = AnalysisJob.objects.get()
    assert body["id"] == job.pk
    assert body["status"] == "queued"
    assert job.seed == 2**62
    assert job.parameters["permutations"] == 999  # defaults for what was left out
    # Stored as aware ISO strings: the same instants, whatever offset they were sent with.
    assert {k: parse_datetime(v) for k, v in job.inputs.items()} == {
        "occurred_from": datetime(2025, 12, 31, 23, tzinfo=UTC),
        "occurred_to": datetime(2026, 2, 1, tzinfo=UTC),
    }
    assert job.created_by == analyst


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "astrology"}, "kind"),
        ({"kind": "kde", "parameters": {"bandwidth": -5}}, "bandwidth"),
        ({"kind": "near_repeat", "parameters": {"spatial_bands": [0, 200, 100]}}, "spatial_bands"),
        (
            {"kind": "near_repeat", "parameters": {"spatial_bands": [0, "inf", 100]}},
            "spatial_bands",
        ),
        ({"kind": "kde", "inputs": {"occurred_from": "2026-01-01T00:00:00"}}, "inputs"),
        ({"kind": "kde", "inputs": {"beat": 4}}, "inputs"),
        (
            {"kind": "kde", "inputs": {"polygon": {"type": "Point", "coordinates": [0, 0]}}},
            "polygon",
        ),
        ({"kind": "kde", "inputs": {"area": 999_999}}, "area"),
        ({"kind": "kde", "seed": -1}, "seed"),
        ({"kind": "kde", "inputs": {"polygon": "a square"}}, "polygon"),
    ],
)
def test_refused_requests_are_400_and_create_nothing(
    analyst: User, payload: dict[str, Any], field: str
) -> None:
    error = error_of(client_for(analyst).post(JOBS, payload, format="json"), 400)
    assert field in error["details"]
    assert not AnalysisJob.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "commander", "partner"])
def test_only_users_who_may_run_analyses_can_create(persona: str, request: Any) -> None:
    user = request.getfixturevalue(persona)
    error_of(client_for(user).post(JOBS, {"kind": "kde"}, format="json"), 403)
    assert not AnalysisJob.objects.exists()


# -- Cancelling --------------------------------------------------------------------------------


def test_the_analyst_cancels_a_queued_job(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    client = client_for(analyst)
    response = client.post(job_url(job, "cancel/"))
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    error = error_of(client.post(job_url(job, "cancel/")), 409)
    assert error["code"] == "conflict"
    assert "already cancelled" in error["message"]


def test_an_officer_may_not_cancel_an_analysts_job(analyst: User, officer: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    error_of(client_for(officer).post(job_url(job, "cancel/")), 403)
    job.refresh_from_db()
    assert job.status == AnalysisJob.Status.QUEUED


def test_a_supervisor_may_cancel_anyones_job(analyst: User, supervisor: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    assert client_for(supervisor).post(job_url(job, "cancel/")).json()["status"] == "cancelled"


# -- Exporting ---------------------------------------------------------------------------------


def test_csv_and_geojson_exports(analyst: User, officer: User) -> None:
    scatter(analyst.agency, 150)
    job = run(analyst, "gistar", parameters={"grid": "h3", "resolution": 9})
    client = client_for(officer)
    table = client.get(job_url(job, "export/csv/"))
    assert table.status_code == 200
    assert table["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(table.content.decode())))
    assert len(rows) == len(job.result["cells"])
    geo = client.get(job_url(job, "export/geojson/"), HTTP_ACCEPT="application/geo+json")
    assert geo.status_code == 200
    assert geo["Content-Type"] == "application/geo+json"
    assert len(json.loads(geo.content)["features"]) == len(job.result["cells"])
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=officer).count() == 2


def test_export_errors_are_json_even_when_a_file_was_asked_for(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    error = error_of(
        client_for(analyst).get(job_url(job, "export/csv/"), HTTP_ACCEPT="text/csv"), 409
    )
    assert "no result" in error["message"]


def test_near_repeat_has_no_geojson_export(analyst: User) -> None:
    scatter(analyst.agency, 40)
    job = run(analyst, "near_repeat", parameters={"permutations": 9})
    client = client_for(analyst)
    assert client.get(job_url(job, "export/csv/")).status_code == 200
    error_of(client.get(job_url(job, "export/geojson/")), 409)
