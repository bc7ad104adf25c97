"""Entity reads: search and activity are scoped to what the actor may see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from collection.entities import selectors
from collection.models import IncidentPerson, Report, ReportLink
from ilp.models import Agency, Location, Organisation, Person, User, Vehicle
from tests.collection.factories import (
    IncidentFactory,
    PersonFactory,
    ReportFactory,
    ReportLinkFactory,
)

pytestmark = pytest.mark.django_db

T = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def test_entity_search_finds_people_by_any_word_of_their_names(
    analyst: User, person: Person, away_person: Person
) -> None:
    assert selectors.entity_search(actor=analyst, kind="person", q="smith jo") == [person]
    assert selectors.entity_search(actor=analyst, kind="person", q="two hats") == [person]


def test_entity_search_never_returns_another_agencys_entities(
    analyst: User, away_analyst: User, partner: User, person: Person, away_person: Person
) -> None:
    assert selectors.entity_search(actor=analyst, kind="person", q="Smith") == [person]
    assert selectors.entity_search(actor=away_analyst, kind="person", q="Smith") == [away_person]
    assert selectors.entity_search(actor=partner, kind="person", q="Smith") == [away_person]


@pytest.mark.usefixtures("away_location", "away_vehicle", "away_organisation")
def test_entity_search_of_each_kind(
    analyst: User, location: Location, vehicle: Vehicle, organisation: Organisation
) -> None:
    assert selectors.entity_search(actor=analyst, kind="location", q="high st") == [location]
    assert selectors.entity_search(actor=analyst, kind="location", q=location.h3_cell) == [location]
    assert selectors.entity_search(actor=analyst, kind="vehicle", q="ab12 c") == [vehicle]
    assert selectors.entity_search(actor=analyst, kind="vehicle", q="ford") == [vehicle]
    assert selectors.entity_search(actor=analyst, kind="organisation", q="eastside") == [
        organisation
    ]


def test_entity_search_returns_at_most_ten(analyst: User, agency: Agency) -> None:
    PersonFactory.create_batch(12, agency=agency, surname="Jones")
    assert len(selectors.entity_search(actor=analyst, kind="person", q="jones")) == 10


def test_entity_search_of_nothing_finds_nothing(analyst: User, person: Person) -> None:
    assert selectors.entity_search(actor=analyst, kind="person", q="  ") == []


def test_entity_search_refuses_an_unknown_kind(analyst: User) -> None:
    with pytest.raises(ValueError, match="Unknown entity kind"):
        selectors.entity_search(actor=analyst, kind="source", q="x")


def test_entity_counts_count_only_the_actors_agency(
    analyst: User, person: Person, away_person: Person, vehicle: Vehicle
) -> None:
    assert selectors.entity_counts(actor=analyst) == {
        "person": 1,
        "location": 0,
        "vehicle": 1,
        "organisation": 0,
    }


def test_activity_lists_only_reports_the_actor_may_see(
    analyst: User, supervisor: User, agency: Agency, person: Person
) -> None:
    approved = ReportLinkFactory.create(
        report__agency=agency, report__received_at=T, person=person
    ).report
    ReportLinkFactory.create(
        report__agency=agency,
        report__status=Report.Status.DRAFT,
        report__author=supervisor,
        person=person,
    )
    own_draft = ReportLinkFactory.create(
        report__agency=agency,
        report__status=Report.Status.DRAFT,
        report__author=analyst,
        person=person,
    ).report
    activity = selectors.entity_activity(actor=analyst, entity=person)
    assert {m.record for m in activity.reports} == {approved, own_draft}
    assert activity.reports_total == 2


def test_activity_gathers_the_roles_of_one_report(
    analyst: User, agency: Agency, person: Person
) -> None:
    report = ReportFactory.create(agency=agency)
    ReportLink.objects.create(report=report, person=person, role=ReportLink.Role.SUBJECT)
    ReportLink.objects.create(report=report, person=person, role=ReportLink.Role.ASSOCIATE)
    (mention,) = selectors.entity_activity(actor=analyst, entity=person).reports
    assert mention.roles == ("Subject", "Associate")


def test_activity_lists_incidents_naming_a_person_with_their_roles(
    analyst: User, agency: Agency, person: Person
) -> None:
    incident = IncidentFactory.create(agency=agency)
    IncidentPerson.objects.create(incident=incident, person=person, role="suspect")
    IncidentPerson.objects.create(incident=incident, person=person, role="witness")
    IncidentFactory.create(agency=agency)
    activity = selectors.entity_activity(actor=analyst, entity=person)
    assert [(m.record, m.roles) for m in activity.incidents] == [(incident, ("Suspect", "Witness"))]
    assert activity.incidents_total == 1


def test_activity_of_a_location_is_its_h3_cell_or_its_address(
    analyst: User, agency: Agency, other_agency: Agency, location: Location
) -> None:
    same_cell = IncidentFactory.create(agency=agency, h3_cell=location.h3_cell, address="")
    same_address = IncidentFactory.create(
        agency=agency, h3_cell="89194ad37b3ffff", address="1 HIGH STREET"
    )
    IncidentFactory.create(agency=agency, h3_cell="89194ad37b3ffff", address="2 High Street")
    IncidentFactory.create(agency=other_agency, h3_cell=location.h3_cell)
    activity = selectors.entity_activity(actor=analyst, entity=location)
    bases = {m.record: m.roles for m in activity.incidents}
    assert bases == {same_cell: ("Same H3 cell",), same_address: ("Same address",)}


def test_timeline_merges_reports_and_incidents_oldest_first(
    analyst: User, agency: Agency, person: Person
) -> None:
    late_report = ReportLinkFactory.create(
        report__agency=agency, report__received_at=T + timedelta(days=3), person=person
    ).report
    early_report = ReportLinkFactory.create(
        report__agency=agency, report__received_at=T, person=person
    ).report
    middle = IncidentFactory.create(
        agency=agency, occurred_from=T + timedelta(days=1), occurred_to=T + timedelta(days=1)
    )
    IncidentPerson.objects.create(incident=middle, person=person, role="victim")
    timeline = selectors.entity_activity(actor=analyst, entity=person).timeline
    assert [(m.kind, m.record) for m in timeline] == [
        ("report", early_report),
        ("incident", middle),
        ("report", late_report),
    ]
    assert timeline[1].roles == ("Victim",)


def test_activity_keeps_the_most_recent_and_counts_them_all(
    analyst: User, agency: Agency, person: Person
) -> None:
    for day in range(5):
        ReportLinkFactory.create(
            report__agency=agency, report__received_at=T + timedelta(days=day), person=person
        )
    activity = selectors.entity_activity(actor=analyst, entity=person, limit=3)
    assert [m.when for m in activity.reports] == [
        T + timedelta(days=4),
        T + timedelta(days=3),
        T + timedelta(days=2),
    ]
    assert activity.reports_total == 5


def test_another_agencys_actor_sees_no_activity(
    partner: User, agency: Agency, person: Person
) -> None:
    ReportLinkFactory.create(report__agency=agency, person=person)
    activity = selectors.entity_activity(actor=partner, entity=person)
    assert activity.reports == []
    assert activity.reports_total == 0
