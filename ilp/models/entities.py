"""The entities intelligence is about: people (nominals), locations, vehicles, organisations
and areas. Every stage refers to them; they live in the core so none has to import another."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ilp.models.records import Record

H3_RESOLUTION = 9  # ~0.1 km² hexagons: street-segment scale, the unit of hotspot counts.


def h3_cell_for(latitude: float | Decimal, longitude: float | Decimal) -> str:
    """The H3 cell (resolution 9) of a WGS84 point."""
    import h3

    return str(h3.latlng_to_cell(float(latitude), float(longitude), H3_RESOLUTION))


class Person(Record):
    """A person (nominal) known to the agency."""

    surname = models.CharField(max_length=100)
    forenames = models.CharField(max_length=150, blank=True)
    aliases = models.JSONField(default=list, blank=True, help_text="Other names used.")
    date_of_birth = models.DateField(null=True, blank=True)
    identifiers = models.JSONField(
        default=dict, blank=True, help_text="Reference numbers by system, e.g. {'PNC': '…'}."
    )
    description = models.TextField(blank=True)
    is_subject = models.BooleanField(
        default=False, help_text="An intelligence subject: needs reasonable suspicion."
    )
    subject_justification = models.TextField(
        blank=True,
        help_text="28 CFR Part 23 §23.20(a): the reasonable suspicion of involvement in crime.",
    )

    class Meta:
        ordering = ["surname", "forenames", "id"]
        indexes = [models.Index(fields=["agency", "surname"])]
        verbose_name_plural = "people"

    def clean(self) -> None:
        super().clean()
        if self.is_subject and len(self.subject_justification.strip()) < 20:
            raise ValidationError(
                {
                    "subject_justification": "Marking a person as an intelligence subject needs "
                    "a written reasonable-suspicion justification (28 CFR Part 23)."
                }
            )

    def __str__(self) -> str:
        name = f"{self.surname.upper()}, {self.forenames}".strip(", ")
        return f"{name} ({self.date_of_birth:%d/%m/%Y})" if self.date_of_birth else name


class Location(Record):
    """A place: an address and/or a WGS84 point with its H3 cell."""

    name = models.CharField(max_length=200, blank=True, help_text="e.g. 'Red Lion car park'.")
    address = models.CharField(max_length=300, blank=True)
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    h3_cell = models.CharField(max_length=16, blank=True, db_index=True)

    class Meta:
        ordering = ["address", "name", "id"]

    def __str__(self) -> str:
        return self.name or self.address or f"{self.latitude}, {self.longitude}"

    def clean(self) -> None:
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError("Give both latitude and longitude, or neither.")
        if not (self.address or self.name or self.latitude is not None):
            raise ValidationError("A location needs an address, a name or a point.")

    def save(self, *args: object, **kwargs: object) -> None:
        # The H3 cell is derived data, never entered: keep it in step with the point.
        if self.latitude is not None and self.longitude is not None:
            self.h3_cell = h3_cell_for(self.latitude, self.longitude)
        else:
            self.h3_cell = ""
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Vehicle(Record):
    """A vehicle, known by its registration mark."""

    registration = models.CharField(max_length=16, help_text="Stored without spaces, upper case.")
    make = models.CharField(max_length=60, blank=True)
    model = models.CharField(max_length=60, blank=True)
    colour = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["registration", "id"]
        indexes = [models.Index(fields=["agency", "registration"])]

    def __str__(self) -> str:
        detail = " ".join(p for p in (self.colour, self.make, self.model) if p)
        return f"{self.registration} ({detail})" if detail else self.registration

    def clean(self) -> None:
        super().clean()
        self.registration = "".join(self.registration.split()).upper()


class Organisation(Record):
    """A group, business or organisation (organised crime group, company, gang…)."""

    class Kind(models.TextChoices):
        CRIME_GROUP = "crime_group", "Organised crime group"
        GANG = "gang", "Street gang"
        BUSINESS = "business", "Business"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Area(Record):
    """A named area (beat, ward, operation area, buffer) as a GeoJSON polygon in WGS84."""

    class Kind(models.TextChoices):
        BEAT = "beat", "Beat"
        WARD = "ward", "Ward"
        OPERATION = "operation", "Operation area"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    geometry = models.JSONField(help_text="GeoJSON Polygon or MultiPolygon, WGS84.")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        from shapely.geometry import shape

        try:
            geom = shape(self.geometry)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise ValidationError({"geometry": f"Not a GeoJSON geometry: {exc}"}) from exc
        if geom.geom_type not in {"Polygon", "MultiPolygon"} or not geom.is_valid:
            raise ValidationError({"geometry": "Give a valid Polygon or MultiPolygon."})
