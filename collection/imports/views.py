"""UI of collection's imports: upload → map columns → check (dry run) → import → watch the job.

Views are thin: they read through collection.selectors.import_list (another agency's import is a
404) and write through collection.imports.services. Importing needs collection.add_import;
reading the history needs collection.view_import.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from collection import selectors
from collection.imports import services
from collection.imports.forms import COMMON_CRS, TIME_FORMAT_EXAMPLES, MappingForm, UploadForm
from collection.imports.mappings import guess_spec, remembered_spec
from collection.imports.reading import FileRefusedError, max_upload_bytes, megabytes
from collection.imports.spec import ImportSpec
from collection.models import Import
from ilp.actors import actor_of

ACTIVE = {Import.Status.PENDING, Import.Status.RUNNING}
# Multipart framing around the file: a request this much over the limit is refused unread.
_MULTIPART_SLACK = 64 * 1024


class _Importer(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "collection.add_import"

    def get_import(self, request: HttpRequest, pk: int) -> Import:
        return get_object_or_404(
            selectors.import_list(actor=request.user).select_related("agency", "created_by"), pk=pk
        )


class ImportListView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The agency's imports, newest first."""

    permission_required = "collection.view_import"

    def get(self, request: HttpRequest) -> HttpResponse:
        imports = selectors.import_list(actor=request.user).select_related("created_by")
        page = Paginator(imports.order_by("-created_at", "-id"), 25).get_page(
            request.GET.get("page")
        )
        can_import = request.user.has_perm("collection.add_import")
        return render(
            request, "collection/imports/list.html", {"page": page, "can_import": can_import}
        )


class ImportUploadView(_Importer):
    """Step 1: choose a file (the agency is the user's own)."""

    template_name = "collection/imports/upload.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": UploadForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_upload_bytes() + _MULTIPART_SLACK:
            refusal = (
                f"The file is about {megabytes(length)}; the upload limit is "
                f"{megabytes(max_upload_bytes())}. Split it, or import it on the server with "
                "`manage.py import_incidents`."
            )
            context = {"form": UploadForm(), "refusal": refusal}
            return render(request, self.template_name, context, status=413)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        try:
            record = services.import_upload(
                actor=actor_of(request), upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
            return render(request, self.template_name, {"form": form}, status=400)
        return redirect("collection:import_mapping", pk=record.pk)


def _editable(record: Import) -> bool:
    return record.status == Import.Status.PENDING and not (record.options or {}).get("queued_at")


class ImportMappingView(_Importer):
    """Step 2: which column feeds each field, remembered for files with the same header."""

    template_name = "collection/imports/mapping.html"

    def _page(
        self,
        request: HttpRequest,
        record: Import,
        form: MappingForm,
        status: int = 200,
        **extra: Any,
    ) -> HttpResponse:
        try:
            sample = services.stored_csv(record).sample(3)
        except FileRefusedError:
            sample = []
        context = {
            "record": record,
            "form": form,
            "header": form.header,
            "sample": sample,
            "common_crs": COMMON_CRS,
            "time_format_examples": TIME_FORMAT_EXAMPLES,
            "time_zone": record.agency.time_zone,
            **extra,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self.get_import(request, pk)
        if not _editable(record):
            return redirect("collection:import_detail", pk=pk)
        header = list((record.options or {}).get("header") or [])
        remembered = remembered_spec(agency_id=record.agency_id, header=header)
        initial = services.spec_of(record) if record.mapping else remembered or guess_spec(header)
        form = MappingForm(header=header, initial_spec=initial)
        return self._page(request, record, form, remembered=remembered is not None)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self.get_import(request, pk)
        if not _editable(record):
            return redirect("collection:import_detail", pk=pk)
        header = list((record.options or {}).get("header") or [])
        form = MappingForm(request.POST, header=header, initial_spec=ImportSpec())
        if form.is_valid():
            try:
                services.import_configure(
                    actor=actor_of(request), record=record, spec=form.cleaned_data["spec"]
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                return redirect("collection:import_preview", pk=pk)
        return self._page(request, record, form, status=400)


class ImportPreviewView(_Importer):
    """Step 3: a dry run of the first rows: how they will be stored, the errors, the counts.
    Its form starts the import (step 4)."""

    template_name = "collection/imports/preview.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self.get_import(request, pk)
        if not _editable(record):
            return redirect("collection:import_detail", pk=pk)
        if not record.mapping:
            return redirect("collection:import_mapping", pk=pk)
        context: dict[str, Any] = {"record": record, "time_zone": record.agency.time_zone}
        status = 200
        try:
            context["result"] = services.import_preview(actor=actor_of(request), record=record)
        except ValidationError as exc:
            context["refusal"] = " ".join(exc.messages)
            status = 400
        context["preview_rows"] = services.PREVIEW_ROWS
        return render(request, self.template_name, context, status=status)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self.get_import(request, pk)
        if _editable(record):
            services.import_start(actor=actor_of(request), record=record)
        return redirect("collection:import_detail", pk=pk)


class ImportDiscardView(_Importer):
    """Throw away an upload that was never imported."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self.get_import(request, pk)
        if _editable(record):
            services.import_discard(actor=actor_of(request), record=record)
        return redirect("collection:import_list")


class ImportDetailView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The job page: progress while it runs (HTMX polls the status fragment every second), then
    counts, errors, the bounding box and a link to the incidents."""

    permission_required = "collection.view_import"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = get_object_or_404(
            selectors.import_list(actor=request.user).select_related("created_by"), pk=pk
        )
        options = record.options or {}
        context = {
            "record": record,
            "options": options,
            "active": record.status in ACTIVE
            and bool(options.get("queued_at") or record.status == Import.Status.RUNNING),
            "awaiting_mapping": _editable(record),
        }
        if getattr(request, "htmx", False):
            return render(request, "collection/imports/partials/status.html", context)
        return render(request, "collection/imports/detail.html", context)
