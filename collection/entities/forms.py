"""UI forms of entities: shape validation only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ilp.choices import Classification
from ilp.grading import HandlingCode
from ilp.models import Location, Organisation, Person, Record, Vehicle

TEXTAREA = {"rows": 3}


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where the form has it."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message if target else _prefixed(field, message))


def _prefixed(field: str, message: str) -> str:
    if field == "__all__":
        return message
    return f"{field.replace('_', ' ').capitalize()}: {message}"


class RecordForm(forms.Form):
    """The marking every record carries, and the version an edit started from."""

    classification = forms.TypedChoiceField(
        choices=Classification.choices, coerce=int, initial=Classification.OFFICIAL
    )
    handling_code = forms.ChoiceField(choices=HandlingCode.choices, initial=HandlingCode.P)
    handling_conditions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Required with handling code C: the conditions travel with the record.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    marking_fields = ("classification", "handling_code", "handling_conditions")

    @classmethod
    def initial_from(cls, record: Record) -> dict[str, Any]:
        """Initial values of an edit form from the stored record."""
        return {
            "classification": record.classification,
            "handling_code": record.handling_code,
            "handling_conditions": record.handling_conditions,
            "version": record.version,
        }

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values the service takes (everything but the version)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class PersonForm(RecordForm):
    """A person (nominal)."""

    surname = forms.CharField(max_length=100)
    forenames = forms.CharField(max_length=150, required=False)
    aliases = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Other names used, one a line.",
    )
    date_of_birth = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    identifiers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Reference numbers, one a line, as SYSTEM: number (e.g. PNC: 12/345678A).",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs=TEXTAREA))
    is_subject = forms.BooleanField(
        required=False,
        label="Intelligence subject",
        help_text="Tick only when there is reasonable suspicion that this person is involved in "
        "criminal activity (28 CFR Part 23). Someone merely mentioned, a victim or a witness is "
        "not a subject.",
    )
    subject_justification = forms.CharField(
        required=False,
        max_length=2000,
        label="Reasonable-suspicion justification",
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Needed when the person is a subject: the facts that tie them to criminal "
        "activity (what was seen or reported, and where it is recorded), at least 20 "
        "characters. It is kept in the audit trail.",
    )

    field_order = [
        "surname",
        "forenames",
        "aliases",
        "date_of_birth",
        "identifiers",
        "description",
        "is_subject",
        "subject_justification",
    ]

    @classmethod
    def initial_from(cls, record: Record) -> dict[str, Any]:
        assert isinstance(record, Person)
        return {
            **super().initial_from(record),
            "surname": record.surname,
            "forenames": record.forenames,
            "aliases": "\n".join(record.aliases or []),
            "date_of_birth": record.date_of_birth,
            "identifiers": "\n".join(f"{k}: {v}" for k, v in (record.identifiers or {}).items()),
            "description": record.description,
            "is_subject": record.is_subject,
            "subject_justification": record.subject_justification,
        }

    def clean_aliases(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()]

    def clean_identifiers(self) -> dict[str, str]:
        identifiers: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["identifiers"].splitlines(), start=1):
            if not line.strip():
                continue
            system, colon, value = line.partition(":")
            if not colon or not system.strip() or not value.strip():
                raise ValidationError(f"Line {number}: write it as SYSTEM: number.")
            identifiers[system.strip()] = value.strip()
        return identifiers


def _coordinate(name: str, limit: int) -> forms.DecimalField:
    message = f"The {name} must be between -{limit} and {limit} (decimal degrees, WGS84)."
    return forms.DecimalField(
        required=False,
        min_value=-limit,
        max_value=limit,
        error_messages={"min_value": message, "max_value": message},
        widget=forms.NumberInput(attrs={"step": "any"}),
    )


class LocationForm(RecordForm):
    """A place: a name, an address and/or a WGS84 point."""

    name = forms.CharField(max_length=200, required=False, help_text="e.g. Red Lion car park.")
    address = forms.CharField(max_length=300, required=False)
    latitude = _coordinate("latitude", 90)
    longitude = _coordinate("longitude", 180)

    field_order = ["name", "address", "latitude", "longitude"]

    @classmethod
    def initial_from(cls, record: Record) -> dict[str, Any]:
        assert isinstance(record, Location)
        return {
            **super().initial_from(record),
            "name": record.name,
            "address": record.address,
            "latitude": record.latitude,
            "longitude": record.longitude,
        }


class VehicleForm(RecordForm):
    """A vehicle."""

    registration = forms.CharField(max_length=20, help_text="Spaces are ignored.")
    make = forms.CharField(max_length=60, required=False)
    model = forms.CharField(max_length=60, required=False)
    colour = forms.CharField(max_length=40, required=False)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs=TEXTAREA))

    field_order = ["registration", "make", "model", "colour", "description"]

    @classmethod
    def initial_from(cls, record: Record) -> dict[str, Any]:
        assert isinstance(record, Vehicle)
        return {
            **super().initial_from(record),
            "registration": record.registration,
            "make": record.make,
            "model": record.model,
            "colour": record.colour,
            "description": record.description,
        }


class OrganisationForm(RecordForm):
    """An organisation."""

    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Organisation.Kind.choices, initial=Organisation.Kind.OTHER)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs=TEXTAREA))

    field_order = ["name", "kind", "description"]

    @classmethod
    def initial_from(cls, record: Record) -> dict[str, Any]:
        assert isinstance(record, Organisation)
        return {
            **super().initial_from(record),
            "name": record.name,
            "kind": record.kind,
            "description": record.description,
        }
