"""FilterSets of entities, shared by the UI lists and the API lists (``?q=`` searches)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as django_filters

from collection.entities import search
from collection.entities.filter_fields import AnyYesNo, TextFilter
from ilp.models import Location, Organisation, Person, Vehicle


class _SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with the free-text ``q`` of its entity kind."""

    q = TextFilter(
        method="filter_q", label="Search", help_text="Words to look for (all must match)."
    )

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        raise NotImplementedError


class PersonFilterSet(_SearchFilterSet):
    """People: by name, alias or reference number, and by date of birth."""

    born_after = django_filters.DateFilter(
        field_name="date_of_birth", lookup_expr="gte", label="Born on or after"
    )
    born_before = django_filters.DateFilter(
        field_name="date_of_birth", lookup_expr="lte", label="Born on or before"
    )

    class Meta:
        model = Person
        fields = ["q", "born_after", "born_before"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search.search_people(queryset, value)


class LocationFilterSet(_SearchFilterSet):
    """Locations: by name or address, H3 cell, and whether they have a point."""

    h3_cell = TextFilter(field_name="h3_cell", label="H3 cell")
    has_point = django_filters.BooleanFilter(
        field_name="latitude",
        lookup_expr="isnull",
        exclude=True,
        label="Has a map point",
        widget=AnyYesNo,
    )

    class Meta:
        model = Location
        fields = ["q", "h3_cell", "has_point"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search.search_locations(queryset, value)


class VehicleFilterSet(_SearchFilterSet):
    """Vehicles: by registration (spaces ignored), make, model or colour."""

    make = TextFilter(field_name="make", lookup_expr="iexact")
    colour = TextFilter(field_name="colour", lookup_expr="iexact")

    class Meta:
        model = Vehicle
        fields = ["q", "make", "colour"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search.search_vehicles(queryset, value)


class OrganisationFilterSet(_SearchFilterSet):
    """Organisations: by name and kind."""

    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices)

    class Meta:
        model = Organisation
        fields = ["q", "kind"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search.search_organisations(queryset, value)
