"""The job list's filters, shared by the Analyses page and the API list."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.http import QueryDict

from analysis.models import AnalysisJob

_SELECT = forms.Select(attrs={"class": "form-select form-select-sm"})


class JobFilterForm(forms.Form):
    """A parameter that is present must have a value: the API refuses ``?status=`` rather
    than read it as "any" (the page drops empty fields first, see ``non_empty``)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.fields:
            if name in self.data and self.data.get(name) in ("", None):
                self.add_error(name, "Give a value, or leave the parameter out.")
        return data


def non_empty(params: QueryDict) -> QueryDict | None:
    """A page's query string without the fields left empty (None when nothing is left)."""
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        for value in values:
            if value != "":
                kept.appendlist(key, value)
    return kept or None


class AnalysisJobFilterSet(django_filters.FilterSet):
    """Filter jobs by analysis kind and status."""

    kind = django_filters.ChoiceFilter(
        choices=AnalysisJob.Kind.choices, empty_label="Any analysis", widget=_SELECT
    )
    status = django_filters.ChoiceFilter(
        choices=AnalysisJob.Status.choices, empty_label="Any status", widget=_SELECT
    )

    class Meta:
        model = AnalysisJob
        fields = ["kind", "status"]
        form = JobFilterForm
