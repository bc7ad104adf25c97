"""UI forms of the core."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone


class TokenCreateForm(forms.Form):
    """Issue an API token: a name and an expiry date."""

    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. 'RMS sync'.")
    expires_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The token stops working at the start of this day (at most a year ahead).",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=90)

    def clean_expires_on(self) -> date:
        value: date = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if value <= today:
            raise forms.ValidationError("Choose a date after today.")
        if value > today + timedelta(days=366):
            raise forms.ValidationError("A token may live at most 366 days.")
        return value
