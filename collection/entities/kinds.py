"""The four kinds of entity, described once for the generic views, URLs and templates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_filters
from django.db.models import QuerySet

from collection.entities import filters, forms, services
from ilp import selectors
from ilp.models import Location, Organisation, Person, Record, Vehicle


@dataclass(frozen=True)
class EntityKind:
    """One kind of entity and everything its pages need."""

    key: str  # "person": URL names person_list …, templates person_*.html
    noun: str  # "person"
    plural: str  # "people"
    path: str  # URL segment, "people"
    model: type[Record]
    selector: Callable[..., QuerySet[Any]]
    filterset: type[django_filters.FilterSet]
    form: type[forms.RecordForm]
    create: Callable[..., Record]
    update: Callable[..., Record]

    @property
    def add_permission(self) -> str:
        """Permission a role needs to add this kind."""
        return f"ilp.add_{self.key}"

    @property
    def change_permission(self) -> str:
        """Permission a role needs to change this kind."""
        return f"ilp.change_{self.key}"

    def url_name(self, action: str) -> str:
        """e.g. ``collection:person_detail``."""
        return f"collection:{self.key}_{action}"


PERSON = EntityKind(
    "person",
    "person",
    "people",
    "people",
    Person,
    selectors.person_list,
    filters.PersonFilterSet,
    forms.PersonForm,
    services.person_create,
    lambda *, record, **kw: services.person_update(person=record, **kw),
)
LOCATION = EntityKind(
    "location",
    "location",
    "locations",
    "locations",
    Location,
    selectors.location_list,
    filters.LocationFilterSet,
    forms.LocationForm,
    services.location_create,
    lambda *, record, **kw: services.location_update(location=record, **kw),
)
VEHICLE = EntityKind(
    "vehicle",
    "vehicle",
    "vehicles",
    "vehicles",
    Vehicle,
    selectors.vehicle_list,
    filters.VehicleFilterSet,
    forms.VehicleForm,
    services.vehicle_create,
    lambda *, record, **kw: services.vehicle_update(vehicle=record, **kw),
)
ORGANISATION = EntityKind(
    "organisation",
    "organisation",
    "organisations",
    "organisations",
    Organisation,
    selectors.organisation_list,
    filters.OrganisationFilterSet,
    forms.OrganisationForm,
    services.organisation_create,
    lambda *, record, **kw: services.organisation_update(organisation=record, **kw),
)

KINDS: dict[str, EntityKind] = {k.key: k for k in (PERSON, LOCATION, VEHICLE, ORGANISATION)}
