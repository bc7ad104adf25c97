"""Full-text search of reports: ranked on PostgreSQL (title above body), a substring match on
SQLite; the same through the page and the API, with cursor pagination by rank."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from rest_framework.test import APIClient

from collection import selectors
from collection.models import Report
from collection.reports.search import report_search
from ilp.models import User

pytestmark = pytest.mark.django_db

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranking needs PostgreSQL full-text search"
)


@pytest.fixture
def corpus(make_report: Callable[..., Report]) -> dict[str, Report]:
    return {
        "title": make_report(title="Cannabis farm in a warehouse", body="Lights on all night."),
        "body": make_report(title="Smell complaint", body="Neighbours smell cannabis daily."),
        "twice": make_report(
            title="Cannabis factory", body="Cannabis plants seen; cannabis delivered weekly."
        ),
        "none": make_report(title="Burglary", body="Back door forced."),
    }


@needs_postgres
def test_search_ranks_title_matches_above_body_only_matches(
    corpus: dict[str, Report], analyst: User
) -> None:
    found = list(report_search(selectors.report_list(actor=analyst), "cannabis"))
    assert found[0] == corpus["twice"]
    assert found.index(corpus["title"]) < found.index(corpus["body"])
    assert corpus["none"] not in found


@needs_postgres
def test_search_understands_word_forms_and_phrases(
    corpus: dict[str, Report], analyst: User
) -> None:
    visible = selectors.report_list(actor=analyst)
    assert corpus["body"] in report_search(visible, "smelling")
    assert list(report_search(visible, '"back door"')) == [corpus["none"]]
    assert list(report_search(visible, "cannabis -factory -farm")) == [corpus["body"]]


def test_search_never_leaves_the_users_reports(
    corpus: dict[str, Report], outsider: User, make_report: Callable[..., Report]
) -> None:
    private = make_report(title="Cannabis draft", status=Report.Status.DRAFT)
    assert private not in report_search(selectors.report_list(actor=outsider), "cannabis")


@needs_postgres
def test_api_search_pages_through_results_best_first(
    corpus: dict[str, Report], as_analyst: APIClient
) -> None:
    first = as_analyst.get("/api/v1/collection/reports/", {"q": "cannabis", "page_size": "2"})
    page = first.json()
    ids = [r["id"] for r in page["results"]]
    assert ids[0] == corpus["twice"].pk
    rest = [r["id"] for r in as_analyst.get(page["next"]).json()["results"]]
    assert sorted(ids + rest) == sorted(r.pk for k, r in corpus.items() if k != "none")


def test_page_search_lists_best_first(
    client: object, corpus: dict[str, Report], analyst: User
) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    client.force_login(analyst)
    content = client.get("/collection/reports/", {"q": "cannabis"}).content.decode()
    assert "best match first" in content or connection.vendor != "postgresql"
    assert corpus["none"].reference not in content
    if connection.vendor == "postgresql":
        assert content.index(corpus["twice"].reference) < content.index(corpus["body"].reference)


@needs_postgres
def test_the_search_uses_the_gin_index_on_the_vector(corpus: dict[str, Report]) -> None:
    queryset = report_search(Report.objects.all(), "cannabis")
    with connection.cursor() as cursor:
        # With sequential scans priced out, a plan that still avoids the index would mean the
        # index expression no longer matches the one the search builds.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "collection_report_search_idx" in plan, plan
