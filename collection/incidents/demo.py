"""Demo incidents, people, places, vehicles and organisations for ``seed_demo``.

A few hundred incidents of the last four months round the centre of a city, concentrated in
a handful of hotspots (as real crime is), some people involved in them, and the places,
vehicles and groups an analyst would link. Idempotent: nothing is added when the demo agency
already has its demo incidents. Written straight to the tables (it is a fixture, not a user's
work, so it is neither audited nor versioned).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from collection.models import Incident, IncidentPerson, OffenceType
from ilp.demo import DemoContext
from ilp.models import Agency, Location, Organisation, Person, User, Vehicle
from ilp.models.entities import h3_cell_for

CENTRE = (53.7997, -1.5492)
INCIDENTS = 320
OFFENCES = [
    ("Theft from the person", "Theft", 40),
    ("Burglary dwelling", "Burglary", 365),
    ("Criminal damage", "Damage", 20),
    ("Assault occasioning actual bodily harm", "Violence", 180),
    ("Robbery of personal property", "Robbery", 1460),
    ("Theft from a motor vehicle", "Vehicle", 60),
    ("Possession with intent to supply (class A)", "Drugs", 1825),
    ("Online fraud (unclassified)", "Fraud", None),
]
HOTSPOTS = [
    ("Briggate", "Briggate", 53.7985, -1.5425),
    ("Kirkgate Market", "Vicar Lane", 53.7968, -1.5398),
    ("Leeds station", "New Station Street", 53.7954, -1.5479),
    ("Hyde Park Corner", "Woodhouse Lane", 53.8095, -1.5583),
    ("Harehills Lane shops", "Harehills Lane", 53.8102, -1.5123),
    ("Armley Town Street", "Town Street", 53.7981, -1.5893),
]
PEOPLE = [
    ("Marsh", "Daniel", ["Danny M"], date(1994, 3, 12), {"PNC": "94/118822K"}),
    ("Okafor", "Tunde", [], date(1989, 11, 2), {"PNC": "89/402211C"}),
    ("Kowalski", "Piotr", ["Pete"], date(2001, 6, 30), {}),
    ("Hussain", "Imran", [], date(1998, 1, 17), {"PNC": "98/090913R"}),
    ("Reilly", "Shannon", ["Shan"], date(2003, 9, 5), {}),
    ("Bennett", "Craig", ["Benny", "CB"], date(1986, 4, 22), {"PNC": "86/775510D"}),
    ("Achterberg", "Lena", [], date(1979, 12, 1), {}),
    ("Doherty", "Liam", [], date(1999, 2, 14), {"PNC": "99/300456F"}),
    ("Nowak", "Agnieszka", [], date(1992, 8, 8), {}),
    ("Clarke", "Jordan", ["JC"], date(2005, 5, 19), {}),
]
VEHICLES = [("YK19 ABX", "Ford", "Focus", "Blue"), ("LS68 TRV", "BMW", "320d", "Black")]
ORGANISATIONS = [
    ("Town Street Crew", Organisation.Kind.GANG),
    ("Harehills Supply Network", Organisation.Kind.CRIME_GROUP),
]


def seed_incidents(context: DemoContext) -> str:
    """Add the demo incidents and entities of the DEMO agency (and a few of NCP's)."""
    agency = context.agencies["DEMO"]
    if Incident.objects.filter(agency=agency, reference__startswith=_prefix(agency)).exists():
        return "already there"
    author = context.users.get("analyst")
    with transaction.atomic():
        offences = _offences()
        people = _entities(agency, author)
        made = _incidents(agency, offences, people, random.Random(2026), INCIDENTS)  # noqa: S311 - demo data
        partner = context.agencies.get("NCP")
        if partner is not None:
            _incidents(partner, offences, [], random.Random(7), 20)  # noqa: S311
    return f"{made} incidents, {len(people)} people, locations, vehicles and organisations"


def _prefix(agency: Agency) -> str:
    """Demo references look like a records system's crime numbers: DEMO/CR/00042."""
    return f"{agency.code}/CR/"


def _offences() -> list[OffenceType]:
    offences = []
    for name, category, weight in OFFENCES:
        offence, _ = OffenceType.objects.get_or_create(
            name=name,
            defaults={"category": category, "harm_weight": weight, "needs_review": weight is None},
        )
        offences.append(offence)
    return offences


def _entities(agency: Agency, author: User | None) -> list[Person]:
    people = [
        Person.objects.create(
            agency=agency,
            created_by=author,
            surname=surname,
            forenames=forenames,
            aliases=aliases,
            date_of_birth=born,
            identifiers=identifiers,
        )
        for surname, forenames, aliases, born, identifiers in PEOPLE
    ]
    for name, street, lat, lon in HOTSPOTS:
        Location.objects.create(
            agency=agency,
            created_by=author,
            name=name,
            address=f"1 {street}, Leeds",
            latitude=round(lat, 6),
            longitude=round(lon, 6),
        )
    for registration, make, model, colour in VEHICLES:
        Vehicle.objects.create(
            agency=agency,
            created_by=author,
            registration=registration.replace(" ", ""),
            make=make,
            model=model,
            colour=colour,
        )
    for name, kind in ORGANISATIONS:
        Organisation.objects.create(agency=agency, created_by=author, name=name, kind=kind)
    return people


def _incidents(
    agency: Agency,
    offences: list[OffenceType],
    people: list[Person],
    rng: random.Random,
    count: int,
) -> int:
    now = timezone.now()
    incidents = []
    for i in range(count):
        if rng.random() < 0.75:
            _, street, lat0, lon0 = rng.choice(HOTSPOTS)
            lat, lon = rng.gauss(lat0, 0.0018), rng.gauss(lon0, 0.003)
            address = f"{rng.randint(1, 120)} {street}, Leeds"
        else:
            lat = CENTRE[0] + rng.uniform(-0.04, 0.04)
            lon = CENTRE[1] + rng.uniform(-0.07, 0.07)
            address = ""
        started = now - timedelta(minutes=rng.randrange(60, 120 * 24 * 60))
        ended = started + timedelta(minutes=rng.choice((0, 0, 0, 45, 180, 600)))
        incidents.append(
            Incident(
                agency=agency,
                reference=f"{_prefix(agency)}{i + 1:05d}",
                offence=rng.choices(offences, weights=(30, 14, 18, 12, 6, 12, 5, 3))[0],
                occurred_from=started,
                occurred_to=ended,
                reported_at=ended + timedelta(minutes=rng.randrange(5, 36 * 60)),
                latitude=round(lat, 6),
                longitude=round(lon, 6),
                h3_cell=h3_cell_for(lat, lon),
                address=address,
                status=rng.choice(list(Incident.Status.values)),
            )
        )
    Incident.objects.bulk_create(incidents)
    saved = list(Incident.objects.filter(agency=agency, reference__startswith=_prefix(agency)))
    involvements = []
    for incident in rng.sample(saved, min(len(saved), 70)) if people else []:
        for person in rng.sample(people, rng.choice((1, 1, 2))):
            role = rng.choice(list(IncidentPerson.Role.values))
            involvements.append(IncidentPerson(incident=incident, person=person, role=role))
    IncidentPerson.objects.bulk_create(involvements, ignore_conflicts=True)
    return len(incidents)
