"""Forms of the governance pages: shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from ilp.models import Agency, Unit, User


class ReviewForm(forms.Form):
    """Validate (with the next review date) or purge a record that came due."""

    decision = forms.ChoiceField(choices=[("validate", "Validate and retain"), ("purge", "Purge")])
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), min_length=10)
    next_review = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For 'validate': when to review again (default: the agency's full period).",
    )


class ShareForm(forms.Form):
    """Disseminate a record to another agency, or one person in it."""

    recipient_agency = forms.ModelChoiceField(queryset=Agency.objects.none())
    recipient_user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        help_text="Leave blank to share with the whole agency.",
    )
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    conditions_acknowledged = forms.BooleanField(
        required=False, label="The recipient is shown the handling conditions"
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = actor.agency_id or 0
        _choices(self, "recipient_agency", Agency.objects.exclude(pk=own))
        recipients = User.objects.filter(is_active=True, agency__isnull=False)
        _choices(self, "recipient_user", recipients.exclude(agency_id=own).select_related("agency"))


class RestrictForm(forms.Form):
    """Restrict a record to named people and units of its agency."""

    users = forms.ModelMultipleChoiceField(queryset=User.objects.none(), required=False)
    units = forms.ModelMultipleChoiceField(queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "users", User.objects.filter(agency_id=agency_id, is_active=True))
        _choices(self, "units", Unit.objects.filter(agency_id=agency_id))


def _choices(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Scope a model choice field to what the actor may pick."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset
