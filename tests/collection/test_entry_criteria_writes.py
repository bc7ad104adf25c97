"""Entry criteria (28 CFR Part 23 §23.20(a), (b)) through the forms, the API and the services:
a person is marked an intelligence subject only with a reasonable-suspicion justification, and a
report records views or activities only with how they relate to criminal conduct. Refusals name
the field and save nothing; accepted values are shown on the detail page and audited with their
before and after."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from collection.models import Report, Source
from ilp.models import AuditEvent, Person, User
from tests.collection.factories import PersonFactory, ReportFactory, SourceFactory

pytestmark = pytest.mark.django_db

SUSPICION = "Seen supplying heroin on three occasions (IR-2026-000012, -15)."
TIE_TO_CRIME = "The group's leaflets incite criminal damage against named premises."


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser(client: Client, analyst: User) -> Client:
    client.force_login(analyst)
    return client


@pytest.fixture
def api(analyst: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(analyst)
    return client


@pytest.fixture
def source(analyst: User) -> Source:
    return SourceFactory.create(agency=analyst.agency)


@pytest.fixture
def person(analyst: User) -> Person:
    return PersonFactory.create(agency=analyst.agency, surname="Okoro")


@pytest.fixture
def draft(analyst: User, source: Source) -> Report:
    return ReportFactory.create(
        agency=analyst.agency, author=analyst, source=source, status=Report.Status.DRAFT
    )


def last_write(record: Any) -> AuditEvent:
    event = (
        AuditEvent.objects.filter(
            object_type=record._meta.label_lower,
            object_id=str(record.pk),
            action__in=[AuditEvent.Action.CREATE, AuditEvent.Action.CHANGE],
        )
        .order_by("id")
        .last()
    )
    assert event is not None
    return event


def person_form(**overrides: Any) -> dict[str, Any]:
    data = {"surname": "Okoro", "forenames": "Ada", "classification": "1", "handling_code": "P"}
    return data | overrides


def report_form(source: Source, **overrides: Any) -> dict[str, Any]:
    when = timezone.localtime(timezone.now() - timedelta(hours=2))
    data = {
        "title": "Leaflets at the market",
        "body": "Leaflets naming shops to be attacked.",
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


def report_payload(source: Source, **overrides: Any) -> dict[str, Any]:
    body = {
        "title": "Leaflets at the market",
        "body": "Leaflets naming shops to be attacked.",
        "received_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "source": source.pk,
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
    }
    return body | overrides


# --- people in the browser ------------------------------------------------------------------


def test_the_person_form_explains_the_rule(browser: Client) -> None:
    content = browser.get(reverse("collection:person_create")).content.decode()

    assert "Intelligence subject" in content
    assert "reasonable suspicion that this person is involved in criminal activity" in content


def test_marking_a_subject_without_a_justification_is_refused_in_the_form(
    browser: Client,
) -> None:
    response = browser.post(reverse("collection:person_create"), person_form(is_subject="on"))

    assert response.status_code == 400
    assert (
        "reasonable-suspicion justification"
        in response.context["form"].errors["subject_justification"][0]
    )
    assert "reasonable-suspicion justification (28 CFR Part 23)" in response.content.decode()
    assert not Person.objects.exists()


def test_a_subject_with_a_justification_is_saved_shown_and_audited(browser: Client) -> None:
    response = browser.post(
        reverse("collection:person_create"),
        person_form(is_subject="on", subject_justification=SUSPICION),
    )

    person = Person.objects.get()
    assert response.status_code == 302
    assert (person.is_subject, person.subject_justification) == (True, SUSPICION)
    page = browser.get(response["Location"]).content.decode()
    assert "Intelligence subject" in page
    assert SUSPICION in page
    assert last_write(person).details["changes"] == {
        "is_subject": {"before": False, "after": True},
        "subject_justification": {"before": "", "after": SUSPICION},
    }


def test_marking_an_existing_person_without_a_justification_changes_nothing(
    browser: Client, person: Person
) -> None:
    url = reverse("collection:person_edit", args=[person.pk])

    response = browser.post(url, person_form(is_subject="on", version=person.version))

    assert response.status_code == 400
    assert "subject_justification" in response.context["form"].errors
    person.refresh_from_db()
    assert (person.is_subject, person.version) == (False, 1)


def test_marking_an_existing_person_is_audited_with_before_and_after(
    browser: Client, person: Person
) -> None:
    url = reverse("collection:person_edit", args=[person.pk])

    response = browser.post(
        url,
        person_form(is_subject="on", subject_justification=SUSPICION, version=person.version),
    )

    assert response.status_code == 302
    event = last_write(person)
    assert event.action == AuditEvent.Action.CHANGE
    assert event.details["changes"]["is_subject"] == {"before": False, "after": True}
    assert "is_subject" in event.details["fields"]


def test_an_edit_that_leaves_the_criteria_alone_records_no_before_and_after(
    browser: Client, person: Person
) -> None:
    url = reverse("collection:person_edit", args=[person.pk])

    browser.post(url, person_form(forenames="Adaeze", version=person.version))

    assert "changes" not in last_write(person).details


def test_a_person_who_is_not_a_subject_shows_no_badge(browser: Client, person: Person) -> None:
    content = browser.get(reverse("collection:person_detail", args=[person.pk])).content

    assert b"Intelligence subject" not in content


# --- people in the API ----------------------------------------------------------------------


def test_api_marking_a_subject_without_a_justification_is_400_naming_the_field(
    api: APIClient,
) -> None:
    response = api.post(
        reverse("api:collection:person-list"), {"surname": "Okoro", "is_subject": True}, "json"
    )

    assert response.status_code == 400
    assert "subject_justification" in response.json()["error"]["details"]
    assert not Person.objects.exists()


def test_api_subject_is_saved_read_back_and_audited(api: APIClient) -> None:
    response = api.post(
        reverse("api:collection:person-list"),
        {"surname": "Okoro", "is_subject": True, "subject_justification": SUSPICION},
        "json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["is_subject"], body["subject_justification"]) == (True, SUSPICION)
    read = api.get(reverse("api:collection:person-detail", args=[body["id"]])).json()
    assert read["subject_justification"] == SUSPICION
    person = Person.objects.get()
    assert last_write(person).details["changes"]["is_subject"] == {"before": False, "after": True}


def test_api_patch_marking_a_subject_needs_a_justification(api: APIClient, person: Person) -> None:
    url = reverse("api:collection:person-detail", args=[person.pk])

    refused = api.patch(url, {"version": 1, "is_subject": True}, "json")
    accepted = api.patch(
        url, {"version": 1, "is_subject": True, "subject_justification": SUSPICION}, "json"
    )

    assert refused.status_code == 400
    assert "subject_justification" in refused.json()["error"]["details"]
    assert accepted.status_code == 200
    assert accepted.json()["is_subject"] is True
    assert last_write(person).details["changes"] == {
        "is_subject": {"before": False, "after": True},
        "subject_justification": {"before": "", "after": SUSPICION},
    }


def test_api_is_subject_must_be_a_json_boolean(api: APIClient) -> None:
    response = api.post(
        reverse("api:collection:person-list"),
        {"surname": "Okoro", "is_subject": "yes", "subject_justification": SUSPICION},
        "json",
    )

    assert response.status_code == 400
    assert "is_subject" in response.json()["error"]["details"]


# --- reports in the browser -----------------------------------------------------------------


def test_the_report_form_explains_the_rule(browser: Client) -> None:
    content = browser.get(reverse("collection:report_create")).content.decode()

    assert "only when it relates directly to criminal conduct" in content


def test_a_report_recording_views_without_a_justification_is_refused_in_the_form(
    browser: Client, source: Source
) -> None:
    response = browser.post(
        reverse("collection:report_create"), report_form(source, records_views="on")
    )

    assert response.status_code == 400
    assert "views_justification" in response.context["form"].errors
    assert "relate directly to criminal conduct" in response.content.decode()
    assert not Report.objects.exists()


def test_a_report_recording_views_with_a_justification_is_saved_shown_and_audited(
    browser: Client, source: Source
) -> None:
    response = browser.post(
        reverse("collection:report_create"),
        report_form(source, records_views="on", views_justification=TIE_TO_CRIME),
    )

    report = Report.objects.get()
    assert response.status_code == 302
    assert (report.records_views, report.views_justification) == (True, TIE_TO_CRIME)
    page = browser.get(response["Location"]).content.decode()
    assert "Records views/activities</strong> — justification:" in page
    assert TIE_TO_CRIME.replace("'", "&#x27;") in page
    assert last_write(report).details["changes"]["records_views"] == {
        "before": False,
        "after": True,
    }


def test_editing_a_report_to_record_views_needs_a_justification(
    browser: Client, draft: Report, source: Source
) -> None:
    url = reverse("collection:report_update", args=[draft.pk])

    refused = browser.post(url, report_form(source, records_views="on", version=draft.version))
    draft.refresh_from_db()
    assert refused.status_code == 400
    assert (draft.records_views, draft.version) == (False, 1)

    accepted = browser.post(
        url,
        report_form(
            source, records_views="on", views_justification=TIE_TO_CRIME, version=draft.version
        ),
    )

    assert accepted.status_code == 302
    draft.refresh_from_db()
    assert draft.records_views
    assert last_write(draft).details["changes"] == {
        "records_views": {"before": False, "after": True},
        "views_justification": {"before": "", "after": TIE_TO_CRIME},
    }


# --- reports in the API ---------------------------------------------------------------------


def test_api_report_recording_views_without_a_justification_is_400_naming_the_field(
    api: APIClient, source: Source
) -> None:
    response = api.post(
        reverse("api:collection:report-list"), report_payload(source, records_views=True), "json"
    )

    assert response.status_code == 400
    assert "views_justification" in response.json()["error"]["details"]
    assert not Report.objects.exists()


def test_api_report_recording_views_with_a_justification_is_accepted(
    api: APIClient, source: Source
) -> None:
    response = api.post(
        reverse("api:collection:report-list"),
        report_payload(source, records_views=True, views_justification=TIE_TO_CRIME),
        "json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["records_views"], body["views_justification"]) == (True, TIE_TO_CRIME)
    report = Report.objects.get()
    assert last_write(report).details["changes"]["views_justification"] == {
        "before": "",
        "after": TIE_TO_CRIME,
    }


def test_api_patch_to_record_views_needs_a_justification(api: APIClient, draft: Report) -> None:
    url = reverse("api:collection:report-detail", args=[draft.pk])

    refused = api.patch(url, {"version": 1, "records_views": True}, "json")
    accepted = api.patch(
        url, {"version": 1, "records_views": True, "views_justification": TIE_TO_CRIME}, "json"
    )

    assert refused.status_code == 400
    assert "views_justification" in refused.json()["error"]["details"]
    assert accepted.status_code == 200
    assert accepted.json()["records_views"] is True
    assert last_write(draft).details["changes"]["records_views"] == {
        "before": False,
        "after": True,
    }
