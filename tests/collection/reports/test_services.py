"""Writes of reports: the status flow, who may do what, validation, versions and references."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from collection.models import IntelligenceRequirement, Report, ReportLink, Source
from collection.reports import services
from collection.reports.grading import GradeInput
from collection.reports.versioning import StaleVersionError
from ilp.choices import Classification
from ilp.models import Agency, User
from tests.collection.factories import LocationFactory, PersonFactory, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def create(
    analyst: User, source: Source, grade: GradeInput, received: Any
) -> Callable[..., Report]:
    def create_report(**overrides: Any) -> Report:
        fields: dict[str, Any] = {
            "actor": analyst,
            "title": "Dealing at the library",
            "body": "Subject seen dealing from a blue hatchback.",
            "received_at": received,
            "source": source,
            "grade": grade,
        }
        return services.report_create(**(fields | overrides))

    return create_report


def messages_of(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return caught.value.message_dict


# --- create -------------------------------------------------------------------------------


def test_report_create_saves_a_draft_of_the_author(
    create: Callable[..., Report], analyst: User, agency: Agency
) -> None:
    report = create()
    assert report.status == Report.Status.DRAFT
    assert report.author == analyst
    assert report.agency == agency
    assert report.grade == "2B P"
    assert report.version == 1


def test_report_create_gives_the_next_reference_of_the_agency(
    create: Callable[..., Report],
) -> None:
    year = timezone.localdate().year
    first, second = create(), create()
    assert first.reference.startswith(f"IR-{year}-")
    assert len(first.reference) == len(f"IR-{year}-000000")
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_report_reference_skips_numbers_another_agency_holds(
    create: Callable[..., Report], other_agency: Agency, partner: User, away_source: Source
) -> None:
    year = timezone.localdate().year
    first = create()
    number = int(first.reference[-6:])
    ReportFactory.create(
        agency=other_agency,
        author=partner,
        source=away_source,
        reference=f"IR-{year}-{number + 1:06d}",
    )
    assert create().reference == f"IR-{year}-{number + 2:06d}"


def test_report_create_keeps_the_original_grade(
    create: Callable[..., Report],
) -> None:
    report = create(grade=GradeInput(scheme="5x5x5", original_grade="C34"))
    assert report.grade == "3B C"
    assert (report.original_scheme, report.original_grade) == ("5x5x5", "C34")
    assert "Legacy 5x5x5 handling code 4" in report.handling_conditions


def test_report_create_links_open_requirements(
    create: Callable[..., Report], requirement: IntelligenceRequirement
) -> None:
    report = create(requirements=[requirement])
    assert list(report.requirements.all()) == [requirement]


def test_report_create_refuses_a_time_received_in_the_future(
    create: Callable[..., Report],
) -> None:
    with pytest.raises(ValidationError) as caught:
        create(received_at=timezone.now() + timedelta(hours=1))
    assert messages_of(caught)["received_at"] == ["The time received cannot be in the future."]


def test_report_create_refuses_c_without_conditions(create: Callable[..., Report]) -> None:
    grade = GradeInput(source_evaluation="1", intelligence_assessment="A", handling_code="C")
    with pytest.raises(ValidationError) as caught:
        create(grade=grade)
    assert "conditions" in messages_of(caught)["handling_conditions"][0]


def test_report_create_refuses_a_grade_outside_the_scheme(create: Callable[..., Report]) -> None:
    grade = GradeInput(source_evaluation="5", intelligence_assessment="Z", handling_code="P")
    with pytest.raises(ValidationError) as caught:
        create(grade=grade)
    assert set(messages_of(caught)) >= {"source_evaluation", "intelligence_assessment"}


def test_report_create_refuses_a_classification_above_the_authors_clearance(
    create: Callable[..., Report], analyst: User
) -> None:
    User.objects.filter(pk=analyst.pk).update(clearance=Classification.OFFICIAL)
    analyst.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        create(actor=analyst, classification=Classification.SECRET)
    assert "clearance" in messages_of(caught)["classification"][0]
    assert not Report.objects.exists()


def test_report_create_refuses_another_agencys_source(
    create: Callable[..., Report], away_source: Source
) -> None:
    with pytest.raises(ValidationError) as caught:
        create(source=away_source)
    assert "source" in messages_of(caught)


def test_report_create_refuses_a_closed_requirement(
    create: Callable[..., Report], requirement: IntelligenceRequirement
) -> None:
    IntelligenceRequirement.objects.filter(pk=requirement.pk).update(status="closed")
    with pytest.raises(ValidationError) as caught:
        create(requirements=[requirement])
    assert "requirements" in messages_of(caught)


def test_report_create_is_refused_to_a_role_without_the_permission(
    create: Callable[..., Report], commander: User
) -> None:
    with pytest.raises(PermissionDenied):
        create(actor=commander)


def test_officer_may_log_a_report(create: Callable[..., Report], officer: User) -> None:
    assert create(actor=officer).author == officer


# --- update and versions -------------------------------------------------------------------


def test_report_update_saves_and_bumps_the_version(analyst: User, draft: Report) -> None:
    report = services.report_update(actor=analyst, report=draft, version=1, title="New title")
    draft.refresh_from_db()
    assert (draft.title, draft.version, report.version) == ("New title", 2, 2)


def test_report_update_from_a_stale_version_is_refused_and_nothing_overwritten(
    analyst: User, draft: Report
) -> None:
    services.report_update(actor=analyst, report=draft, version=1, title="First save")
    with pytest.raises(StaleVersionError) as caught:
        services.report_update(actor=analyst, report=draft, version=1, title="Second save")
    message = caught.value.messages[0]
    assert "changed by" in message
    assert "since you opened it; reload" in message
    assert "Nothing was saved" in message
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("First save", 2)


def test_a_concurrent_write_between_load_and_save_is_refused(
    analyst: User, draft: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The UPDATE … WHERE version = n refuses a write that lands after the version check."""
    from collection.reports import services as module

    real_check = module.check_version

    def check_then_someone_saves(*args: Any) -> None:
        real_check(*args)
        Report.objects.filter(pk=draft.pk).update(version=5, title="Someone else")

    monkeypatch.setattr(module, "check_version", check_then_someone_saves)
    with pytest.raises(StaleVersionError):
        services.report_update(actor=analyst, report=draft, version=1, title="Mine")
    draft.refresh_from_db()
    assert draft.title != "Mine"


def test_report_update_by_another_user_is_refused(outsider: User, draft: Report) -> None:
    with pytest.raises(PermissionDenied):
        services.report_update(actor=outsider, report=draft, version=1, title="Hijack")


def test_a_submitted_report_cannot_be_edited(analyst: User, submitted: Report) -> None:
    with pytest.raises(ValidationError) as caught:
        services.report_update(actor=analyst, report=submitted, version=1, title="Late change")
    assert "draft or a returned report" in caught.value.messages[0]


def test_report_update_regrades_in_another_scheme(analyst: User, draft: Report) -> None:
    grade = GradeInput(scheme="admiralty", original_grade="A1", handling_code="P")
    report = services.report_update(actor=analyst, report=draft, version=1, grade=grade)
    assert (report.grade, report.original_grade) == ("1B P", "A1")


# --- the review workflow -------------------------------------------------------------------


def test_report_submit_sends_a_draft_for_review(analyst: User, draft: Report) -> None:
    report = services.report_submit(actor=analyst, report=draft, version=1)
    assert report.status == Report.Status.SUBMITTED
    assert report.submitted_at is not None
    assert report.version == 2


def test_only_the_author_submits(supervisor: User, draft: Report) -> None:
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=supervisor, report=draft)


def test_report_approve_by_a_supervisor(supervisor: User, submitted: Report) -> None:
    report = services.report_approve(actor=supervisor, report=submitted)
    assert report.status == Report.Status.APPROVED
    assert report.approved_by == supervisor
    assert report.approved_at is not None


def test_an_officer_cannot_approve(officer: User, submitted: Report) -> None:
    with pytest.raises(PermissionDenied) as caught:
        services.report_approve(actor=officer, report=submitted)
    assert "supervisor" in str(caught.value)
    submitted.refresh_from_db()
    assert submitted.status == Report.Status.SUBMITTED


def test_an_author_cannot_approve_their_own_report(
    supervisor: User, make_report: Callable[..., Report]
) -> None:
    own = make_report(author=supervisor, status=Report.Status.SUBMITTED)
    with pytest.raises(PermissionDenied) as caught:
        services.report_approve(actor=supervisor, report=own)
    assert "your own report" in str(caught.value)


def test_a_draft_cannot_be_approved(supervisor: User, draft: Report) -> None:
    with pytest.raises(ValidationError):
        services.report_approve(actor=supervisor, report=draft)


def test_approving_from_a_stale_version_is_refused(supervisor: User, submitted: Report) -> None:
    with pytest.raises(StaleVersionError):
        services.report_approve(actor=supervisor, report=submitted, version=7)


def test_report_return_needs_a_reason(supervisor: User, submitted: Report) -> None:
    with pytest.raises(ValidationError) as caught:
        services.report_return(actor=supervisor, report=submitted, reason="  ")
    assert "reason" in caught.value.message_dict


def test_returned_report_is_edited_and_submitted_again(
    analyst: User, supervisor: User, submitted: Report
) -> None:
    returned = services.report_return(
        actor=supervisor, report=submitted, reason="Say where the car was parked."
    )
    assert (returned.status, returned.returned_reason) == (
        Report.Status.RETURNED,
        "Say where the car was parked.",
    )
    edited = services.report_update(
        actor=analyst, report=returned, version=returned.version, body="Parked on Mill Lane."
    )
    again = services.report_submit(actor=analyst, report=edited, version=edited.version)
    assert again.status == Report.Status.SUBMITTED
    assert services.report_approve(actor=supervisor, report=again).status == "approved"


# --- links ---------------------------------------------------------------------------------


def test_report_link_add_and_remove(analyst: User, draft: Report, agency: Agency) -> None:
    person = PersonFactory.create(agency=agency)
    link = services.report_link_add(
        actor=analyst, report=draft, kind="person", entity=person, role="subject"
    )
    assert (link.person, link.role) == (person, ReportLink.Role.SUBJECT)
    services.report_link_remove(actor=analyst, report=draft, link=link)
    assert not ReportLink.objects.exists()


def test_an_entity_of_another_agency_cannot_be_linked(
    analyst: User, draft: Report, other_agency: Agency
) -> None:
    theirs = LocationFactory.create(agency=other_agency)
    with pytest.raises(ValidationError) as caught:
        services.report_link_add(actor=analyst, report=draft, kind="location", entity=theirs)
    assert "entity" in caught.value.message_dict


def test_the_same_entity_is_not_linked_twice_in_one_role(
    analyst: User, draft: Report, agency: Agency
) -> None:
    person = PersonFactory.create(agency=agency)
    services.report_link_add(actor=analyst, report=draft, kind="person", entity=person)
    with pytest.raises(ValidationError):
        services.report_link_add(actor=analyst, report=draft, kind="person", entity=person)


def test_links_of_a_submitted_report_are_frozen(
    analyst: User, submitted: Report, agency: Agency
) -> None:
    person = PersonFactory.create(agency=agency)
    with pytest.raises(ValidationError):
        services.report_link_add(actor=analyst, report=submitted, kind="person", entity=person)


def test_a_new_entity_is_created_in_place_and_linked(
    analyst: User, draft: Report, agency: Agency
) -> None:
    link = services.report_link_add_new(
        actor=analyst,
        report=draft,
        kind="vehicle",
        fields={"registration": "ab12 cde", "colour": "blue"},
        role="vehicle_used",
    )
    assert link.vehicle is not None
    assert (link.vehicle.registration, link.vehicle.agency) == ("AB12CDE", agency)


def test_a_refused_link_creates_no_entity(outsider: User, draft: Report) -> None:
    from ilp.models import Person

    with pytest.raises(PermissionDenied):
        services.report_link_add_new(
            actor=outsider, report=draft, kind="person", fields={"surname": "Nobody"}
        )
    assert not Person.objects.exists()


def test_a_place_created_in_place_is_checked_and_placed_like_any_other(
    analyst: User, draft: Report
) -> None:
    from ilp.models import Location

    with pytest.raises(ValidationError) as refused:
        services.report_link_add_new(
            actor=analyst,
            report=draft,
            kind="location",
            fields={"name": "Nowhere", "latitude": 95, "longitude": 0},
        )
    assert "latitude" in refused.value.message_dict
    assert not Location.objects.exists()
    link = services.report_link_add_new(
        actor=analyst,
        report=draft,
        kind="location",
        fields={"name": "Station Road", "latitude": 51.5, "longitude": -0.12},
        role="location",
    )
    assert link.location is not None
    assert link.location.h3_cell
