"""Review and retention: due dates from the agency's policy, the supervisor's queue, validate
with a rationale, purge leaving a stub; nothing purged without a decision."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collection.models import Report, ReportLink
from ilp.governance import review
from ilp.models import AuditEvent, Notification, Person, ReviewDecision, User
from ilp.tasks import review_due_task
from tests.collection.factories import PersonFactory, ReportLinkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_person(analyst: User) -> Person:
    with time_machine.travel("2020-03-01 10:00 +0000", tick=False):
        return PersonFactory.create(agency=analyst.agency, surname="Oldrecord")


def test_a_new_record_is_scheduled_for_review_five_years_after_entry(old_person: Person) -> None:
    assert review.review_schedule_missing() >= 1
    old_person.refresh_from_db()
    assert old_person.review_due == dt.date(2025, 3, 1)


def test_the_agency_policy_sets_the_period(old_person: Person, analyst: User) -> None:
    assert analyst.agency is not None
    analyst.agency.review_period_years = 2
    analyst.agency.save()
    review.review_schedule_missing()
    old_person.refresh_from_db()
    assert old_person.review_due == dt.date(2022, 3, 1)


def test_the_periodic_task_tells_supervisors_what_is_due(
    old_person: Person, supervisor: User, analyst: User
) -> None:
    result = review_due_task()
    assert result["scheduled"] >= 1
    assert Notification.objects.filter(user=supervisor, message__contains="due for review").exists()
    assert not Notification.objects.filter(user=analyst).exists()


def test_the_queue_lists_due_records_for_supervisors_only(
    old_person: Person, supervisor: User, analyst: User
) -> None:
    review.review_schedule_missing()
    assert [d.record.pk for d in review.review_queue(actor=supervisor)] == [old_person.pk]
    assert review.review_queue(actor=analyst) == []


def test_validating_needs_a_rationale_and_sets_the_next_date(
    old_person: Person, supervisor: User
) -> None:
    review.review_schedule_missing()
    with pytest.raises(ValidationError, match="reason"):
        review.record_validate(actor=supervisor, model=Person, pk=old_person.pk, rationale="ok")
    decision = review.record_validate(
        actor=supervisor,
        model=Person,
        pk=old_person.pk,
        rationale="Subject of an open investigation (Op Lantern).",
    )
    old_person.refresh_from_db()
    assert old_person.review_due == decision.next_review
    assert old_person.review_due is not None
    assert old_person.review_due > timezone.localdate()
    assert AuditEvent.objects.filter(action="review", object_id=str(old_person.pk)).exists()


def test_purging_removes_personal_data_and_links_but_keeps_a_stub(
    supervisor: User, analyst: User
) -> None:
    link = ReportLinkFactory.create(
        report__agency=analyst.agency, report__author=analyst, person__agency=analyst.agency
    )
    person = link.person
    assert person is not None
    decision = review.record_purge(
        actor=supervisor, model=Person, pk=person.pk, rationale="No longer relevant to any crime."
    )
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not ReportLink.objects.filter(pk=link.pk).exists()
    assert Report.objects.filter(pk=link.report_id).exists()  # the report exists for itself
    assert ReviewDecision.objects.get(pk=decision.pk).record_repr == str(person)
    assert AuditEvent.objects.filter(action="purge", object_id=str(person.pk)).exists()


def test_a_second_purge_of_the_same_record_is_refused(supervisor: User, old_person: Person) -> None:
    review.record_purge(
        actor=supervisor,
        model=Person,
        pk=old_person.pk,
        rationale="No longer relevant to any crime.",
    )
    with pytest.raises(ValidationError, match="no longer exists"):
        review.record_purge(
            actor=supervisor,
            model=Person,
            pk=old_person.pk,
            rationale="No longer relevant to any crime.",
        )
    assert ReviewDecision.objects.count() == 1


def test_an_analyst_cannot_purge(analyst: User, old_person: Person) -> None:
    with pytest.raises(PermissionDenied):
        review.record_purge(
            actor=analyst,
            model=Person,
            pk=old_person.pk,
            rationale="No longer relevant to any crime.",
        )
    assert Person.objects.filter(pk=old_person.pk).exists()


def test_supervisor_decides_from_the_queue_page(
    client: Client, supervisor: User, old_person: Person
) -> None:
    review.review_schedule_missing()
    client.force_login(supervisor)
    page = client.get(reverse("governance:review_queue"))
    assert "OLDRECORD" in page.content.decode()
    content_type = ContentType.objects.get_for_model(Person)
    url = reverse("governance:review_decide", args=[content_type.pk, old_person.pk])
    refused = client.post(url, {"decision": "purge", "rationale": "no"}, follow=True)
    assert "Not decided" in refused.content.decode()
    assert Person.objects.filter(pk=old_person.pk).exists()
    client.post(url, {"decision": "purge", "rationale": "Entered in error; no criminal link."})
    assert not Person.objects.filter(pk=old_person.pk).exists()


def test_the_queue_page_is_a_404_for_an_analyst(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    assert client.get(reverse("governance:review_queue")).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_purges_at_once_purge_once_and_refuse_the_other(
    supervisor: User, old_person: Person
) -> None:
    """Two supervisors' purges of one record race: the row lock lets one through; the other
    waits, then finds the record gone and is refused. One decision, one purge event."""
    import threading

    from django.db import connection

    start = threading.Barrier(2)
    outcomes: list[str] = []

    def purge() -> None:
        try:
            start.wait()
            review.record_purge(
                actor=supervisor,
                model=Person,
                pk=old_person.pk,
                rationale="Purged in a race with a colleague.",
            )
            outcomes.append("purged")
        except ValidationError as exc:
            outcomes.append(f"refused: {exc.messages[0]}")
        finally:
            connection.close()

    threads = [threading.Thread(target=purge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == [
        "purged",
        "refused: That record no longer exists: it may have just been purged.",
    ]
    assert ReviewDecision.objects.filter(decision="purge").count() == 1
    assert AuditEvent.objects.filter(action="purge", object_id=str(old_person.pk)).count() == 1
    assert not Person.objects.filter(pk=old_person.pk).exists()
