"""API of analysis jobs: list, retrieve (with result), run, cancel and export."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from analysis import exports, services
from analysis.api.serializers import (
    JobCreateSerializer,
    JobDetailSerializer,
    JobSerializer,
    inputs_for_service,
)
from analysis.filters import AnalysisJobFilterSet
from analysis.selectors import job_list
from ilp.actors import actor_of
from ilp.api.viewsets import SelectorGenericViewSet
from ilp.governance.access import PURPOSE_PARAMETER, api_record_opened


class _FileRenderer(BaseRenderer):
    """The export actions' only renderer (so their schema has no ``format`` choice); the file
    itself is sent as is, and errors are JSON (see ``finalize_response``)."""

    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return data if isinstance(data, bytes) else str(data).encode(self.charset)


class CSVRenderer(_FileRenderer):
    """text/csv."""

    media_type = "text/csv"
    format = "csv"


class GeoJSONRenderer(_FileRenderer):
    """application/geo+json."""

    media_type = "application/geo+json"
    format = "geojson"


class Conflict(APIException):
    """The job is not in a state that allows this (already finished, no result yet)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The job is not in a state that allows this."


def _conflict(exc: ValidationError) -> Conflict:
    return Conflict(" ".join(exc.messages))


CONFLICT_RESPONSE = OpenApiResponse(
    response={"$ref": "#/components/schemas/Error"},
    description="The job's state does not allow this: it has already finished, has no result "
    "yet, or its kind has no map.",
)


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SelectorGenericViewSet):
    """Analysis jobs the caller may see: those whose inputs they could see."""

    selector = staticmethod(job_list)
    serializer_class = JobSerializer
    filterset_class = AnalysisJobFilterSet

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return JobDetailSerializer
        return JobSerializer

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        # Errors of the export actions are JSON in the common format, whatever file type the
        # client asked for.
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(parameters=[PURPOSE_PARAMETER])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        job = self.get_object()
        api_record_opened(request, job)
        return Response(JobDetailSerializer(job).data)

    @extend_schema(request=JobCreateSerializer, responses={202: JobSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Queue an analysis; it runs in the background (poll the job for its status)."""
        payload = JobCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        job = services.job_create(
            actor=actor_of(request),
            kind=data["kind"],
            parameters=data["parameters"],
            inputs=inputs_for_service(data.get("inputs") or {}),
            seed=data.get("seed"),
            title=data["title"],
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: JobSerializer, 409: CONFLICT_RESPONSE})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Stop a queued job at once, a running one at its next step (409 once finished)."""
        try:
            job = services.job_cancel(actor=actor_of(request), job=self.get_object())
        except ValidationError as exc:
            raise _conflict(exc) from exc
        return Response(JobSerializer(job).data)

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="The result table: cells (kde, gistar) or near-repeat bands in long "
                "format.",
            ),
            (409, "application/json"): CONFLICT_RESPONSE,
        }
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="export/csv",
        url_name="export-csv",
        renderer_classes=[CSVRenderer],
    )
    def export_csv(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The result table as CSV (409 while the job has no result)."""
        return self._export(request, pk, "csv")

    @extend_schema(
        responses={
            (200, "application/geo+json"): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="A FeatureCollection of the result cells (kde, gistar) as polygons.",
            ),
            (409, "application/json"): CONFLICT_RESPONSE,
        }
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="export/geojson",
        url_name="export-geojson",
        renderer_classes=[GeoJSONRenderer],
    )
    def export_geojson(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The result cells as GeoJSON (409 while the job has no result, or for a kind without
        a map)."""
        return self._export(request, pk, "geojson")

    def _export(self, request: Request, pk: str | None, fmt: str) -> HttpResponse:
        try:
            export = exports.job_export(actor=actor_of(request), job_id=int(pk or 0), fmt=fmt)
        except ValidationError as exc:
            raise _conflict(exc) from exc
        response = HttpResponse(export.body, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        return response
