"""GeoJSON FeatureCollections of points (incidents, locations) that stay fast at a million rows.

Up to ``max_points`` located rows come back as Point features. Beyond that the rows are
counted per H3 cell in SQL and returned as one hexagon (Polygon) per cell of a coarser
resolution, with its count: the database does the heavy counting, Python only re-groups the
distinct cells.

The re-grouping uses how an H3 index is laid out: after the mode and resolution bits come the
base cell (7 bits) and one 3-bit digit per resolution, so every resolution-9 cell (15 hex
characters) of one parent at resolution ``r`` shares its first ``ceil((19 + 3r) / 4) - 1``
characters. Grouping by that prefix in SQL (``SUBSTR``, portable to SQLite) cuts the rows
returned to at most a few per parent; ``h3.cell_to_parent`` of each group's smallest cell then
names the parent exactly.

The whole-area map of incidents does not count rows at all when it can avoid it: PostgreSQL
keeps per-cell counts of unrestricted incidents (migration collection 0007, maintained by
triggers in the same transaction as every write). ``incident_cell_counter`` answers from them
only for what the access rule grants wholesale (an actor with the incident view permission
sees every unrestricted incident of their own agency up to their clearance) and counts the rest
(restricted, granted and disseminated incidents) live through ``record_scope``, in one statement
and so one snapshot: the same answer as counting ``incident_list(actor=…)``, for every actor.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import h3
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Min, QuerySet
from django.db.models.functions import Substr

from collection.models import Incident
from collection.selectors import incident_list, incident_list_parts
from ilp.models.entities import H3_RESOLUTION
from ilp.selectors import Actor, ScopeParts, wholesale_scope

# Above this many located rows, a layer is aggregated into cells (settings may override).
DEFAULT_MAX_POINTS = 20_000
# The resolution of aggregated cells when the caller names none (~5 km² hexagons: a district).
DEFAULT_RESOLUTION = 7
MIN_RESOLUTION = 0

# Incident counts per (agency, classification, stored cell) kept by PostgreSQL (migration 0007).
KEPT_COUNTS = "collection_incident_cell_count"

Feature = dict[str, Any]
PointProperties = Callable[[Sequence[Any]], dict[str, Any]]
# Counts per cell of a resolution, for a layer that has a faster way than counting its rows.
CellCounter = Callable[[int], dict[str, int]]


def max_points() -> int:
    """How many points a layer returns before switching to cells (``ILP_MAP_MAX_POINTS``)."""
    return int(getattr(settings, "ILP_MAP_MAX_POINTS", DEFAULT_MAX_POINTS))


def prefix_length(resolution: int) -> int:
    """Characters of a resolution-9 index shared by all children of one parent at
    ``resolution`` (see the module docstring)."""
    return math.ceil((19 + 3 * resolution) / 4) - 1


@dataclass(frozen=True)
class PointLayer:
    """How to read point features from a queryset: the extra columns and their properties."""

    columns: tuple[str, ...]
    properties: PointProperties


def feature_collection(
    located: QuerySet[Any],
    layer: PointLayer,
    *,
    resolution: int | None = None,
    limit: int | None = None,
    count_cells: CellCounter | None = None,
    parts: ScopeParts | None = None,
) -> dict[str, Any]:
    """A FeatureCollection of ``located`` (rows with latitude, longitude and h3_cell): points
    when there are at most ``limit`` of them, otherwise H3 hexagons with counts (by
    ``count_cells`` when given: it must count exactly the located rows of ``located``).

    With ``count_cells``, ``parts`` may give ``located`` as the two parts of the access rule
    (``incident_list_parts``): then the choice between points and cells is made from the cell
    counts and points are read part by part, so that no query reads every row through the
    rule's single OR (which costs an actor who sees few of many incidents a full scan).

    Foreign members say which: ``mode`` (``points`` or ``cells``), ``total`` (rows
    represented), ``resolution`` (of the cells) and ``bbox`` (of the features).
    """
    limit = max_points() if limit is None else limit
    located = located.exclude(h3_cell="").order_by()
    cells_at = DEFAULT_RESOLUTION if resolution is None else resolution
    if count_cells is not None and parts is not None:
        counts = count_cells(cells_at)
        many = sum(counts.values()) > limit
        sources = [
            parts.wholesale.exclude(h3_cell="").order_by(),
            parts.one_by_one.exclude(h3_cell="").order_by(),
        ]
    else:
        many = located[: limit + 1].count() > limit
        counts = {}
        if many:
            counter = count_cells or (lambda resolution: cell_counts(located, resolution))
            counts = counter(cells_at)
        sources = [located]
    if many:
        features = cell_features(counts, cells_at)
        mode, cell_resolution = "cells", cells_at
    else:
        features = [feature for source in sources for feature in point_features(source, layer)]
        mode, cell_resolution = "points", None
    collection: dict[str, Any] = {
        "type": "FeatureCollection",
        "mode": mode,
        "resolution": cell_resolution,
        "total": sum(f["properties"].get("count", 1) for f in features),
        "features": features,
    }
    box = bbox(features)
    if box is not None:
        collection["bbox"] = box
    return collection


def point_features(located: QuerySet[Any], layer: PointLayer) -> list[Feature]:
    """One Point feature per row (values read straight from the database, no model objects)."""
    rows = located.values_list("id", "latitude", "longitude", *layer.columns)
    return [
        {
            "type": "Feature",
            "id": row[0],
            "geometry": {"type": "Point", "coordinates": [float(row[2]), float(row[1])]},
            "properties": {"id": row[0], **layer.properties(row[3:])},
        }
        for row in rows.iterator(chunk_size=5000)
    ]


def cell_counts(located: QuerySet[Any], resolution: int) -> dict[str, int]:
    """How many rows fall in each H3 cell of ``resolution``, counted in SQL."""
    check_resolution(resolution)
    groups = (
        located.annotate(prefix=Substr("h3_cell", 1, prefix_length(resolution)))
        .values("prefix")
        .annotate(n=Count("id"), cell=Min("h3_cell"))
        .values_list("cell", "n")
    )
    return parent_counts(groups, resolution)


def check_resolution(resolution: int) -> None:
    """Refuse a resolution the stored cells cannot be grouped to."""
    if not MIN_RESOLUTION <= resolution <= H3_RESOLUTION:
        raise ValueError(f"resolution must be {MIN_RESOLUTION}-{H3_RESOLUTION}")


def parent_counts(groups: Iterable[tuple[str, int]], resolution: int) -> dict[str, int]:
    """Counts per parent cell at ``resolution`` of (a cell, its group's count) pairs, grouped
    by prefix (see the module docstring)."""
    counts: dict[str, int] = {}
    for cell, n in groups:
        # Cells stored at another resolution than 9 still group apart (their resolution
        # nibble differs) and are named by their own parent.
        parent = h3.cell_to_parent(cell, min(resolution, h3.get_resolution(cell)))
        counts[parent] = counts.get(parent, 0) + n
    return counts


def incident_cell_counter(*, actor: Actor, located: QuerySet[Incident]) -> CellCounter | None:
    """Cell counts of ``located`` from the counts PostgreSQL keeps (see the module docstring),
    or None when they cannot answer exactly: another database, a filtered queryset (anything
    but ``incident_list(actor=actor)`` itself), or an actor to whom the access rule grants no
    agency's incidents wholesale (no view permission, inactive, or without an agency)."""
    database = connections[located.db]
    if database.vendor != "postgresql":
        return None
    wholesale = wholesale_scope(actor=actor, model=Incident)
    if wholesale is None:
        return None
    if not _same_query(located, incident_list(actor=actor)):
        return None
    agency_id, clearance = wholesale.agency_id, wholesale.max_classification
    # Everything visible that the kept counts leave out: the counts hold exactly the wholesale
    # part of the rule, so the rest is the records granted or shared one by one, found by id.
    remainder = (
        incident_list_parts(actor=actor)
        .one_by_one.exclude(h3_cell="")
        .order_by()
        .values_list("h3_cell")
        .annotate(n=Count("id"))
    )

    def count(resolution: int) -> dict[str, int]:
        check_resolution(resolution)
        live_sql, live_params = remainder.query.sql_with_params()
        sql = (
            "SELECT MIN(cell), SUM(n) FROM ("  # noqa: S608 - names and compiled ORM SQL only
            f"SELECT h3_cell AS cell, incidents AS n FROM {KEPT_COUNTS} "
            "WHERE agency_id = %s AND classification <= %s "
            f"UNION ALL {live_sql}) AS visible "
            "GROUP BY SUBSTR(cell, 1, %s) HAVING SUM(n) > 0"
        )
        params = (agency_id, clearance, *live_params, prefix_length(resolution))
        with database.cursor() as cursor:
            cursor.execute(sql, params)
            groups = [(cell, int(n)) for cell, n in cursor.fetchall()]
        return parent_counts(groups, resolution)

    return count


def _same_query(one: QuerySet[Any], other: QuerySet[Any]) -> bool:
    """Whether two querysets ask the database exactly the same (so no filter narrowed one);
    False for a queryset that asks nothing (``none()``, e.g. a filter on an impossible cell)."""
    try:
        return one.order_by().query.sql_with_params() == other.order_by().query.sql_with_params()
    except EmptyResultSet:
        return False


def cell_features(counts: dict[str, int], resolution: int) -> list[Feature]:
    """One hexagon (Polygon, closed ring, lon/lat) per cell, with its count and centre."""
    features = []
    for cell, count in sorted(counts.items()):
        ring = [[round(lng, 6), round(lat, 6)] for lat, lng in h3.cell_to_boundary(cell)]
        ring.append(ring[0])
        lat, lng = h3.cell_to_latlng(cell)
        features.append(
            {
                "type": "Feature",
                "id": cell,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "cell": cell,
                    "count": count,
                    "resolution": resolution,
                    "centre": [round(lng, 6), round(lat, 6)],
                },
            }
        )
    return features


def bbox(features: Iterable[Feature]) -> list[float] | None:
    """``[west, south, east, north]`` of the features, or None when there are none."""
    xs: list[float] = []
    ys: list[float] = []
    for feature in features:
        geometry = feature["geometry"]
        points = (
            [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"][0]
        )
        xs.extend(p[0] for p in points)
        ys.extend(p[1] for p in points)
    if not xs:
        return None
    return [min(xs), min(ys), max(xs), max(ys)]
