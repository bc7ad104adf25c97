"""Who owes a second factor, enrolling an authenticator app, and checking codes.

django-otp keeps the devices: one TOTP device per user (the authenticator app) and one static
device holding single-use recovery codes. A wrong code is reported through Django's
``user_login_failed`` signal, exactly like a wrong password, so django-axes counts both together
(5 failures lock the account and the address for 10 minutes) and the audit trail records it.
"""

from __future__ import annotations

import enum
import math
from base64 import b32encode
from dataclasses import dataclass
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import (
    StaticDevice,
    StaticToken,
)
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from ilp.audit import audit_record
from ilp.models import AuditEvent, User
from ilp.roles import TWO_FACTOR_ROLES

# The pk of the unconfirmed device this session is setting up.
ENROLMENT_SESSION_KEY = "ilp_2fa_enrolment"
# Set at sign-in (and on enrolment) when the user has an authenticator app: such a session owes a
# code whatever the user's role and whatever ILP_REQUIRE_2FA says.
ENROLLED_SESSION_KEY = "ilp_2fa_enrolled"
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
TWO_FACTOR_REQUIRED_MESSAGE = (
    "Two-factor authentication is required: finish signing in with the code from your "
    "authenticator app (/accounts/2fa/verify/) before using the API from the browser."
)


class Outcome(enum.Enum):
    """What became of one code typed by the user."""

    VERIFIED = "verified"
    WRONG = "wrong"
    WAIT = "wait"  # django-otp's back-off after a wrong code: the code was not checked
    LOCKED = "locked"


@dataclass(frozen=True)
class Attempt:
    """The outcome of checking a code, the device that accepted it, and any wait required."""

    outcome: Outcome
    device: Any = None
    wait_seconds: int = 0


class TwoFactorRequired(exceptions.APIException):
    """403 in the common error format, code ``two_factor_required``."""

    status_code = 403
    default_code = "two_factor_required"
    default_detail = TWO_FACTOR_REQUIRED_MESSAGE


# -- Who must pass ------------------------------------------------------------------------------


def user_must_use_two_factor(user: User) -> bool:
    """Whether the platform requires a second factor of this user: by role, when 2FA is on.

    Superusers count as administrators whatever their groups: they can see everything.
    """
    if not settings.ILP_REQUIRE_2FA:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=TWO_FACTOR_ROLES).exists()


def is_verified(user: Any) -> bool:
    """Whether the request's user passed the second factor in this session (OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def may_owe_second_factor(request: HttpRequest) -> bool:
    """A check without a query: False when no session could owe a second factor here."""
    return bool(settings.ILP_REQUIRE_2FA or request.session.get(ENROLLED_SESSION_KEY))


def session_owes_second_factor(request: HttpRequest, user: User) -> bool:
    """Whether this signed-in, not yet verified session must pass a second factor first."""
    if request.session.get(ENROLLED_SESSION_KEY):
        return True
    return user_must_use_two_factor(user)


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Receiver of user_logged_in: a user who enrolled (even voluntarily) is asked every time."""
    if request is not None and hasattr(request, "session") and totp_device(user) is not None:
        request.session[ENROLLED_SESSION_KEY] = True


def require_verified_session(request: Request) -> None:
    """Refuse to issue an API token unless from a session that passed the second factor.

    Token requests are never asked for a code, so a token must come from a verified session;
    otherwise one stolen token (or an unverified session) could mint more.
    """
    user = request.user
    assert isinstance(user, User)
    if not (user_must_use_two_factor(user) or totp_device(user) is not None):
        return
    session_user = request._request.user  # the OTP-aware user of the browser session, if any
    if isinstance(request.successful_authenticator, SessionAuthentication) and is_verified(
        session_user
    ):
        return
    raise TwoFactorRequired(
        "Two-factor authentication is required to issue API tokens: issue them from a browser "
        "session that has passed the code from your authenticator app."
    )


# -- Devices ------------------------------------------------------------------------------------


def totp_device(user: User) -> Any:
    """The user's confirmed authenticator app, or None."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def is_recovery_device(device: Any) -> bool:
    """Whether a device that accepted a code holds recovery codes (not the authenticator app)."""
    return isinstance(device, StaticDevice)


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes the user has."""
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def enrolment_device(request: HttpRequest, user: User) -> Any:
    """The unconfirmed device this session is setting up.

    The same secret on reload, so a user who already scanned it is not confused; a fresh one in
    any other session, so a secret glimpsed by someone else is never the one confirmed later.
    """
    pk = request.session.get(ENROLMENT_SESSION_KEY)
    device = TOTPDevice.objects.filter(pk=pk, user=user, confirmed=False).first() if pk else None
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        request.session[ENROLMENT_SESSION_KEY] = device.pk
    return device


def pending_enrolment_device(request: HttpRequest, user: User) -> Any:
    """The device this session showed the user, if it is still waiting for its first code."""
    pk = request.session.get(ENROLMENT_SESSION_KEY)
    if not pk:
        return None
    return TOTPDevice.objects.filter(pk=pk, user=user, confirmed=False).first()


def qr_code_svg(device: Any) -> SafeString:
    """The device's otpauth:// URL as an inline SVG QR code, drawn here: no outside service."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
    )
    svg = image.to_string(encoding="unicode")
    # The SVG is generated from our own otpauth: URL (no user-supplied markup), so inlining is safe.
    return mark_safe(svg)  # noqa: S308


def secret_for_manual_entry(device: Any) -> str:
    """The secret in base32, in groups of four, for apps that cannot scan."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


# -- Checking codes -----------------------------------------------------------------------------


def _credentials(user: User) -> dict[str, str]:
    return {"username": user.get_username()}


def is_locked_out(request: HttpRequest, user: User) -> bool:
    """Whether code entry is locked for this user or address.

    Locked when django-axes locks the account or the address (wrong passwords and wrong codes
    count together), or when the user's devices saw the failure limit of wrong codes in a row
    within the cool-off. The second rule is needed because a right password resets axes's counts
    (AXES_RESET_ON_SUCCESS): without it, whoever holds the password could sign in again every
    four wrong codes and guess for ever. Only a right code clears a device's run of failures.
    """
    if not AxesProxyHandler.is_allowed(request, _credentials(user)):
        return True
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    limit = settings.AXES_FAILURE_LIMIT
    return any(
        model.objects.filter(
            user=user,
            throttling_failure_count__gte=limit,
            throttling_failure_timestamp__gte=since,
        ).exists()
        for model in (TOTPDevice, StaticDevice)
    )


def _device_for_code(user: User, code: str) -> Any:
    if len(code) == 6 and code.isdigit():
        return totp_device(user)
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def check_code(request: HttpRequest, *, user: User, code: str, enrolling: Any = None) -> Attempt:
    """Check a 6-digit code (or, outside enrolment, a recovery code) typed by ``user``.

    ``enrolling`` is the unconfirmed device being set up; otherwise the user's own devices are
    used. A wrong code is reported as a failed sign-in (axes and the audit trail see it).
    """
    if is_locked_out(request, user):
        return Attempt(Outcome.LOCKED)
    device = enrolling if enrolling is not None else _device_for_code(user, code)
    verified = False
    if device is not None:
        with transaction.atomic():
            device = type(device).objects.select_for_update().get(pk=device.pk)
            allowed, info = device.verify_is_allowed()
            if not allowed:
                until = (info or {}).get("locked_until") or timezone.now()
                wait = max(1, math.ceil((until - timezone.now()).total_seconds()))
                return Attempt(Outcome.WAIT, wait_seconds=wait)
            verified = device.verify_token(code)
    if verified:
        return Attempt(Outcome.VERIFIED, device=device)
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return Attempt(Outcome.LOCKED if is_locked_out(request, user) else Outcome.WRONG)


# -- Completing sign-in and enrolment -----------------------------------------------------------


def sign_in_complete(request: HttpRequest, *, user: User, device: Any, via: str) -> None:
    """Mark this session verified by ``device`` (django-otp) and record it in the audit trail."""
    # A new session key on the step up in privilege, as at the password step (session fixation).
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session[ENROLLED_SESSION_KEY] = True
    audit_record(actor=user, action=AuditEvent.Action.LOGIN, details={"second_factor": via})


def recovery_codes_issue(*, user: User) -> list[str]:
    """Replace the user's recovery codes with a fresh set; the codes are returned to show once."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
        audit_record(
            actor=user,
            action=AuditEvent.Action.CHANGE,
            obj=user,
            details={"second_factor": "recovery codes issued"},
        )
    return codes


def enrolment_complete(request: HttpRequest, *, user: User, device: Any) -> list[str]:
    """Confirm the device just proven with a first code, sign the session in with it, and
    return a first set of recovery codes (to show once)."""
    with transaction.atomic():
        device.confirmed = True
        device.name = TOTP_DEVICE_NAME
        device.save(update_fields=["confirmed", "name"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        audit_record(
            actor=user,
            action=AuditEvent.Action.CHANGE,
            obj=user,
            details={"second_factor": "authenticator app enrolled"},
        )
        codes = recovery_codes_issue(user=user)
    request.session.pop(ENROLMENT_SESSION_KEY, None)
    sign_in_complete(request, user=user, device=device, via="authenticator app (enrolment)")
    return codes
