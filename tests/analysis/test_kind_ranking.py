"""Offender ranking (recency, frequency, harm): the runner, form, page, export, API and command
line, and that nobody the analyst may not see is ranked or named."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from rest_framework.test import APIClient

from analysis import services
from analysis.models import AnalysisJob
from analysis.runners.ranking import RANKING_COLUMNS, clean_ranking
from collection.models import Incident, IncidentPerson
from ilp.governance.restriction import record_restrict
from ilp.models import Agency, Person, User
from tests.analysis.test_views import detail, form_data, run, signed_in
from tests.collection.factories import IncidentFactory, OffenceTypeFactory, PersonFactory

pytestmark = pytest.mark.django_db

END = datetime(2026, 3, 1, tzinfo=UTC)
PERIOD = {"occurred_to": END.isoformat()}


@dataclass
class Gang:
    """Offenders A, B, C (ranked), D (outside the window), a partner agency's person and a
    person restricted to the supervisor (see ``gang``)."""

    a: Person
    b: Person
    c: Person
    d: Person
    partner_offender: Person
    restricted_offender: Person


def offence(
    agency: Agency, days_before: float, harm: float, *people: tuple[Person, str]
) -> Incident:
    when = END - timedelta(days=days_before)
    incident = IncidentFactory.create(
        agency=agency,
        offence=OffenceTypeFactory.create(name=f"Harm {harm:g}", harm_weight=harm),
        occurred_from=when,
        occurred_to=when,
    )
    for person, role in people:
        IncidentPerson.objects.create(incident=incident, person=person, role=role)
    return incident


@pytest.fixture
def gang(analyst: User, supervisor: User, other_agency: Agency) -> Gang:
    """Days before the end of the period (harm): A 2 (10, as offender and suspect) and 10 (100);
    B 30, 40 and 50 (10 each); C, a suspect, 5 (10); D 400 (10), outside a year's window. A
    partner agency's person and one restricted to the supervisor offended 1 day before."""
    agency = analyst.agency
    assert agency is not None
    people = {
        name: PersonFactory.create(agency=agency, surname=f"Offender{name}", forenames=name)
        for name in "ABCD"
    }
    partner_offender = PersonFactory.create(agency=other_agency, surname="Elsewhere")
    restricted_offender = PersonFactory.create(agency=agency, surname="Protected")
    record_restrict(actor=supervisor, record=restricted_offender)
    a, b, c, d = (people[n] for n in "ABCD")
    offence(agency, 2, 10, (a, "offender"), (a, "suspect"))
    offence(agency, 10, 100, (a, "offender"))
    for days in (30, 40, 50):
        offence(agency, days, 10, (b, "offender"))
    offence(agency, 5, 10, (c, "suspect"), (c, "witness"))
    offence(agency, 400, 10, (d, "offender"))
    offence(agency, 1, 1000, (partner_offender, "offender"), (restricted_offender, "offender"))
    return Gang(a, b, c, d, partner_offender, restricted_offender)


def rows_of(job: AnalysisJob) -> list[dict[str, Any]]:
    assert job.result is not None
    return list(job.result["rows"])


# -- The numbers -------------------------------------------------------------------------------


def test_offenders_are_ranked_with_each_component_beside_the_score(
    analyst: User, gang: Gang
) -> None:
    job = run(analyst, "ranking", inputs=PERIOD)
    rows = rows_of(job)
    assert [r["person"] for r in rows] == [gang.a.pk, gang.b.pk, gang.c.pk]
    a, b, c = rows
    # Recency (days) A 2, B 30, C 5; frequency 2, 3, 1; harm 110, 30, 10. Percentile scores
    # from the lowest up (0, 50, 100); the total is their mean.
    assert (a["recency_days"], a["frequency"], a["harm"]) == (2, 2, 110)
    assert (a["recency_score"], a["frequency_score"], a["harm_score"]) == (100, 50, 100)
    assert (b["recency_score"], b["frequency_score"], b["harm_score"]) == (0, 100, 50)
    assert (c["recency_score"], c["frequency_score"], c["harm_score"]) == (50, 0, 0)
    assert [r["score"] for r in rows] == pytest.approx([250 / 3, 50, 50 / 3])
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert a["last_offence"] == (END - timedelta(days=2)).isoformat()
    result = job.result
    assert result is not None
    assert result["as_of"] == END.isoformat()
    assert result["as_of_source"] == "the end of the period"
    assert (result["offenders"], result["shown"]) == (3, 3)
    # A's double role counts once; D's offence is more than a year old.
    assert result["offences_in_window"] == 6
    assert result["offences_before_window"] == 1


def test_people_the_analyst_may_not_see_are_not_ranked(analyst: User, gang: Gang) -> None:
    ranked = {r["person"] for r in rows_of(run(analyst, "ranking", inputs=PERIOD))}
    assert gang.partner_offender.pk not in ranked
    assert gang.restricted_offender.pk not in ranked


def test_the_supervisor_who_may_see_the_restricted_offender_ranks_them(
    supervisor: User, gang: Gang
) -> None:
    ranked = [r["person"] for r in rows_of(run(supervisor, "ranking", inputs=PERIOD))]
    assert ranked[0] == gang.restricted_offender.pk  # most recent and most harmful
    assert gang.partner_offender.pk not in ranked


def test_offenders_only_leaves_suspects_out(analyst: User, gang: Gang) -> None:
    rows = rows_of(run(analyst, "ranking", inputs=PERIOD, parameters={"roles": "offender"}))
    assert [r["person"] for r in rows] == [gang.a.pk, gang.b.pk]
    assert [r["score"] for r in rows] == pytest.approx([200 / 3, 100 / 3])


def test_weights_change_the_order(analyst: User, gang: Gang) -> None:
    weights = {"recency_weight": 0, "frequency_weight": 1, "harm_weight": 0}
    rows = rows_of(run(analyst, "ranking", inputs=PERIOD, parameters=weights))
    assert [r["person"] for r in rows] == [gang.b.pk, gang.a.pk, gang.c.pk]
    assert [r["score"] for r in rows] == [100, 50, 0]


def test_the_window_and_top_n_narrow_the_list(analyst: User, gang: Gang) -> None:
    job = run(analyst, "ranking", inputs=PERIOD, parameters={"window_days": 20, "top_n": 1})
    assert job.result is not None
    assert job.result["offenders"] == 2  # B's offences are all older than 20 days
    assert [r["person"] for r in job.result["rows"]] == [gang.a.pk]


def test_an_as_of_parameter_overrides_the_end_of_the_period(analyst: User, gang: Gang) -> None:
    as_of = (END - timedelta(days=20)).isoformat()
    job = run(analyst, "ranking", inputs=PERIOD, parameters={"as_of": as_of})
    assert job.result is not None
    assert job.result["as_of_source"] == "the as-of time stored with the analysis"
    assert job.result["offences_after_as_of"] == 3  # A's two and C's one
    (only,) = job.result["rows"]
    assert (only["person"], only["recency_days"], only["score"]) == (gang.b.pk, 10, 50)


def test_without_a_period_end_the_ranking_is_as_of_when_it_was_queued(
    analyst: User, gang: Gang
) -> None:
    with time_machine.travel(END + timedelta(days=1), tick=False):
        job = run(analyst, "ranking")
    assert job.result is not None
    assert job.result["as_of"] == (END + timedelta(days=1)).isoformat()
    assert job.parameters["as_of"] == (END + timedelta(days=1)).isoformat()
    assert job.result["rows"][0]["recency_days"] == 3
    # Rerun later with the stored parameters and seed: the same numbers, not a newer "now".
    with time_machine.travel(END + timedelta(days=30), tick=False):
        again = run(analyst, "ranking", parameters=job.parameters, seed=job.seed)
    assert again.result is not None
    assert again.result["rows"] == job.result["rows"]


def test_no_offenders_fails_with_a_clear_message(analyst: User) -> None:
    assert analyst.agency is not None
    offence(analyst.agency, 3, 10)
    job = services.job_create(actor=analyst, kind="ranking", inputs=PERIOD)
    finished = services.job_run(job_id=job.pk)
    assert finished is not None
    assert finished.status == AnalysisJob.Status.FAILED
    assert "has a person you may see recorded as offender or suspect" in finished.error


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"window_days": 0}, "window_days"),
        ({"window_days": "a year"}, "window_days"),
        ({"recency_weight": 0, "frequency_weight": 0, "harm_weight": 0}, "recency_weight"),
        ({"harm_weight": -1}, "harm_weight"),
        ({"roles": "witness"}, "roles"),
        ({"top_n": 0}, "top_n"),
        ({"top_n": 2.5}, "top_n"),
        ({"as_of": "2026-03-01T00:00:00"}, "as_of"),
        ({"as_of": "last week"}, "as_of"),
    ],
)
def test_bad_parameters_are_refused_by_field(params: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_ranking(params)
    assert field in caught.value.message_dict


def test_defaults() -> None:
    assert clean_ranking({}) == {
        "window_days": 365,
        "recency_weight": 1,
        "frequency_weight": 1,
        "harm_weight": 1,
        "roles": "offender_suspect",
        "top_n": 100,
    }
    assert clean_ranking({"as_of": "2026-03-01T01:00:00+01:00"})["as_of"] == END.isoformat()


# -- The page, the form and the export ---------------------------------------------------------


def test_the_page_lists_offenders_with_links_and_components(analyst: User, gang: Gang) -> None:
    job = run(analyst, "ranking", inputs=PERIOD)
    response = signed_in(analyst).get(detail(job))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-kind="ranking"' in page
    assert 'data-testid="ranking-table"' in page
    link = reverse("collection:person_detail", args=[gang.a.pk])
    assert f'<a href="{link}">OFFENDERA, A</a>' in page
    assert "83.3" in page
    assert "16.7" in page
    assert "3 people recorded as offender or suspect ranked on 6 offences" in page
    assert "Elsewhere" not in page
    assert "Protected" not in page


def test_a_viewer_who_may_not_see_an_offender_gets_only_the_number(
    analyst: User, supervisor: User, gang: Gang
) -> None:
    record_restrict(actor=analyst, record=gang.a)  # now only the analyst may see A
    job = run(analyst, "ranking", inputs=PERIOD)
    # Made from a restricted person, the result is the analyst's until they name others on it.
    assert signed_in(supervisor).get(detail(job)).status_code == 404
    record_restrict(actor=analyst, record=job, users=[supervisor])
    client = signed_in(supervisor)
    client.post(
        detail(job), {"purpose": "Reviewing the analysis for the tasking meeting."}
    )  # a restricted record asks why it is opened
    page = client.get(detail(job)).content.decode()
    assert "OFFENDERA" not in page
    assert f"Person #{gang.a.pk} (not visible to you)" in page
    assert reverse("collection:person_detail", args=[gang.a.pk]) not in page
    assert "OFFENDERB, B" in page
    assert "1 you may not see is shown by number only" in page


def test_the_form_runs_a_ranking_and_refuses_bad_weights(analyst: User) -> None:
    client = signed_in(analyst)
    fields = {
        "ranking-window_days": "180",
        "ranking-recency_weight": "2",
        "ranking-frequency_weight": "1",
        "ranking-harm_weight": "1",
        "ranking-roles": "offender",
        "ranking-top_n": "25",
    }
    response = client.post(reverse("analysis:job_create"), form_data("ranking", **fields))
    assert response.status_code == 302
    stored = dict(AnalysisJob.objects.get().parameters)
    assert stored.pop("as_of")  # no period end: "now" is fixed when the job is queued
    assert stored == {
        "window_days": 180,
        "recency_weight": 2,
        "frequency_weight": 1,
        "harm_weight": 1,
        "roles": "offender",
        "top_n": 25,
    }
    refused = client.post(
        reverse("analysis:job_create"),
        form_data("ranking", **{**fields, "ranking-harm_weight": "-1"}),
    )
    assert refused.status_code == 400
    assert 'data-error-for="ranking-harm_weight">Must be between 0 and 100.' in (
        refused.content.decode()
    )
    zeros = {**fields, "ranking-recency_weight": "0", "ranking-frequency_weight": "0"}
    zeros["ranking-harm_weight"] = "0"
    refused = client.post(reverse("analysis:job_create"), form_data("ranking", **zeros))
    assert refused.status_code == 400
    assert "At least one of the three weights must be above 0." in refused.content.decode()
    assert AnalysisJob.objects.count() == 1


def test_the_csv_export_has_ids_and_components_not_names(analyst: User, gang: Gang) -> None:
    job = run(analyst, "ranking", inputs=PERIOD)
    response = signed_in(analyst).get(reverse("analysis:job_export_csv", args=[job.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "OffenderA" not in body
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == RANKING_COLUMNS
    assert [int(r["person_id"]) for r in rows] == [gang.a.pk, gang.b.pk, gang.c.pk]
    assert (rows[0]["frequency"], rows[0]["harm"], rows[0]["recency_days"]) == ("2", "110.0", "2.0")


def test_the_api_runs_a_ranking(analyst: User, gang: Gang) -> None:
    client = APIClient()
    client.force_authenticate(analyst)
    response = client.post(
        "/api/v1/analysis/jobs/",
        {"kind": "ranking", "parameters": {"top_n": 2}, "inputs": PERIOD},
        format="json",
    )
    assert response.status_code == 202, response.content
    services.job_run(job_id=response.json()["id"])
    body = client.get(f"/api/v1/analysis/jobs/{response.json()['id']}/").json()
    assert body["status"] == "succeeded"
    assert [r["person"] for r in body["result"]["rows"]] == [gang.a.pk, gang.b.pk]
    assert "name" not in body["result"]["rows"][0]
    refused = client.post(
        "/api/v1/analysis/jobs/", {"kind": "ranking", "parameters": {"roles": "all"}}, format="json"
    )
    assert refused.status_code == 400
    assert "roles" in refused.json()["error"]["details"]


# -- The command line --------------------------------------------------------------------------


def analyse(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("analyse", *args, stdout=out)
    return dict(json.loads(out.getvalue()))


@pytest.fixture
def offences_csv(tmp_path: Path) -> Path:
    path = tmp_path / "offences.csv"
    path.write_text(
        "offender,when,chi\n"
        "a,2026-02-27,10\n"
        "a,2026-02-19,100\n"
        "b,2026-01-30,10\n"
        "b,2026-01-20,10\n"
        "b,2026-01-10,10\n"
        "c,2026-02-24,10\n"
        "d,2025-01-01,10\n"
        ",2026-02-28,10\n"
    )
    return path


def test_the_command_ranks_offenders_from_a_file(offences_csv: Path) -> None:
    result = analyse(
        "ranking", "--csv", str(offences_csv), "--id", "offender", "--time", "when",
        "--harm", "chi", "--as-of", "2026-03-01",
    )  # fmt: skip
    assert result["method"] == "ranking"
    assert (result["events"], result["skipped_rows"]) == (7, 1)
    assert [r["id"] for r in result["ranking"]] == ["a", "b", "c"]
    assert [r["score"] for r in result["ranking"]] == pytest.approx([250 / 3, 50, 50 / 3])
    assert result["ranking"][0]["recency_days"] == 2
    assert result["ranking"][0]["harm"] == 110
    assert result["offences_before_window"] == 1
    assert result["as_of"] == "2026-03-01T00:00:00"


def test_the_command_without_harm_weighs_recency_and_frequency(offences_csv: Path) -> None:
    result = analyse("ranking", "--csv", str(offences_csv), "--id", "offender", "--time", "when")
    assert result["weights"] == [1, 1, 0]
    assert result["as_of_source"] == "the latest offence in the file"
    assert result["as_of"] == "2026-02-27T00:00:00"
    assert [r["score"] for r in result["ranking"]] == pytest.approx([75, 50, 25])
    assert result["ranking"][0]["harm"] is None
    narrow = analyse(
        "ranking", "--csv", str(offences_csv), "--id", "offender", "--time", "when",
        "--window-days", "30", "--top", "1",
    )  # fmt: skip
    assert narrow["offenders"] == 3  # b's offence of 30 January is 28 days before 27 February
    assert len(narrow["ranking"]) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--time", "when"], "needs --id"),
        (["--id", "offender"], "needs --id"),
        (["--id", "who", "--time", "when"], "no column 'who'"),
        (["--id", "offender", "--time", "when", "--weights", "1,1,1"], "needs --harm"),
        (["--id", "offender", "--time", "when", "--as-of", "soon"], "not a date"),
        (["--id", "offender", "--time", "when", "--window-days", "-3"], "window_days"),
        (["--id", "offender", "--time", "chi"], "not a time"),
        (["--id", "offender", "--time", "when", "--harm", "offender"], "not a number"),
    ],
)
def test_the_command_explains_bad_input(offences_csv: Path, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        analyse("ranking", "--csv", str(offences_csv), *args)
