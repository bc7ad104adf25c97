"""Report pages in the browser: list, detail, create, edit and the review buttons, for the
personas; free text is always shown as text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collection.models import IntelligenceRequirement, Report, Source
from ilp.models import Agency, User
from tests.collection.factories import PersonFactory, ReportLinkFactory

pytestmark = pytest.mark.django_db

LIST = reverse("collection:report_list")


def detail(report: Report) -> str:
    return reverse("collection:report_detail", args=[report.pk])


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def form_data(source: Source, **overrides: Any) -> dict[str, Any]:
    when = timezone.localtime(timezone.now() - timedelta(hours=2))
    data = {
        "title": "Dealing at the library",
        "body": "Blue hatchback seen again.",
        "received_at": when.strftime("%Y-%m-%dT%H:%M"),
        "source": source.pk,
        "classification": 1,
        "original_scheme": "3x5x2",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "handling_conditions": "",
    }
    return data | overrides


# --- list ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["analyst", "supervisor", "commander", "officer", "outsider"])
def test_report_list_shows_the_agencys_reports(
    client: Client, persona: str, approved: Report, request: pytest.FixtureRequest
) -> None:
    response = signed_in(client, request.getfixturevalue(persona)).get(LIST)
    assert response.status_code == 200
    assert approved.reference in response.content.decode()


def test_report_list_leaves_out_other_agencies_and_others_drafts(
    client: Client, outsider: User, draft: Report, away_report: Report, approved: Report
) -> None:
    content = signed_in(client, outsider).get(LIST).content.decode()
    assert approved.reference in content
    assert draft.reference not in content
    assert away_report.reference not in content


def test_report_list_needs_sign_in(client: Client) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_report_list_answers_htmx_with_the_table_only(
    client: Client, analyst: User, approved: Report
) -> None:
    response = signed_in(client, analyst).get(LIST, {"status": "approved"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="report-table"')
    assert "<html" not in content
    assert approved.reference in content
    assert "HX-Request" in response["Vary"]


def test_report_list_filters_by_grade_status_and_linked_person(
    client: Client, analyst: User, make_report: Callable[..., Report], agency: Agency
) -> None:
    a_grade = make_report(intelligence_assessment="A", title="Graded A")
    e_grade = make_report(intelligence_assessment="E", title="Graded E")
    person = PersonFactory.create(agency=agency)
    ReportLinkFactory.create(report=e_grade, person=person)
    signed_in(client, analyst)
    by_grade = client.get(LIST, {"intelligence_assessment": "A"}).content.decode()
    assert a_grade.reference in by_grade
    assert e_grade.reference not in by_grade
    by_person = client.get(LIST, {"person": person.pk}).content.decode()
    assert e_grade.reference in by_person
    assert a_grade.reference not in by_person


def test_report_list_with_a_bad_filter_says_so(client: Client, analyst: User) -> None:
    content = signed_in(client, analyst).get(LIST, {"person": "abc"}).content.decode()
    assert "Check the filters" in content


def test_report_list_searches_title_and_text(
    client: Client, analyst: User, make_report: Callable[..., Report]
) -> None:
    hit = make_report(title="Cannabis farm", body="Smell of cannabis at the warehouse.")
    miss = make_report(title="Burglary", body="Back door forced.")
    content = signed_in(client, analyst).get(LIST, {"q": "cannabis"}).content.decode()
    assert hit.reference in content
    assert miss.reference not in content


def test_report_list_stays_within_its_query_budget(
    client: Client,
    analyst: User,
    make_report: Callable[..., Report],
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(30):
        make_report()
    signed_in(client, analyst)
    with django_assert_max_num_queries(15):
        response = client.get(LIST)
    assert response.status_code == 200


# --- detail --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["analyst", "supervisor", "commander", "officer", "outsider"])
def test_report_detail_is_shown_to_the_agency(
    client: Client, persona: str, approved: Report, request: pytest.FixtureRequest
) -> None:
    response = signed_in(client, request.getfixturevalue(persona)).get(detail(approved))
    assert response.status_code == 200


def test_report_detail_of_another_agency_is_404(
    client: Client, analyst: User, away_report: Report
) -> None:
    assert signed_in(client, analyst).get(detail(away_report)).status_code == 404


def test_report_detail_for_the_partner_is_404(
    client: Client, partner: User, approved: Report
) -> None:
    assert signed_in(client, partner).get(detail(approved)).status_code == 404


def test_someone_elses_draft_is_404(client: Client, outsider: User, draft: Report) -> None:
    assert signed_in(client, outsider).get(detail(draft)).status_code == 404


def test_report_detail_needs_sign_in(client: Client, approved: Report) -> None:
    assert client.get(detail(approved)).status_code == 302


def test_report_detail_shows_grade_conditions_and_only_the_source_reference(
    client: Client,
    supervisor: User,
    make_report: Callable[..., Report],
    covert_source: Source,
) -> None:
    report = make_report(
        source=covert_source,
        handling_code="C",
        handling_conditions="Not to be shared outside the force.",
        original_scheme="5x5x5",
        original_grade="B24",
    )
    content = signed_in(client, supervisor).get(detail(report)).content.decode()
    assert report.grade in content
    assert "5x5x5 (legacy): B24" in content
    assert 'data-testid="handling-conditions"' in content
    assert "Not to be shared outside the force." in content
    assert "CHIS-0007" in content
    assert "Jane Whistler" not in content


def test_handler_sees_no_identity_on_the_report_page_either(
    client: Client, analyst: User, make_report: Callable[..., Report], covert_source: Source
) -> None:
    report = make_report(source=covert_source)
    assert "Jane Whistler" not in signed_in(client, analyst).get(detail(report)).content.decode()


def test_script_in_free_text_is_shown_as_text(
    client: Client, analyst: User, make_report: Callable[..., Report]
) -> None:
    report = make_report(
        title="<b>bold</b> title",
        body='<script>alert("x")</script><img src=x onerror=alert(1)>',
        handling_code="C",
        handling_conditions="<script>steal()</script>",
    )
    content = signed_in(client, analyst).get(detail(report)).content.decode()
    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert "<script>steal()" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert "&lt;b&gt;bold&lt;/b&gt; title" in content
    list_content = client.get(LIST).content.decode()
    assert "<b>bold</b>" not in list_content


def test_linked_entities_are_grouped_by_kind(
    client: Client, analyst: User, approved: Report, agency: Agency
) -> None:
    person = PersonFactory.create(agency=agency, surname="Fletcher")
    ReportLinkFactory.create(report=approved, person=person, role="subject")
    content = signed_in(client, analyst).get(detail(approved)).content.decode()
    assert "People" in content
    assert "FLETCHER" in content
    assert "Subject" in content


# --- workflow buttons ----------------------------------------------------------------------


def test_author_sees_edit_and_submit_on_a_draft(
    client: Client, analyst: User, draft: Report
) -> None:
    content = signed_in(client, analyst).get(detail(draft)).content.decode()
    assert reverse("collection:report_submit", args=[draft.pk]) in content
    assert reverse("collection:report_update", args=[draft.pk]) in content
    assert reverse("collection:report_approve", args=[draft.pk]) not in content


def test_supervisor_sees_approve_and_return_on_a_submitted_report(
    client: Client, supervisor: User, submitted: Report
) -> None:
    content = signed_in(client, supervisor).get(detail(submitted)).content.decode()
    assert reverse("collection:report_approve", args=[submitted.pk]) in content
    assert reverse("collection:report_return", args=[submitted.pk]) in content


def test_officer_sees_no_review_buttons(client: Client, officer: User, submitted: Report) -> None:
    content = signed_in(client, officer).get(detail(submitted)).content.decode()
    assert 'data-testid="report-actions"' not in content


def test_officer_posting_approve_is_refused(
    client: Client, officer: User, submitted: Report
) -> None:
    url = reverse("collection:report_approve", args=[submitted.pk])
    assert signed_in(client, officer).post(url).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Report.Status.SUBMITTED


def test_submit_approve_through_the_pages(
    client: Client, analyst: User, supervisor: User, draft: Report
) -> None:
    signed_in(client, analyst).post(
        reverse("collection:report_submit", args=[draft.pk]), {"version": 1}
    )
    signed_in(client, supervisor)
    response = client.post(reverse("collection:report_approve", args=[draft.pk]), {"version": 2})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.approved_by) == (Report.Status.APPROVED, supervisor)


def test_return_without_reason_shows_the_error(
    client: Client, supervisor: User, submitted: Report
) -> None:
    url = reverse("collection:report_return", args=[submitted.pk])
    response = signed_in(client, supervisor).post(url, {"reason": ""}, follow=True)
    assert "Say why the report is returned." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Report.Status.SUBMITTED


def test_returned_reason_is_shown_to_the_author(
    client: Client, analyst: User, supervisor: User, submitted: Report
) -> None:
    signed_in(client, supervisor).post(
        reverse("collection:report_return", args=[submitted.pk]), {"reason": "Which car park?"}
    )
    content = signed_in(client, analyst).get(detail(submitted)).content.decode()
    assert "Which car park?" in content


# --- create and edit -----------------------------------------------------------------------


def test_report_form_is_refused_to_a_role_that_cannot_log_reports(
    client: Client, commander: User
) -> None:
    assert signed_in(client, commander).get(reverse("collection:report_create")).status_code == 403


def test_report_form_offers_only_visible_sources_and_open_requirements(
    client: Client,
    analyst: User,
    source: Source,
    away_source: Source,
    requirement: IntelligenceRequirement,
) -> None:
    closed = IntelligenceRequirement.objects.create(
        agency=requirement.agency, title="Closed one", question="?", status="closed"
    )
    content = signed_in(client, analyst).get(reverse("collection:report_create")).content.decode()
    assert source.reference in content
    assert away_source.reference not in content
    assert requirement.title in content
    assert closed.title not in content


def test_creating_a_report_redirects_to_its_page(
    client: Client, analyst: User, source: Source, requirement: IntelligenceRequirement
) -> None:
    data = form_data(source, requirements=[requirement.pk])
    response = signed_in(client, analyst).post(reverse("collection:report_create"), data)
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(report)
    assert (report.grade, report.status) == ("2B P", Report.Status.DRAFT)
    assert list(report.requirements.all()) == [requirement]


def test_creating_with_a_legacy_grade_stores_both(
    client: Client, analyst: User, source: Source
) -> None:
    data = form_data(
        source,
        original_scheme="5x5x5",
        legacy_source="A",
        legacy_intelligence="3",
        legacy_handling="4",
        handling_code="",
    )
    signed_in(client, analyst).post(reverse("collection:report_create"), data)
    report = Report.objects.get()
    assert (report.grade, report.original_grade) == ("1B C", "A34")


def test_form_errors_are_shown_by_the_fields_and_values_kept(
    client: Client, analyst: User, source: Source
) -> None:
    future = timezone.localtime(timezone.now() + timedelta(days=2))
    data = form_data(
        source,
        title="Keep <this> title",
        handling_code="C",
        received_at=future.strftime("%Y-%m-%dT%H:%M"),
    )
    response = signed_in(client, analyst).post(reverse("collection:report_create"), data)
    content = response.content.decode()
    assert response.status_code == 400
    assert "The time received cannot be in the future." in content
    assert "Handling code C needs its conditions written down." in content
    assert 'value="Keep &lt;this&gt; title"' in content
    assert not Report.objects.exists()


def test_missing_grade_parts_are_named(client: Client, analyst: User, source: Source) -> None:
    data = form_data(source, original_scheme="admiralty", handling_code="")
    content = signed_in(client, analyst).post(reverse("collection:report_create"), data)
    assert content.content.decode().count("Required for a admiralty grade.") == 3


def test_editing_from_a_stale_copy_is_refused_with_who_and_when(
    client: Client, analyst: User, draft: Report
) -> None:
    url = reverse("collection:report_update", args=[draft.pk])
    signed_in(client, analyst)
    assert client.get(url).status_code == 200
    first = form_data(draft.source, title="First", version=1)
    assert client.post(url, first).status_code == 302
    response = client.post(url, form_data(draft.source, title="Second", version=1))
    content = response.content.decode()
    assert response.status_code == 400
    assert "changed by Test" in content
    assert "since you opened it; reload" in content
    draft.refresh_from_db()
    assert draft.title == "First"


def test_editing_a_submitted_report_is_refused(
    client: Client, analyst: User, submitted: Report
) -> None:
    url = reverse("collection:report_update", args=[submitted.pk])
    assert signed_in(client, analyst).get(url).status_code == 403


def test_edit_form_shows_the_grade_as_given(
    client: Client, analyst: User, make_report: Callable[..., Report]
) -> None:
    report = make_report(
        status=Report.Status.DRAFT,
        original_scheme="5x5x5",
        original_grade="C34",
        handling_code="C",
        handling_conditions="Legacy 5x5x5 handling code 4: within agency.\nAlso: no NCP.",
    )
    url = reverse("collection:report_update", args=[report.pk])
    content = signed_in(client, analyst).get(url).content.decode()
    assert '<option value="C" selected>' in content
    assert "Also: no NCP." in content
    assert "Legacy 5x5x5 handling code 4: within" not in content


def test_the_filter_form_sent_with_empty_fields_lists_everything(
    client: Client, analyst: User, approved: Report
) -> None:
    empty = dict.fromkeys(("q", "status", "source", "received_from", "person"), "")
    content = signed_in(client, analyst).get(LIST, empty).content.decode()
    assert "Check the filters" not in content
    assert approved.reference in content


def test_the_source_filter_offers_visible_sources_only(
    client: Client, analyst: User, source: Source, away_source: Source
) -> None:
    content = signed_in(client, analyst).get(LIST).content.decode()
    assert f'<option value="{source.pk}">SRC-0001</option>' in content
    assert away_source.reference not in content
