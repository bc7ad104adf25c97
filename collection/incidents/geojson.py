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
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import h3
from django.conf import settings
from django.db.models import Count, Min, QuerySet
from django.db.models.functions import Substr

from ilp.models.entities import H3_RESOLUTION

# Above this many located rows, a layer is aggregated into cells (settings may override).
DEFAULT_MAX_POINTS = 20_000
# The resolution of aggregated cells when the caller names none (~5 km² hexagons: a district).
DEFAULT_RESOLUTION = 7
MIN_RESOLUTION = 0

Feature = dict[str, Any]
PointProperties = Callable[[Sequence[Any]], dict[str, Any]]


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
) -> dict[str, Any]:
    """A FeatureCollection of ``located`` (rows with latitude, longitude and h3_cell): points
    when there are at most ``limit`` of them, otherwise H3 hexagons with counts.

    Foreign members say which: ``mode`` (``points`` or ``cells``), ``total`` (rows
    represented), ``resolution`` (of the cells) and ``bbox`` (of the features).
    """
    limit = max_points() if limit is None else limit
    located = located.exclude(h3_cell="").order_by()
    if located[: limit + 1].count() <= limit:
        features = point_features(located, layer)
        mode, cell_resolution = "points", None
    else:
        cell_resolution = DEFAULT_RESOLUTION if resolution is None else resolution
        features = cell_features(cell_counts(located, cell_resolution), cell_resolution)
        mode = "cells"
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
    if not MIN_RESOLUTION <= resolution <= H3_RESOLUTION:
        raise ValueError(f"resolution must be {MIN_RESOLUTION}-{H3_RESOLUTION}")
    groups = (
        located.annotate(prefix=Substr("h3_cell", 1, prefix_length(resolution)))
        .values("prefix")
        .annotate(n=Count("id"), cell=Min("h3_cell"))
        .values_list("cell", "n")
    )
    counts: dict[str, int] = {}
    for cell, n in groups:
        # Cells stored at another resolution than 9 still group apart (their resolution
        # nibble differs) and are named by their own parent.
        parent = h3.cell_to_parent(cell, min(resolution, h3.get_resolution(cell)))
        counts[parent] = counts.get(parent, 0) + n
    return counts


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
