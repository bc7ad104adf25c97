"""UI forms of incidents: the incident itself and the people involved (picked by search)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from collection.entities.forms import RecordForm
from collection.incidents.services import Involvement
from collection.models import Incident, IncidentPerson, OffenceType
from collection.selectors import offence_type_list
from ilp import selectors as core_selectors
from ilp.models import Person, User

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _when(label: str, *, required: bool, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


def _coordinate(name: str, limit: int) -> forms.FloatField:
    message = f"The {name} must be between -{limit} and {limit} (decimal degrees, WGS84)."
    return forms.FloatField(
        required=False,
        min_value=-limit,
        max_value=limit,
        error_messages={"min_value": message, "max_value": message},
        widget=forms.NumberInput(attrs={"step": "any"}),
    )


class IncidentForm(RecordForm):
    """An incident entered or corrected by hand."""

    reference = forms.CharField(max_length=64, help_text="The records system's reference.")
    offence = forms.ModelChoiceField(
        queryset=OffenceType.objects.none(), empty_label="Choose an offence…"
    )
    status = forms.ChoiceField(choices=Incident.Status.choices, initial=Incident.Status.OPEN)
    occurred_from = _when("Occurred from", required=True)
    occurred_to = _when(
        "Occurred to", required=False, help_text="Leave empty when the time is known exactly."
    )
    reported_at = _when("Reported", required=False)
    address = forms.CharField(max_length=300, required=False)
    latitude = _coordinate("latitude", 90)
    longitude = _coordinate("longitude", 180)

    field_order = [
        "reference",
        "offence",
        "status",
        "occurred_from",
        "occurred_to",
        "reported_at",
        "address",
        "latitude",
        "longitude",
    ]

    # Fields laid out two to a row on wide screens.
    half_width = (
        "reference",
        "offence",
        "status",
        "occurred_from",
        "occurred_to",
        "reported_at",
        "latitude",
        "longitude",
        "classification",
        "handling_code",
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offence: forms.ModelChoiceField = self.fields["offence"]  # type: ignore[assignment]
        offence.queryset = offence_type_list(actor=actor)

    @classmethod
    def initial_from(cls, record: Any) -> dict[str, Any]:
        assert isinstance(record, Incident)
        return {
            **super().initial_from(record),
            **{name: getattr(record, name) for name in cls.field_order if name != "offence"},
            "offence": record.offence_id,
        }


class InvolvementForm(forms.Form):
    """One person involved, found with the person search, and their role."""

    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        widget=forms.HiddenInput(attrs={"data-picker-value": ""}),
        error_messages={"required": "Pick the person from the search results."},
    )
    role = forms.ChoiceField(choices=[("", "Role…"), *IncidentPerson.Role.choices])

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people: forms.ModelChoiceField = self.fields["person"]  # type: ignore[assignment]
        visible = core_selectors.person_list(actor=actor)
        people.queryset = visible
        self.person_label = self._label(visible)

    def _label(self, visible: QuerySet[Person]) -> str:
        """The chosen person's name, to show again in the search box."""
        value = self["person"].value()
        if isinstance(value, Person):
            return str(value)
        if not value:
            return ""
        try:
            return str(visible.get(pk=int(value)))
        except (ValueError, TypeError, Person.DoesNotExist):
            return ""


class BaseInvolvementFormSet(forms.BaseFormSet):
    """The involvement rows; blank extra rows are ignored, deleted rows dropped."""

    def involvements(self) -> list[Involvement]:
        """The people and roles to keep, after validation."""
        kept = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("person"):
                continue
            kept.append(Involvement(data["person"], data["role"]))
        return kept


InvolvementFormSet = forms.formset_factory(
    InvolvementForm, formset=BaseInvolvementFormSet, extra=2, can_delete=True, max_num=50
)


def involvement_initial(incident: Incident) -> list[dict[str, Any]]:
    """The formset's rows for an incident's current involvements."""
    return [
        {"person": involvement.person_id, "role": involvement.role}
        for involvement in incident.involvements.order_by("id")
    ]
