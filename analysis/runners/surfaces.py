"""Hotspot surfaces: kernel density and Getis-Ord Gi* (square grid or H3 cells)."""

from __future__ import annotations

from typing import Any

import numpy as np

from analysis.files import utm_for
from analysis.inputs import IncidentArrays
from analysis.runners.base import (
    MAX_JOB_CELLS,
    MAX_RESULT_CELLS,
    Progress,
    choice,
    number,
    require_events,
    top_cells,
)


def clean_kde(params: dict[str, Any]) -> dict[str, Any]:
    """Cell size and bandwidth in metres, and the kernel."""
    return {
        "cell_size": number(params, "cell_size", 100, 5, 10_000),
        "bandwidth": number(params, "bandwidth", 400, 10, 50_000),
        "kernel": choice(params, "kernel", "quartic", ("quartic", "gaussian", "epanechnikov")),
    }


def run_kde(
    arrays: IncidentArrays, params: dict[str, Any], seed: int, progress: Progress
) -> dict[str, Any]:
    """Kernel density of the incidents, in events per km²; the densest cells are kept."""
    from analysis.methods.kde import kde

    require_events(arrays)
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
        "cells": top_cells({"lon": lon, "lat": lat, "density": per_km2}, order, MAX_RESULT_CELLS),
    }


def _padded_extent(x: np.ndarray, y: np.ndarray, pad: float) -> tuple[float, float, float, float]:
    return (float(x.min()) - pad, float(y.min()) - pad, float(x.max()) + pad, float(y.max()) + pad)


def clean_gistar(params: dict[str, Any]) -> dict[str, Any]:
    """Square grid (cell size, queen/rook) or H3 cells (resolution)."""
    grid = choice(params, "grid", "h3", ("h3", "square"))
    if grid == "h3":
        return {"grid": grid, "resolution": int(number(params, "resolution", 9, 5, 11))}
    return {
        "grid": grid,
        "cell_size": number(params, "cell_size", 200, 10, 10_000),
        "neighbours": choice(params, "neighbours", "queen", ("queen", "rook")),
    }


def run_gistar(
    arrays: IncidentArrays, params: dict[str, Any], seed: int, progress: Progress
) -> dict[str, Any]:
    """Gi* hot and cold spots with Benjamini-Hochberg q-values."""
    require_events(arrays, 2)
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
        "cells": top_cells(
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
        "cells": top_cells(
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
