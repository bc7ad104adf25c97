"""Page-by-page lists without COUNT(*): a million incidents must not cost a full count per page.

One more row than the page is read to know whether a next page exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

T = TypeVar("T")

PER_PAGE = 50
MAX_PAGE = 2000


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with the query strings of its neighbours."""

    items: list[T]
    number: int
    per_page: int
    next_query: str | None
    previous_query: str | None

    @property
    def first_index(self) -> int:
        """1-based position of the first item on this page."""
        return (self.number - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        """1-based position of the last item on this page."""
        return self.first_index + len(self.items) - 1


def page_number(request: HttpRequest) -> int:
    """The requested page (1 when missing or malformed; at most MAX_PAGE)."""
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def page_of(queryset: QuerySet[Any], request: HttpRequest, per_page: int = PER_PAGE) -> Page[Any]:
    """The requested page of an ordered queryset."""
    number = page_number(request)
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return Page(
        items=rows[:per_page],
        number=number,
        per_page=per_page,
        next_query=_with_page(request.GET, number + 1) if len(rows) > per_page else None,
        previous_query=_with_page(request.GET, number - 1) if number > 1 else None,
    )


def _with_page(query: QueryDict, number: int) -> str:
    params = query.copy()
    params["page"] = str(number)
    return params.urlencode()


def without_page(query: QueryDict) -> str:
    """The query string of a list's filters, without its page."""
    params = query.copy()
    params.pop("page", None)
    return params.urlencode()
