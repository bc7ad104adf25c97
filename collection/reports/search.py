"""Full-text search over reports: ranked on PostgreSQL, a plain substring match on SQLite.

On PostgreSQL the weighted vector (title above text) is a stored generated column,
``search_vector``, with a GIN index on it (migration collection 0005): the database
computes it on every write, so ranking reads each match's vector instead of parsing its title
and text again. It is not a model field; ``StoredVector`` reads it, here only.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, F, IntegerField, Q, QuerySet
from django.db.models.functions import Cast
from django.db.models.sql.compiler import SQLCompiler

from collection.models import Report

SEARCH_CONFIG = "english"
# Integer copy of the rank for cursor pagination (which compares positions as values).
RANK_SCALE = 1_000_000


def ranked() -> bool:
    """Whether the database ranks matches (PostgreSQL) or only filters them."""
    return connection.vendor == "postgresql"


class StoredVector(Expression):
    """The report's stored vector: ``setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', body), 'B')`` (a word in the title says more about the
    report), computed by PostgreSQL on every write (migration collection 0005)."""

    output_field = SearchVectorField()

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        # The reports' own alias in this query (a subquery renames it).
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name('search_vector')}", []


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
    vector = StoredVector()
    return (
        queryset.alias(search_vector=vector)
        .filter(search_vector=query)
        .annotate(search_rank=SearchRank(vector, query))
        .annotate(search_order=Cast(F("search_rank") * RANK_SCALE, output_field=IntegerField()))
        .order_by("-search_rank", "-received_at", "-id")
    )
