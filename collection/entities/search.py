"""Free-text search of entities, shared by the list filters, the API ``?q=`` and the
autocomplete fragment. Each function narrows a queryset the caller has already scoped."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from collection.entities.services import normalise_registration
from ilp.models import Location, Organisation, Person, Vehicle

MAX_TERMS = 5
MAX_QUERY = 100


def terms(q: str) -> list[str]:
    """The words of a query (punctuation round them dropped), at most a few."""
    words = (word.strip(",.;:()\"'") for word in q[:MAX_QUERY].split())
    return [word for word in words if word][:MAX_TERMS]


def search_people(people: QuerySet[Person], q: str) -> QuerySet[Person]:
    """People matching every word in their surname, forenames, aliases or reference numbers
    ("smith jo" finds John SMITH)."""
    for word in terms(q):
        people = people.filter(
            Q(surname__icontains=word)
            | Q(forenames__icontains=word)
            | Q(aliases__icontains=word)
            | Q(identifiers__icontains=word)
        )
    return people


def search_locations(locations: QuerySet[Location], q: str) -> QuerySet[Location]:
    """Locations matching every word in their name or address, or whose H3 cell is ``q``."""
    words = terms(q)
    if not words:
        return locations
    match = Q()
    for word in words:
        match &= Q(name__icontains=word) | Q(address__icontains=word)
    if len(words) == 1 and len(words[0]) == 15 and words[0].isalnum():
        match |= Q(h3_cell=words[0].lower())
    return locations.filter(match)


def search_vehicles(vehicles: QuerySet[Vehicle], q: str) -> QuerySet[Vehicle]:
    """Vehicles whose registration contains ``q`` (spaces ignored), or matching every word in
    make, model or colour ("red ford")."""
    registration = normalise_registration(q[:MAX_QUERY])
    if not registration:
        return vehicles
    described = Q()
    for word in terms(q):
        described &= Q(make__icontains=word) | Q(model__icontains=word) | Q(colour__icontains=word)
    return vehicles.filter(Q(registration__icontains=registration) | described)


def search_organisations(organisations: QuerySet[Organisation], q: str) -> QuerySet[Organisation]:
    """Organisations matching every word in their name."""
    for word in terms(q):
        organisations = organisations.filter(name__icontains=word)
    return organisations
