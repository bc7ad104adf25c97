"""/api/v1/collection/reports/: the selector decides, the services write, errors in one format."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from collection.models import IntelligenceRequirement, Report, ReportLink, Source
from ilp.models import Agency, AuditEvent, User
from tests.collection.factories import PersonFactory, ReportLinkFactory

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/collection/reports/"
ApiAs = Callable[[User | None], APIClient]


def url(report: Report, action: str = "") -> str:
    return f"{REPORTS}{report.pk}/" + (f"{action}/" if action else "")


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    return dict(body["error"])


def payload(source: Source, **overrides: Any) -> dict[str, Any]:
    received = (timezone.now() - timedelta(hours=1)).isoformat()
    body = {
        "title": "Dealing at the library",
        "body": "Blue hatchback again.",
        "received_at": received,
        "source": source.pk,
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
    }
    return body | overrides


@pytest.mark.parametrize("persona", ["analyst", "supervisor", "commander", "officer", "outsider"])
def test_list_and_detail_for_the_agency(
    api_as: ApiAs, persona: str, approved: Report, request: pytest.FixtureRequest
) -> None:
    client = api_as(request.getfixturevalue(persona))
    listed = client.get(REPORTS).json()
    assert set(listed) == {"next", "previous", "results"}
    assert [r["reference"] for r in listed["results"]] == [approved.reference]
    detail = client.get(url(approved))
    assert detail.status_code == 200
    assert detail.json()["grade"] == "2B P"


def test_another_agencys_report_is_404(
    api_as: ApiAs, analyst: User, partner: User, away_report: Report, approved: Report
) -> None:
    error_of(api_as(analyst).get(url(away_report)), 404)
    error_of(api_as(partner).get(url(approved)), 404)
    error_of(api_as(partner).post(url(approved, "approve")), 404)


def test_anonymous_is_401(api_as: ApiAs, approved: Report) -> None:
    error_of(api_as(None).get(REPORTS), 401)
    error_of(api_as(None).get(url(approved)), 401)


def test_detail_carries_links_and_only_the_source_reference(
    api_as: ApiAs,
    analyst: User,
    make_report: Callable[..., Report],
    covert_source: Source,
    agency: Agency,
) -> None:
    report = make_report(source=covert_source)
    person = PersonFactory.create(agency=agency, surname="Fletcher")
    ReportLinkFactory.create(report=report, person=person, role="subject")
    body = api_as(analyst).get(url(report)).json()
    assert body["source"] == {"id": covert_source.pk, "reference": "CHIS-0007", "kind": "chis"}
    assert "Jane" not in str(body)
    assert body["links"] == [
        {
            "id": ReportLink.objects.get().pk,
            "kind": "person",
            "entity_id": person.pk,
            "entity": str(person),
            "role": "subject",
        }
    ]


def test_create_logs_a_draft_with_its_reference(
    api_as: ApiAs, analyst: User, source: Source, requirement: IntelligenceRequirement
) -> None:
    response = api_as(analyst).post(REPORTS, payload(source, requirements=[requirement.pk]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["reference"].startswith(f"IR-{timezone.localdate().year}-")
    assert [r["id"] for r in body["requirements"]] == [requirement.pk]


def test_create_in_a_legacy_scheme_stores_both_grades(
    api_as: ApiAs, analyst: User, source: Source
) -> None:
    data = payload(source, original_scheme="5x5x5", original_grade="E51")
    for name in ("source_evaluation", "intelligence_assessment", "handling_code"):
        data.pop(name)
    body = api_as(analyst).post(REPORTS, data).json()
    assert (body["grade"], body["original_scheme"], body["original_grade"]) == (
        "2E P",
        "5x5x5",
        "E51",
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"handling_code": "C"}, "handling_conditions"),
        ({"source_evaluation": "9"}, "source_evaluation"),
        ({"original_scheme": "admiralty", "original_grade": "Z9"}, "original_grade"),
        ({"received_at": "2999-01-01T00:00:00Z"}, "received_at"),
        ({"received_at": "2026-01-01T10:00:00"}, "received_at"),
        ({"classification": 4}, "classification"),
    ],
)
def test_create_refusals_name_the_field(
    api_as: ApiAs, analyst: User, source: Source, overrides: dict[str, Any], field: str
) -> None:
    error = error_of(api_as(analyst).post(REPORTS, payload(source, **overrides)), 400)
    assert field in error["details"]
    assert not Report.objects.exists()


def test_create_with_another_agencys_source_is_refused(
    api_as: ApiAs, analyst: User, away_source: Source
) -> None:
    error = error_of(api_as(analyst).post(REPORTS, payload(away_source)), 400)
    assert "source" in error["details"]


def test_create_is_forbidden_to_a_commander(api_as: ApiAs, commander: User, source: Source) -> None:
    error_of(api_as(commander).post(REPORTS, payload(source)), 403)


def test_partial_update_needs_the_version_and_refuses_a_stale_one(
    api_as: ApiAs, analyst: User, draft: Report
) -> None:
    client = api_as(analyst)
    error_of(client.patch(url(draft), {"title": "No version"}), 400)
    first = client.patch(url(draft), {"title": "First", "version": 1})
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = error_of(client.patch(url(draft), {"title": "Second", "version": 1}), 409)
    assert stale["code"] == "conflict"
    assert "since you opened it; reload" in stale["message"]
    draft.refresh_from_db()
    assert draft.title == "First"


def test_partial_update_of_a_grade_part_keeps_the_rest(
    api_as: ApiAs, analyst: User, draft: Report
) -> None:
    body = api_as(analyst).patch(url(draft), {"intelligence_assessment": "A", "version": 1})
    assert body.json()["grade"] == "2A P"


def test_workflow_through_the_api(
    api_as: ApiAs, analyst: User, supervisor: User, officer: User, draft: Report
) -> None:
    author, reviewer = api_as(analyst), api_as(supervisor)
    assert author.post(url(draft, "submit"), {"version": 1}).json()["status"] == "submitted"
    error_of(api_as(officer).post(url(draft, "approve")), 403)
    error_of(author.post(url(draft, "approve")), 403)
    error_of(reviewer.post(url(draft, "return"), {}), 400)
    returned = reviewer.post(url(draft, "return"), {"reason": "Which car park?"})
    assert returned.json()["status"] == "returned"
    error_of(reviewer.get(url(draft)), 404)
    assert author.get(url(draft)).json()["returned_reason"] == "Which car park?"
    author.post(url(draft, "submit"))
    approved = reviewer.post(url(draft, "approve"), {"version": 4})
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_by"]["username"] == "supervisor"


def test_links_add_and_remove(
    api_as: ApiAs, analyst: User, draft: Report, agency: Agency, other_agency: Agency
) -> None:
    client = api_as(analyst)
    person = PersonFactory.create(agency=agency)
    added = client.post(url(draft, "links"), {"kind": "person", "entity": person.pk})
    assert added.status_code == 201
    assert added.json()["role"] == "mentioned"
    theirs = PersonFactory.create(agency=other_agency)
    error_of(client.post(url(draft, "links"), {"kind": "person", "entity": theirs.pk}), 404)
    link_id = added.json()["id"]
    assert client.delete(f"{url(draft)}links/{link_id}/").status_code == 204
    assert not ReportLink.objects.exists()
    error_of(client.delete(f"{url(draft)}links/{link_id}/"), 404)


def test_filters_are_shared_with_the_ui(
    api_as: ApiAs,
    analyst: User,
    make_report: Callable[..., Report],
    requirement: IntelligenceRequirement,
) -> None:
    answer = make_report(intelligence_assessment="A", handling_code="P")
    other = make_report(intelligence_assessment="E")
    answer.requirements.add(requirement)
    client = api_as(analyst)
    by_grade = client.get(REPORTS, {"intelligence_assessment": "A"}).json()["results"]
    assert [r["id"] for r in by_grade] == [answer.pk]
    by_requirement = client.get(REPORTS, {"requirement": requirement.pk}).json()["results"]
    assert [r["id"] for r in by_requirement] == [answer.pk]
    day = other.received_at.date().isoformat()
    by_day = client.get(REPORTS, {"received_from": day, "received_to": day}).json()["results"]
    assert other.pk in [r["id"] for r in by_day]
    error_of(client.get(REPORTS, {"status": "nonsense"}), 400)


def test_list_stays_within_its_query_budget(
    api_as: ApiAs,
    analyst: User,
    make_report: Callable[..., Report],
    requirement: IntelligenceRequirement,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(20):
        make_report().requirements.add(requirement)
    client = api_as(analyst)
    with django_assert_max_num_queries(8):
        response = client.get(REPORTS)
    assert len(response.json()["results"]) == 20


def test_reads_are_audited(api_as: ApiAs, analyst: User, approved: Report) -> None:
    client = api_as(analyst)
    client.get(url(approved))
    client.get(REPORTS, {"q": "library"})
    client.get(REPORTS)
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("id"))
    assert actions == ["view", "search"]
    search = AuditEvent.objects.get(action="search")
    assert search.details == {"model": "collection.report", "filters": {"q": "library"}}


def test_filter_parameters_must_have_a_value_in_the_api(api_as: ApiAs, analyst: User) -> None:
    client = api_as(analyst)
    error = error_of(client.get(REPORTS, {"received_from": ""}), 400)
    assert "leave the parameter out" in error["message"]
    assert client.get(REPORTS, {"q": "van\x00"}).status_code == 200
    assert client.get(REPORTS, {"source": 999999}).json()["results"] == []


def test_text_must_be_sent_as_text(api_as: ApiAs, analyst: User, source: Source) -> None:
    error = error_of(api_as(analyst).post(REPORTS, payload(source, title=12345)), 400)
    assert "title" in error["details"]
