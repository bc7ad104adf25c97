"""UI views of analysis jobs: the list, the "New analysis" form, the job page with its live
progress and result, and the cancel, run-again and export buttons. Thin: reads go through
``analysis.selectors.job_list``, writes through ``analysis.services``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Min, QuerySet
from django.forms.utils import pretty_name
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.views import View

from analysis import exports, network_chart, services
from analysis.filters import AnalysisJobFilterSet, non_empty
from analysis.forms import NewJobForms, initial_from_job, parameter_form_class
from analysis.models import AnalysisJob
from analysis.results import MAP_KINDS, knox_table, map_payload
from analysis.runners.forecast import forecast_page
from analysis.runners.ranking import ranking_view
from analysis.runners.repeats import repeats_view
from analysis.runners.temporal import temporal_page
from analysis.selectors import job_list
from collection.selectors import incident_list, offence_type_list
from ilp.actors import actor_of
from ilp.audit import audit_record
from ilp.governance.access import record_opened
from ilp.models import AuditEvent, User
from ilp.selectors import area_list

PAGE_SIZE = 25


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _visible_job(actor: User, pk: int) -> AnalysisJob:
    return get_object_or_404(job_list(actor=actor), pk=pk)


class JobListView(LoginRequiredMixin, View):
    """Jobs the user may see, newest first, filtered by kind and status. One view: the page,
    or the table alone for HTMX (which polls it while a job on it is unfinished)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        visible = job_list(actor=actor)
        filterset = AnalysisJobFilterSet(non_empty(request.GET), queryset=visible)
        jobs: QuerySet[AnalysisJob] = visible
        if filterset.is_bound:
            jobs = filterset.qs if filterset.is_valid() else visible.none()
        page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            "filter": filterset,
            "page": page,
            "jobs": page.object_list,
            "unfinished": any(not job.is_finished for job in page.object_list),
            "querystring": request.GET.urlencode(),
            "page_query": urlencode(
                [(k, v) for k, vs in request.GET.lists() if k != "page" for v in vs if v]
            ),
            "can_add": actor.has_perm("analysis.add_analysisjob"),
        }
        template = "analysis/job_list.html"
        if _is_htmx(request):
            template = "analysis/partials/job_table.html"
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response


class JobCreateView(LoginRequiredMixin, View):
    """Choose a kind, its inputs and parameters, queue the job and go to its page.
    ``?from=<id>`` starts from an earlier job's settings."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Signed-in users who may not run analyses are refused (403); anonymous ones are sent
        # to sign in by LoginRequiredMixin.
        user = request.user
        if user.is_authenticated and not user.has_perm("analysis.add_analysisjob"):
            raise PermissionDenied("You may not run analyses.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        source = request.GET.get("from", "")
        if source.isdigit():
            earlier = _visible_job(actor, int(source))
            forms = NewJobForms(
                actor=actor, initial=initial_from_job(earlier), parameters=earlier.parameters
            )
        else:
            forms = NewJobForms(actor=actor)
        return self.render_form(forms)

    def post(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        forms = NewJobForms(request.POST, actor=actor)
        if forms.is_valid():
            data = forms.job.cleaned_data
            try:
                job = services.job_create(
                    actor=actor,
                    kind=forms.chosen,
                    parameters=forms.chosen_parameters(),
                    inputs=forms.job.inputs(),
                    seed=data.get("seed"),
                    title=data.get("title") or "",
                )
            except ValidationError as exc:
                forms.add_service_errors(exc)
            else:
                messages.success(request, f"{job} queued.")
                return redirect("analysis:job_detail", pk=job.pk)
        return self.render_form(forms, status=400)

    def render_form(self, forms: NewJobForms, status: int = 200) -> HttpResponse:
        context = {
            "forms": forms,
            "form": forms.job,
            "map_bounds": _incident_bounds(self.request),
            "incidents_url": _incident_layer_url(),
        }
        return render(self.request, "analysis/job_form.html", context, status=status)


def _incident_layer_url() -> str:
    """Collection's incident map layer (GeoJSON API), drawn under the polygon tool so the user
    sees where the incidents are even without map tiles; empty if the API is not installed."""
    try:
        return reverse("api:collection:incident-geojson")
    except NoReverseMatch:
        return ""


def _incident_bounds(request: HttpRequest) -> list[list[float]] | None:
    """Where the user's incidents are, so the drawing map starts over them."""
    extent = (
        incident_list(actor=actor_of(request))
        .filter(latitude__isnull=False, longitude__isnull=False)
        .aggregate(s=Min("latitude"), w=Min("longitude"), n=Max("latitude"), e=Max("longitude"))
    )
    if extent["s"] is None:
        return None
    return [[extent["s"], extent["w"]], [extent["n"], extent["e"]]]


class JobDetailView(LoginRequiredMixin, View):
    """One job: its settings, live progress while it runs, then its result."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        job = _visible_job(actor, pk)
        opened = record_opened(request, job, back_url=reverse("analysis:job_list"))
        if opened is not None:
            return opened
        return render(request, "analysis/job_detail.html", job_context(actor=actor, job=job))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The purpose form of a restricted job posts here (see record_opened)."""
        return self.get(request, pk)


class JobProgressView(LoginRequiredMixin, View):
    """The progress fragment the job page polls; once the job has finished it stops polling
    and, for HTMX, reloads the page so the result appears."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = _visible_job(actor_of(request), pk)
        response = render(request, "analysis/partials/job_progress.html", {"job": job})
        if job.is_finished and _is_htmx(request):
            response["HX-Refresh"] = "true"
        return response


class JobCancelView(LoginRequiredMixin, View):
    """Stop a queued or running job."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        job = _visible_job(actor, pk)
        try:
            services.job_cancel(actor=actor, job=job)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"{job}: cancellation requested.")
        return redirect("analysis:job_detail", pk=job.pk)


class JobRerunView(LoginRequiredMixin, View):
    """Queue a new job with this job's kind, inputs, parameters and seed."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        job = _visible_job(actor, pk)
        try:
            again = services.job_create(
                actor=actor,
                kind=job.kind,
                parameters=job.parameters,
                inputs=job.inputs,
                seed=job.seed,
                title=job.title,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, f"Cannot run it again: {message}")
            return redirect("analysis:job_detail", pk=job.pk)
        messages.success(request, f"{again} queued with the parameters and seed of {job}.")
        return redirect("analysis:job_detail", pk=again.pk)


class JobExportView(LoginRequiredMixin, View):
    """Download the result as CSV or GeoJSON."""

    def get(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        try:
            export = exports.job_export(actor=actor_of(request), job_id=pk, fmt=fmt)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("analysis:job_detail", pk=pk)
        response = HttpResponse(export.body, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        return response


class JobNetworkView(LoginRequiredMixin, View):
    """The link chart of a network job as JSON: one person's ego network out to N steps
    (``?person=ID&steps=N``), or the first chart without ``person``; drawn from the stored
    result, people named only where the viewer may see them."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        job = _visible_job(actor, pk)
        try:
            payload = network_chart.requested_chart(
                actor=actor,
                job=job,
                person=request.GET.get("person"),
                steps=request.GET.get("steps"),
            )
        except ValidationError as exc:
            return JsonResponse({"error": exc.message_dict}, status=400)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.VIEW,
            obj=job,
            details={"network_person": payload["person"], "steps": payload["steps"]},
        )
        return JsonResponse(payload)


def job_context(*, actor: User, job: AnalysisJob) -> dict[str, Any]:
    """What the job page shows: settings in words, buttons the user may use, and the result
    laid out for its kind."""
    finished = job.is_finished
    context: dict[str, Any] = {
        "job": job,
        "parameters": _parameter_rows(job),
        "inputs": _input_rows(actor, job),
        "polygon": (job.inputs or {}).get("polygon"),
        "can_cancel": not finished
        and (job.created_by_id == actor.pk or actor.has_perm("analysis.change_analysisjob")),
        "can_rerun": actor.has_perm("analysis.add_analysisjob"),
        "is_map": job.kind in MAP_KINDS,
    }
    result = job.result if job.status == AnalysisJob.Status.SUCCEEDED else None
    if isinstance(result, dict):
        context["result"] = result
        if job.kind in MAP_KINDS:
            context["map_data"] = map_payload(job.kind, result)
            context["map_data"]["polygon"] = context["polygon"]
        elif job.kind == "near_repeat":
            context["knox"] = knox_table(result)
        elif job.kind == "network":
            context["network"] = network_chart.network_context(actor=actor, job=job, result=result)
        elif job.kind == "repeats":
            context["repeats"] = repeats_view(actor=actor, result=result)
        elif job.kind == "ranking":
            context["ranking"] = ranking_view(actor=actor, result=result)
        elif job.kind == "temporal":
            context["temporal"] = temporal_page(result)
        if job.kind == "forecast":
            context["forecast"] = forecast_page(result)
    return context


def _parameter_rows(job: AnalysisJob) -> list[tuple[str, str]]:
    fields = parameter_form_class(job.kind).base_fields
    rows = []
    for name, value in (job.parameters or {}).items():
        label = fields[name].label if name in fields and fields[name].label else pretty_name(name)
        choices = dict(getattr(fields.get(name), "choices", None) or [])
        if name == "as_of":
            shown = _local(value) or str(value)
        elif isinstance(value, str) and value in choices:
            shown = str(choices[value])
        else:
            shown = (
                ", ".join(_plain(v) for v in value) if isinstance(value, list) else _plain(value)
            )
        rows.append((str(label), shown))
    return rows


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _input_rows(actor: User, job: AnalysisJob) -> list[tuple[str, str]]:
    inputs = job.inputs or {}
    rows = [
        ("From", _local(inputs.get("occurred_from")) or "the first incident"),
        ("To", _local(inputs.get("occurred_to")) or "the last incident"),
    ]
    offences = inputs.get("offences") or []
    names = offence_type_list(actor=actor).filter(pk__in=offences).values_list("name", flat=True)
    rows.append(("Offence types", ", ".join(names) if offences else "all"))
    if inputs.get("area") is not None:
        area = area_list(actor=actor).filter(pk=inputs["area"]).first()
        rows.append(("Area", str(area) if area else "an area you may not see"))
    elif inputs.get("polygon"):
        outlined = " (outlined on the map)" if job.kind in MAP_KINDS else ""
        rows.append(("Area", f"a drawn polygon{outlined}"))
    else:
        rows.append(("Area", "everywhere"))
    return rows


def _local(value: Any) -> str:
    parsed = parse_datetime(str(value or ""))
    if parsed is None:
        return ""
    return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M %Z")
