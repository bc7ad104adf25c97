"""Factories for collection records (all owned by the agency given, default a new one)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import factory

from collection.models import (
    Incident,
    IntelligenceRequirement,
    OffenceType,
    Report,
    ReportLink,
    Source,
)
from ilp.models import Location, Organisation, Person, Vehicle
from tests.factories import AgencyFactory, UserFactory

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    agency = factory.SubFactory(AgencyFactory)
    surname = factory.Sequence(lambda n: f"Surname{n}")
    forenames = "Alex"


class LocationFactory(factory.django.DjangoModelFactory[Location]):
    class Meta:
        model = Location

    agency = factory.SubFactory(AgencyFactory)
    address = factory.Sequence(lambda n: f"{n} High Street")
    latitude = 51.5
    longitude = -0.12


class VehicleFactory(factory.django.DjangoModelFactory[Vehicle]):
    class Meta:
        model = Vehicle

    agency = factory.SubFactory(AgencyFactory)
    registration = factory.Sequence(lambda n: f"AB{n:02d}CDE")


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")


class SourceFactory(factory.django.DjangoModelFactory[Source]):
    class Meta:
        model = Source

    agency = factory.SubFactory(AgencyFactory)
    kind = Source.Kind.PUBLIC
    reference = factory.Sequence(lambda n: f"SRC-{n:04d}")


class RequirementFactory(factory.django.DjangoModelFactory[IntelligenceRequirement]):
    class Meta:
        model = IntelligenceRequirement

    agency = factory.SubFactory(AgencyFactory)
    title = factory.Sequence(lambda n: f"Requirement {n}")
    question = "Who is supplying class A drugs in the town centre?"


class ReportFactory(factory.django.DjangoModelFactory[Report]):
    class Meta:
        model = Report

    agency = factory.SubFactory(AgencyFactory)
    reference = factory.Sequence(lambda n: f"IR-2026-{n:06d}")
    title = factory.Sequence(lambda n: f"Report {n}")
    body = "Subject seen dealing from a blue hatchback outside the library."
    received_at = factory.Sequence(lambda n: T0 + timedelta(hours=n))
    source = factory.SubFactory(SourceFactory, agency=factory.SelfAttribute("..agency"))
    source_evaluation = "2"
    intelligence_assessment = "B"
    status = Report.Status.APPROVED
    author = factory.SubFactory(UserFactory)


class ReportLinkFactory(factory.django.DjangoModelFactory[ReportLink]):
    class Meta:
        model = ReportLink

    report = factory.SubFactory(ReportFactory)
    person = factory.SubFactory(PersonFactory, agency=factory.SelfAttribute("..report.agency"))
    role = ReportLink.Role.SUBJECT


class OffenceTypeFactory(factory.django.DjangoModelFactory[OffenceType]):
    class Meta:
        model = OffenceType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Offence {n}")
    harm_weight = 10


class IncidentFactory(factory.django.DjangoModelFactory[Incident]):
    class Meta:
        model = Incident

    agency = factory.SubFactory(AgencyFactory)
    reference = factory.Sequence(lambda n: f"CR-{n:07d}")
    offence = factory.SubFactory(OffenceTypeFactory)
    # An hour apart, wrapping after about 200 days so that a long test session never makes an
    # incident in the future (which the incident services refuse on any later edit).
    occurred_from = factory.Sequence(lambda n: T0 + timedelta(hours=n % 4800))
    occurred_to = factory.SelfAttribute("occurred_from")
    latitude = 51.5
    longitude = -0.12
    h3_cell = "89194ad3353ffff"
