"""Cursor pagination for every list: stable under inserts, no COUNT(*) over big tables."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, pagination
from rest_framework.request import Request


class CursorPagination(pagination.CursorPagination):
    """Newest first by primary key unless a viewset names its own ``ordering``.

    Unlike DRF's default, a malformed ``page_size`` is a 400, not silently ignored. A cursor that
    does not decode is DRF's 404 "Invalid cursor": it names a page that does not exist.
    """

    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> Any:
        """The viewset's own ``ordering`` when it names one, else newest first."""
        ordering = getattr(view, "ordering", None)
        if ordering:
            return (ordering,) if isinstance(ordering, str) else tuple(ordering)
        return super().get_ordering(request, queryset, view)

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        if len(raw) > 1:
            raise exceptions.ValidationError({"page_size": ["Give page_size once."]})
        try:
            size = int(raw[0])
        except ValueError as exc:
            raise exceptions.ValidationError({"page_size": ["Must be a whole number."]}) from exc
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [f"Must be between 1 and {self.max_page_size}."]}
            )
        return size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters
