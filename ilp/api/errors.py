"""One JSON error format for the whole API: {"error": {"status", "code", "message", "details"}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def error_body(status_code: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The common error document."""
    return {"error": {"status": status_code, "code": code, "message": message, "details": details}}


def _first_message(details: Any) -> str:
    if isinstance(details, dict):
        for field, value in details.items():
            inner = _first_message(value)
            return inner if field in {"non_field_errors", "__all__"} else f"{field}: {inner}"
    if isinstance(details, list) and details:
        return _first_message(details[0])
    return str(details)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain and framework exceptions to the common error format."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied | PermissionError):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        details = exc.detail
        body = error_body(
            response.status_code, "invalid", _first_message(details) or "Invalid input.", details
        )
    else:
        detail = exc.detail
        message = str(detail) if not isinstance(detail, dict | list) else _first_message(detail)
        code = exc.get_codes()
        body = error_body(
            response.status_code, code if isinstance(code, str) else exc.default_code, message
        )
    response.data = body
    return response


def json_error(request: HttpRequest, status_code: int, code: str, message: str) -> JsonResponse:
    """An error response outside DRF views (404 handler, middleware) in the common format."""
    return JsonResponse(error_body(status_code, code, message), status=status_code)


NOT_FOUND = status.HTTP_404_NOT_FOUND
