"""The "New analysis" form: the job's kind, inputs and seed, plus one small parameter form per
kind. Shape validation only: ranges and meaning are checked by the runner's ``clean`` and
``job_create``, whose errors are put back next to the right field.

A new kind plugs in by adding its runner to ``analysis.runners.RUNNERS`` and a ``ParameterForm``
subclass to ``PARAMETER_FORMS`` here (a kind without one runs with its defaults).
"""

from __future__ import annotations

import json
import math
import zoneinfo
from datetime import datetime, tzinfo
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from analysis.models import AnalysisJob
from analysis.runners import RUNNERS
from collection.models import OffenceType
from collection.selectors import offence_type_list
from ilp.models import Area, User
from ilp.selectors import area_list

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.HiddenInput | forms.RadioSelect):
        return ""
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class BootstrapForm(forms.Form):
    """Widgets carry Bootstrap classes and are marked invalid when their field has errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = _css_class(field.widget)
            if css:
                field.widget.attrs["class"] = css

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_invalid()

    def mark_invalid(self) -> None:
        """Add ``is-invalid`` to the widgets of fields with errors."""
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                if "is-invalid" not in css:
                    widget.attrs["class"] = f"{css} is-invalid".strip()


# -- Parameters, one form per kind -------------------------------------------------------------


class ParameterForm(BootstrapForm):
    """The parameters of one kind of analysis; the base form has none (the runner's defaults)."""

    kind: ClassVar[str] = ""
    #: Fields shown only while another of this form's fields has one of some values:
    #: ``{"resolution": "grid=h3"}`` (values separated by ``|``).
    show_when: ClassVar[dict[str, str]] = {}

    def rows(self) -> list[tuple[forms.BoundField, str]]:
        """Each field with its show-when condition in the page's terms (prefixed names)."""
        return [
            (self[name], self.add_prefix(self.show_when[name]) if name in self.show_when else "")
            for name in self.fields
        ]

    def parameters(self) -> dict[str, Any]:
        """The parameters to give the service: what was entered, defaults for what was not."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    @classmethod
    def initial_from(cls, parameters: dict[str, Any]) -> dict[str, Any]:
        """Form values showing a job's stored parameters (to run it again with changes)."""
        return dict(parameters)


class KdeParametersForm(ParameterForm):
    """Kernel density: grid cell size, bandwidth and kernel."""

    kind = "kde"

    cell_size = forms.FloatField(
        initial=100,
        label="Cell size (m)",
        help_text="Side of each grid cell in metres (5–10,000). Smaller cells, finer surface.",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    bandwidth = forms.FloatField(
        initial=400,
        label="Bandwidth (m)",
        help_text="Search radius in metres (10–50,000): how far each incident's influence "
        "spreads. Larger bandwidths give smoother, broader hotspots.",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    kernel = forms.ChoiceField(
        choices=[
            ("quartic", "Quartic (biweight)"),
            ("epanechnikov", "Epanechnikov"),
            ("gaussian", "Gaussian"),
        ],
        initial="quartic",
        help_text="Quartic is the usual choice in crime mapping.",
    )


class GistarParametersForm(ParameterForm):
    """Gi*: H3 cells at a resolution, or a square grid with its neighbourhood rule."""

    kind = "gistar"
    show_when = {"resolution": "grid=h3", "cell_size": "grid=square", "neighbours": "grid=square"}

    grid = forms.ChoiceField(
        choices=[("h3", "H3 hexagons"), ("square", "Square grid")],
        initial="h3",
        help_text="The units whose incident counts are compared with their neighbours'.",
    )
    resolution = forms.IntegerField(
        initial=9,
        required=False,
        label="H3 resolution",
        help_text="5–11. Resolution 9 cells are about 0.1 km² (edge ≈ 175 m); 8 about 0.7 km²; "
        "10 about 0.015 km².",
    )
    cell_size = forms.FloatField(
        initial=200,
        required=False,
        label="Cell size (m)",
        help_text="Side of each square cell in metres (10–10,000).",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    neighbours = forms.ChoiceField(
        choices=[("queen", "Queen (8 neighbours)"), ("rook", "Rook (4 neighbours)")],
        initial="queen",
        required=False,
        help_text="Which surrounding cells count as a square cell's neighbours.",
    )

    def parameters(self) -> dict[str, Any]:
        entered = super().parameters()
        relevant = {"h3": ("grid", "resolution"), "square": ("grid", "cell_size", "neighbours")}
        keep = relevant.get(entered.get("grid", ""), tuple(entered))
        return {k: v for k, v in entered.items() if k in keep}


def _breaks_text(values: Any) -> str:
    if not isinstance(values, list):
        return str(values)
    return ",".join(
        "inf" if v == "inf" or (isinstance(v, float) and math.isinf(v)) else f"{float(v):g}"
        for v in values
    )


class NearRepeatParametersForm(ParameterForm):
    """Near repeat: spatial and temporal band break points, distance metric, permutations."""

    kind = "near_repeat"

    spatial_bands = forms.CharField(
        initial="0,100,200,300,400,500,600",
        label="Spatial bands (m)",
        help_text="Increasing break points in metres, separated by commas; each band runs from "
        "one break up to (not including) the next.",
    )
    temporal_bands = forms.CharField(
        initial="0,7,14,21,28,35",
        label="Temporal bands (days)",
        help_text="Increasing break points in days, separated by commas.",
    )
    metric = forms.ChoiceField(
        choices=[
            ("manhattan", "Manhattan (|dx| + |dy|, a stand-in for street distance)"),
            ("euclidean", "Euclidean (straight line)"),
        ],
        initial="manhattan",
        label="Distance",
    )
    permutations = forms.IntegerField(
        initial=999,
        help_text="Monte Carlo permutations of the times (1–9,999). 999 resolves p-values down "
        "to 0.001; fewer run faster.",
    )

    def clean_spatial_bands(self) -> str:
        return str(self.cleaned_data["spatial_bands"])

    def clean_temporal_bands(self) -> str:
        return str(self.cleaned_data["temporal_bands"])

    @classmethod
    def initial_from(cls, parameters: dict[str, Any]) -> dict[str, Any]:
        initial = dict(parameters)
        for name in ("spatial_bands", "temporal_bands"):
            if name in initial:
                initial[name] = _breaks_text(initial[name])
        return initial


PARAMETER_FORMS: dict[str, type[ParameterForm]] = {
    form.kind: form for form in (KdeParametersForm, GistarParametersForm, NearRepeatParametersForm)
}


def parameter_form_class(kind: str) -> type[ParameterForm]:
    """The parameter form of ``kind`` (the empty base form when it has no parameters to ask)."""
    return PARAMETER_FORMS.get(kind, ParameterForm)


# -- Kind, inputs and seed ---------------------------------------------------------------------


def kind_choices() -> list[tuple[str, str]]:
    """The kinds the platform can run, labelled as the model labels them."""
    labels = dict(AnalysisJob.Kind.choices)
    return [(kind, labels.get(kind, kind)) for kind in RUNNERS]


class JobForm(BootstrapForm):
    """What to analyse: kind, title, period (local time), offences, area or polygon, seed."""

    INPUT_FIELDS = ("occurred_from", "occurred_to", "offences", "area", "polygon")

    kind = forms.ChoiceField(label="Analysis")
    title = forms.CharField(
        max_length=200, required=False, help_text="Optional: what the analysis is for."
    )
    occurred_from = forms.DateTimeField(
        required=False,
        label="From",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    occurred_to = forms.DateTimeField(
        required=False,
        label="To",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput)
    offences = forms.ModelMultipleChoiceField(
        queryset=OffenceType.objects.none(),
        required=False,
        label="Offence types",
        help_text="None selected: every offence type.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        empty_label="— no area: every incident with a location —",
        help_text="Only incidents inside this area are analysed.",
    )
    polygon = forms.CharField(required=False, widget=forms.HiddenInput)
    seed = forms.IntegerField(
        required=False,
        help_text="Optional: the random seed (0 or more). The same seed and parameters give the "
        "same numbers; left blank, one is chosen and stored with the job.",
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()  # type: ignore[attr-defined]
        offences = self.fields["offences"]
        assert isinstance(offences, forms.ModelMultipleChoiceField)
        offences.queryset = offence_type_list(actor=actor)
        area = self.fields["area"]
        assert isinstance(area, forms.ModelChoiceField)
        area.queryset = area_list(actor=actor)
        self.fields["occurred_from"].help_text = f"Local time ({self.zone_name()})."

    def zone(self) -> tzinfo:
        """The zone the period was entered in: the browser's (sent by the page's script) when
        it is a known IANA zone, else the server's current zone."""
        name = str(self.data.get(self.add_prefix("time_zone"), "") or "").strip()
        if name and name in zoneinfo.available_timezones():
            return zoneinfo.ZoneInfo(name)
        return timezone.get_current_timezone()

    def zone_name(self) -> str:
        """The zone's name, for the help text."""
        return str(self.zone())

    def full_clean(self) -> None:
        # Naive datetime-local values are read in the zone the user entered them in.
        with timezone.override(self.zone()):
            super().full_clean()

    def clean_polygon(self) -> dict[str, Any] | None:
        raw = (self.cleaned_data.get("polygon") or "").strip()
        if not raw:
            return None
        try:
            geometry = json.loads(raw)
        except ValueError:
            raise ValidationError("The drawn polygon could not be read; draw it again.") from None
        if not isinstance(geometry, dict):
            raise ValidationError("The drawn polygon could not be read; draw it again.")
        return geometry

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("area") is not None and data.get("polygon") is not None:
            self.add_error("polygon", "Choose an area or draw a polygon, not both.")
        return data

    def inputs(self) -> dict[str, Any]:
        """The job's inputs for the service: aware ISO times, ids, GeoJSON."""
        data = self.cleaned_data
        inputs: dict[str, Any] = {}
        for name in ("occurred_from", "occurred_to"):
            if isinstance(data.get(name), datetime):
                inputs[name] = data[name].isoformat()
        if data.get("offences"):
            inputs["offences"] = sorted(offence.pk for offence in data["offences"])
        if data.get("area") is not None:
            inputs["area"] = data["area"].pk
        if data.get("polygon") is not None:
            inputs["polygon"] = data["polygon"]
        return inputs


def initial_from_job(job: AnalysisJob) -> dict[str, Any]:
    """The job form's values showing ``job``'s kind, inputs and seed (in the current zone)."""
    inputs = job.inputs or {}
    initial: dict[str, Any] = {"kind": job.kind, "title": job.title, "seed": job.seed}
    for name in ("occurred_from", "occurred_to"):
        parsed = parse_datetime(str(inputs.get(name) or ""))
        if parsed is not None:
            initial[name] = timezone.localtime(parsed)
    initial["offences"] = inputs.get("offences") or []
    initial["area"] = inputs.get("area")
    if inputs.get("polygon"):
        initial["polygon"] = json.dumps(inputs["polygon"])
    return initial


class NewJobForms:
    """The job form and every kind's parameter form, validated and given the service's errors
    together: only the chosen kind's parameters count."""

    def __init__(
        self,
        data: Any = None,
        *,
        actor: User,
        initial: dict[str, Any] | None = None,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        self.job = JobForm(data, actor=actor, initial=initial)
        source = data if data is not None else initial or {}
        self.chosen = str(source.get("kind") or next(iter(RUNNERS)))
        self.parameters: dict[str, ParameterForm] = {}
        for kind in RUNNERS:
            form_class = parameter_form_class(kind)
            if data is not None and kind == self.chosen:
                self.parameters[kind] = form_class(data, prefix=kind)
            elif data is not None:
                # Other kinds' fields keep what was typed, unvalidated: only the chosen kind's
                # parameters are checked.
                self.parameters[kind] = form_class(prefix=kind, initial=_typed(data, kind))
            elif kind == self.chosen and parameters:
                self.parameters[kind] = form_class(
                    prefix=kind, initial=form_class.initial_from(parameters)
                )
            else:
                self.parameters[kind] = form_class(prefix=kind)

    @property
    def sections(self) -> list[tuple[str, str, ParameterForm]]:
        """Each kind's label and parameter form, in the order of the kind choices."""
        return [(kind, label, self.parameters[kind]) for kind, label in kind_choices()]

    def is_valid(self) -> bool:
        """The job form and the chosen kind's parameter form are both valid."""
        job_valid = self.job.is_valid()
        parameters = self.parameters.get(self.chosen)
        parameters_valid = parameters is None or parameters.is_valid()
        return job_valid and parameters_valid and self.chosen in self.parameters

    def chosen_parameters(self) -> dict[str, Any]:
        """The chosen kind's parameters for the service."""
        return self.parameters[self.chosen].parameters()

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put a service's ValidationError next to the field it is about."""
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.job.add_error(None, message)
            self.job.mark_invalid()
            return
        parameter_form = self.parameters.get(self.chosen)
        for name, messages in exc.message_dict.items():
            for message in messages:
                if name in self.job.fields:
                    self.job.add_error(name, message)
                elif parameter_form is not None and name in parameter_form.fields:
                    parameter_form.add_error(name, message)
                else:
                    self.job.add_error(None, message)
        self.job.mark_invalid()
        if parameter_form is not None:
            parameter_form.mark_invalid()

    @property
    def has_errors(self) -> bool:
        """Whether the job form or the chosen kind's parameters have an error."""
        chosen = self.parameters.get(self.chosen)
        chosen_errors = chosen is not None and chosen.is_bound and bool(chosen.errors)
        return bool(self.job.errors) or chosen_errors


def _typed(data: Any, kind: str) -> dict[str, Any]:
    """What was typed into one kind's parameter fields (names carry the kind as prefix)."""
    prefix = f"{kind}-"
    return {key.removeprefix(prefix): data.get(key) for key in data if key.startswith(prefix)}
