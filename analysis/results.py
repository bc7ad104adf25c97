"""How a finished job's result is laid out for people: cell polygons (squares or H3 hexagons)
for maps and downloads, and the near-repeat band table. Pure functions over the stored result,
so the page, the exports and the API all show the same cells and the same numbers."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.files import utm_for
from ilp.models import User
from ilp.selectors import person_list

#: The significance level the result pages and exports mark cells at.
ALPHA = 0.05
#: Kinds whose result is a set of map cells.
MAP_KINDS = ("kde", "gistar", "forecast")
#: Most cells drawn on a result map (the most intense first); the downloads hold them all.
MAP_CELL_LIMIT = 5000

Ring = list[tuple[float, float]]


def cell_rings(result: dict[str, Any], limit: int | None = None) -> list[Ring]:
    """Each stored cell's outline as a closed ring of (lon, lat): H3 hexagons from the cell id,
    square cells from their centre and size in metres.

    Square cells were computed on a UTM grid; their corners are found in the UTM zone of the
    cells' centre, which is the grid's own zone unless the data straddle a zone border.
    """
    cells = result.get("cells") or []
    if limit is not None:
        cells = cells[:limit]
    if not cells:
        return []
    if result.get("grid") == "h3":
        return [_hexagon(cell["h3"]) for cell in cells]
    return _squares(cells, float(result["cell_size"]))


def _hexagon(cell: str) -> Ring:
    import h3

    ring = [(round(lon, 7), round(lat, 7)) for lat, lon in h3.cell_to_boundary(cell)]
    return [*ring, ring[0]]


def _squares(cells: list[dict[str, Any]], size: float) -> list[Ring]:
    lon = np.array([cell["lon"] for cell in cells], dtype=np.float64)
    lat = np.array([cell["lat"] for cell in cells], dtype=np.float64)
    projection = utm_for(lon, lat)
    x, y = projection.forward(lon, lat)
    half = size / 2
    dx = np.array([-half, half, half, -half, -half])
    dy = np.array([-half, -half, half, half, -half])
    corner_x = (x[:, None] + dx[None, :]).ravel()
    corner_y = (y[:, None] + dy[None, :]).ravel()
    corner_lon, corner_lat = projection.inverse(corner_x, corner_y)
    lons = np.round(corner_lon, 7).reshape(-1, 5).tolist()
    lats = np.round(corner_lat, 7).reshape(-1, 5).tolist()
    return [list(zip(lo, la, strict=True)) for lo, la in zip(lons, lats, strict=True)]


def significance(cell: dict[str, Any]) -> str:
    """A Gi* cell's class: ``hot`` or ``cold`` when its q-value is below ALPHA, else ``""``."""
    q, z = cell.get("q"), cell.get("z")
    if q is None or z is None or q >= ALPHA:
        return ""
    return "hot" if z > 0 else "cold"


def map_payload(kind: str, result: dict[str, Any]) -> dict[str, Any]:
    """What the result map draws: the most intense cells as polygons (Leaflet's lat/lon order,
    ring left open) with their values, and what the legend needs."""
    if kind == "forecast":
        from analysis.runners.forecast import forecast_map_payload

        return forecast_map_payload(result)
    cells = (result.get("cells") or [])[:MAP_CELL_LIMIT]
    rings = cell_rings(result, MAP_CELL_LIMIT)
    drawn = []
    for cell, ring in zip(cells, rings, strict=True):
        entry: dict[str, Any] = {"ring": [[lat, lon] for lon, lat in ring[:-1]]}
        if kind == "kde":
            entry["density"] = cell.get("density")
        else:
            entry |= {k: cell.get(k) for k in ("count", "z", "p", "q")}
            entry["class"] = significance(cell)
        drawn.append(entry)
    payload: dict[str, Any] = {
        "kind": kind,
        "alpha": ALPHA,
        "cells": drawn,
        "stored": len(result.get("cells") or []),
        "total": result.get("cells_total"),
    }
    if kind == "kde":
        payload |= {"max": result.get("max_density") or 0, "unit": result.get("unit", "")}
    return payload


def band_value(value: Any) -> float:
    """A stored band break: a number, or ``"inf"`` for an open last band."""
    return math.inf if value in ("inf", None) else float(value)


def _number(value: float) -> str:
    return f"{value:g}" if value < 1e6 else f"{value:,.0f}"


def band_label(start: Any, end: Any, unit: str) -> str:
    """A band ``[start, end)`` for people: ``0–100 m``, ``600 m or more``."""
    low, high = band_value(start), band_value(end)
    if math.isinf(high):
        return f"{_number(low)} {unit} or more"
    return f"{_number(low)}–{_number(high)} {unit}"


@dataclass(frozen=True)
class KnoxCell:
    """One spatial × temporal band of a near-repeat table."""

    observed: int
    expected: float | None
    ratio: float | None
    p_value: float | None

    @property
    def significant(self) -> bool:
        """Whether the observed count is unusually high at the ALPHA level."""
        return self.p_value is not None and self.p_value < ALPHA

    @property
    def shade(self) -> int:
        """0 (ratio ≤ 1 or unknown) to 3 (ratio of 2 or more): how strongly to shade the cell."""
        if self.ratio is None or self.ratio <= 1:
            return 0
        return 1 if self.ratio < 1.2 else 2 if self.ratio < 2 else 3


@dataclass(frozen=True)
class KnoxRow:
    """One spatial band and its cells, one per temporal band."""

    label: str
    cells: list[KnoxCell]


@dataclass(frozen=True)
class KnoxTable:
    """A near-repeat result as the Near Repeat Calculator shows it."""

    columns: list[str]
    rows: list[KnoxRow]


def knox_table(result: dict[str, Any]) -> KnoxTable:
    """Rows are spatial bands (metres), columns temporal bands (days)."""
    spatial, temporal = result["spatial_bands"], result["temporal_bands"]
    columns = [band_label(a, b, "days") for a, b in itertools.pairwise(temporal)]
    rows = []
    for i, (a, b) in enumerate(itertools.pairwise(spatial)):
        cells = [
            KnoxCell(
                observed=int(result["observed"][i][j]),
                expected=result["expected"][i][j],
                ratio=result["knox_ratio"][i][j],
                p_value=result["p_value"][i][j],
            )
            for j in range(len(columns))
        ]
        rows.append(KnoxRow(label=band_label(a, b, "m"), cells=cells))
    return KnoxTable(columns=columns, rows=rows)


def knox_long(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The near-repeat table in long format, one row per spatial × temporal band."""
    spatial, temporal = result["spatial_bands"], result["temporal_bands"]
    rows = []
    for i, (s_from, s_to) in enumerate(itertools.pairwise(spatial)):
        for j, (t_from, t_to) in enumerate(itertools.pairwise(temporal)):
            rows.append(
                {
                    "spatial_band_from": s_from,
                    "spatial_band_to": s_to,
                    "temporal_band_from": t_from,
                    "temporal_band_to": t_to,
                    "observed": result["observed"][i][j],
                    "expected": result["expected"][i][j],
                    "knox_ratio": result["knox_ratio"][i][j],
                    "p_value": result["p_value"][i][j],
                }
            )
    return rows


# -- People named at render time ---------------------------------------------------------------


@dataclass(frozen=True)
class PersonLabel:
    """How a person in a result is shown to one viewer: a name and link, or only the id.
    Results store person ids only; names are looked up for each viewer when shown."""

    id: int
    name: str
    url: str
    visible: bool

    @property
    def short(self) -> str:
        """The name, or ``Person #id`` for someone the viewer may not see (for charts)."""
        return self.name if self.visible else f"Person #{self.id}"


def person_labels(*, actor: User, ids: list[int]) -> dict[int, PersonLabel]:
    """Each id's label for ``actor``: people they may not see are ``Person #id (not visible to
    you)``, without a link, so a result never names someone to a viewer who may not see them."""
    from django.urls import reverse

    visible = {person.pk: person for person in person_list(actor=actor).filter(pk__in=set(ids))}
    labels = {}
    for pk in ids:
        person = visible.get(pk)
        if person is None:
            labels[pk] = PersonLabel(pk, f"Person #{pk} (not visible to you)", "", False)
        else:
            url = reverse("collection:person_detail", args=[pk])
            labels[pk] = PersonLabel(pk, str(person), url, True)
    return labels
