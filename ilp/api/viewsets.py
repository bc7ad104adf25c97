"""Base viewsets that start from a selector, the single place access is decided."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets


class SelectorViewSetMixin:
    """``get_queryset`` is ``selector(actor=request.user)``: a record the actor may not see is 404.

    Subclasses set ``selector`` to a selector function (wrapped in ``staticmethod``).
    """

    selector: Callable[..., QuerySet[Any]]
    request: Any
    # Primary keys are integers: anything else is a 404 from the router, not a lookup.
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Any]:
        return type(self).selector(actor=self.request.user)


class SelectorReadOnlyViewSet(SelectorViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """List and retrieve through a selector."""


class SelectorGenericViewSet(SelectorViewSetMixin, viewsets.GenericViewSet):
    """A selector-scoped viewset whose actions are written out (writes go through services)."""
