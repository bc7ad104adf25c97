"""Incident list, map page and map data (GeoJSON) at a million incidents.

``rows`` incidents (default 1,000,000) of one benchmark agency are loaded with PostgreSQL
``COPY`` (kept between runs when the count already matches), clustered round hotspots in a
city so that H3 cells are as uneven as real crime. Then each page is requested through the
whole Django stack (``django.test.Client``, signed in as an analyst of that agency):

- ``incident_list``: the first page of the incident list (50 rows, newest first);
- ``incident_list_filtered``: the same filtered by one offence;
- ``geojson_all``: ``/api/v1/collection/incidents/geojson/`` over everything, which above the
  point limit answers with H3 hexagons (the figure the map's first load costs): counted from the
  per-cell counts PostgreSQL keeps for unrestricted incidents (migration collection 0007, kept
  by triggers, so the COPY below fills them too) plus whatever else the reader may see, counted
  live through record_scope (see collection/incidents/geojson.py);
- ``geojson_zoomed``: the same for a box of about 1 km² at resolution 9, as the map asks when
  zoomed in (a filtered map: always counted live);
- ``map_page``: the map page itself (its data comes from the GeoJSON endpoint);
- ``dashboard``: the home page, whose "Incidents: last 28 days" panel counts the last 56 days;
- ``*_other_agency``: the dashboard and the whole-area map for an analyst of another agency,
  who may see none of these incidents (the access rule must not cost a read of all of them);
- ``healthz``: the baseline of the same run (``x_healthz`` = multiple of it).

Target: median under 200 ms for each at 1,000,000 incidents.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import os
import random
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bench import copy_text

if TYPE_CHECKING:
    from django.test import Client

    from ilp.models import Agency, User

NAME = "map_list"
DEFAULT_ROWS = 1_000_000
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
WARM_UP = 5
CHUNK = 100_000
CENTRE = (53.7997, -1.5492)  # a city centre; the spread covers about 30 km x 30 km
OFFENCES = [
    ("Bench: theft from person", "Theft", 40),
    ("Bench: burglary dwelling", "Burglary", 365),
    ("Bench: criminal damage", "Damage", 20),
    ("Bench: assault with injury", "Violence", 180),
    ("Bench: robbery of personal property", "Robbery", 1460),
    ("Bench: vehicle crime", "Vehicle", 60),
    ("Bench: drugs possession", "Drugs", 10),
    ("Bench: public order", "Public order", 5),
]


def run(rows: int | None) -> dict[str, Any]:
    """Load (or reuse) the incidents, time each page, and report median and p95 in ms."""
    from bench import endpoint_figures, peak_rss_mib, server_version, setup_django

    setup_django()

    from django.test import Client

    count = rows or DEFAULT_ROWS
    user, agency = _bench_user()
    load_seconds = _ensure_incidents(agency, count)
    browser = Client()
    browser.force_login(user)
    outsider = Client()
    outsider.force_login(_other_agency_user())
    anonymous = Client()
    offence_id = _first_offence_id()
    box = _box_km(1.0)
    endpoints = {
        "incident_list": (browser, "/collection/incidents/"),
        "incident_list_filtered": (browser, f"/collection/incidents/?offence={offence_id}"),
        "geojson_all": (browser, "/api/v1/collection/incidents/geojson/"),
        "geojson_zoomed": (
            browser,
            f"/api/v1/collection/incidents/geojson/?bbox={box}&resolution=9",
        ),
        "map_page": (browser, "/collection/incidents/map/"),
        "dashboard": (browser, "/"),
        "dashboard_other_agency": (outsider, "/"),
        "geojson_all_other_agency": (outsider, "/api/v1/collection/incidents/geojson/"),
        "healthz": (anonymous, "/healthz"),
    }
    figures = endpoint_figures(endpoints, REQUESTS, WARM_UP)
    return {
        "incidents": count,
        "requests": REQUESTS,
        "load_seconds": load_seconds,
        "endpoints": figures,
        "geojson_all": _shape(browser, endpoints["geojson_all"][1]),
        "geojson_zoomed": _shape(browser, endpoints["geojson_zoomed"][1]),
        "peak_rss_mib": peak_rss_mib(),
        "database": server_version(),
    }


def _bench_user() -> tuple[User, Agency]:
    """An analyst (cleared to SECRET) of the map benchmark agency."""
    from bench import bench_analyst
    from ilp.choices import Classification

    return bench_analyst(
        agency_code="BENCHMAP",
        agency_name="Map Benchmark",
        username="bench-map-analyst",
        clearance=Classification.SECRET,
    )


def _other_agency_user() -> User:
    """An analyst of an agency with no incidents of its own here."""
    from bench import bench_analyst
    from ilp.choices import Classification

    user, _ = bench_analyst(
        agency_code="BENCHOTHER",
        agency_name="Map Benchmark Neighbour",
        username="bench-map-neighbour",
        clearance=Classification.SECRET,
    )
    return user


def _first_offence_id() -> int:
    from collection.models import OffenceType

    return OffenceType.objects.get(name=OFFENCES[0][0]).pk


def _ensure_incidents(agency: Agency, count: int) -> float | str:
    """``count`` incidents for the agency: reused when already there, else reloaded by COPY.
    Returns the load time in seconds, or "reused"."""
    from django.db import connection

    from collection.models import Incident, OffenceType

    offences = []
    for name, category, weight in OFFENCES:
        offence, _ = OffenceType.objects.get_or_create(
            name=name, defaults={"category": category, "harm_weight": weight}
        )
        offences.append(offence.pk)
    existing = Incident.objects.filter(agency=agency).count()
    if existing == count:
        return "reused"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM collection_incident WHERE agency_id = %s", [agency.pk])
    rng = random.Random(20261126)
    columns, render = _copy_plan(agency, offences, _hotspots(rng))
    for start in range(0, count, CHUNK):
        buffer = io.StringIO()
        for i in range(start, min(start + CHUNK, count)):
            buffer.write(render(i, rng))
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY collection_incident ({', '.join(columns)}) FROM STDIN", buffer
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE collection_incident")
    return round(time.perf_counter() - started, 1)


def _hotspots(rng: random.Random) -> list[tuple[float, float, float, float]]:
    """(lat, lon, spread in degrees, weight) of crime concentrations round the centre."""
    spots = []
    for _ in range(60):
        distance = abs(rng.gauss(0, 0.05))
        bearing = rng.uniform(0, 2 * math.pi)
        lat = CENTRE[0] + distance * math.cos(bearing)
        lon = CENTRE[1] + distance * math.sin(bearing) * 1.7
        spots.append((lat, lon, rng.uniform(0.002, 0.01), rng.paretovariate(1.2)))
    return spots


def _copy_plan(
    agency: Agency, offences: list[int], hotspots: list[tuple[float, float, float, float]]
) -> tuple[list[str], Any]:
    """The COPY columns (every concrete column of the model, so that a field added later gets
    its default) and a function rendering row ``i`` as one line of COPY text."""
    import h3

    from collection.models import Incident

    now = datetime.now(tz=UTC)
    two_years = 2 * 365 * 24 * 3600
    fields = [f for f in Incident._meta.concrete_fields if f.column != "id"]
    defaults = {f.column: copy_text(f.get_default()) for f in fields}
    columns = [f.column for f in fields]
    cumulative = list(itertools.accumulate(w for _, _, _, w in hotspots))

    def render(i: int, rng: random.Random) -> str:
        if rng.random() < 0.8:
            lat0, lon0, spread, _ = rng.choices(hotspots, cum_weights=cumulative)[0]
            lat, lon = rng.gauss(lat0, spread), rng.gauss(lon0, spread * 1.7)
        else:
            lat, lon = CENTRE[0] + rng.uniform(-0.14, 0.14), CENTRE[1] + rng.uniform(-0.24, 0.24)
        started = now - timedelta(seconds=rng.randrange(two_years))
        ended = started + timedelta(minutes=rng.choice((0, 0, 0, 30, 240)))
        located = rng.random() > 0.03
        values = {
            **defaults,
            "agency_id": str(agency.pk),
            "created_at": now.isoformat(),
            "updated_at": now.isoformat(),
            "reference": f"BM-{i:08d}",
            "offence_id": str(offences[min(int(rng.expovariate(0.5)), len(offences) - 1)]),
            "occurred_from": started.isoformat(),
            "occurred_to": ended.isoformat(),
            "reported_at": (ended + timedelta(hours=rng.randrange(1, 48))).isoformat(),
            "latitude": f"{lat:.6f}" if located else r"\N",
            "longitude": f"{lon:.6f}" if located else r"\N",
            "h3_cell": h3.latlng_to_cell(lat, lon, 9) if located else "",
            "status": rng.choice(("open", "closed", "charged", "nfa")),
        }
        return "\t".join(values[c] for c in columns) + "\n"

    return columns, render


def _box_km(side_km: float) -> str:
    """west,south,east,north of a square of ``side_km`` at the centre."""
    half_lat = side_km / 2 / 111.32
    half_lon = side_km / 2 / (111.32 * math.cos(math.radians(CENTRE[0])))
    return (
        f"{CENTRE[1] - half_lon:.5f},{CENTRE[0] - half_lat:.5f},"
        f"{CENTRE[1] + half_lon:.5f},{CENTRE[0] + half_lat:.5f}"
    )


def _shape(client: Client, path: str) -> dict[str, Any]:
    """What one GeoJSON answer holds: mode, features, records and size."""
    response = client.get(path)
    body = json.loads(response.content)
    return {
        "mode": body["mode"],
        "resolution": body["resolution"],
        "features": len(body["features"]),
        "total": body["total"],
        "kib": round(len(response.content) / 1024, 1),
    }
