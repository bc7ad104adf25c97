"""Core UI views: dashboard, API tokens, health and error pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from ilp import health, selectors, services
from ilp.actors import actor_of
from ilp.api.errors import json_error
from ilp.forms import TokenCreateForm
from ilp.panels import panels_for


class HomeView(LoginRequiredMixin, TemplateView):
    """The role-aware dashboard: panels contributed by each stage, filtered for the user."""

    template_name = "ilp/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["panels"] = panels_for(self.request)
        return context


class TokenListView(LoginRequiredMixin, View):
    """The user's API tokens, and the form to issue one (its key is shown once)."""

    template_name = "ilp/token_list.html"

    def render_page(
        self, request: HttpRequest, form: TokenCreateForm, status: int = 200, **extra: Any
    ) -> HttpResponse:
        tokens = selectors.token_list(actor=request.user)
        context = {"form": form, "tokens": tokens, **extra}
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_page(request, TokenCreateForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TokenCreateForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form, status=400)
        expires = timezone.make_aware(
            dt.datetime.combine(form.cleaned_data["expires_on"], dt.time.min)
        )
        try:
            issued = services.token_create(
                actor=actor_of(request),
                name=form.cleaned_data["name"],
                expires_at=expires,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.render_page(request, form, status=400)
        return self.render_page(request, TokenCreateForm(), issued=issued)


class TokenRevokeView(LoginRequiredMixin, View):
    """Revoke one of the user's own tokens."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        token = get_object_or_404(selectors.token_list(actor=request.user), pk=pk)
        services.token_revoke(actor=actor_of(request), token=token)
        messages.success(request, f"Token “{token.name}” revoked.")
        return redirect("ilp:token_list")


def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status: 200 when both are healthy, 503 otherwise."""
    checks = {"database": health.check_database(), "broker": health.check_broker()}
    healthy = all(check.ok for check in checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: JSON in the common format under /api/, a page in the site's style elsewhere."""
    if request.path.startswith("/api/"):
        return json_error(request, 404, "not_found", "Not found.")
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON under /api/, a plain page in the site's style elsewhere (no context needed)."""
    if request.path.startswith("/api/"):
        return json_error(request, 500, "server_error", "Internal server error.")
    return render(request, "500.html", status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 outside views (e.g. a request body over Django's limit)."""
    if request.path.startswith("/api/"):
        return json_error(request, 400, "bad_request", "Bad request.")
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 in the site's style; API views answer with their own JSON."""
    if request.path.startswith("/api/"):
        return json_error(request, 403, "permission_denied", "You may not do this.")
    return render(request, "403.html", status=403)
