"""Need-to-know: restriction to named people and units, dissemination to partners, correction
notices; all decided by record_scope, which every stage's selectors start from."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from collection.models import Report
from collection.selectors import report_list
from ilp.governance.dissemination import (
    notification_list,
    record_corrected,
    record_disseminate,
)
from ilp.governance.restriction import record_restrict, restriction_of
from ilp.models import AuditEvent, Dissemination, Unit, User
from tests.collection.factories import ReportFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(analyst: User) -> Report:
    return ReportFactory.create(agency=analyst.agency, author=analyst, title="Blue van")


def visible_to(user: User, report: Report) -> bool:
    return report_list(actor=user).filter(pk=report.pk).exists()


def test_a_restricted_record_is_open_only_to_those_named_and_the_restrictor(
    report: Report, analyst: User, supervisor: User, outsider: User, commander: User
) -> None:
    record_restrict(actor=supervisor, record=report, users=[commander])
    assert visible_to(supervisor, report)
    assert visible_to(commander, report)
    assert not visible_to(outsider, report)
    assert restriction_of(report)["users"] == sorted(
        [supervisor.get_full_name(), commander.get_full_name()]
    )


def test_a_record_restricted_to_a_unit_is_open_to_its_members(
    report: Report, supervisor: User, outsider: User, officer: User
) -> None:
    assert outsider.unit is not None
    record_restrict(actor=supervisor, record=report, units=[outsider.unit])
    newcomer = UserFactory.create(unit=outsider.unit, role="analyst")
    assert visible_to(outsider, report)
    assert visible_to(newcomer, report)
    assert not visible_to(officer, report)


def test_restricting_to_another_agencys_unit_is_refused(
    report: Report, supervisor: User, partner: User
) -> None:
    assert partner.unit is not None
    with pytest.raises(ValidationError, match="not in the record's agency"):
        record_restrict(
            actor=supervisor, record=report, units=[Unit.objects.get(pk=partner.unit.pk)]
        )


def test_an_auditor_does_not_see_intelligence(report: Report, auditor: User) -> None:
    assert not visible_to(auditor, report)


def test_a_partner_sees_a_record_only_once_it_is_disseminated(
    report: Report, supervisor: User, partner: User
) -> None:
    assert not visible_to(partner, report)
    assert partner.agency is not None
    dissemination = record_disseminate(
        actor=supervisor,
        record=report,
        recipient_agency=partner.agency,
        purpose="Joint operation against the supply of class A drugs",
    )
    assert visible_to(partner, report)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DISSEMINATE, object_id=str(report.pk), actor=supervisor
    ).exists()
    assert notification_list(actor=partner).get().dissemination == dissemination


def test_a_record_shared_with_one_person_is_not_visible_to_their_colleagues(
    report: Report, supervisor: User, partner: User
) -> None:
    assert partner.agency is not None
    colleague = UserFactory.create(unit=partner.unit, role="partner")
    record_disseminate(
        actor=supervisor,
        record=report,
        recipient_agency=partner.agency,
        recipient_user=partner,
        purpose="Named liaison officer",
    )
    assert visible_to(partner, report)
    assert not visible_to(colleague, report)


def test_handling_code_c_cannot_be_shared_without_its_conditions(
    analyst: User, supervisor: User, partner: User
) -> None:
    report = ReportFactory.create(
        agency=analyst.agency,
        author=analyst,
        handling_code="C",
        handling_conditions="Not to be used in evidence without the originator's consent",
    )
    assert partner.agency is not None
    with pytest.raises(ValidationError, match="Not to be used in evidence"):
        record_disseminate(
            actor=supervisor,
            record=report,
            recipient_agency=partner.agency,
            purpose="Operation Lantern",
        )
    assert not Dissemination.objects.exists()
    shared = record_disseminate(
        actor=supervisor,
        record=report,
        recipient_agency=partner.agency,
        purpose="Operation Lantern",
        conditions_acknowledged=True,
    )
    assert shared.handling_conditions.startswith("Not to be used in evidence")


def test_an_officer_cannot_disseminate(report: Report, officer: User, partner: User) -> None:
    assert partner.agency is not None
    with pytest.raises(PermissionDenied):
        record_disseminate(
            actor=officer, record=report, recipient_agency=partner.agency, purpose="x"
        )


def test_dissemination_needs_a_purpose(report: Report, supervisor: User, partner: User) -> None:
    assert partner.agency is not None
    with pytest.raises(ValidationError, match="right to know"):
        record_disseminate(
            actor=supervisor, record=report, recipient_agency=partner.agency, purpose="  "
        )


def test_a_correction_is_notified_to_every_recipient(
    report: Report, supervisor: User, partner: User
) -> None:
    assert partner.agency is not None
    record_disseminate(
        actor=supervisor, record=report, recipient_agency=partner.agency, purpose="Joint operation"
    )
    sent = record_corrected(actor=supervisor, record=report, summary="The van is green.")
    assert sent == 1
    messages = [n.message for n in notification_list(actor=partner)]
    assert any("The van is green." in m for m in messages)
