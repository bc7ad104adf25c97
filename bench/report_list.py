"""Report list and full-text search at a million intelligence reports.

``rows`` reports (default 1,000,000: years of a large force's intelligence logs) of one
benchmark agency are loaded with PostgreSQL ``COPY`` (kept between runs when the count already
matches): titles and texts written from a crime vocabulary with realistic word frequencies, 200
sources, mixed grades, statuses (drafts and returned reports of other authors), classifications
(some above the reader's clearance) and a few restricted reports, so that the access rule
(record_scope plus the drafts rule of report_list) has something to refuse. The table is
vacuumed before timing, as autovacuum keeps it. Then each page is requested through the whole
Django stack (``django.test.Client``, signed in as an analyst of that agency):

- ``report_list``: the first page of the report list (25 rows, newest first; like the incident
  list it reads one row more than the page instead of counting every visible report);
- ``report_list_search``: the same searched for ``stolen vehicle`` (ranked, best match first);
- ``report_api``: the first page of ``/api/v1/collection/reports/`` (50 rows, cursor paged);
- ``report_api_search``: the same with ``q=stolen vehicle``;
- ``healthz``: the baseline of the same run (``x_healthz`` = multiple of it).

Target: median under 200 ms for each at 1,000,000 reports.
"""

from __future__ import annotations

import io
import itertools
import os
import random
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from bench import copy_text

if TYPE_CHECKING:
    from ilp.models import Agency, User

NAME = "report_list"
DEFAULT_ROWS = 1_000_000
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
WARM_UP = 5
CHUNK = 50_000
SOURCES = 200
AUTHORS = 12
SEARCH = "stolen vehicle"

# Words of intelligence logs, most frequent first (drawn with Zipf-like weights 1/rank).
VOCABULARY = """
male female subject address seen known believed reported information associate premises
regularly evening night cash phone car street house flat shop dealing cannabis cocaine supply
selling using carrying knife threat violence money gang group member lead older younger brother
sister partner friend travels visits meets frequents parks drives stolen vehicle registration
silver black white blue red grey van heroin weapon firearm assault burglary robbery theft fraud
laundering cousin ford vauxhall bmw audi volkswagen toyota honda moped motorcycle bicycle taxi
bus station park school pub club takeaway garage industrial estate alley garden rear front door
window entry forced damage tools gloves balaclava hooded dark clothing tattoo scar beard tall
short slim stocky approximately aged years old local outside county line lines runner number
deal text messages social media snapchat instagram account paid debt owed collect collecting
storing stash hidden loft shed boot glovebox package parcel delivery courier change moved
recently released prison custody bail curfew tag breach warrant wanted missing exploitation
vulnerable child young person adult care home hostel
""".split()  # noqa: SIM905 - a word list reads best as words
PLACES = """
Armley Beeston Bramley Burley Chapeltown Harehills Headingley Holbeck Hunslet Kirkstall
Seacroft Gipton Halton Moortown Roundhay Wortley Belle-Isle Middleton Pudsey Morley
""".split()  # noqa: SIM905
TITLES = (
    "Information about {a} {b} in {p}",
    "{A} {b} at {p}",
    "Sighting of {a} {b} near {p}",
    "{A} and {b}: {p}",
    "Report of {a} {b} activity, {p}",
)
STATUSES = [("approved", 70), ("submitted", 20), ("draft", 6), ("returned", 4)]


def run(rows: int | None) -> dict[str, Any]:
    """Load (or reuse) the reports, time each page, and report median and p95 in ms."""
    from bench import endpoint_figures, peak_rss_mib, server_version, setup_django

    setup_django()

    from django.test import Client

    count = rows or DEFAULT_ROWS
    user, agency = _bench_user()
    load_seconds = _ensure_reports(agency, user, count)
    browser = Client()
    browser.force_login(user)
    anonymous = Client()
    q = quote_plus(SEARCH)
    endpoints = {
        "report_list": (browser, "/collection/reports/"),
        "report_list_search": (browser, f"/collection/reports/?q={q}"),
        "report_api": (browser, "/api/v1/collection/reports/"),
        "report_api_search": (browser, f"/api/v1/collection/reports/?q={q}"),
        "healthz": (anonymous, "/healthz"),
    }
    figures = endpoint_figures(endpoints, REQUESTS, WARM_UP)
    return {
        "reports": count,
        "visible_to_reader": _visible(user),
        "search": SEARCH,
        "search_matches_visible": _visible(user, SEARCH),
        "requests": REQUESTS,
        "load_seconds": load_seconds,
        "endpoints": figures,
        "peak_rss_mib": peak_rss_mib(),
        "database": server_version(),
    }


def _bench_user() -> tuple[User, Agency]:
    """An analyst (cleared to SECRET) of the report benchmark agency."""
    from bench import bench_analyst
    from ilp.choices import Classification

    return bench_analyst(
        agency_code="BENCHRPT",
        agency_name="Report Benchmark",
        username="bench-report-analyst",
        clearance=Classification.SECRET,
    )


def _visible(user: User, text: str = "") -> int:
    """How many reports the reader may see (matching ``text`` when given)."""
    from collection.reports.search import report_search
    from collection.selectors import report_list

    reports = report_list(actor=user)
    if text:
        reports = report_search(reports, text)
    return reports.order_by().count()


def _ensure_reports(agency: Agency, reader: User, count: int) -> float | str:
    """``count`` reports for the agency: reused when already there, else reloaded by COPY.
    Returns the load time in seconds, or "reused"."""
    from django.db import connection

    from collection.models import Report

    if Report.objects.filter(agency=agency).count() == count:
        _vacuum()
        return "reused"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM collection_report WHERE agency_id = %s", [agency.pk])
    authors = [reader.pk, *_authors(agency)]
    sources = _sources(agency)
    rng = random.Random(20261203)
    columns, render = _copy_plan(agency, authors, sources)
    for start in range(0, count, CHUNK):
        buffer = io.StringIO()
        for i in range(start, min(start + CHUNK, count)):
            buffer.write(render(i, rng))
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY collection_report ({', '.join(columns)}) FROM STDIN", buffer)
    _vacuum()
    return round(time.perf_counter() - started, 1)


def _vacuum() -> None:
    """What autovacuum does to a read-mostly table (this benchmark's server may run without
    it): statistics, and the visibility map that lets the list's count read only its index."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) collection_report")


def _authors(agency: Agency) -> list[int]:
    """Other analysts of the agency, whose drafts the reader must not see."""
    from ilp.models import Unit, User

    unit = Unit.objects.get(agency=agency, code="INTEL")
    ids = []
    for n in range(AUTHORS - 1):
        author, _ = User.objects.get_or_create(
            username=f"bench-report-author-{n}", defaults={"agency": agency, "unit": unit}
        )
        ids.append(author.pk)
    return ids


def _sources(agency: Agency) -> list[int]:
    from collection.models import Source

    kinds = [kind for kind, _ in Source.Kind.choices]
    ids = []
    for n in range(SOURCES):
        source, _ = Source.objects.get_or_create(
            agency=agency,
            reference=f"BENCH-SRC-{n:04d}",
            defaults={"kind": kinds[n % len(kinds)]},
        )
        ids.append(source.pk)
    return ids


def _copy_plan(agency: Agency, authors: list[int], sources: list[int]) -> tuple[list[str], Any]:
    """The COPY columns (every concrete column of the model, so that a field added later gets
    its default) and a function rendering report ``i`` as one line of COPY text."""
    from collection.models import Report

    now = datetime.now(tz=UTC)
    eight_years = 8 * 365 * 24 * 3600
    fields = [f for f in Report._meta.concrete_fields if f.column != "id"]
    defaults = {f.column: copy_text(f.get_default()) for f in fields}
    columns = [f.column for f in fields]
    word_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(VOCABULARY))))
    status_names = [s for s, _ in STATUSES]
    status_weights = list(itertools.accumulate(w for _, w in STATUSES))

    def words(rng: random.Random, n: int) -> list[str]:
        return rng.choices(VOCABULARY, cum_weights=word_weights, k=n)

    def render(i: int, rng: random.Random) -> str:
        a, b = words(rng, 2)
        place = rng.choice(PLACES)
        title = rng.choice(TITLES).format(a=a, A=a.capitalize(), b=b, p=place)
        sentences = [
            " ".join(words(rng, rng.randint(8, 18))).capitalize() + "."
            for _ in range(rng.randint(2, 6))
        ]
        sentences.insert(rng.randrange(len(sentences)), f"This was in {place}.")
        received = now - timedelta(seconds=rng.randrange(eight_years))
        status = rng.choices(status_names, cum_weights=status_weights)[0]
        author = authors[0] if rng.random() < 0.1 else rng.choice(authors)
        handling = "C" if rng.random() < 0.05 else "P"
        values = {
            **defaults,
            "agency_id": str(agency.pk),
            "classification": str(rng.choices((1, 2, 3, 4), weights=(60, 30, 8, 2))[0]),
            "handling_code": handling,
            "handling_conditions": "Not to be shared outside policing." if handling == "C" else "",
            "created_by_id": str(author),
            "created_at": received.isoformat(),
            "updated_at": received.isoformat(),
            "restricted": "t" if rng.random() < 0.01 else "f",
            "reference": f"BR-{i:08d}",
            "title": title,
            "body": " ".join(sentences),
            "received_at": received.isoformat(),
            "source_id": str(rng.choice(sources)),
            "source_evaluation": rng.choice("1123"),
            "intelligence_assessment": rng.choice("ABBCCCDE"),
            "status": status,
            "author_id": str(author),
            "submitted_at": received.isoformat() if status != "draft" else r"\N",
        }
        return "\t".join(values[c] for c in columns) + "\n"

    return columns, render
