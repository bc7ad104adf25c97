"""The four kinds of entity a report can mention, described once for search, links and forms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet

from ilp import selectors as core
from ilp.models import Location, Organisation, Person, Vehicle
from ilp.selectors import Actor


@dataclass(frozen=True)
class EntityKind:
    """One kind of linkable entity: its model, its selector and how to search it."""

    key: str
    label: str
    plural: str
    model: type[Model]
    selector: Callable[..., QuerySet[Any]]
    search_fields: tuple[str, ...]
    url_name: str

    def visible(self, actor: Actor) -> QuerySet[Any]:
        """The entities of this kind the actor may see (and so may link)."""
        return self.selector(actor=actor)

    def search(self, actor: Actor, text: str, limit: int = 10) -> list[Any]:
        """Up to ``limit`` visible entities whose searchable fields contain ``text``."""
        text = text.strip()
        if self.key == "vehicle":
            text = "".join(text.split()).upper() or text
        if not text:
            return []
        query = Q()
        for name in self.search_fields:
            query |= Q(**{f"{name}__icontains": text})
        return list(self.visible(actor).filter(query)[:limit])


KINDS: dict[str, EntityKind] = {
    kind.key: kind
    for kind in (
        EntityKind(
            "person",
            "Person",
            "People",
            Person,
            core.person_list,
            ("surname", "forenames"),
            "collection:person_detail",
        ),
        EntityKind(
            "location",
            "Location",
            "Locations",
            Location,
            core.location_list,
            ("name", "address"),
            "collection:location_detail",
        ),
        EntityKind(
            "vehicle",
            "Vehicle",
            "Vehicles",
            Vehicle,
            core.vehicle_list,
            ("registration", "make", "model"),
            "collection:vehicle_detail",
        ),
        EntityKind(
            "organisation",
            "Organisation",
            "Organisations",
            Organisation,
            core.organisation_list,
            ("name",),
            "collection:organisation_detail",
        ),
    )
}
KIND_CHOICES = [(kind.key, kind.label) for kind in KINDS.values()]
