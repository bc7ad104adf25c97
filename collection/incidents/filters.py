"""The incident FilterSet, shared by the list page, the map page, the API list and GeoJSON.

Filters narrow; they do not judge. An offence, import or H3 cell that does not exist matches no
incident (an empty result, not an error), a day outside the platform's years is clamped to
them, and a box is clipped to the world. What is malformed (not a number, not hexadecimal, not
four numbers) is refused with a message naming the parameter.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

import h3
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from collection.entities.filter_fields import AnyYesNo, TextFilter
from collection.models import Incident
from ilp.models.entities import H3_RESOLUTION

BBox = tuple[float, float, float, float]

H3_PATTERN = r"^[0-9A-Fa-f]{15,16}$"
_NUMBER = r"\s*-?\d+(\.\d+)?\s*"
BBOX_PATTERN = rf"^{_NUMBER}(,{_NUMBER}){{3}}$"


def descendant_range(cell: str) -> tuple[str, str]:
    """The first and last resolution-9 index under ``cell``.

    An H3 index holds, after its base cell, one 3-bit digit per resolution (7 = unused). The
    resolution-9 cells under a coarser cell share every bit before its last digit, so in
    numeric order (and, for the 15-character lower-case strings stored, text order) they fill
    the range from all further digits 0 to all 6. Stored cells are valid, so a range scan
    finds exactly them, at any resolution, on the index of ``h3_cell``. A cell finer than 9
    stands for its resolution-9 parent.
    """
    resolution = h3.get_resolution(cell)
    if resolution >= H3_RESOLUTION:
        parent = h3.cell_to_parent(cell, H3_RESOLUTION)
        return parent, parent
    first = h3.cell_to_center_child(cell, H3_RESOLUTION)
    number = h3.str_to_int(first)
    for digit in range(resolution + 1, H3_RESOLUTION + 1):
        shift = (15 - digit) * 3
        number = (number & ~(7 << shift)) | (6 << shift)
    return first, h3.int_to_str(number)


class H3CellField(forms.CharField):
    """A hexadecimal H3 index (any resolution)."""

    def clean(self, value: Any) -> str:
        cell = str(super().clean(value) or "").strip().lower()
        if cell and not re.match(H3_PATTERN, cell):
            raise ValidationError("Not an H3 cell index (15 hexadecimal characters).")
        return cell


@extend_schema_field({"type": "string", "pattern": H3_PATTERN})
class H3CellFilter(filters.CharFilter):
    """Incidents in an H3 cell of any resolution (a coarser one includes all its children)."""

    field_class = H3CellField

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        if not value:
            return qs
        if not h3.is_valid_cell(value):
            return qs.none()
        first, last = descendant_range(value)
        return qs.filter(h3_cell__gte=first, h3_cell__lte=last)


class BBoxField(forms.CharField):
    """``west,south,east,north`` in decimal degrees (WGS84), as GeoJSON orders a box."""

    def clean(self, value: Any) -> BBox | None:
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        if not re.match(BBOX_PATTERN, text):
            raise ValidationError("Give the box as west,south,east,north in degrees.")
        west, south, east, north = (float(part) for part in text.split(","))
        # Clipped to the world and put in order: a box is a view, not a claim.
        west, east = sorted(min(max(v, -180.0), 180.0) for v in (west, east))
        south, north = sorted(min(max(v, -90.0), 90.0) for v in (south, north))
        return west, south, east, north


@extend_schema_field({"type": "string", "pattern": BBOX_PATTERN})
class BBoxFilter(filters.CharFilter):
    """Incidents whose point lies inside the box."""

    field_class = BBoxField

    def filter(self, qs: QuerySet[Any], value: BBox | None) -> QuerySet[Any]:
        if not value:
            return qs
        west, south, east, north = value
        return qs.filter(
            latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
        )


class DayField(forms.DateField):
    """A calendar day, clamped to the platform's years (a day beyond them matches the same
    incidents as its first or last day)."""

    def clean(self, value: Any) -> date | None:
        day: date | None = super().clean(value)
        if day is None:
            return None
        return min(max(day, date(settings.ILP_MIN_YEAR, 1, 1)), date(settings.ILP_MAX_YEAR, 12, 31))


class DayFilter(filters.DateFilter):
    """A calendar day."""

    field_class = DayField


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A whole-number identifier; one that does not exist matches nothing."""

    field_class = forms.IntegerField

    def filter(self, qs: QuerySet[Any], value: int | None) -> QuerySet[Any]:
        # Ids are positive 64-bit integers: a database refuses to compare with larger ones.
        if value is not None and not 0 < value < 2**63:
            return qs.none()
        return super().filter(qs, value)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class IncidentFilterSet(filters.FilterSet):
    """Incidents by offence, category, status, when they started, where, and provenance."""

    q = TextFilter(field_name="reference", lookup_expr="icontains", label="Reference")
    offence = IdFilter(field_name="offence_id", label="Offence")
    offence_category = TextFilter(field_name="offence__category", label="Offence category")
    status = filters.ChoiceFilter(choices=Incident.Status.choices, label="Status")
    occurred_after = DayFilter(
        method="filter_occurred_after",
        label="Occurred from",
        help_text="Incidents that started on or after this day.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    occurred_before = DayFilter(
        method="filter_occurred_before",
        label="Occurred to",
        help_text="Incidents that started on or before this day.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    h3_cell = H3CellFilter(
        label="H3 cell", help_text="Any resolution; a coarser cell includes its children."
    )
    has_location = filters.BooleanFilter(
        field_name="latitude",
        lookup_expr="isnull",
        exclude=True,
        label="Has location",
        widget=AnyYesNo,
    )
    source_import = IdFilter(field_name="source_import_id", label="Import")
    bbox = BBoxFilter(label="Box", help_text="west,south,east,north in degrees (WGS84).")

    class Meta:
        model = Incident
        fields: list[str] = []

    def filter_occurred_after(self, qs: QuerySet[Any], name: str, value: date) -> QuerySet[Any]:
        return qs.filter(occurred_from__gte=_day_start(value))

    def filter_occurred_before(self, qs: QuerySet[Any], name: str, value: date) -> QuerySet[Any]:
        return qs.filter(occurred_from__lt=_day_start(value + timedelta(days=1)))


# Parameters the pages do not show as form fields (the map sets the box itself).
UI_HIDDEN = ("bbox",)


def choices_with_any(choices: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """Choices of a select on the page, with "Any" first."""
    return [("", "Any"), *choices]
