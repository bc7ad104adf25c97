"""Request guards that must act before any view parses a body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from ilp.api.errors import json_error


class ApiRequestLimitsMiddleware:
    """Refuse API bodies over the size limit with 413 before they are read.

    DRF reads the request stream directly, bypassing Django's DATA_UPLOAD_MAX_MEMORY_SIZE check,
    so the limit is enforced here from Content-Length.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if request.path == "/api/v1/collection/imports/":
                # Crime-data files are large: the import refuses an oversized file itself, with
                # its own message, while it streams the upload to disk.
                return self.get_response(request)
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return json_error(request, 400, "bad_request", "Content-Length is not a number.")
            if limit is not None and length > limit:
                return json_error(
                    request,
                    413,
                    "request_too_large",
                    f"The request body is {length} bytes; the limit is {limit} bytes.",
                )
        return self.get_response(request)
