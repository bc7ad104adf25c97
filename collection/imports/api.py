"""API of collection's imports: /api/v1/collection/imports/.

- ``POST imports/`` (multipart/form-data: file, mapping, set, crs, time_format, dry_run) checks
  the file and the mapping at once and answers 202 with the queued Import; the job runs in the
  background (poll ``GET imports/{id}/`` for status, progress, counts and errors).
- ``POST imports/rows/`` (JSON: rows, dry_run) imports up to 10,000 rows synchronously and
  answers with the result object of ``manage.py import_incidents --json``.
- ``GET imports/`` and ``imports/{id}/``: the caller's agency's imports.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from collection import selectors
from collection.imports import services
from collection.imports.reading import max_upload_bytes, megabytes
from collection.imports.serializers import (
    ImportResultSerializer,
    ImportRowsSerializer,
    ImportSerializer,
    ImportUploadSerializer,
)
from collection.imports.spec import ImportSpec
from ilp.actors import actor_of
from ilp.api.errors import error_body
from ilp.api.parsers import SafeJSONParser
from ilp.api.viewsets import SelectorGenericViewSet


class ImportPermission(BasePermission):
    """Reading imports needs collection.view_import; importing needs collection.add_import."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        needed = (
            "collection.view_import" if request.method in SAFE_METHODS else "collection.add_import"
        )
        return bool(request.user and request.user.has_perm(needed))


class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SelectorGenericViewSet):
    """Bulk imports of incidents into the caller's agency, and their outcome."""

    selector = staticmethod(selectors.import_list)
    serializer_class = ImportSerializer
    permission_classes = [IsAuthenticated, ImportPermission]
    # File uploads opt in to multipart here; the platform's default is JSON only.
    parser_classes = [MultiPartParser]

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("created_by")

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={202: ImportSerializer},
        description="Upload a CSV file with its mapping; the import runs in the background.",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        upload = request.FILES.get("file")
        if upload is not None and (upload.size or 0) > max_upload_bytes():
            message = (
                f"The file is {megabytes(upload.size or 0)}; the upload limit is "
                f"{megabytes(max_upload_bytes())}."
            )
            return Response(
                error_body(413, "file_too_large", message),
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        payload = ImportUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        spec = ImportSpec(
            mapping=data["mapping"],
            fixed=data.get("set") or {},
            crs=data["crs"].strip(),
            time_format=data["time_format"],
        )
        record = services.import_submit(
            actor=actor_of(request), upload=data["file"], spec=spec, dry_run=data["dry_run"]
        )
        record.refresh_from_db()
        return Response(ImportSerializer(record).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=ImportRowsSerializer,
        responses={
            200: ImportResultSerializer,
            500: OpenApiResponse(description="The import failed as a whole; nothing was written."),
        },
        description="Import up to 10,000 incident rows synchronously (same checks as a file).",
    )
    @action(detail=False, methods=["post"], parser_classes=[SafeJSONParser])
    def rows(self, request: Request) -> Response:
        payload = ImportRowsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        records = [
            {key: value for key, value in row.items() if value not in (None, "")}
            for row in payload.validated_data["rows"]
        ]
        try:
            result = services.import_rows(
                actor=actor_of(request),
                records=records,
                dry_run=payload.validated_data["dry_run"],
                ignored=payload.unknown_keys(),
            )
        except services.ImportFailedError as exc:
            body = error_body(500, "import_failed", str(exc), {"import_id": exc.import_id})
            return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
        return Response(result.as_json())


def register_routes(router: DefaultRouter) -> None:
    """Add this part's viewsets to the collection API router."""
    router.register("imports", ImportViewSet, basename="import")
