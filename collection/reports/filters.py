"""FilterSets shared by the UI lists and the API lists of reports, sources and requirements."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from collection import selectors
from collection.models import IntelligenceRequirement, Report, ReportLink, Source
from collection.reports.entity_kinds import KINDS
from collection.reports.forms import BootstrapForm
from collection.reports.search import report_search
from ilp.grading import HandlingCode, IntelligenceAssessment, SourceEvaluation
from ilp.selectors import Actor


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """The id of a related record (a whole number); an id nobody can see matches nothing."""

    field_class = forms.IntegerField


class SearchTextField(forms.CharField):
    """Free search text. NUL characters cannot be searched for, so they are dropped rather
    than refused."""

    default_validators: list[Any] = []

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).replace("\x00", "")


class SearchFilter(django_filters.CharFilter):
    """The ``q`` parameter."""

    field_class = SearchTextField


BOOLEAN_VALUES = {"true", "false", "True", "False"}


class FilterForm(BootstrapForm):
    """The form behind every FilterSet here: a parameter that is present must have a value
    (the API refuses ``?due_before=``; the UI drops empty fields before filtering, see
    ``non_empty``), and a yes/no parameter must say true or false."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, field in self.fields.items():
            if name not in self.data:
                continue
            raw = self.data.get(name)
            if raw in ("", None):
                self.add_error(name, "Give a value, or leave the parameter out.")
            elif isinstance(field, forms.NullBooleanField) and raw not in BOOLEAN_VALUES:
                self.add_error(name, "Say true or false.")
        return data


def non_empty(params: QueryDict) -> QueryDict | None:
    """A page's query string without the fields left empty (None when nothing is left)."""
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        for value in values:
            if value != "":
                kept.appendlist(key, value)
    return kept if kept else None


DATE = forms.DateInput(attrs={"type": "date"})
ANY = "Any"


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class ReportFilterSet(django_filters.FilterSet):
    """Reports by grade, source, period, status, linked entity, requirement and free text."""

    # Filters reached from other pages (an entity's or a requirement's); tucked away in the UI.
    LINKED = ("person", "location", "vehicle", "organisation", "requirement")

    q = SearchFilter(method="filter_q", label="Search title and text")
    status = django_filters.ChoiceFilter(choices=Report.Status.choices, empty_label=ANY)
    source_evaluation = django_filters.ChoiceFilter(
        choices=SourceEvaluation.choices, label="Source evaluation", empty_label=ANY
    )
    intelligence_assessment = django_filters.ChoiceFilter(
        choices=IntelligenceAssessment.choices, label="Intelligence assessment", empty_label=ANY
    )
    handling_code = django_filters.ChoiceFilter(
        choices=HandlingCode.choices, label="Handling code", empty_label=ANY
    )
    source = IdFilter(field_name="source_id", label="Source")
    received_from = django_filters.DateFilter(
        method="filter_received_from", label="Received on or after", widget=DATE
    )
    received_to = django_filters.DateFilter(
        method="filter_received_to", label="Received on or before", widget=DATE
    )
    person = IdFilter(method="filter_linked", label="Mentions person (id)")
    location = IdFilter(method="filter_linked", label="Mentions location (id)")
    vehicle = IdFilter(method="filter_linked", label="Mentions vehicle (id)")
    organisation = IdFilter(method="filter_linked", label="Mentions organisation (id)")
    requirement = IdFilter(method="filter_requirement", label="Answers requirement (id)")

    class Meta:
        model = Report
        fields: list[str] = []
        form = FilterForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page offers the sources the user may see; the API takes any id (an id the user
        # cannot see simply matches nothing, like any other filter value).
        actor = getattr(self.request, "user", None)
        if actor is not None:
            sources = selectors.source_list(actor=actor).values_list("pk", "reference")
            self.form.fields["source"].widget = forms.Select(
                choices=[("", ANY), *sources], attrs={"class": "form-select"}
            )

    def filter_q(self, queryset: QuerySet[Report], name: str, value: str) -> QuerySet[Report]:
        return report_search(queryset, value)

    def filter_received_from(
        self, queryset: QuerySet[Report], name: str, value: date
    ) -> QuerySet[Report]:
        return queryset.filter(received_at__gte=_start_of(value))

    def filter_received_to(
        self, queryset: QuerySet[Report], name: str, value: date
    ) -> QuerySet[Report]:
        return queryset.filter(received_at__lt=_start_of(value + timedelta(days=1)))

    def _actor(self) -> Actor:
        return getattr(self.request, "user", None) or AnonymousUser()

    # A report page hides the entities and requirements its reader may not see, so filtering by
    # one of those must match nothing, as for an id never used: otherwise the filter would tell
    # which visible reports mention a restricted person or answer a restricted requirement.

    def filter_linked(self, queryset: QuerySet[Report], name: str, value: int) -> QuerySet[Report]:
        if not KINDS[name].visible(self._actor()).filter(pk=value).exists():
            return queryset.none()
        links = ReportLink.objects.filter(report=OuterRef("pk"), **{f"{name}_id": value})
        return queryset.filter(Exists(links))

    def filter_requirement(
        self, queryset: QuerySet[Report], name: str, value: int
    ) -> QuerySet[Report]:
        if not selectors.requirement_list(actor=self._actor()).filter(pk=value).exists():
            return queryset.none()
        through = Report.requirements.through.objects.filter(
            report_id=OuterRef("pk"), intelligencerequirement_id=value
        )
        return queryset.filter(Exists(through))


class SourceFilterSet(django_filters.FilterSet):
    """Sources by kind, whether active, and reference."""

    q = django_filters.CharFilter(
        field_name="reference", lookup_expr="icontains", label="Reference"
    )
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices, empty_label=ANY)
    is_active = django_filters.BooleanFilter(label="Active")

    class Meta:
        model = Source
        fields: list[str] = []
        form = FilterForm


class RequirementFilterSet(django_filters.FilterSet):
    """Requirements by status, priority, due date and words in the title or question."""

    q = SearchFilter(method="filter_q", label="Search")
    status = django_filters.ChoiceFilter(
        choices=IntelligenceRequirement.Status.choices, empty_label=ANY
    )
    priority = django_filters.ChoiceFilter(
        choices=IntelligenceRequirement.Priority.choices, empty_label=ANY
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label="Due on or before", widget=DATE
    )

    class Meta:
        model = IntelligenceRequirement
        fields: list[str] = []
        form = FilterForm

    def filter_q(
        self, queryset: QuerySet[IntelligenceRequirement], name: str, value: str
    ) -> QuerySet[Any]:
        return queryset.filter(Q(title__icontains=value) | Q(question__icontains=value))
