"""What the reports, sources and requirements viewsets share: 409 on a stale version, and
audited reads (a restricted record needs the X-ILP-Purpose header)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from collection.reports.reading import audit_search
from collection.reports.versioning import StaleVersionError
from ilp.governance.access import PURPOSE_PARAMETER, api_record_opened

CONFLICT = OpenApiResponse(
    response={"$ref": "#/components/schemas/Error"},
    description="The record changed since the given version; nothing was saved.",
)


class Conflict(APIException):
    """409: the record changed since the caller loaded it."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record changed since you loaded it; reload."
    default_code = "conflict"


@contextmanager
def conflict_on_stale() -> Iterator[None]:
    """Answer a stale version with 409 Conflict (in the common error format)."""
    try:
        yield
    except StaleVersionError as exc:
        raise Conflict(exc.messages[0]) from exc


class AuditedReadsMixin:
    """Retrieve and searching list calls of a viewset leave events in the audit trail; a
    restricted record is read only with a purpose (ilp.governance.access)."""

    request: Any

    @extend_schema(parameters=[PURPOSE_PARAMETER])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # type: ignore[attr-defined]
        api_record_opened(request, instance, details=self.view_details(instance) or None)
        serializer = self.get_serializer(instance)  # type: ignore[attr-defined]
        return Response(serializer.data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)  # type: ignore[misc]
        model = self.get_queryset().model  # type: ignore[attr-defined]
        audit_search(actor=request.user, model=model, params=request.query_params.dict())
        return response

    def view_details(self, instance: Any) -> dict[str, Any]:
        """Extra facts about a read worth keeping (e.g. whether an identity was shown)."""
        return {}
