"""Incident services: entry by hand, correction, validation, people, stale versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from collection.entities.writes import StaleVersionError
from collection.incidents import services
from collection.incidents.services import Involvement
from collection.models import Incident, OffenceType
from ilp.models import AuditEvent, Person, User
from tests.collection.incidents.conftest import CELL, T0

pytestmark = pytest.mark.django_db


def test_incident_create_records_the_window_point_and_people(
    analyst: User, burglary: OffenceType, person: Person
) -> None:
    incident = services.incident_create(
        actor=analyst,
        reference=" CR/1 ",
        offence=burglary,
        occurred_from=T0,
        occurred_to=T0 + timedelta(hours=2),
        latitude=51.5,
        longitude=-0.12,
        people=[Involvement(person, "suspect"), Involvement(person, "suspect")],
    )
    incident.refresh_from_db()
    assert incident.reference == "CR/1"
    assert incident.agency_id == analyst.agency_id
    assert incident.h3_cell == CELL
    assert list(incident.involvements.values_list("person_id", "role")) == [(person.pk, "suspect")]
    event = AuditEvent.objects.get(action="create")
    assert event.object_id == str(incident.pk)
    assert "people" in event.details["fields"]


def test_a_single_time_is_a_window_of_no_length(analyst: User, burglary: OffenceType) -> None:
    incident = services.incident_create(
        actor=analyst, reference="CR/2", offence=burglary, occurred_from=T0
    )
    assert incident.occurred_to == T0


def test_the_window_must_not_end_before_it_starts(analyst: User, burglary: OffenceType) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.incident_create(
            actor=analyst,
            reference="CR/3",
            offence=burglary,
            occurred_from=T0,
            occurred_to=T0 - timedelta(minutes=1),
        )
    assert excinfo.value.message_dict == {"occurred_to": ["The window ends before it starts."]}


def test_times_in_the_future_are_refused(analyst: User, burglary: OffenceType) -> None:
    tomorrow = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        services.incident_create(
            actor=analyst, reference="CR/4", offence=burglary, occurred_from=tomorrow
        )
    assert excinfo.value.message_dict["occurred_from"] == ["This time is in the future."]


def test_reported_before_it_happened_is_refused(analyst: User, burglary: OffenceType) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.incident_create(
            actor=analyst,
            reference="CR/5",
            offence=burglary,
            occurred_from=T0,
            reported_at=T0 - timedelta(days=1),
        )
    assert "reported_at" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("point", "field", "message"),
    [
        ({"latitude": 90.5, "longitude": 0}, "latitude", "must be between -90 and 90"),
        ({"latitude": 0, "longitude": -181}, "longitude", "must be between -180 and 180"),
        ({"latitude": 51.5}, "longitude", "Give both latitude and longitude, or neither."),
        ({"longitude": -0.1}, "latitude", "Give both latitude and longitude, or neither."),
    ],
)
def test_the_point_is_checked(
    analyst: User, burglary: OffenceType, point: dict[str, float], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.incident_create(
            actor=analyst,
            reference="CR/6",
            offence=burglary,
            occurred_from=T0,
            latitude=point.get("latitude"),
            longitude=point.get("longitude"),
        )
    assert message in excinfo.value.message_dict[field][0]
    assert not Incident.objects.exists()


def test_a_reference_is_unique_within_the_agency(
    analyst: User, burglary: OffenceType, incident: Incident
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.incident_create(
            actor=analyst, reference=incident.reference, offence=burglary, occurred_from=T0
        )
    assert excinfo.value.message_dict["reference"] == [
        "Your agency already has an incident with this reference."
    ]


def test_people_must_be_visible_to_the_actor(
    analyst: User, burglary: OffenceType, away_person: Person
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.incident_create(
            actor=analyst,
            reference="CR/7",
            offence=burglary,
            occurred_from=T0,
            people=[Involvement(away_person, "victim")],
        )
    assert "people" in excinfo.value.message_dict


def test_roles_must_be_known(analyst: User, burglary: OffenceType, person: Person) -> None:
    with pytest.raises(ValidationError):
        services.incident_create(
            actor=analyst,
            reference="CR/8",
            offence=burglary,
            occurred_from=T0,
            people=[Involvement(person, "bystander")],
        )


def test_incident_update_replaces_the_people_and_counts_the_version(
    analyst: User, incident: Incident, person: Person
) -> None:
    services.incident_update(
        actor=analyst, incident=incident, version=1, people=[Involvement(person, "victim")]
    )
    updated = services.incident_update(
        actor=analyst,
        incident=incident,
        version=2,
        people=[Involvement(person, "witness")],
        status=Incident.Status.CLOSED,
    )
    assert updated.version == 3
    assert list(updated.involvements.values_list("role", flat=True)) == ["witness"]
    assert updated.status == "closed"


def test_incident_update_without_people_keeps_them(
    analyst: User, incident: Incident, person: Person
) -> None:
    services.incident_update(
        actor=analyst, incident=incident, version=1, people=[Involvement(person, "victim")]
    )
    services.incident_update(actor=analyst, incident=incident, version=2, address="2 High St")
    assert incident.involvements.count() == 1


def test_moving_the_point_moves_the_h3_cell_and_clearing_it_clears_the_cell(
    analyst: User, incident: Incident
) -> None:
    moved = services.incident_update(
        actor=analyst, incident=incident, version=1, latitude=53.48, longitude=-2.24
    )
    assert moved.h3_cell not in ("", CELL)
    cleared = services.incident_update(
        actor=analyst, incident=incident, version=2, latitude=None, longitude=None
    )
    assert cleared.h3_cell == ""


def test_a_stale_version_is_refused_and_overwrites_nothing(
    analyst: User, supervisor: User, incident: Incident
) -> None:
    services.incident_update(actor=supervisor, incident=incident, version=1, address="A")
    with pytest.raises(StaleVersionError):
        services.incident_update(actor=analyst, incident=incident, version=1, address="B")
    incident.refresh_from_db()
    assert (incident.address, incident.version) == ("A", 2)


def test_another_agencys_incident_cannot_be_changed(analyst: User, away_incident: Incident) -> None:
    with pytest.raises(PermissionError):
        services.incident_update(actor=analyst, incident=away_incident, version=1, address="X")


def test_roles_without_the_permission_may_not_enter_incidents(
    officer: User, burglary: OffenceType
) -> None:
    with pytest.raises(PermissionError):
        services.incident_create(
            actor=officer, reference="CR/9", offence=burglary, occurred_from=T0
        )
