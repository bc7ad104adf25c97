"""Co-offending network jobs: measures against hand-computed values, which roles and reports
link people, bounded results, the result page with its link chart, the ego-network JSON view,
the CSV export, the API and ``manage.py analyse network``; names only for those who may see."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from analysis import services
from analysis.methods.networks import link_network
from analysis.models import AnalysisJob
from analysis.runners import network as runner
from analysis.runners.network import clean_network, measure, summarise
from collection.models import Incident, IncidentPerson
from ilp.governance.restriction import record_restrict
from ilp.models import Agency, AuditEvent, Person, User
from tests.collection.factories import (
    IncidentFactory,
    PersonFactory,
    ReportFactory,
    ReportLinkFactory,
)

pytestmark = pytest.mark.django_db

JOBS = "/api/v1/analysis/jobs/"


# -- Helpers -----------------------------------------------------------------------------------


def people(agency: Agency | None, count: int) -> list[Person]:
    """``count`` people of ``agency``, named Person1 … PersonN (index 0 unused: ``p[1]``…)."""
    assert agency is not None
    made = [PersonFactory.create(agency=agency, surname=f"Person{i}") for i in range(1, count + 1)]
    return [made[0], *made]


def incident(agency: Agency | None, *involved: Person, role: str = "offender") -> Incident:
    """An incident of ``agency`` with ``involved`` in ``role``."""
    assert agency is not None
    made = IncidentFactory.create(agency=agency)
    for person in involved:
        IncidentPerson.objects.create(incident=made, person=person, role=role)
    return made


def bowtie(agency: Agency | None) -> list[Person]:
    """Two triangles {1, 2, 3} and {5, 6, 7} joined through 4 (3-4 and 4-5).

    By hand (n = 7, pairs not counting the person: 15): every path between the triangles runs
    3-4-5, so person 4 lies on the 9 paths between {1, 2, 3} and {5, 6, 7}: betweenness
    9 / 15 = 0.6; person 3 on the 8 paths from {1, 2} to {4, 5, 6, 7}: 8 / 15; likewise 5.
    """
    p = people(agency, 7)
    incident(agency, p[1], p[2], p[3])
    incident(agency, p[3], p[4])
    incident(agency, p[4], p[5])
    incident(agency, p[5], p[6], p[7])
    return p


def run(actor: User, **parameters: Any) -> AnalysisJob:
    job = services.job_create(actor=actor, kind="network", parameters=parameters, seed=7)
    finished = services.job_run(job_id=job.pk)
    assert finished is not None
    return finished


def succeeded(actor: User, **parameters: Any) -> AnalysisJob:
    job = run(actor, **parameters)
    assert job.status == AnalysisJob.Status.SUCCEEDED, job.error
    return job


def result_of(job: AnalysisJob) -> dict[str, Any]:
    assert isinstance(job.result, dict)
    return job.result


def by_person(job: AnalysisJob) -> dict[int, dict[str, Any]]:
    return {row["person"]: row for row in result_of(job)["people"]}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ego_url(job: AnalysisJob, **query: Any) -> str:
    url = reverse("analysis:job_network", args=[job.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def chart_data(page: str) -> dict[str, Any]:
    match = re.search(
        r'<script id="network-chart-data" type="application/json">(.*?)</script>', page, re.S
    )
    assert match, "the page carries no chart data"
    return dict(json.loads(match.group(1)))


# -- Measures ----------------------------------------------------------------------------------


def test_a_path_has_the_betweenness_worked_out_by_hand() -> None:
    # 1-2-3-4-5: 3 lies on 4 of the 6 paths between the others (1-4, 1-5, 2-4, 2-5); 2 on 3.
    network = link_network(
        incident_ids=[1, 1, 2, 2, 3, 3, 4, 4], incident_people=[1, 2, 2, 3, 3, 4, 4, 5]
    )
    kept, measures, found = measure(network, min_weight=1, resolution=1.0, seed=0)
    result = summarise(
        kept,
        measures,
        found,
        people_limit=None,
        edge_limit=None,
        community_limit=None,
        broker_limit=None,
    )
    rows = {row["person"]: row for row in result["people"]}
    assert rows[3]["betweenness"] == pytest.approx(4 / 6)
    assert rows[2]["betweenness"] == pytest.approx(3 / 6)
    assert rows[1]["betweenness"] == 0
    assert [row["person"] for row in result["people"]][:1] == [3]
    assert result["links_total"] == 4
    assert result["components"] == 1


def test_a_bowtie_job_gives_the_hand_computed_measures(analyst: User) -> None:
    p = bowtie(analyst.agency)
    job = succeeded(analyst)
    result = result_of(job)
    rows = by_person(job)
    assert result["people_total"] == 7
    assert result["links_total"] == 3 + 3 + 2
    assert result["incidents"] == 4
    assert result["components"] == 1
    assert result["largest_component"] == 7
    assert rows[p[4].pk]["betweenness"] == pytest.approx(0.6)
    assert rows[p[3].pk]["betweenness"] == pytest.approx(8 / 15)
    assert rows[p[5].pk]["betweenness"] == pytest.approx(8 / 15)
    assert rows[p[1].pk]["betweenness"] == 0
    assert rows[p[3].pk]["degree"] == 3
    assert rows[p[4].pk]["degree"] == 2
    # The bridge has the highest betweenness, so it heads the table.
    assert result["people"][0]["person"] == p[4].pk
    # Symmetric ends: the same eigenvector centrality; unit norm over the component.
    assert rows[p[1].pk]["eigenvector"] == pytest.approx(rows[p[7].pk]["eigenvector"])
    assert sum(row["eigenvector"] ** 2 for row in rows.values()) == pytest.approx(1.0)
    # The two triangles are two communities; the bridge links them, so it is a broker.
    assert result["communities"] == 2
    assert rows[p[1].pk]["community"] != rows[p[7].pk]["community"]
    assert rows[p[4].pk]["broker"]
    assert p[4].pk in [row["person"] for row in result["brokers"]]
    assert not rows[p[1].pk]["broker"]
    assert result["modularity"] > 0.3
    assert sum(c["size"] for c in result["community_summary"]) == 7
    # Every stored link, with its weight from shared incidents.
    assert result["edges_stored"] == 8
    assert {(e["source"], e["target"]) for e in result["edges"]} >= {
        tuple(sorted((p[3].pk, p[4].pk))),
        tuple(sorted((p[4].pk, p[5].pk))),
    }
    assert job.input_count == 4


def test_links_weaker_than_the_minimum_are_left_out(analyst: User) -> None:
    p = people(analyst.agency, 3)
    incident(analyst.agency, p[1], p[2])
    incident(analyst.agency, p[1], p[2])
    incident(analyst.agency, p[2], p[3])
    result = result_of(succeeded(analyst, min_weight=2))
    assert result["links_total"] == 1
    assert result["links_below_min_weight"] == 1
    assert result["isolated"] == 1  # person 3 stays, alone
    (edge,) = result["edges"]
    assert edge["weight"] == 2
    assert edge["shared_incidents"] == 2


def test_incident_roles_choose_who_is_linked(analyst: User) -> None:
    p = people(analyst.agency, 4)
    made = incident(analyst.agency, p[1], p[2])
    IncidentPerson.objects.create(incident=made, person=p[3], role="suspect")
    IncidentPerson.objects.create(incident=made, person=p[4], role="victim")
    both = by_person(succeeded(analyst))
    assert set(both) == {p[1].pk, p[2].pk, p[3].pk}  # the victim is never linked
    offenders = by_person(succeeded(analyst, roles=["offender"], include_reports=False))
    assert set(offenders) == {p[1].pk, p[2].pk}


def test_reports_link_people_named_together_unless_turned_off(analyst: User) -> None:
    p = people(analyst.agency, 4)
    incident(analyst.agency, p[1], p[2])
    report = ReportFactory.create(agency=analyst.agency)
    ReportLinkFactory.create(report=report, person=p[2], role="subject")
    ReportLinkFactory.create(report=report, person=p[3], role="associate")
    ReportLinkFactory.create(report=report, person=p[4], role="victim")
    result = result_of(succeeded(analyst))
    rows = {row["person"]: row for row in result["people"]}
    assert set(rows) == {p[1].pk, p[2].pk, p[3].pk}  # victims are left out by default
    assert result["reports"] == 1
    assert result["links_from_reports_only"] == 1
    assert result["links_from_incidents_only"] == 1
    assert rows[p[2].pk]["reports"] == 1
    with_victims = by_person(succeeded(analyst, report_roles=["subject", "associate", "victim"]))
    assert p[4].pk in with_victims
    without = result_of(succeeded(analyst, include_reports=False))
    assert {row["person"] for row in without["people"]} == {p[1].pk, p[2].pk}
    assert without["reports"] == 0


def test_people_of_another_agency_are_not_in_the_result(analyst: User, partner: User) -> None:
    p = people(analyst.agency, 2)
    stranger = PersonFactory.create(agency=partner.agency, surname="Stranger")
    incident(analyst.agency, p[1], p[2], stranger)
    result = result_of(succeeded(analyst))
    assert stranger.pk not in {row["person"] for row in result["people"]}
    assert result["people_total"] == 2


def test_the_stored_result_is_bounded(analyst: User, monkeypatch: pytest.MonkeyPatch) -> None:
    p = people(analyst.agency, 6)
    for i in range(2, 7):
        incident(analyst.agency, p[1], p[i])  # a star around person 1
    incident(analyst.agency, p[2], p[3])
    monkeypatch.setattr(runner, "PEOPLE_LIMIT", 3)
    monkeypatch.setattr(runner, "EDGE_LIMIT", 2)
    result = result_of(succeeded(analyst))
    assert result["people_total"] == 6
    assert result["people_stored"] == 3
    assert result["people_limit"] == 3
    assert result["people"][0]["person"] == p[1].pk
    assert result["edges_stored"] == 2
    assert result["edges_among_stored"] == 3  # 1-2, 1-3 and 2-3 among the three kept
    stored = {row["person"] for row in result["people"]}
    assert all(e["source"] in stored and e["target"] in stored for e in result["edges"])


# -- Bad input ---------------------------------------------------------------------------------


def test_incidents_without_people_fail_with_a_clear_message(analyst: User) -> None:
    IncidentFactory.create_batch(3, agency=analyst.agency)
    job = run(analyst)
    assert job.status == AnalysisJob.Status.FAILED
    assert "no person you may see" in job.error
    assert "no network to build" in job.error


def test_people_who_never_offended_together_fail_clearly(analyst: User) -> None:
    p = people(analyst.agency, 2)
    incident(analyst.agency, p[1])
    incident(analyst.agency, p[2])
    job = run(analyst)
    assert job.status == AnalysisJob.Status.FAILED
    assert "none of the 2 people shares an incident or a report" in job.error


@pytest.mark.parametrize(
    ("parameters", "field"),
    [
        ({"roles": ["offender", "victim"]}, "roles"),
        ({"roles": [], "include_reports": False}, "roles"),
        ({"report_roles": []}, "report_roles"),
        ({"include_reports": "maybe"}, "include_reports"),
        ({"min_weight": 0}, "min_weight"),
        ({"min_weight": 1.5}, "min_weight"),
        ({"resolution": 20}, "resolution"),
    ],
)
def test_bad_parameters_are_refused_by_field(parameters: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_network(parameters)
    assert field in caught.value.message_dict


def test_defaults_are_offenders_and_suspects_and_reports() -> None:
    assert clean_network({}) == {
        "roles": ["offender", "suspect"],
        "include_reports": True,
        "report_roles": ["subject", "associate", "member", "mentioned"],
        "min_weight": 1,
        "resolution": 1.0,
    }


# -- The new-analysis form ---------------------------------------------------------------------


def form_data(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "network",
        "time_zone": "Europe/London",
        "network-roles": ["offender"],
        "network-include_reports": "no",
        "network-min_weight": "2",
        "network-resolution": "1",
    }
    data.update(extra)
    return data


def test_the_form_offers_the_network_parameters_with_help(analyst: User) -> None:
    page = signed_in(analyst).get(reverse("analysis:job_create")).content.decode()
    assert 'data-kind-params="network"' in page
    assert 'name="network-roles"' in page
    assert 'data-show-when="network-include_reports=yes"' in page
    assert "Weakest link kept" in page


def test_the_form_queues_a_network_job_with_its_parameters(analyst: User) -> None:
    response = signed_in(analyst).post(reverse("analysis:job_create"), form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    job = AnalysisJob.objects.get()
    assert job.kind == "network"
    assert job.parameters == {
        "roles": ["offender"],
        "include_reports": False,
        "report_roles": [],
        "min_weight": 2,
        "resolution": 1.0,
    }


def test_the_form_shows_a_parameter_error_next_to_its_field(analyst: User) -> None:
    data = form_data(**{"network-roles": [], "network-min_weight": "1"})
    response = signed_in(analyst).post(reverse("analysis:job_create"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-error-for="network-roles"' in page
    assert "Choose at least one incident role" in page
    assert not AnalysisJob.objects.exists()


# -- The result page ---------------------------------------------------------------------------


def test_the_result_page_shows_summary_chart_and_key_people(analyst: User) -> None:
    p = bowtie(analyst.agency)
    job = succeeded(analyst)
    response = signed_in(analyst).get(reverse("analysis:job_detail", args=[job.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-kind="network"' in page
    assert 'id="network-chart"' in page
    assert 'data-testid="network-people-table"' in page
    assert "vendor/cytoscape/cytoscape.min.js" in page
    assert "analysis/network_chart.js" in page
    assert reverse("analysis:job_network", args=[job.pk]) in page
    summary = page[page.index('data-testid="network-summary"') :]
    assert '<dd class="col-sm-8" data-testid="network-people">7' in summary
    assert "8: 8 from shared incidents only" in summary
    assert "modularity" in summary
    # The bridge heads the table, named and linked to their page.
    table = page[page.index('data-testid="network-people-table"') :]
    first_row = table[table.index("<tbody>") : table.index("</tr>", table.index("<tbody>"))]
    assert str(p[4]) in first_row
    assert reverse("collection:person_detail", args=[p[4].pk]) in first_row
    assert "0.6" in first_row
    # Small networks are drawn whole at first.
    data = chart_data(page)
    assert data["person"] is None
    assert len(data["nodes"]) == 7
    assert len(data["edges"]) == 8
    assert {n["label"] for n in data["nodes"]} == {str(person) for person in p[1:]}
    assert 'data-testid="export-csv"' in page


def test_a_large_network_is_first_drawn_around_its_top_person(
    analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis import network_chart

    p = bowtie(analyst.agency)
    job = succeeded(analyst)
    monkeypatch.setattr(network_chart, "WHOLE_NETWORK_MAX", 3)
    page = signed_in(analyst).get(reverse("analysis:job_detail", args=[job.pk])).content
    data = chart_data(page.decode())
    assert data["person"] == p[4].pk
    assert data["steps"] == 2
    assert {n["person"] for n in data["nodes"]} == {
        p[2].pk,
        p[1].pk,
        p[3].pk,
        p[4].pk,
        p[5].pk,
        p[6].pk,
        p[7].pk,
    }


def test_a_viewer_sees_only_names_they_may_see(
    analyst: User, supervisor: User, outsider: User
) -> None:
    p = bowtie(analyst.agency)
    record_restrict(actor=supervisor, record=p[4], users=[analyst])
    job = succeeded(analyst)
    assert p[4].pk in by_person(job)  # the analyst may see them, so they are analysed
    # A result made from a restricted person is the requester's alone until they name others.
    url = reverse("analysis:job_detail", args=[job.pk])
    assert signed_in(outsider).get(url).status_code == 404
    record_restrict(actor=analyst, record=job, users=[outsider])
    client = signed_in(outsider)
    client.post(
        url, {"purpose": "Reviewing the analysis for the tasking meeting."}
    )  # a restricted record asks why it is opened
    page = client.get(url).content
    text = page.decode()
    assert f'Person #{p[4].pk} <span class="text-muted">(not visible to you)</span>' in text
    assert p[4].surname not in text
    assert reverse("collection:person_detail", args=[p[4].pk]) not in text
    assert str(p[1]) in text
    labels = {n["person"]: n["label"] for n in chart_data(text)["nodes"]}
    assert labels[p[4].pk] == f"Person #{p[4].pk}"


def test_a_partner_of_another_agency_gets_404(analyst: User, partner: User) -> None:
    bowtie(analyst.agency)
    job = succeeded(analyst)
    assert signed_in(partner).get(reverse("analysis:job_detail", args=[job.pk])).status_code == 404


# -- The ego-network view ----------------------------------------------------------------------


def test_the_ego_network_reaches_as_many_steps_as_asked(analyst: User) -> None:
    p = bowtie(analyst.agency)
    job = succeeded(analyst)
    client = signed_in(analyst)
    one = client.get(ego_url(job, person=p[1].pk, steps=1)).json()
    assert one["person"] == p[1].pk
    assert one["steps"] == 1
    assert {n["person"] for n in one["nodes"]} == {p[1].pk, p[2].pk, p[3].pk}
    assert len(one["edges"]) == 3
    hops = {n["person"]: n["hops"] for n in one["nodes"]}
    assert hops[p[1].pk] == 0
    assert hops[p[3].pk] == 1
    assert one["nodes"][0]["person"] == p[1].pk  # the chosen person first
    three = client.get(ego_url(job, person=p[1].pk, steps=3)).json()
    assert {n["person"] for n in three["nodes"]} == {p[i].pk for i in range(1, 6)}
    assert {n["person"]: n["hops"] for n in three["nodes"]}[p[5].pk] == 3
    assert len(three["edges"]) == 3 + 2  # the triangle, 3-4 and 4-5; 5-6, 5-7 are out of reach
    node = next(n for n in three["nodes"] if n["person"] == p[4].pk)
    assert node["broker"] is True
    assert node["label"] == str(p[4])
    assert node["url"] == reverse("collection:person_detail", args=[p[4].pk])
    assert node["colour"].startswith("#")
    assert three["legend"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, object_id=str(job.pk)).exists()


def test_without_a_person_the_view_gives_the_first_chart(analyst: User) -> None:
    bowtie(analyst.agency)
    job = succeeded(analyst)
    body = signed_in(analyst).get(ego_url(job)).json()
    assert body["person"] is None
    assert len(body["nodes"]) == 7


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"steps": 0}, 400),
        ({"steps": 5}, 400),
        ({"steps": "two"}, 400),
        ({"person": "x", "steps": 1}, 400),
        ({"person": 999_999, "steps": 1}, 404),
    ],
)
def test_the_ego_view_refuses_bad_requests(
    analyst: User, query: dict[str, Any], status: int
) -> None:
    p = bowtie(analyst.agency)
    job = succeeded(analyst)
    query.setdefault("person", p[1].pk)
    response = signed_in(analyst).get(ego_url(job, **query))
    assert response.status_code == status
    if status == 400:
        assert "error" in response.json()


def test_the_ego_view_is_404_for_another_agency_and_other_kinds(
    analyst: User, partner: User
) -> None:
    p = bowtie(analyst.agency)
    job = succeeded(analyst)
    assert signed_in(partner).get(ego_url(job, person=p[1].pk, steps=1)).status_code == 404
    other = services.job_create(actor=analyst, kind="kde")
    assert signed_in(analyst).get(ego_url(other, person=p[1].pk, steps=1)).status_code == 404
    assert Client().get(ego_url(job, person=p[1].pk, steps=1)).status_code == 302


def test_the_ego_view_hides_names_the_viewer_may_not_see(
    analyst: User, supervisor: User, outsider: User
) -> None:
    p = bowtie(analyst.agency)
    record_restrict(actor=supervisor, record=p[3], users=[analyst])
    job = succeeded(analyst)
    record_restrict(actor=analyst, record=job, users=[outsider])  # the analyst shares the job
    body = signed_in(outsider).get(ego_url(job, person=p[4].pk, steps=1)).json()
    nodes = {n["person"]: n for n in body["nodes"]}
    assert nodes[p[3].pk]["label"] == f"Person #{p[3].pk}"
    assert nodes[p[3].pk]["named"] is False
    assert nodes[p[3].pk]["url"] == ""
    assert nodes[p[5].pk]["label"] == str(p[5])
    assert p[3].surname not in json.dumps(body)


# -- Export and API ----------------------------------------------------------------------------


def test_the_csv_export_is_the_people_measures_table(analyst: User) -> None:
    p = bowtie(analyst.agency)
    job = succeeded(analyst)
    response = signed_in(analyst).get(reverse("analysis:job_export_csv", args=[job.pk]))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 7
    assert list(rows[0]) == list(runner.PERSON_FIELDS)
    assert rows[0]["person"] == str(p[4].pk)
    assert math.isclose(float(rows[0]["betweenness"]), 0.6)
    assert rows[0]["broker"] == "True"


def test_the_api_runs_a_network_job_and_returns_its_result(analyst: User) -> None:
    p = bowtie(analyst.agency)
    client = APIClient()
    client.force_authenticate(analyst)
    response = client.post(
        JOBS,
        {"kind": "network", "parameters": {"roles": ["offender"], "min_weight": 1}, "seed": 3},
        format="json",
    )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    services.job_run(job_id=job_id)
    body = client.get(f"{JOBS}{job_id}/").json()
    assert body["status"] == "succeeded"
    assert body["result"]["people"][0]["person"] == p[4].pk
    assert body["result"]["people"][0]["betweenness"] == pytest.approx(0.6)
    refused = client.post(
        JOBS, {"kind": "network", "parameters": {"roles": ["bystander"]}}, format="json"
    )
    assert refused.status_code == 400
    assert "roles" in refused.json()["error"]["details"]


# -- manage.py analyse network -----------------------------------------------------------------


def analyse(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("analyse", "network", *args, stdout=out)
    return dict(json.loads(out.getvalue()))


@pytest.fixture
def links_csv(tmp_path: Path) -> Path:
    path = tmp_path / "links.csv"
    path.write_text(
        "crime,offender\n"
        "CR1,ann\nCR1,bob\nCR1,cat\n"  # triangle ann-bob-cat
        "CR2,cat\nCR2,dan\n"
        "CR3,dan\nCR3,eve\n"
        "CR4,eve\nCR4,fay\nCR4,gus\n"  # triangle eve-fay-gus
        "CR5,\n"
        ",hal\n"
    )
    return path


def test_the_command_prints_the_measures_as_json(links_csv: Path) -> None:
    result = analyse("--csv", str(links_csv), "--group", "crime", "--person", "offender")
    assert result["method"] == "network"
    assert result["rows"] == 10
    assert result["skipped_rows"] == 2
    assert result["groups"] == 4
    assert result["people_total"] == 7
    assert result["links_total"] == 8
    rows = {row["person"]: row for row in result["people"]}
    assert rows["dan"]["betweenness"] == pytest.approx(0.6)
    assert rows["cat"]["betweenness"] == pytest.approx(8 / 15)
    assert result["people"][0]["person"] == "dan"
    assert rows["dan"]["broker"] is True
    assert result["communities"] == 2
    assert {"source": "cat", "target": "dan", "weight": 1, "shared_incidents": 1} in result["edges"]


def test_the_command_keeps_strong_links_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    path.write_text("g,p\n1,a\n1,b\n2,a\n2,b\n3,b\n3,c\n")
    result = analyse("--csv", str(path), "--group", "g", "--person", "p", "--min-weight", "2")
    assert result["links_total"] == 1
    assert result["links_below_min_weight"] == 1


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("g,p\n1,a\n", ["--group", "g"], "network needs --person"),
        ("g,p\n1,a\n", ["--group", "crime", "--person", "p"], "no column 'crime'"),
        ("g,p\n1,a\n2,b\n", ["--group", "g", "--person", "p"], "no network to measure"),
        ("g,p\n1,\n", ["--group", "g", "--person", "p"], "no rows with values"),
    ],
)
def test_the_command_explains_bad_input(
    tmp_path: Path, content: str, args: list[str], message: str
) -> None:
    path = tmp_path / "links.csv"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        analyse("--csv", str(path), *args)


def test_the_command_needs_no_coordinates(links_csv: Path) -> None:
    # --x/--y are for the mapping methods; the network reads ids only.
    result = analyse("--csv", str(links_csv), "--group", "crime", "--person", "offender")
    assert "events" not in result
    assert np.isfinite(result["modularity"])
