"""Two-factor pages: verification, enrolment (QR code drawn locally) and the user's status."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from ilp.actors import actor_of
from ilp.twofactor import services
from ilp.twofactor.forms import CodeForm
from ilp.twofactor.services import Outcome


def wrong_code_message() -> str:
    """What a user who typed a wrong code is told, with the lockout rule that awaits."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        "That code is not right. Enter the code your authenticator app shows now (it changes "
        f"every 30 seconds). After {settings.AXES_FAILURE_LIMIT} wrong codes, sign-in is locked "
        f"for {minutes} minutes."
    )


def wait_message(seconds: int) -> str:
    """What a user who typed a code too soon after a wrong one is told (it was not checked)."""
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many tries in a row: wait {seconds} {unit}, then enter the code your app shows."


class TwoFactorPageView(LoginRequiredMixin, View):
    """Shared by the pages an unverified session may open: 'next', the lockout answer."""

    request: HttpRequest

    def next_url(self) -> str:
        """Where to go once verified: the page first asked for, if it is on this site."""
        candidate = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if candidate and url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return candidate
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def with_next(self, url_name: str) -> str:
        return f"{reverse(url_name)}?{urlencode({'next': self.next_url()})}"

    def base_context(self) -> dict[str, Any]:
        # No navigation until the second factor is passed: every entry would lead back here.
        return {"nav_groups": [], "next": self.next_url(), "issuer": settings.OTP_TOTP_ISSUER}

    def locked(self) -> HttpResponse:
        """End the half-signed-in session and say why, as for too many wrong passwords."""
        logout(self.request)
        context = {"cooloff_timedelta": settings.AXES_COOLOFF_TIME}
        return render(self.request, "registration/locked.html", context, status=429)


class TwoFactorVerifyView(TwoFactorPageView):
    """Enter the 6-digit code (or a recovery code) to finish signing in."""

    template_name = "registration/2fa_verify.html"

    def _render(self, form: CodeForm, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"form": form, **self.base_context()},
            status=status,
        )

    def _preflight(self, request: HttpRequest) -> HttpResponse | None:
        if services.is_verified(request.user):
            return redirect(self.next_url())
        user = actor_of(request)
        if services.totp_device(user) is None:
            if not services.user_must_use_two_factor(user):
                # A voluntary app was removed (by an administrator): nothing is owed any more.
                request.session.pop(services.ENROLLED_SESSION_KEY, None)
                return redirect(self.next_url())
            return redirect(self.with_next("two_factor_enrol"))
        if services.is_locked_out(request, user):
            return self.locked()
        return None

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._preflight(request) or self._render(CodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        early = self._preflight(request)
        if early is not None:
            return early
        user = actor_of(request)
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        attempt = services.check_code(request, user=user, code=form.cleaned_data["code"])
        if attempt.outcome is Outcome.LOCKED:
            return self.locked()
        if attempt.outcome is Outcome.WAIT:
            form.add_error("code", wait_message(attempt.wait_seconds))
            return self._render(form, status=429)
        if attempt.outcome is Outcome.WRONG:
            form.add_error("code", wrong_code_message())
            return self._render(form, status=400)
        recovery = services.is_recovery_device(attempt.device)
        services.sign_in_complete(
            request,
            user=user,
            device=attempt.device,
            via="recovery code" if recovery else "authenticator app",
        )
        if recovery:
            left = services.recovery_codes_left(user)
            messages.warning(
                request,
                f"You signed in with a recovery code; {left} left. Issue new ones under "
                "Account → Two-factor sign-in.",
            )
        return redirect(self.next_url())


class TwoFactorEnrolView(TwoFactorPageView):
    """Add an authenticator app: scan the QR code (or type the key), then confirm a first code."""

    template_name = "registration/2fa_enrol.html"

    def _render(self, device: Any, form: CodeForm, status: int = 200) -> HttpResponse:
        user = actor_of(self.request)
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "qr_svg": services.qr_code_svg(device),
                "secret": services.secret_for_manual_entry(device),
                "required": services.user_must_use_two_factor(user),
                **self.base_context(),
            },
            status=status,
        )

    def _preflight(self, request: HttpRequest) -> HttpResponse | None:
        if services.totp_device(actor_of(request)) is not None:
            # Replacing an app needs the old one (or an administrator): verify first.
            if services.is_verified(request.user):
                messages.info(request, "Two-factor sign-in is already set up for your account.")
                return redirect("two_factor_status")
            return redirect(self.with_next("two_factor_verify"))
        if services.is_locked_out(request, actor_of(request)):
            return self.locked()
        return None

    def get(self, request: HttpRequest) -> HttpResponse:
        early = self._preflight(request)
        if early is not None:
            return early
        device = services.enrolment_device(request, actor_of(request))
        return self._render(device, CodeForm(allow_recovery=False))

    def post(self, request: HttpRequest) -> HttpResponse:
        early = self._preflight(request)
        if early is not None:
            return early
        user = actor_of(request)
        device = services.pending_enrolment_device(request, user)
        if device is None:
            messages.warning(request, "That set-up had expired: scan this new code instead.")
            return redirect(self.with_next("two_factor_enrol"))
        form = CodeForm(request.POST, allow_recovery=False)
        if not form.is_valid():
            return self._render(device, form, status=400)
        attempt = services.check_code(
            request, user=user, code=form.cleaned_data["code"], enrolling=device
        )
        if attempt.outcome is Outcome.LOCKED:
            return self.locked()
        if attempt.outcome is Outcome.WAIT:
            form.add_error("code", wait_message(attempt.wait_seconds))
            return self._render(device, form, status=429)
        if attempt.outcome is Outcome.WRONG:
            form.add_error("code", wrong_code_message())
            return self._render(device, form, status=400)
        codes = services.enrolment_complete(request, user=user, device=attempt.device)
        return render(
            request,
            "registration/2fa_recovery_codes.html",
            {"codes": codes, "enrolled": True, **self.base_context()},
        )


class TwoFactorStatusView(LoginRequiredMixin, View):
    """The user's two-factor status; new recovery codes on request (shown once)."""

    template_name = "registration/2fa_status.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        user = actor_of(request)
        device = services.totp_device(user)
        context = {
            "device": device,
            "required": services.user_must_use_two_factor(user),
            "recovery_left": services.recovery_codes_left(user) if device else 0,
        }
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest) -> HttpResponse:
        user = actor_of(request)
        # Only a session that passed the second factor may replace its recovery codes.
        if services.totp_device(user) is None or not services.is_verified(request.user):
            return redirect("two_factor_status")
        codes = services.recovery_codes_issue(user=user)
        return render(
            request,
            "registration/2fa_recovery_codes.html",
            {"codes": codes, "next": reverse("two_factor_status"), "enrolled": False},
        )
