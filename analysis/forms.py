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


class NetworkParametersForm(ParameterForm):
    """Co-offending network: which incident roles and report mentions link people, the weakest
    link kept and the community resolution."""

    kind = "network"
    show_when = {"report_roles": "include_reports=yes"}

    roles = forms.MultipleChoiceField(
        choices=[("offender", "Offender"), ("suspect", "Suspect")],
        initial=["offender", "suspect"],
        required=False,
        label="Incident roles",
        help_text="People recorded in these roles in the same incident are linked "
        "(co-offending). Untick both to link people through reports only.",
        widget=forms.CheckboxSelectMultiple,
    )
    include_reports = forms.ChoiceField(
        choices=[
            ("yes", "Yes: people named in the same report are linked"),
            ("no", "No: incidents only"),
        ],
        initial="yes",
        label="Link people named together in reports",
        help_text="Reports received in the period that name two people link them. Links "
        "resting on reports alone are drawn dashed on the chart.",
    )
    report_roles = forms.MultipleChoiceField(
        choices=[
            ("subject", "Subject"),
            ("associate", "Associate"),
            ("member", "Member"),
            ("mentioned", "Mentioned"),
            ("victim", "Victim"),
            ("witness", "Witness"),
        ],
        initial=["subject", "associate", "member", "mentioned"],
        required=False,
        label="Roles in reports",
        help_text="Only people named in these roles are linked. Victims and witnesses are left "
        "out by default: being named beside an offender is not an association.",
        widget=forms.CheckboxSelectMultiple,
    )
    min_weight = forms.IntegerField(
        initial=1,
        label="Weakest link kept",
        help_text="Keep only links between people who share at least this many incidents and "
        "reports (1–1,000). 2 or more keeps repeated associations only.",
    )
    resolution = forms.FloatField(
        initial=1,
        label="Community resolution",
        help_text="0.1–10. Above 1 finds more, smaller communities; below 1 fewer, larger "
        "ones; 1 is standard modularity.",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )

    def parameters(self) -> dict[str, Any]:
        entered = super().parameters()
        entered["include_reports"] = entered.get("include_reports", "yes") == "yes"
        if not entered["include_reports"]:
            entered.pop("report_roles", None)
        return entered

    @classmethod
    def initial_from(cls, parameters: dict[str, Any]) -> dict[str, Any]:
        initial = dict(parameters)
        if "include_reports" in initial:
            initial["include_reports"] = "yes" if initial["include_reports"] else "no"
        return initial


def _numbers_text(values: Any) -> str:
    if not isinstance(values, list):
        return str(values)
    return ",".join(f"{float(v):g}" for v in values)


class RepeatsParametersForm(ParameterForm):
    """Repeats and concentration: what counts as one place, the top percentages, the
    time-to-repeat limits and the length of the tables."""

    kind = "repeats"
    show_when = {"h3_resolution": "place=h3"}

    place = forms.ChoiceField(
        choices=[
            ("point", "Same address point (coordinates agree to about 1 m)"),
            ("h3", "Same H3 cell (for loosely geocoded data)"),
        ],
        initial="point",
        label="Same place means",
        help_text="Crimes at one address are geocoded to the same point, so the same point is "
        "the same place. Choose H3 cells when points are street centroids or jittered.",
    )
    h3_resolution = forms.IntegerField(
        initial=11,
        required=False,
        label="H3 resolution",
        help_text="7–15. Resolution 11 cells are about 25 m across, 12 about 10 m, 10 about "
        "65 m, 9 (the hotspot grid) about 175 m.",
    )
    top_percent = forms.CharField(
        initial="1,5,10,20",
        label="Top percentages",
        help_text="Shares of places, victims and offenders (above 0, at most 100, separated by "
        "commas) whose share of incidents and harm is reported: '10' answers 'how much crime "
        "happens at the top 10 % of places?'.",
    )
    within_days = forms.CharField(
        initial="7,30,90,365",
        label="Time to repeat within (days)",
        help_text="The share of repeats that came within each of these numbers of days of the "
        "previous incident at the same place or against the same victim.",
    )
    top_n = forms.IntegerField(
        initial=100,
        label="Rows in the tables",
        help_text="How many of the top places and victims to keep (1–1,000).",
    )

    def parameters(self) -> dict[str, Any]:
        entered = super().parameters()
        if entered.get("place") != "h3":
            entered.pop("h3_resolution", None)
        return entered

    @classmethod
    def initial_from(cls, parameters: dict[str, Any]) -> dict[str, Any]:
        initial = dict(parameters)
        for name in ("top_percent", "within_days"):
            if name in initial:
                initial[name] = _numbers_text(initial[name])
        return initial


class RankingParametersForm(ParameterForm):
    """Offender ranking (RFH): the window, the weight of each component, which roles count
    and how many offenders to list."""

    kind = "ranking"

    window_days = forms.FloatField(
        initial=365,
        label="Window (days)",
        help_text="Only offences in this many days up to the end of the period (To; with no "
        "end, the time the analysis runs) count (1–3,650).",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    recency_weight = forms.FloatField(
        initial=1,
        label="Recency weight",
        help_text="Weight of recency (days since the last offence; recent scores high) in the "
        "total score (0–100).",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    frequency_weight = forms.FloatField(
        initial=1,
        label="Frequency weight",
        help_text="Weight of frequency (offences in the window) in the total score (0–100).",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    harm_weight = forms.FloatField(
        initial=1,
        label="Harm weight",
        help_text="Weight of harm (the offences' harm weights, e.g. Crime Harm Index days, added "
        "up) in the total score (0–100). At least one weight must be above 0.",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    roles = forms.ChoiceField(
        choices=[
            ("offender_suspect", "Offenders and suspects"),
            ("offender", "Offenders only"),
        ],
        initial="offender_suspect",
        label="Who counts",
        help_text="People recorded in these roles in the incidents are ranked.",
    )
    top_n = forms.IntegerField(
        initial=100,
        label="Offenders listed",
        help_text="How many of the highest-scoring offenders to keep (1–1,000).",
    )


class TemporalParametersForm(ParameterForm):
    """Temporal patterns: aoristic spreading, the spike test's baseline, level and correction."""

    kind = "temporal"
    show_when = {"max_window_hours": "aoristic=equal|proportional"}

    aoristic = forms.ChoiceField(
        choices=[
            ("equal", "Aoristic, equal shares (Ratcliffe)"),
            ("proportional", "Aoristic, by time in each hour"),
            ("none", "Start time only"),
        ],
        initial="equal",
        label="Hour × weekday from",
        help_text="Many incidents are known only to have happened between two times (a "
        "burglary found after a weekend away). Aoristic analysis spreads each incident's one "
        "count over the hours of its from–to window, so no incident is pinned to a guessed "
        "time; incidents with an exact time count fully in their hour. Times are in the "
        "agency's time zone.",
    )
    max_window_hours = forms.FloatField(
        required=False,
        label="Longest window (hours)",
        help_text="Optional: leave incidents whose from–to window is longer than this out of "
        "the hour × weekday table (1–8,784). A window of days spreads almost evenly over the "
        "week and only blurs the pattern. Blank: keep every incident.",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    baseline_weeks = forms.IntegerField(
        initial=4,
        label="Spike baseline (weeks)",
        help_text="Each week is compared with the mean of this many weeks before it (1–52). "
        "Longer baselines give a steadier expectation but react later to a real change.",
    )
    alpha = forms.FloatField(
        initial=0.01,
        label="Spike significance level",
        help_text="A week is flagged when so many incidents would happen by chance less often "
        "than this (0.0001–0.2), if the weekly count were Poisson around the baseline mean.",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    correction = forms.ChoiceField(
        choices=[
            ("none", "None: flag on each week's own p-value"),
            ("bh", "Benjamini–Hochberg (false discovery rate)"),
            ("bonferroni", "Bonferroni (any false flag)"),
        ],
        initial="none",
        label="Multiple-testing correction",
        help_text="Testing a year of weeks at 0.01 flags about one quiet week in two years by "
        "chance; a correction flags fewer weeks but with more confidence.",
    )


class ForecastParametersForm(ParameterForm):
    """Hotspot forecast: cells, period length, method, forecast size and evaluation."""

    kind = "forecast"
    show_when = {
        "resolution": "grid=h3",
        "cell_size": "grid=square",
        "window": "method=moving_average",
        "half_life": "method=ewma",
        "top_k": "selection=top_k",
        "area_share": "selection=area_share",
    }

    grid = forms.ChoiceField(
        choices=[("h3", "H3 hexagons"), ("square", "Square grid")],
        initial="h3",
        help_text="The cells a forecast picks from.",
    )
    resolution = forms.IntegerField(
        initial=9,
        required=False,
        label="H3 resolution",
        help_text="6–11. Resolution 9 cells are about 0.1 km² (edge ≈ 175 m); 8 about 0.7 km²; "
        "10 about 0.015 km².",
    )
    cell_size = forms.FloatField(
        initial=250,
        required=False,
        label="Cell size (m)",
        help_text="Side of each square cell in metres (25–5,000).",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    period_days = forms.IntegerField(
        initial=28,
        label="Period (days)",
        help_text="Length of each period (1–366), counted back from the end of the analysis "
        "period: 7 for weekly deployment, 28 for four-weekly tasking.",
    )
    method = forms.ChoiceField(
        choices=[
            ("last", "Last period's hotspots"),
            ("moving_average", "Moving average of recent periods"),
            ("ewma", "Exponentially weighted (recent periods count more)"),
        ],
        initial="last",
        help_text="How each cell is scored from the past: its incidents in the last period, "
        "its mean over the last few periods, or all periods weighted by how recent they are.",
    )
    window = forms.IntegerField(
        initial=4,
        required=False,
        label="Periods averaged",
        help_text="How many of the latest periods the moving average covers (1–104).",
    )
    half_life = forms.FloatField(
        initial=2,
        required=False,
        label="Half-life (periods)",
        help_text="An incident this many periods old counts half as much as one in the last "
        "period (0.1–104).",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    selection = forms.ChoiceField(
        choices=[("top_k", "A number of cells"), ("area_share", "A share of the area")],
        initial="top_k",
        label="Forecast size",
        help_text="How much is forecast: the highest-scoring cells, as a count or as a share "
        "of the study area (what patrols can cover).",
    )
    top_k = forms.IntegerField(
        initial=20,
        required=False,
        label="Cells",
        help_text="How many cells to forecast (1–1,000). Cells with no past incidents are "
        "never forecast, so a forecast can hold fewer.",
    )
    area_share = forms.FloatField(
        initial=2,
        required=False,
        label="Share of area (%)",
        help_text="Percent of the study area to forecast (0.01–50); the study area is the "
        "cells within the outline of all the incidents.",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    evaluate = forms.ChoiceField(
        choices=[
            ("holdout", "Hold out the last period and score the forecast against it"),
            ("next", "Forecast the period after the data (no score)"),
        ],
        initial="holdout",
        label="Evaluation",
        help_text="Scoring on a held-out period tells you how far to trust the forecast (hit "
        "rate, PAI, PEI) before you deploy on the next one.",
    )

    def parameters(self) -> dict[str, Any]:
        entered = super().parameters()
        hidden = {
            "resolution": entered.get("grid") != "h3",
            "cell_size": entered.get("grid") != "square",
            "window": entered.get("method") != "moving_average",
            "half_life": entered.get("method") != "ewma",
            "top_k": entered.get("selection") != "top_k",
            "area_share": entered.get("selection") != "area_share",
        }
        return {k: v for k, v in entered.items() if not hidden.get(k, False)}


PARAMETER_FORMS: dict[str, type[ParameterForm]] = {
    form.kind: form
    for form in (
        KdeParametersForm,
        GistarParametersForm,
        NearRepeatParametersForm,
        NetworkParametersForm,
        RepeatsParametersForm,
        RankingParametersForm,
        TemporalParametersForm,
        ForecastParametersForm,
    )
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
