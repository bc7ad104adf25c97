"""Runners: each turns a job's input arrays and parameters into a JSON-ready result by calling
one pure method. Parameters are checked by the runner's ``clean`` before a job is queued."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError

from analysis.files import utm_for
from analysis.inputs import IncidentArrays
from analysis.methods.errors import MethodInputError

Progress = Callable[[int], None]
#: Largest grid a platform job may request (cells); the methods refuse more with the size needed.
MAX_JOB_CELLS = 4_000_000
#: Results keep at most this many cells (the most intense first), so they stay small to store.
MAX_RESULT_CELLS = 50_000


def _number(
    params: dict[str, Any], name: str, default: float | None, low: float, high: float
) -> float:
    value = params.get(name, default)
    if value is None:
        raise ValidationError({name: "This parameter is required."})
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({name: f"{value!r} is not a number."}) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ValidationError({name: f"Must be between {low:g} and {high:g}."})
    return number


def _choice(params: dict[str, Any], name: str, default: str, options: tuple[str, ...]) -> str:
    value = str(params.get(name, default))
    if value not in options:
        raise ValidationError({name: f"Choose one of: {', '.join(options)}."})
    return value


def _breaks(params: dict[str, Any], name: str, default: list[float]) -> list[float | str]:
    raw = params.get(name, default)
    if isinstance(raw, str):
        raw = raw.split(",")
    try:
        values = [float(v) for v in raw]
    except (TypeError, ValueError):
        raise ValidationError({name: "Give increasing break points, e.g. 0,100,200,inf."}) from None
    if len(values) < 2 or any(b <= a for a, b in itertools.pairwise(values)):
        raise ValidationError({name: "Give at least two strictly increasing break points."})
    if values[0] < 0 or any(math.isnan(v) for v in values):
        raise ValidationError({name: "Break points must be 0 or more."})
    if any(math.isinf(v) for v in values[:-1]):
        raise ValidationError({name: "Only the last break point may be inf."})
    # Stored as JSON, which has no infinity: an open last band is kept as the string "inf".
    return [v if math.isfinite(v) else "inf" for v in values]


def _cells(values: dict[str, Any], order: np.ndarray, limit: int) -> list[dict[str, Any]]:
    keep = order[:limit]
    return [{key: _plain(column[i]) for key, column in values.items()} for i in keep]


def _plain(value: Any) -> Any:
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _require_events(arrays: IncidentArrays, minimum: int = 1) -> None:
    if arrays.count < minimum:
        raise MethodInputError(
            f"the analysis needs at least {minimum} incident(s) with a location in its inputs; "
            f"found {arrays.count}"
        )


@dataclass(frozen=True)
class Runner:
    """A method as the platform runs it."""

    clean: Callable[[dict[str, Any]], dict[str, Any]]
    run: Callable[[IncidentArrays, dict[str, Any], int, Progress], dict[str, Any]]


def clean_kde(params: dict[str, Any]) -> dict[str, Any]:
    """Cell size and bandwidth in metres, and the kernel."""
    return {
        "cell_size": _number(params, "cell_size", 100, 5, 10_000),
        "bandwidth": _number(params, "bandwidth", 400, 10, 50_000),
        "kernel": _choice(params, "kernel", "quartic", ("quartic", "gaussian", "epanechnikov")),
    }


def run_kde(
    arrays: IncidentArrays, params: dict[str, Any], seed: int, progress: Progress
) -> dict[str, Any]:
    """Kernel density of the incidents, in events per km²; the densest cells are kept."""
    from analysis.methods.kde import kde

    _require_events(arrays)
    projection = utm_for(arrays.lon, arrays.lat)
    x, y = projection.forward(arrays.lon, arrays.lat)
    progress(20)
    result = kde(
        x,
        y,
        cell_size=params["cell_size"],
        bandwidth=params["bandwidth"],
        kernel=params["kernel"],
        extent=_padded_extent(x, y, params["bandwidth"]),
        max_cells=MAX_JOB_CELLS,
    )
    progress(80)
    gx, gy = np.meshgrid(result.x, result.y)
    lon, lat = projection.inverse(gx.ravel(), gy.ravel())
    per_km2 = result.density.ravel() * 1e6
    order = np.argsort(-per_km2, kind="stable")
    order = order[per_km2[order] > 0]
    return {
        "events": result.events,
        "cell_size": result.cell_size,
        "bandwidth": result.bandwidth,
        "kernel": result.kernel,
        "unit": "incidents per km²",
        "max_density": float(per_km2.max()) if per_km2.size else 0.0,
        "cells_total": int(per_km2.size),
        "cells": _cells({"lon": lon, "lat": lat, "density": per_km2}, order, MAX_RESULT_CELLS),
    }


def _padded_extent(x: np.ndarray, y: np.ndarray, pad: float) -> tuple[float, float, float, float]:
    return (float(x.min()) - pad, float(y.min()) - pad, float(x.max()) + pad, float(y.max()) + pad)


def clean_gistar(params: dict[str, Any]) -> dict[str, Any]:
    """Square grid (cell size, queen/rook) or H3 cells (resolution)."""
    grid = _choice(params, "grid", "h3", ("h3", "square"))
    if grid == "h3":
        return {"grid": grid, "resolution": int(_number(params, "resolution", 9, 5, 11))}
    return {
        "grid": grid,
        "cell_size": _number(params, "cell_size", 200, 10, 10_000),
        "neighbours": _choice(params, "neighbours", "queen", ("queen", "rook")),
    }


def run_gistar(
    arrays: IncidentArrays, params: dict[str, Any], seed: int, progress: Progress
) -> dict[str, Any]:
    """Gi* hot and cold spots with Benjamini-Hochberg q-values."""
    _require_events(arrays, 2)
    if params["grid"] == "h3":
        return _gistar_h3(arrays, params["resolution"], progress)
    from analysis.methods.gistar import gistar_grid

    projection = utm_for(arrays.lon, arrays.lat)
    x, y = projection.forward(arrays.lon, arrays.lat)
    result = gistar_grid(
        x,
        y,
        cell_size=params["cell_size"],
        neighbours=params["neighbours"],
        max_cells=MAX_JOB_CELLS,
    )
    progress(80)
    gx, gy = np.meshgrid(result.x, result.y)
    lon, lat = projection.inverse(gx.ravel(), gy.ravel())
    z, q, counts = result.z.ravel(), result.q.ravel(), result.counts.ravel()
    order = np.argsort(-np.abs(z), kind="stable")
    order = order[(counts[order] > 0) | (q[order] < 0.05)]
    return {
        "grid": "square",
        "events": result.events,
        "cell_size": result.cell_size,
        "neighbours": result.neighbours,
        "cells_total": int(z.size),
        "hot_spots": int(np.count_nonzero((q < 0.05) & (z > 0))),
        "cold_spots": int(np.count_nonzero((q < 0.05) & (z < 0))),
        "cells": _cells(
            {"lon": lon, "lat": lat, "count": counts, "z": z, "p": result.p.ravel(), "q": q},
            order,
            MAX_RESULT_CELLS,
        ),
    }


def _gistar_h3(arrays: IncidentArrays, resolution: int, progress: Progress) -> dict[str, Any]:
    """Gi* over H3 cells: every cell within one ring of a cell with incidents is a unit, so
    empty cells around the activity count too."""
    import h3

    from analysis.methods.gistar import gistar_from_neighbours

    cells = [
        h3.latlng_to_cell(la, lo, resolution) for la, lo in zip(arrays.lat, arrays.lon, strict=True)
    ]
    occupied = set(cells)
    units = sorted({n for c in occupied for n in h3.grid_disk(c, 1)})
    index = {cell: i for i, cell in enumerate(units)}
    counts = np.zeros(len(units), dtype=np.float64)
    np.add.at(counts, [index[c] for c in cells], 1)
    neighbours = [[index[n] for n in h3.grid_disk(cell, 1) if n in index] for cell in units]
    progress(60)
    result = gistar_from_neighbours(counts, neighbours)
    order = np.argsort(-np.abs(result.z), kind="stable")
    centres = [h3.cell_to_latlng(cell) for cell in units]
    return {
        "grid": "h3",
        "resolution": resolution,
        "events": arrays.count,
        "cells_total": len(units),
        "hot_spots": int(np.count_nonzero((result.q < 0.05) & (result.z > 0))),
        "cold_spots": int(np.count_nonzero((result.q < 0.05) & (result.z < 0))),
        "cells": _cells(
            {
                "h3": np.array(units, dtype=object),
                "lat": np.array([c[0] for c in centres]),
                "lon": np.array([c[1] for c in centres]),
                "count": counts,
                "z": result.z,
                "p": result.p,
                "q": result.q,
            },
            order,
            MAX_RESULT_CELLS,
        ),
    }


def clean_near_repeat(params: dict[str, Any]) -> dict[str, Any]:
    """Bands (metres, days), metric and permutations."""
    return {
        "spatial_bands": _breaks(params, "spatial_bands", [0, 100, 200, 300, 400, 500, 600]),
        "temporal_bands": _breaks(params, "temporal_bands", [0, 7, 14, 21, 28, 35]),
        "metric": _choice(params, "metric", "manhattan", ("manhattan", "euclidean")),
        "permutations": int(_number(params, "permutations", 999, 1, 9999)),
    }


def run_near_repeat(
    arrays: IncidentArrays, params: dict[str, Any], seed: int, progress: Progress
) -> dict[str, Any]:
    """The Knox test on the incidents' start times (days), distances in metres."""
    from analysis.methods.near_repeat import knox_test

    _require_events(arrays, 2)
    projection = utm_for(arrays.lon, arrays.lat)
    x, y = projection.forward(arrays.lon, arrays.lat)
    progress(10)
    result = knox_test(
        x,
        y,
        arrays.occurred_from,
        spatial_bands=[float(v) for v in params["spatial_bands"]],
        temporal_bands=[float(v) for v in params["temporal_bands"]],
        metric=params["metric"],
        permutations=params["permutations"],
        seed=seed,
    )
    output = result.as_dict()
    return {key: _json_tree(value) for key, value in output.items()}


def _json_tree(value: Any) -> Any:
    if isinstance(value, list):
        return [_json_tree(v) for v in value]
    if isinstance(value, float) and math.isinf(value):
        return "inf"
    return _plain(value)


RUNNERS: dict[str, Runner] = {
    "kde": Runner(clean_kde, run_kde),
    "gistar": Runner(clean_gistar, run_gistar),
    "near_repeat": Runner(clean_near_repeat, run_near_repeat),
}
