"""UI forms of reports: shape validation only; choices are scoped to what the actor may see.

The services decide everything else (permissions, grading rules, clearance, versions) and their
errors are put back on the form by ``add_service_errors``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from collection import selectors
from collection.models import IntelligenceRequirement, Report, ReportLink, Source
from collection.reports.entity_kinds import KIND_CHOICES
from collection.reports.grading import (
    MEANINGS,
    GradeInput,
    added_conditions,
    convert,
)
from ilp.choices import Classification
from ilp.grading import GradingScheme, HandlingCode, IntelligenceAssessment, SourceEvaluation
from ilp.models import User

BLANK = [("", "—")]
DATETIME_INPUT = "%Y-%m-%dT%H:%M"


def _choices(scale: str) -> list[tuple[str, str]]:
    return BLANK + [(value, f"{value} — {meaning}") for value, meaning in MEANINGS[scale].items()]


def classification_choices(actor: User) -> list[tuple[int, str]]:
    """Classifications up to the actor's clearance."""
    return [(value, label) for value, label in Classification.choices if value <= actor.clearance]


def add_service_errors(form: forms.Form, exc: ValidationError, aliases: dict[str, str]) -> None:
    """Show a service's ValidationError on the form: by field where the form has it."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, messages in exc.message_dict.items():
        target = aliases.get(name, name)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.RadioSelect | forms.HiddenInput):
        return ""
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class BootstrapForm(forms.Form):
    """A form whose widgets carry Bootstrap 5 classes, marked invalid when they have errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = _css_class(field.widget)
            if css:
                field.widget.attrs["class"] = css

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields and "is-invalid" not in self.fields[name].widget.attrs.get(
                "class", ""
            ):
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class HandlingMixin(BootstrapForm):
    """Classification and handling code with its conditions, common to every record form."""

    classification = forms.TypedChoiceField(coerce=int, label="Security classification")
    handling_code = forms.ChoiceField(choices=BLANK + HandlingCode.choices, required=False)
    handling_conditions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Required with handling code C; they travel with the record.",
    )

    def scope_classification(self, actor: User) -> None:
        field = self.fields["classification"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = classification_choices(actor)


class ReportForm(HandlingMixin):
    """Create or edit a report; the grade can be given in 3x5x2, 5x5x5 or Admiralty."""

    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), label="Intelligence")
    received_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        label="Received",
    )
    source: forms.ModelChoiceField[Source] = forms.ModelChoiceField(
        queryset=Source.objects.none(), empty_label="— choose a source —"
    )
    original_scheme = forms.ChoiceField(
        choices=GradingScheme.choices, initial=GradingScheme.G3X5X2, label="Grading scheme"
    )
    source_evaluation = forms.ChoiceField(choices=BLANK + SourceEvaluation.choices, required=False)
    intelligence_assessment = forms.ChoiceField(
        choices=BLANK + IntelligenceAssessment.choices, required=False
    )
    legacy_source = forms.ChoiceField(
        choices=_choices("5x5x5 source"), required=False, label="Source"
    )
    legacy_intelligence = forms.ChoiceField(
        choices=_choices("5x5x5 intelligence"), required=False, label="Intelligence"
    )
    legacy_handling = forms.ChoiceField(
        choices=_choices("5x5x5 handling"), required=False, label="Handling"
    )
    admiralty_reliability = forms.ChoiceField(
        choices=_choices("admiralty reliability"), required=False, label="Source reliability"
    )
    admiralty_credibility = forms.ChoiceField(
        choices=_choices("admiralty credibility"), required=False, label="Information credibility"
    )
    requirements: forms.ModelMultipleChoiceField[IntelligenceRequirement] = (
        forms.ModelMultipleChoiceField(
            queryset=IntelligenceRequirement.objects.none(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Requirements answered",
        )
    )
    records_views = forms.BooleanField(
        required=False,
        label="Records political, religious or social views or activities",
        help_text="Tick if the report records anyone's political, religious or social views, "
        "associations or activities. That may be kept only when it relates directly to "
        "criminal conduct (28 CFR Part 23).",
    )
    views_justification = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="How they relate to criminal conduct",
        help_text="Needed when the box above is ticked, at least 20 characters: how those views "
        "or activities relate directly to the criminal conduct the report is about.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    ALIASES = {"original_grade": "original_scheme"}
    REQUIRED_BY_SCHEME: dict[str, tuple[str, ...]] = {
        GradingScheme.G3X5X2: ("source_evaluation", "intelligence_assessment", "handling_code"),
        GradingScheme.G5X5X5: ("legacy_source", "legacy_intelligence", "legacy_handling"),
        GradingScheme.ADMIRALTY: (
            "admiralty_reliability",
            "admiralty_credibility",
            "handling_code",
        ),
    }

    def __init__(self, *args: Any, actor: User, report: Report | None = None, **kwargs: Any):
        if report is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(report)
        super().__init__(*args, **kwargs)
        self.scope_classification(actor)
        sources = selectors.source_list(actor=actor)
        keep = Q(pk=report.source_id) if report is not None else Q()
        source_field = self.fields["source"]
        assert isinstance(source_field, forms.ModelChoiceField)
        source_field.queryset = sources.filter(Q(is_active=True) | keep)
        open_or_linked = Q(status=IntelligenceRequirement.Status.OPEN)
        if report is not None:
            open_or_linked |= Q(pk__in=report.requirements.values("pk"))
        requirement_field = self.fields["requirements"]
        assert isinstance(requirement_field, forms.ModelMultipleChoiceField)
        requirement_field.queryset = selectors.requirement_list(actor=actor).filter(open_or_linked)
        self.fields["version"].required = report is not None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scheme = str(data.get("original_scheme", ""))
        missing = [n for n in self.REQUIRED_BY_SCHEME.get(scheme, ()) if not data.get(n)]
        for name in missing:
            self.add_error(name, f"Required for a {scheme} grade.")
        if scheme and not missing:
            # The same conversion the service runs, so every grading error shows at once.
            try:
                convert(self.grade_input())
            except ValidationError as exc:
                add_service_errors(self, exc, self.ALIASES)
        received = data.get("received_at")
        if received is not None and received > timezone.now():
            self.add_error("received_at", "The time received cannot be in the future.")
        return data

    def grade_input(self) -> GradeInput:
        """The grade as entered, for the service to convert."""
        data = self.cleaned_data
        scheme = data["original_scheme"]
        original = ""
        if scheme == GradingScheme.G5X5X5:
            original = data["legacy_source"] + data["legacy_intelligence"] + data["legacy_handling"]
        elif scheme == GradingScheme.ADMIRALTY:
            original = data["admiralty_reliability"] + data["admiralty_credibility"]
        return GradeInput(
            scheme=scheme,
            source_evaluation=data.get("source_evaluation") or "",
            intelligence_assessment=data.get("intelligence_assessment") or "",
            original_grade=original,
            handling_code=data.get("handling_code") or "",
            handling_conditions=data.get("handling_conditions") or "",
        )


def initial_for(report: Report) -> dict[str, Any]:
    """The form's starting values for an existing report, with its grade as originally given."""
    conditions = added_conditions(report.original_scheme, report.handling_conditions)
    grade = report.original_grade
    initial: dict[str, Any] = {
        "title": report.title,
        "body": report.body,
        "received_at": report.received_at,
        "source": report.source_id,
        "classification": report.classification,
        "original_scheme": report.original_scheme,
        "source_evaluation": report.source_evaluation,
        "intelligence_assessment": report.intelligence_assessment,
        "handling_code": report.handling_code,
        "handling_conditions": conditions,
        "requirements": list(report.requirements.values_list("pk", flat=True)),
        "records_views": report.records_views,
        "views_justification": report.views_justification,
        "version": report.version,
    }
    if report.original_scheme == GradingScheme.G5X5X5 and len(grade) == 3:
        initial.update(legacy_source=grade[0], legacy_intelligence=grade[1])
        initial["legacy_handling"] = grade[2]
    elif report.original_scheme == GradingScheme.ADMIRALTY and len(grade) == 2:
        initial.update(admiralty_reliability=grade[0], admiralty_credibility=grade[1])
    return initial


class ReturnForm(BootstrapForm):
    """Why a supervisor returns a report to its author."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VersionForm(forms.Form):
    """The version a workflow button was shown for (a stale button is refused)."""

    version = forms.IntegerField(required=False)


class LinkAddForm(BootstrapForm):
    """Link an existing entity, chosen from the search results, in a role."""

    kind = forms.ChoiceField(choices=KIND_CHOICES)
    entity = forms.IntegerField(
        error_messages={"required": "Search, then choose one of the results."}
    )
    role = forms.ChoiceField(choices=ReportLink.Role.choices, initial=ReportLink.Role.MENTIONED)


class EntityCreateForm(BootstrapForm):
    """Create a new entity of the chosen kind and link it (the few fields known at the time)."""

    kind = forms.ChoiceField(choices=KIND_CHOICES)
    role = forms.ChoiceField(choices=ReportLink.Role.choices, initial=ReportLink.Role.MENTIONED)
    surname = forms.CharField(max_length=100, required=False)
    forenames = forms.CharField(max_length=150, required=False)
    date_of_birth = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Date of birth"
    )
    place_name = forms.CharField(max_length=200, required=False, label="Name")
    address = forms.CharField(max_length=300, required=False)
    registration = forms.CharField(max_length=16, required=False)
    make = forms.CharField(max_length=60, required=False)
    model = forms.CharField(max_length=60, required=False)
    colour = forms.CharField(max_length=40, required=False)
    organisation_name = forms.CharField(max_length=200, required=False, label="Name")

    REQUIRED = {"person": "surname", "vehicle": "registration", "organisation": "organisation_name"}
    FIELDS = {
        "person": {
            "surname": "surname",
            "forenames": "forenames",
            "date_of_birth": "date_of_birth",
        },
        "location": {"place_name": "name", "address": "address"},
        "vehicle": {"registration": "registration", "make": "make", "model": "model"}
        | {"colour": "colour"},
        "organisation": {"organisation_name": "name"},
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind", "")
        required = self.REQUIRED.get(kind)
        if required and not data.get(required):
            self.add_error(required, f"Required for a new {kind}.")
        if kind == "location" and not (data.get("place_name") or data.get("address")):
            self.add_error("address", "Give an address or a name for the new location.")
        return data

    def entity_fields(self) -> dict[str, Any]:
        """The model fields of the new entity, from the fields of its kind."""
        kind = self.cleaned_data["kind"]
        return {
            model_name: self.cleaned_data[form_name]
            for form_name, model_name in self.FIELDS[kind].items()
            if self.cleaned_data.get(form_name) not in (None, "")
        }

    def aliases(self) -> dict[str, str]:
        """Model field → form field, to show the service's errors by the right input."""
        return {model: form for form, model in self.FIELDS[self.cleaned_data["kind"]].items()}
