"""Forecasts of next period's hotspot cells, and how well a forecast did.

Forecast (``forecast_hotspots``): from past incidents, each with a cell id (a grid cell index
or an H3 cell as an integer) and a period number (e.g. a week index), score every cell and
forecast the ``top_k`` cells with the highest score for the period after ``last_period``:

* ``method="last"``: the cell's incidents in ``last_period`` ("last period's hotspots");
* ``method="ewma"``: exponentially weighted incidents over all periods up to ``last_period``,
  an incident ``a`` periods before ``last_period`` weighing ``0.5 ** (a / half_life)``
  (``half_life = inf`` gives the plain count over all periods).

Cells with a score of 0 are never forecast, so a forecast can hold fewer than ``top_k`` cells;
cells tied on score are taken in ascending id order.

Accuracy (``forecast_accuracy``), against the incidents of the period forecast, with ``N`` of
them in the study area, ``n`` in the forecast cells, ``a`` the forecast cells' area and ``A``
the study area's:

* hit rate ``n / N``;
* PAI, predictive accuracy index (Chainey, Tompson & Uhlig 2008): ``(n / N) / (a / A)``;
* PEI, predictive efficiency index (Hunt 2016): ``n / n*``, where ``n*`` is the most
  incidents any forecast of the same size could have caught, i.e. the incidents in the
  ``m`` cells that in fact had the most (``m`` the number of forecast cells). This equals
  ``PAI / PAI*``, PAI* being the best PAI attainable with the same area, when cells have equal
  areas (grids, H3 cells within a city). With unequal areas it compares with the best ``m``
  cells, not with the best set of cells of equal area (as the R package ptools does).

The PEI* of White, Hunt & Green (2023), a variant of PEI, is not implemented here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from analysis.methods.errors import MethodInputError
from analysis.methods.repeats import as_ids, as_weights

ForecastMethod = Literal["last", "ewma"]


@dataclass(frozen=True)
class HotspotForecast:
    """Forecast cells for period ``last_period + 1``, from the highest score down.

    ``candidates`` is the number of cells with a positive score; ``incidents_used`` counts the
    past incidents up to ``last_period`` and ``incidents_after`` those after it, left out.
    """

    cells: NDArray[np.int64]
    scores: NDArray[np.float64]
    method: ForecastMethod
    last_period: int
    half_life: float | None
    top_k: int
    candidates: int
    incidents_used: float
    incidents_after: float


@dataclass(frozen=True)
class ForecastAccuracy:
    """Hit rate, PAI and PEI of a forecast against the incidents of the period it forecast.

    ``incidents`` is ``N``, ``captured`` is ``n``, ``best_captured`` is ``n*``;
    ``forecast_area`` and ``study_area`` are ``a`` and ``A`` (in cells when no areas are given).
    """

    hit_rate: float
    pai: float
    pei: float
    captured: float
    incidents: float
    best_captured: float
    forecast_cells: int
    study_cells: int
    forecast_area: float
    study_area: float


def forecast_hotspots(
    cell_ids: ArrayLike,
    periods: ArrayLike,
    *,
    top_k: int,
    method: ForecastMethod = "last",
    half_life: float = 2.0,
    counts: ArrayLike | None = None,
    last_period: int | None = None,
) -> HotspotForecast:
    """Forecast next period's ``top_k`` hotspot cells from past incidents.

    One row per incident: ``cell_ids`` and ``periods`` (whole numbers); or one row per cell and
    period with ``counts`` giving the incidents of each row. ``last_period`` (default: the
    latest period in the data) is the last one the forecast may use; rows after it are left
    out, which lets a back-test forecast any past period. See the module docstring.
    """
    cells = as_ids(cell_ids, "cell_ids")
    period = as_ids(periods, "periods")
    if period.size != cells.size:
        raise MethodInputError(
            f"there are {cells.size} cell ids but {period.size} periods; give one per incident"
        )
    weight = np.ones(cells.size) if counts is None else as_weights(counts, "counts", cells.size)
    k = _whole(top_k, "top_k")
    if method not in ("last", "ewma"):
        raise MethodInputError(f"method must be 'last' or 'ewma'; got {method!r}")
    last = int(period.max()) if last_period is None else _integer(last_period, "last_period")
    used = period <= last
    if method == "last":
        decay = np.where(period == last, 1.0, 0.0)
        life: float | None = None
    else:
        life = _half_life(half_life)
        ago = np.maximum(last - period, 0)
        decay = 0.5 ** (ago / life) if math.isfinite(life) else np.ones(period.size)
    contribution = np.where(used, weight * decay, 0.0)
    distinct, inverse = np.unique(cells, return_inverse=True)
    score = np.bincount(inverse.ravel(), weights=contribution, minlength=distinct.size).astype(
        np.float64
    )
    positive = score > 0
    candidates = int(positive.sum())
    if candidates == 0:
        when = f"period {last}" if method == "last" else f"the periods up to {last}"
        raise MethodInputError(f"there are no incidents in {when} to forecast from")
    order = np.lexsort((distinct, -score))
    order = order[positive[order]][:k]
    return HotspotForecast(
        cells=distinct[order].astype(np.int64),
        scores=score[order],
        method=method,
        last_period=last,
        half_life=life,
        top_k=k,
        candidates=candidates,
        incidents_used=float(weight[used].sum()),
        incidents_after=float(weight[~used].sum()),
    )


def forecast_accuracy(
    forecast_cells: ArrayLike,
    outcome_cell_ids: ArrayLike,
    *,
    study_cells: ArrayLike,
    cell_areas: ArrayLike | None = None,
    outcome_counts: ArrayLike | None = None,
) -> ForecastAccuracy:
    """Hit rate, PAI (Chainey et al. 2008) and PEI (Hunt 2016) of a set of forecast cells.

    ``outcome_cell_ids`` has the cell of each incident in the period forecast (or one row per
    cell with ``outcome_counts``). ``study_cells`` lists every cell of the study area once, and
    ``cell_areas`` (optional) their areas in the same order; without it every cell has area 1.
    Forecast and outcome cells must lie in the study area.
    """
    study = as_ids(study_cells, "study_cells")
    if np.unique(study).size != study.size:
        raise MethodInputError("study_cells lists a cell more than once; list each cell once")
    areas = np.ones(study.size) if cell_areas is None else _areas(cell_areas, study.size)
    forecast = as_ids(forecast_cells, "forecast_cells")
    if np.unique(forecast).size != forecast.size:
        raise MethodInputError("forecast_cells lists a cell more than once")
    outcome = as_ids(outcome_cell_ids, "outcome_cell_ids")
    weight = (
        np.ones(outcome.size)
        if outcome_counts is None
        else as_weights(outcome_counts, "outcome_counts", outcome.size)
    )

    order = np.argsort(study)
    forecast_index = _positions(study, order, forecast, "forecast_cells")
    outcome_index = _positions(study, order, outcome, "outcome_cell_ids")
    per_cell = np.bincount(outcome_index, weights=weight, minlength=study.size)
    total = float(per_cell.sum())
    if total <= 0:
        raise MethodInputError(
            "there are no incidents in the period forecast, so there is nothing to score the "
            "forecast against"
        )
    captured = float(per_cell[forecast_index].sum())
    best = float(np.sort(per_cell)[::-1][: forecast.size].sum())
    forecast_area = float(areas[forecast_index].sum())
    study_area = float(areas.sum())
    hit_rate = captured / total
    return ForecastAccuracy(
        hit_rate=hit_rate,
        pai=hit_rate / (forecast_area / study_area),
        pei=captured / best,
        captured=captured,
        incidents=total,
        best_captured=best,
        forecast_cells=int(forecast.size),
        study_cells=int(study.size),
        forecast_area=forecast_area,
        study_area=study_area,
    )


def _positions(
    study: NDArray[np.int64], order: NDArray[np.intp], cells: NDArray[np.int64], name: str
) -> NDArray[np.int64]:
    """Index into ``study`` of each of ``cells``, refusing cells outside the study area."""
    sorted_study = study[order]
    at = np.minimum(np.searchsorted(sorted_study, cells), study.size - 1)
    outside = sorted_study[at] != cells
    if outside.any():
        first = int(cells[np.flatnonzero(outside)[0]])
        raise MethodInputError(
            f"{int(outside.sum())} of the {name} are not in study_cells (the first is cell "
            f"{first}); every cell must be part of the study area"
        )
    return np.asarray(order[at], dtype=np.int64)


def _areas(values: ArrayLike, n: int) -> NDArray[np.float64]:
    try:
        areas = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"cell_areas must be numbers: {exc}") from exc
    if areas.ndim != 1 or areas.size != n:
        raise MethodInputError(
            f"there are {n} study cells but {areas.size} cell areas; give one per cell"
        )
    if not (np.all(np.isfinite(areas)) and np.all(areas > 0)):
        raise MethodInputError("cell_areas must be positive, finite numbers")
    return areas


def _whole(value: object, name: str) -> int:
    number = _integer(value, name)
    if number < 1:
        raise MethodInputError(f"{name} must be at least 1; got {number}")
    return number


def _integer(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise MethodInputError(f"{name} must be a whole number; got {value!r}")
    return int(value)


def _half_life(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"half_life must be a number of periods; got {value!r}") from exc
    if math.isnan(number) or number <= 0:
        raise MethodInputError(f"half_life must be a positive number of periods; got {value!r}")
    return number
