"""Writes of sources and requirements: sanitisation of covert sources, versions, closing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from collection.models import IntelligenceRequirement, Source
from collection.reports import services
from collection.reports.versioning import StaleVersionError
from ilp.models import User

pytestmark = pytest.mark.django_db


def test_source_create_registers_a_source_of_the_agency(analyst: User) -> None:
    source = services.source_create(actor=analyst, kind="osint", reference="OSINT-01")
    assert (source.agency_id, source.created_by) == (analyst.agency_id, analyst)


def test_a_covert_source_needs_a_handler(analyst: User) -> None:
    with pytest.raises(ValidationError) as caught:
        services.source_create(actor=analyst, kind="chis", reference="CHIS-1", identity="X Y")
    assert "handler" in caught.value.message_dict["handlers"][0]


def test_handlers_come_from_the_agency(analyst: User, partner: User) -> None:
    with pytest.raises(ValidationError):
        services.source_create(actor=analyst, kind="chis", reference="CHIS-1", handlers=[partner])


def test_the_reference_must_not_contain_the_identity(analyst: User) -> None:
    with pytest.raises(ValidationError) as caught:
        services.source_create(
            actor=analyst,
            kind="chis",
            reference="JOHN SMITH",
            identity="John Smith",
            handlers=[analyst],
        )
    assert "sanitised" in caught.value.message_dict["reference"][0]


def test_commander_cannot_register_sources(commander: User) -> None:
    with pytest.raises(PermissionDenied):
        services.source_create(actor=commander, kind="osint", reference="X")


def test_a_non_handler_cannot_change_a_covert_identity_or_handlers(
    supervisor: User, covert_source: Source
) -> None:
    with pytest.raises(PermissionDenied):
        services.source_update(
            actor=supervisor, source=covert_source, version=1, handlers=[supervisor]
        )
    with pytest.raises(PermissionDenied):
        services.source_update(actor=supervisor, source=covert_source, version=1, kind="public")
    assert not covert_source.handlers.filter(pk=supervisor.pk).exists()


def test_a_non_handler_may_retire_a_covert_source(supervisor: User, covert_source: Source) -> None:
    source = services.source_update(
        actor=supervisor, source=covert_source, version=1, is_active=False
    )
    assert (source.is_active, source.version) == (False, 2)


def test_a_handler_changes_the_identity(analyst: User, covert_source: Source) -> None:
    source = services.source_update(
        actor=analyst, source=covert_source, version=1, identity="New name"
    )
    covert_source.refresh_from_db()
    assert covert_source.identity == source.identity == "New name"


def test_source_update_from_a_stale_version_is_refused(analyst: User, source: Source) -> None:
    services.source_update(actor=analyst, source=source, version=1, notes="one")
    with pytest.raises(StaleVersionError):
        services.source_update(actor=analyst, source=source, version=1, notes="two")
    source.refresh_from_db()
    assert source.notes == "one"


def test_source_update_of_another_agencys_source_is_not_found(
    analyst: User, away_source: Source
) -> None:
    with pytest.raises(Http404):
        services.source_update(actor=analyst, source=away_source, version=1, notes="x")


def test_requirement_create_update_and_close(analyst: User) -> None:
    requirement = services.requirement_create(
        actor=analyst, title="Who supplies?", question="Who supplies the town centre?"
    )
    assert requirement.status == IntelligenceRequirement.Status.OPEN
    updated = services.requirement_update(
        actor=analyst, requirement=requirement, version=1, due_date=date(2027, 1, 1)
    )
    assert (updated.due_date, updated.version) == (date(2027, 1, 1), 2)
    cleared = services.requirement_update(
        actor=analyst, requirement=requirement, version=2, due_date=None
    )
    assert cleared.due_date is None
    closed = services.requirement_close(actor=analyst, requirement=requirement)
    assert closed.status == IntelligenceRequirement.Status.CLOSED
    with pytest.raises(ValidationError):
        services.requirement_close(actor=analyst, requirement=requirement)
    with pytest.raises(ValidationError):
        services.requirement_update(actor=analyst, requirement=requirement, version=4, title="x")


def test_officer_cannot_open_requirements(officer: User) -> None:
    with pytest.raises(PermissionDenied):
        services.requirement_create(actor=officer, title="x", question="y")
