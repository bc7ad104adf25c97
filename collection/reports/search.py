"""Full-text search over reports: ranked on PostgreSQL, a plain substring match on SQLite.

On PostgreSQL the vector is an expression with a GIN index on it (migration collection 0005,
which must build exactly the SQL ``report_vector`` gives: a test checks the index is used).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, IntegerField, Q, QuerySet
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast

from collection.models import Report

SEARCH_CONFIG = "english"
# Integer copy of the rank for cursor pagination (which compares positions as values).
RANK_SCALE = 1_000_000


def ranked() -> bool:
    """Whether the database ranks matches (PostgreSQL) or only filters them."""
    return connection.vendor == "postgresql"


def report_vector() -> CombinedExpression:
    """Title weighted above body: a word in the title says more about the report."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "body", weight="B", config=SEARCH_CONFIG
    )


def report_search(queryset: QuerySet[Report], text: str) -> QuerySet[Report]:
    """Reports matching ``text``, best match first on PostgreSQL (annotated ``search_rank``
    and ``search_order``), newest first on SQLite."""
    text = text.strip()
    if not text:
        return queryset
    if not ranked():
        return queryset.filter(Q(title__icontains=text) | Q(body__icontains=text)).order_by(
            "-received_at", "-id"
        )
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    vector = report_vector()
    return (
        queryset.annotate(search_vector=vector)
        .filter(search_vector=query)
        .annotate(search_rank=SearchRank(vector, query))
        .annotate(search_order=Cast(F("search_rank") * RANK_SCALE, output_field=IntegerField()))
        .order_by("-search_rank", "-received_at", "-id")
    )
