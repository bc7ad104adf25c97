"""Token authentication with revocable, expiring keys (see ilp.models.ApiToken).

Failed token authentications are reported to django-axes like failed password sign-ins, so an
address that keeps trying keys is locked out (429) for the cool-off, even with a valid key.
"""

from __future__ import annotations

import re
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from ilp.models import ApiToken, User

# Writing last_used_at on every request would turn each read into a write; once a minute is enough.
_LAST_USED_RESOLUTION = timedelta(minutes=1)
_NOT_KEY_CHARACTERS = re.compile(r"[^A-Za-z0-9_-]")


class TokenLockedOut(exceptions.APIException):
    """429 ``locked``: too many failed token authentications from this address."""

    status_code = 429
    default_code = "locked"
    default_detail = "Too many failed token authentications from this address."


def _axes_credentials(key: str) -> dict[str, str]:
    """What axes records for a token attempt: the key's public prefix, never the key.

    The angle brackets keep it apart from every real username (Django usernames cannot
    contain them), so token failures never lock a person's password sign-in by name.
    """
    prefix = _NOT_KEY_CHARACTERS.sub("?", key[: ApiToken.KEY_PREFIX_LENGTH])
    return {"username": f"<token:{prefix}>"}


def _locked_out() -> TokenLockedOut:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    error = TokenLockedOut(
        f"Too many failed token authentications from this address: try again in {minutes} minutes."
    )
    error.wait = settings.AXES_COOLOFF_TIME.total_seconds()  # type: ignore[attr-defined]
    return error


def _failed(
    http_request: HttpRequest, credentials: dict[str, str], message: str
) -> exceptions.AuthenticationFailed:
    """Report a failed attempt to axes (and the audit trail) and build the 401 to raise."""
    user_login_failed.send(sender=__name__, credentials=credentials, request=http_request)
    # Axes flags the request when this failure reaches the limit, and its middleware would then
    # swap in the HTML lockout page; the 401 stands, and the next attempt is refused with 429.
    http_request.axes_locked_out = False  # type: ignore[attr-defined]
    return exceptions.AuthenticationFailed(message)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>``. A wrong, expired or revoked key is refused with 401.

    After AXES_FAILURE_LIMIT failures from one address (or with one key prefix) within
    AXES_COOLOFF_TIME, every token attempt from there is refused with 429 until the cool-off
    ends, before the key is even looked at.
    """

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        http_request = request._request
        key, problem = "", ""
        if len(header) != 2:
            problem = "Invalid token header: use 'Authorization: Token <key>'."
        else:
            try:
                key = header[1].decode()
            except UnicodeError:
                problem = "Invalid token header."
        credentials = _axes_credentials(key)
        if not AxesProxyHandler.is_allowed(http_request, credentials):
            raise _locked_out()
        if problem:
            raise _failed(http_request, credentials, problem)
        token = (
            ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(key)).first()
        )
        if token is None or not token.user.is_active:
            raise _failed(http_request, credentials, "Invalid token.")
        if token.revoked_at is not None:
            raise _failed(http_request, credentials, "This token has been revoked.")
        now = timezone.now()
        if token.expires_at <= now:
            raise _failed(http_request, credentials, "This token has expired.")
        if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiTokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describes the token scheme in the OpenAPI schema."""

    target_class = "ilp.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token-based authentication: `Token <key>`.",
        }
