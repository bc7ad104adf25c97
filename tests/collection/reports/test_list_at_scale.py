"""The report list at scale on PostgreSQL (migrations collection 0005 and 0008): the stored search
vector is exactly the weighted title-and-text vector whatever writes a report, so searches
match and rank as computing it on the fly would; the list's first page is served by the
newest-first index."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.utils import timezone

from collection import selectors
from collection.models import Report, Source
from collection.reports import services
from collection.reports.grading import GradeInput
from collection.reports.search import SEARCH_CONFIG, report_search
from ilp.models import User

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (0005, 0008)"),
]

# The weighted vector computed on the fly, which the stored column must equal.
EXPRESSION = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'B'))"
)
TEXTS = [
    ("Cannabis farm in a warehouse", "Lights on all night; cannabis smell."),
    ("Smell complaint", "Neighbours smell cannabis daily near the warehouse."),
    ("Stolen vehicle seen", "A stolen silver van parked at the rear of the warehouse."),
    ("Vehicle crime", "Vehicles broken into; a stolen phone sold on."),
    ("Cannabis factory", "Cannabis plants seen; cannabis delivered weekly by van."),
    ("Nothing of note", ""),
]


def vectors_out_of_step() -> int:
    """Reports whose stored vector is not the expression computed afresh."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM collection_report "  # noqa: S608 - constant SQL
            f"WHERE search_vector IS DISTINCT FROM {EXPRESSION}"
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def corpus(make_report: Callable[..., Report]) -> list[Report]:
    now = timezone.now()
    return [
        make_report(title=title, body=body, received_at=now - timedelta(hours=n))
        for n, (title, body) in enumerate(TEXTS)
    ]


def test_the_stored_vector_follows_every_write(
    corpus: list[Report], analyst: User, source: Source, grade: GradeInput
) -> None:
    created = services.report_create(
        actor=analyst,
        title="Moped thefts",
        body="Two mopeds stolen from the station car park.",
        received_at=timezone.now(),
        source=source,
        grade=grade,
    )
    services.report_update(
        actor=analyst, report=created, version=created.version, body="Now three mopeds."
    )
    Report.objects.filter(pk=corpus[0].pk).update(title="Cannabis grow in a loft")
    Report.objects.bulk_create(
        [
            Report(**{**_copy_of(corpus[1]), "reference": "BULK-1", "title": "Bulk title"}),
            Report(**{**_copy_of(corpus[2]), "reference": "BULK-2", "body": "Bulk body text"}),
        ]
    )
    assert Report.objects.count() == len(TEXTS) + 3
    assert vectors_out_of_step() == 0


def _copy_of(report: Report) -> dict[str, object]:
    return {
        f.attname: getattr(report, f.attname)
        for f in Report._meta.concrete_fields
        if not f.primary_key
    }


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize("text", ["cannabis", "stolen vehicle", "warehouse -cannabis", '"rear"'])
def test_searches_match_and_rank_as_with_the_expression(analyst: User, text: str) -> None:
    visible = selectors.report_list(actor=analyst)
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    expression = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "body", weight="B", config=SEARCH_CONFIG
    )
    before = (
        visible.annotate(v=expression)
        .filter(v=query)
        .annotate(rank=SearchRank(expression, query))
        .order_by("-rank", "-received_at", "-id")
        .values_list("pk", "rank")
    )
    now = report_search(visible, text).values_list("pk", "search_rank")
    assert list(now) == list(before)
    assert list(before)


@pytest.mark.usefixtures("corpus")
def test_the_first_page_walks_the_newest_first_index(analyst: User) -> None:
    sql, params = selectors.report_list(actor=analyst)[:26].query.sql_with_params()
    with connection.cursor() as cursor:
        # Priced out of reading everything and sorting it (what a tiny table would do), the
        # planner must find the list's order in the index: it matches ordering and columns.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "collection_report_received_desc_idx" in plan, plan
