"""Filter building blocks shared by the entity and incident FilterSets, and the API's stricter
reading of them.

The same FilterSet serves a browser form and the API. A form sends every field, empty ones
meaning "any"; an API caller leaves out what it does not filter on. So the API backend refuses
an empty or repeated value where the schema promises a typed one, while the pages accept them.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from django_filters.widgets import BooleanWidget
from rest_framework import exceptions
from rest_framework.request import Request


class SearchTextField(forms.CharField):
    """Free text; NUL characters (which PostgreSQL cannot store or compare) are dropped."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).replace("\x00", "")


class TextFilter(filters.CharFilter):
    """A free-text filter: any string, empty meaning no filter."""

    field_class = SearchTextField


class AnyYesNo(BooleanWidget):
    """Any / Yes / No on a page; the API reads ``true`` and ``false``."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", "Any"), ("true", "Yes"), ("false", "No")]


class StrictFilterBackend(filters.DjangoFilterBackend):
    """django-filter for the API: a typed parameter (choice, number, date, true/false, cell,
    box) must be given once and not empty; ``true``/``false`` are the only booleans."""

    def get_filterset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            check_query(request, filterset.filters)
        return filterset


def check_query(request: Request, known: dict[str, Any]) -> None:
    """Refuse (400) repeated parameters, and empty or malformed typed ones."""
    errors: dict[str, list[str]] = {}
    for name, declared in known.items():
        values = request.query_params.getlist(name)
        if not values:
            continue
        if len(values) > 1:
            errors[name] = ["Give this parameter once."]
        elif isinstance(declared, TextFilter):
            continue
        elif values[0] == "":
            errors[name] = ["Give a value, or leave the parameter out."]
        elif isinstance(declared, django_filters.BooleanFilter) and values[0] not in (
            "true",
            "false",
        ):
            errors[name] = ["Give true or false."]
    if errors:
        raise exceptions.ValidationError(errors)
