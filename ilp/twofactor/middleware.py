"""Holds a signed-in session that owes a second factor at the door until it pays it."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_htmx.http import HttpResponseClientRedirect

from ilp.api.authentication import ApiTokenAuthentication
from ilp.api.errors import json_error
from ilp.twofactor import services

# Pages an unverified session may still open (un-namespaced URL names).
EXEMPT_URL_NAMES = frozenset(
    {"login", "logout", "healthz", "two_factor_verify", "two_factor_enrol"}
)


def uses_api_token(request: HttpRequest) -> bool:
    """Whether the request authenticates with ``Authorization: Token …`` (then the session is
    not used: DRF tries the token first and a bad token is a 401, never a session fallback)."""
    header = str(request.META.get("HTTP_AUTHORIZATION", "")).split()
    return bool(header) and header[0].lower() == ApiTokenAuthentication.keyword.lower()


def _is_exempt(request: HttpRequest) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return not match.namespace and match.url_name in EXEMPT_URL_NAMES


class TwoFactorMiddleware:
    """Send a session that owes a second factor to enrolment or verification.

    Browser pages redirect (htmx requests get HX-Redirect); session API requests get 403 in the
    common JSON error format. Token API requests are never asked: tokens are issued only from a
    verified session (``services.require_verified_session``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._owes_second_factor(request):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _owes_second_factor(request: HttpRequest) -> bool:
        if request.path_info.startswith(settings.STATIC_URL):
            return False
        user = request.user
        if not user.is_authenticated:
            return False
        if request.path.startswith("/api/") and uses_api_token(request):
            return False
        if services.is_verified(user) or not services.may_owe_second_factor(request):
            return False
        if _is_exempt(request):
            return False
        return services.session_owes_second_factor(request, user)

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            return json_error(
                request, 403, "two_factor_required", services.TWO_FACTOR_REQUIRED_MESSAGE
            )
        target = reverse("two_factor_verify")
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)
