"""Hotspot forecast and its accuracy: split the time the incidents cover into equal periods
counted back from its end, forecast the hotspot cells of the next period from the periods
before it, and score the forecast against the held-out last period with the hit rate, PAI and
PEI (``analysis.methods.forecast``).

Cells are H3 hexagons (computed from each incident's location at the chosen resolution, so a
cell holds exactly the points inside it) or squares of a UTM grid. The study area, whose size
is PAI's denominator, is every cell whose centre lies in the convex hull of all the incidents
plus every cell holding one; with no area boundary of its own that is the fairest stand-in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from numpy.typing import NDArray

from analysis.files import FileEvents, Projection, utm_for
from analysis.inputs import IncidentArrays
from analysis.methods.errors import MethodInputError
from analysis.methods.forecast import (
    ForecastAccuracy,
    HotspotForecast,
    forecast_accuracy,
    forecast_hotspots,
)
from analysis.runners.base import (
    MAX_JOB_CELLS,
    Progress,
    choice,
    number,
    plain,
    require_events,
)
from analysis.runners.temporal import local_instant, local_times, whole

#: Most cells a forecast may hold (and a result stores).
MAX_FORECAST_CELLS = 1000
#: Periods listed in a result (the latest).
MAX_PERIODS = 500
#: Busiest cells of the held-out period that the forecast missed, listed and drawn.
MISSED_SHOWN = 10
DAY = 86_400
FORECAST_COLUMNS = ["rank", "lon", "lat", "score", "observed"]


def clean_forecast(params: dict[str, Any]) -> dict[str, Any]:
    """Cells (H3 resolution or square size), period length, method, forecast size, evaluation.

    ``time_zone`` is not taken from the caller: the service sets the agency's."""
    grid = choice(params, "grid", "h3", ("h3", "square"))
    cleaned: dict[str, Any] = {"grid": grid}
    if grid == "h3":
        cleaned["resolution"] = whole(params, "resolution", 9, 6, 11)
    else:
        cleaned["cell_size"] = number(params, "cell_size", 250, 25, 5000)
    cleaned["period_days"] = whole(params, "period_days", 28, 1, 366)
    method = choice(params, "method", "last", ("last", "moving_average", "ewma"))
    cleaned["method"] = method
    if method == "moving_average":
        cleaned["window"] = whole(params, "window", 4, 1, 104)
    elif method == "ewma":
        cleaned["half_life"] = number(params, "half_life", 2, 0.1, 104)
    selection = choice(params, "selection", "top_k", ("top_k", "area_share"))
    cleaned["selection"] = selection
    if selection == "top_k":
        cleaned["top_k"] = whole(params, "top_k", 20, 1, MAX_FORECAST_CELLS)
    else:
        cleaned["area_share"] = number(params, "area_share", 2, 0.01, 50)
    cleaned["evaluate"] = choice(params, "evaluate", "holdout", ("holdout", "next"))
    return cleaned


# -- Cells -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellLayout:
    """Each incident's cell and the study area's cells, as integer ids, with their areas."""

    incident_cells: NDArray[np.int64]
    study: NDArray[np.int64]
    areas_km2: NDArray[np.float64]


@dataclass(frozen=True)
class SquareGrid:
    """A square grid anchored on multiples of ``size``: cell id ``row * columns + column``."""

    x0: float
    y0: float
    size: float
    columns: int

    def centres(self, ids: NDArray[np.int64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The centres of cells ``ids``, in the grid's coordinates."""
        row, column = np.divmod(ids, self.columns)
        return self.x0 + (column + 0.5) * self.size, self.y0 + (row + 0.5) * self.size


def square_layout(
    x: NDArray[np.float64], y: NDArray[np.float64], size: float
) -> tuple[CellLayout, SquareGrid]:
    """Square cells of ``size`` (planar metres) over the incidents' convex hull."""
    import shapely

    x0, y0 = math.floor(x.min() / size) * size, math.floor(y.min() / size) * size
    columns = int((x.max() - x0) // size) + 1
    rows = int((y.max() - y0) // size) + 1
    if columns * rows > MAX_JOB_CELLS:
        raise MethodInputError(
            f"a grid of {size:g} m cells over these incidents needs {columns * rows:,} cells, "
            f"more than the {MAX_JOB_CELLS:,} allowed; use larger cells"
        )
    grid = SquareGrid(x0=x0, y0=y0, size=size, columns=columns)
    column = np.minimum(((x - x0) // size).astype(np.int64), columns - 1)
    row = np.minimum(((y - y0) // size).astype(np.int64), rows - 1)
    cells = row * columns + column
    hull = shapely.MultiPoint(np.column_stack([x, y])).convex_hull
    every = np.arange(columns * rows, dtype=np.int64)
    if hull.geom_type == "Polygon":
        cx, cy = grid.centres(every)
        inside = every[np.asarray(shapely.contains_xy(hull, cx, cy), dtype=bool)]
    else:
        inside = np.empty(0, dtype=np.int64)
    study = np.union1d(inside, cells)
    areas = np.full(study.size, size * size / 1e6)
    return CellLayout(incident_cells=cells, study=study, areas_km2=areas), grid


def h3_layout(
    lon: NDArray[np.float64], lat: NDArray[np.float64], resolution: int
) -> tuple[CellLayout, list[str]]:
    """H3 cells at ``resolution`` over the incidents' convex hull, with the ids as strings."""
    import h3
    import shapely

    # Recomputed from the location rather than taken as parents of the stored resolution-9
    # cells: H3 cells do not nest exactly, and the hull's cells are found by their centres.
    names = [h3.latlng_to_cell(a, o, resolution) for a, o in zip(lat, lon, strict=True)]
    cells = np.array([h3.str_to_int(n) for n in names], dtype=np.int64)
    hull = shapely.MultiPoint(np.column_stack([lon, lat])).convex_hull
    inside: list[str] = []
    if hull.geom_type == "Polygon":
        projection = utm_for(lon, lat)
        hx, hy = projection.forward(*(np.asarray(c) for c in hull.exterior.xy))
        needed = shapely.Polygon(np.column_stack([hx, hy])).area / h3.average_hexagon_area(
            resolution, unit="m^2"
        )
        if needed > MAX_JOB_CELLS:
            raise MethodInputError(
                f"the incidents cover about {needed:,.0f} H3 cells at resolution {resolution}, "
                f"more than the {MAX_JOB_CELLS:,} allowed; use a coarser resolution"
            )
        ring = [(la, lo) for lo, la in hull.exterior.coords[:-1]]
        inside = list(h3.polygon_to_cells(h3.LatLngPoly(ring), resolution))
    study_names = sorted(set(inside) | set(names))
    study = np.array([h3.str_to_int(n) for n in study_names], dtype=np.int64)
    order = np.argsort(study)
    areas = np.array([h3.cell_area(n, unit="km^2") for n in study_names], dtype=np.float64)
    return CellLayout(incident_cells=cells, study=study[order], areas_km2=areas[order]), names


# -- Periods, forecast and score ---------------------------------------------------------------


@dataclass(frozen=True)
class ForecastRun:
    """A forecast on cells and, when evaluated, its score against the held-out period."""

    forecast: HotspotForecast
    cells_requested: int
    periods: list[dict[str, Any]]
    periods_total: int
    oldest_period: str
    target_start: int
    target_end: int
    observed: NDArray[np.int64] | None
    accuracy: ForecastAccuracy | None
    missed: list[tuple[int, int]]
    score_unit: str


def period_label(start: int, end: int) -> str:
    """A period of local seconds ``[start, end)`` as its first and last day (or times)."""

    def moment(second: int) -> str:
        stamp = np.datetime64(second, "s")
        return str(stamp.astype("datetime64[D]")) if second % DAY == 0 else str(stamp)[:16]

    if start % DAY == 0 and end % DAY == 0:
        last_day = np.datetime64(end - DAY, "s").astype("datetime64[D]")
        return f"{moment(start)} to {last_day}"
    return f"{moment(start)} to {moment(end)} (end excluded)"


def forecast_on_cells(
    cells: NDArray[np.int64],
    seconds: NDArray[np.int64],
    layout: CellLayout,
    params: dict[str, Any],
    *,
    start: int | None = None,
    end: int | None = None,
) -> ForecastRun:
    """Forecast and score on cells, from local wall-clock times in seconds since 1970.

    Periods of ``period_days`` run back from ``end`` (default: the midnight after the last
    incident); with ``start`` known, the oldest period is whole when the span is a whole
    number of periods. With ``evaluate="holdout"`` the last period is forecast from the ones
    before it and scored; with ``"next"`` the period after ``end`` is forecast from all.
    """
    length = int(params["period_days"]) * DAY
    end = end if end is not None else (int(seconds.max()) // DAY + 1) * DAY
    inside = seconds < end
    if start is not None:
        inside &= seconds >= start
    cells, seconds = cells[inside], seconds[inside]
    if cells.size == 0:
        raise MethodInputError("there are no incidents in the period to forecast from")
    back = (end - 1 - seconds) // length
    if start is not None:
        total = max(1, -(-(end - start) // length))
        oldest = "whole" if (end - start) % length == 0 else "partial"
    else:
        total = int(back.max()) + 1
        oldest = "unknown"
    period = total - 1 - back
    holdout = params.get("evaluate", "holdout") == "holdout"
    if holdout and total < 2:
        raise MethodInputError(
            f"the incidents span a single {params['period_days']}-day period, but scoring a "
            "forecast needs at least two (one to forecast from, one held out); use shorter "
            "periods or a longer time span"
        )
    target = total - 1 if holdout else total
    last_used = target - 1
    bounds = [(end - (total - p) * length, end - (total - p - 1) * length) for p in range(total)]
    method = params["method"]
    first_used = {"last": last_used, "moving_average": last_used - int(params.get("window", 1)) + 1}
    first_used_period = max(0, first_used.get(method, 0))
    use = (period >= first_used_period) & (period <= last_used)
    if not use.any():
        raise MethodInputError(
            "there are no incidents in the period(s) the forecast is made from "
            f"({period_label(bounds[first_used_period][0], bounds[last_used][1])}); choose "
            "longer periods or another method"
        )
    k = _cells_requested(params, layout.study.size)
    half_life = math.inf if method == "moving_average" else float(params.get("half_life", 2))
    forecast = forecast_hotspots(
        cells[use],
        period[use],
        top_k=k,
        method="last" if method == "last" else "ewma",
        half_life=half_life,
        last_period=last_used,
    )
    if method == "moving_average":
        # The window's sum ranks cells as its mean does; the mean reads as incidents per period.
        window = int(params["window"])
        forecast = _scaled(forecast, 1 / min(window, last_used + 1))
    counts = np.bincount(period, minlength=total)
    periods = [
        {
            "start": str(np.datetime64(a, "s")),
            "end": str(np.datetime64(b, "s")),
            "label": period_label(a, b),
            "incidents": int(counts[p]),
            "role": "held out" if holdout and p == target else "history",
        }
        for p, (a, b) in enumerate(bounds)
    ]
    target_start, target_end = end + (target - total) * length, end + (target - total + 1) * length
    observed, accuracy, missed = None, None, []
    if holdout:
        outcome = cells[period == target]
        if outcome.size == 0:
            raise MethodInputError(
                f"there are no incidents in the held-out period "
                f"({period_label(target_start, target_end)}) to score the forecast against"
            )
        accuracy = forecast_accuracy(
            forecast.cells, outcome, study_cells=layout.study, cell_areas=layout.areas_km2
        )
        ids, per_cell = np.unique(outcome, return_counts=True)
        found = dict(zip(ids.tolist(), per_cell.tolist(), strict=True))
        observed = np.array([found.get(int(c), 0) for c in forecast.cells], dtype=np.int64)
        chosen = set(forecast.cells.tolist())
        ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
        missed = [(c, n) for c, n in ranked if c not in chosen][:MISSED_SHOWN]
    return ForecastRun(
        forecast=forecast,
        cells_requested=k,
        periods=periods[-MAX_PERIODS:],
        periods_total=total,
        oldest_period=oldest,
        target_start=target_start,
        target_end=target_end,
        observed=observed,
        accuracy=accuracy,
        missed=missed,
        score_unit=_score_unit(params),
    )


def _cells_requested(params: dict[str, Any], study_cells: int) -> int:
    if params.get("selection", "top_k") == "top_k":
        return int(params["top_k"])
    share = float(params["area_share"])
    k = max(1, round(share / 100 * study_cells))
    if k > MAX_FORECAST_CELLS:
        raise MethodInputError(
            f"{share:g} % of the study area is {k:,} of its {study_cells:,} cells, more than "
            f"the {MAX_FORECAST_CELLS:,} a forecast may hold; use a smaller share or larger cells"
        )
    return k


def _scaled(forecast: HotspotForecast, factor: float) -> HotspotForecast:
    return HotspotForecast(
        cells=forecast.cells,
        scores=forecast.scores * factor,
        method=forecast.method,
        last_period=forecast.last_period,
        half_life=forecast.half_life,
        top_k=forecast.top_k,
        candidates=forecast.candidates,
        incidents_used=forecast.incidents_used,
        incidents_after=forecast.incidents_after,
    )


def _score_unit(params: dict[str, Any]) -> str:
    method = params["method"]
    if method == "last":
        return "incidents in the last period"
    if method == "moving_average":
        return f"incidents per period (mean of the last {params['window']})"
    return f"weighted incidents (half-life {float(params['half_life']):g} periods)"


def accuracy_dict(accuracy: ForecastAccuracy | None) -> dict[str, Any] | None:
    """The score as JSON-ready numbers (areas in km² for jobs, cells' units on the CLI)."""
    if accuracy is None:
        return None
    return {
        "hit_rate": plain(accuracy.hit_rate),
        "pai": plain(accuracy.pai),
        "pei": plain(accuracy.pei),
        "captured": plain(accuracy.captured),
        "incidents": plain(accuracy.incidents),
        "best_captured": plain(accuracy.best_captured),
        "forecast_cells": accuracy.forecast_cells,
        "study_cells": accuracy.study_cells,
        "forecast_area": plain(accuracy.forecast_area),
        "study_area": plain(accuracy.study_area),
        "area_share": plain(accuracy.forecast_area / accuracy.study_area),
    }


def run_summary(run: ForecastRun, params: dict[str, Any]) -> dict[str, Any]:
    """What a job and the CLI both report about the periods, the forecast and its score."""
    return {
        "period_days": params["period_days"],
        "method": params["method"],
        "score_unit": run.score_unit,
        "evaluate": params.get("evaluate", "holdout"),
        "cells_requested": run.cells_requested,
        "candidates": run.forecast.candidates,
        "incidents_used": plain(run.forecast.incidents_used),
        "periods_total": run.periods_total,
        "periods": run.periods,
        "oldest_period": run.oldest_period,
        "forecast_period": {
            "start": str(np.datetime64(run.target_start, "s")),
            "end": str(np.datetime64(run.target_end, "s")),
            "label": period_label(run.target_start, run.target_end),
        },
        "accuracy": accuracy_dict(run.accuracy),
    }


# -- Jobs --------------------------------------------------------------------------------------


def _local_seconds(moment: Any, zone: str) -> int | None:
    local = local_instant(moment, zone)
    return None if local is None else int(local.astype(np.int64))


def run_forecast(
    arrays: IncidentArrays, params: dict[str, Any], seed: int, progress: Progress
) -> dict[str, Any]:
    """Forecast hotspot cells for the held-out last period (scored) or the next one."""
    require_events(arrays)
    zone = str(params.get("time_zone") or "UTC")
    seconds = local_times(arrays.occurred_from, zone).astype(np.int64)
    projection: Projection | None = None
    grid: SquareGrid | None = None
    names: list[str] = []
    if params["grid"] == "h3":
        layout, names = h3_layout(arrays.lon, arrays.lat, int(params["resolution"]))
    else:
        projection = utm_for(arrays.lon, arrays.lat)
        x, y = projection.forward(arrays.lon, arrays.lat)
        layout, grid = square_layout(x, y, float(params["cell_size"]))
    progress(40)
    run = forecast_on_cells(
        layout.incident_cells,
        seconds,
        layout,
        params,
        start=_local_seconds(arrays.period_start, zone),
        end=_local_seconds(arrays.period_end, zone),
    )
    progress(80)
    describe = _describer(names, projection, grid)
    cells = []
    for rank, (cell, score) in enumerate(zip(run.forecast.cells, run.forecast.scores, strict=True)):
        entry = describe(int(cell))
        entry |= {"rank": rank + 1, "score": plain(score)}
        entry["observed"] = None if run.observed is None else int(run.observed[rank])
        cells.append(entry)
    missed = [describe(cell) | {"observed": count} for cell, count in run.missed]
    area = {k: float(v) for k, v in zip(layout.study.tolist(), layout.areas_km2, strict=True)}
    forecast_area = sum(area[int(c)] for c in run.forecast.cells)
    study_area = float(layout.areas_km2.sum())
    geometry: dict[str, Any] = {"grid": params["grid"]}
    if params["grid"] == "h3":
        geometry["resolution"] = params["resolution"]
    else:
        geometry["cell_size"] = params["cell_size"]
    return {
        **geometry,
        "time_zone": zone,
        "events": arrays.count,
        **run_summary(run, params),
        "study_cells": int(layout.study.size),
        "cells_total": int(layout.study.size),
        "study_area_km2": study_area,
        "forecast_area_km2": forecast_area,
        "area_share": forecast_area / study_area,
        "cells": cells,
        "missed": missed,
    }


def _describer(names: list[str], projection: Projection | None, grid: SquareGrid | None) -> Any:
    """Turns a cell id into the stored cell: H3 id and centre, or a square's centre."""
    import h3

    def describe(cell: int) -> dict[str, Any]:
        if grid is None:
            name = h3.int_to_str(cell)
            lat, lon = h3.cell_to_latlng(name)
            return {"h3": name, "lon": lon, "lat": lat}
        assert projection is not None
        cx, cy = grid.centres(np.array([cell], dtype=np.int64))
        lon, lat = projection.inverse(cx, cy)
        return {"lon": float(lon[0]), "lat": float(lat[0])}

    return describe


# -- Result page -------------------------------------------------------------------------------


def forecast_map_payload(result: dict[str, Any]) -> dict[str, Any]:
    """What the forecast map draws: the forecast cells (Leaflet lat/lon rings) with rank,
    score and the incidents they had in the held-out period, and the busiest cells missed."""
    from analysis.results import cell_rings

    def drawn(cells: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
        rings = cell_rings({**result, "cells": cells})
        return [
            {"ring": [[lat, lon] for lon, lat in ring[:-1]]} | {k: cell.get(k) for k in keys}
            for cell, ring in zip(cells, rings, strict=True)
        ]

    return {
        "kind": "forecast",
        "evaluate": result.get("evaluate") == "holdout",
        "score_unit": result.get("score_unit", ""),
        "cells": drawn(result.get("cells") or [], ("rank", "score", "observed")),
        "missed": drawn(result.get("missed") or [], ("observed",)),
        "stored": len(result.get("cells") or []),
        "total": result.get("cells_total"),
    }


@dataclass(frozen=True)
class ForecastPage:
    """The forecast's size and, when it was scored, its accuracy as the page words them."""

    forecast_share: str
    hit_rate: str = ""
    area_share: str = ""
    pai: str = ""
    pei: str = ""
    captured: str = ""
    incidents: str = ""
    best_captured: str = ""
    chance_hits: str = ""


def _percent(share: float) -> str:
    return f"{share * 100:.2f} %" if share < 0.1 else f"{share * 100:.1f} %"


def forecast_page(result: dict[str, Any]) -> ForecastPage:
    """Percentages and ratios for the forecast summary and the accuracy panel."""
    forecast_share = _percent(float(result.get("area_share") or 0))
    accuracy = result.get("accuracy")
    if not accuracy:
        return ForecastPage(forecast_share=forecast_share)
    share = float(accuracy["area_share"])
    return ForecastPage(
        forecast_share=forecast_share,
        hit_rate=_percent(accuracy["hit_rate"]),
        area_share=_percent(share),
        pai=f"{accuracy['pai']:.2f}",
        pei=f"{accuracy['pei']:.2f}",
        captured=f"{accuracy['captured']:g}",
        incidents=f"{accuracy['incidents']:g}",
        best_captured=f"{accuracy['best_captured']:g}",
        chance_hits=f"{share * accuracy['incidents']:.1f}",
    )


# -- Files (manage.py analyse) -----------------------------------------------------------------


def forecast_from_events(events: FileEvents, options: dict[str, Any]) -> dict[str, Any]:
    """``analyse forecast``: square cells of ``--cell-size`` over the file's planar x/y
    (metres; lon/lat projected to UTM with ``--lonlat``), periods counted back from the
    midnight after the last event (times as written in the file)."""
    if events.t is None:
        raise MethodInputError("forecast needs --time, the column of event times")
    if options.get("cell_size") is None:
        raise MethodInputError("forecast needs --cell-size, the side of a square cell in metres")

    def option(name: str, default: Any) -> Any:
        value = options.get(name)
        return default if value is None else value

    given = {
        "grid": "square",
        "cell_size": options["cell_size"],
        "period_days": option("period_days", 28),
        "method": option("forecast_method", "last"),
        "window": option("average_periods", 4),
        "half_life": option("half_life", 2),
        "selection": "area_share" if options.get("area_share") is not None else "top_k",
        "top_k": option("top_k", 20),
        "area_share": options.get("area_share"),
        "evaluate": "next" if options.get("next_period") else "holdout",
    }
    try:
        params = clean_forecast(given)
    except ValidationError as exc:
        raise MethodInputError("; ".join(exc.messages)) from None
    layout, grid = square_layout(events.x, events.y, float(params["cell_size"]))
    seconds = events.t.astype("datetime64[s]").astype(np.int64)
    run = forecast_on_cells(layout.incident_cells, seconds, layout, params)

    def centre(cell: int) -> dict[str, float]:
        cx, cy = grid.centres(np.array([cell], dtype=np.int64))
        if events.projection is not None:
            cx, cy = events.projection.inverse(cx, cy)
        return {"x": float(cx[0]), "y": float(cy[0])}

    cells = [
        centre(int(cell))
        | {
            "rank": rank + 1,
            "score": plain(score),
            "observed": None if run.observed is None else int(run.observed[rank]),
        }
        for rank, (cell, score) in enumerate(
            zip(run.forecast.cells, run.forecast.scores, strict=True)
        )
    ]
    return {
        "cell_size": params["cell_size"],
        **run_summary(run, params),
        "study_cells": int(layout.study.size),
        "area_unit": "km² (x and y in metres)",
        "cells": cells,
        "missed": [centre(cell) | {"observed": count} for cell, count in run.missed],
    }
