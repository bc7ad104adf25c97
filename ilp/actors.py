"""The acting user of a request, typed for selectors and services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from ilp.models import User


def actor_of(request: HttpRequest | Request) -> User:
    """The signed-in user making the request; views behind a login check always have one."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user
