"""Repeat victimisation and locations, time to repeat, and concentration of crime and harm.

Repeats (Farrell & Pease 1993): given one id per incident (a location, a victim, an offender),
an id with two or more incidents is a *repeat* id, and every incident after the first at the
same id is a *repeat incident*; ``n`` incidents at ``u`` distinct ids hold ``n - u`` repeats.
Time to repeat is the gap between consecutive incidents at the same id (first to second,
second to third, ...), one gap per repeat incident.

Concentration (the "law of crime concentration", Weisburd 2015; Pareto shares): units are
ranked by their total (incidents, or harm when per-incident harm weights are given) from the
highest down, and the top ``x`` % of units are the first ``ceil(x / 100 × U)`` of them, where
``U`` is either

* the number of units with at least one incident (the default), or
* ``population``: every unit that could have had one, e.g. all street segments or all grid
  cells in the area, the zero-count ones included. This is the base of the place-based
  literature ("50 % of crime at 5 % of street segments") and always gives a share at least as
  high as the first, since the same incidents are spread over a larger base.

The share is the top units' total over the grand total. Units tied at the cut-off have equal
totals, so which of them is taken does not change the share. The Gini coefficient is the
standard (population) one, ``G = sum_i sum_j |x_i - x_j| / (2 U^2 mean)``, computed from the
sorted values as ``G = 2 sum_i i x_(i) / (U sum x) - (U + 1) / U`` with ``x_(1) <= ... <=
x_(U)``; it is 0 when every unit has the same total and at most ``(U - 1) / U``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from analysis.methods.errors import MethodInputError
from analysis.methods.temporal import as_instants

DEFAULT_TOP_PERCENT = (1.0, 5.0, 10.0, 20.0)
DEFAULT_WITHIN_DAYS = (7.0, 30.0, 365.0)


@dataclass(frozen=True)
class RepeatCounts:
    """Incidents per id and how many of them are repeats.

    ``ids`` are the distinct ids in ascending order and ``counts[i]`` the incidents at
    ``ids[i]``. ``repeat_ids`` ids have two or more incidents (``repeat_id_share`` of all ids);
    ``repeat_incidents`` incidents came after the first at their id (``repeat_incident_share``
    of all incidents).
    """

    ids: NDArray[np.int64]
    counts: NDArray[np.int64]
    incidents: int
    distinct_ids: int
    repeat_ids: int
    repeat_id_share: float
    repeat_incidents: int
    repeat_incident_share: float


@dataclass(frozen=True)
class TimeToRepeat:
    """One row per repeat incident: the gap in days since the previous incident at its id.

    ``repeat_number`` is 2 for the second incident at an id, 3 for the third and so on.
    ``share_within[k]`` is the share of gaps of at most ``within_days[k]`` days. With no repeat
    at all the arrays are empty and ``median_days`` and ``share_within`` are NaN.
    """

    ids: NDArray[np.int64]
    repeat_number: NDArray[np.int64]
    gap_days: NDArray[np.float64]
    median_days: float
    within_days: NDArray[np.float64]
    share_within: NDArray[np.float64]
    repeats: int


@dataclass(frozen=True)
class Concentration:
    """Share of incidents (and of harm) from the top ``top_percent`` % of units.

    ``units`` is the base the percentages are taken of: ``population`` when given, else
    ``units_with_incidents``. ``top_units[k]`` units make up the top ``top_percent[k]`` %.
    ``ids``, ``counts`` and ``harm_by_unit`` list the units with incidents from the most
    incidents down (ties by id); harm shares rank units by harm instead. ``gini`` and
    ``harm_gini`` are over all ``units`` (zero-count units included when ``population`` is
    given). The harm fields are None when no harm weights were given.
    """

    top_percent: NDArray[np.float64]
    top_units: NDArray[np.int64]
    incident_share: NDArray[np.float64]
    harm_share: NDArray[np.float64] | None
    units: int
    units_with_incidents: int
    incidents: int
    harm: float | None
    gini: float
    harm_gini: float | None
    ids: NDArray[np.int64]
    counts: NDArray[np.int64]
    harm_by_unit: NDArray[np.float64] | None


@dataclass(frozen=True)
class LorenzCurve:
    """Lorenz curve points from ``(0, 0)`` to ``(1, 1)``, units from the lowest total up."""

    unit_share: NDArray[np.float64]
    value_share: NDArray[np.float64]


def repeat_counts(ids: ArrayLike) -> RepeatCounts:
    """Repeat ids and repeat incidents (Farrell & Pease 1993) from one id per incident.

    Give location ids for repeat locations, victim ids for repeat victimisation.
    """
    values = as_ids(ids, "ids")
    distinct, counts = np.unique(values, return_counts=True)
    n, u = int(values.size), int(distinct.size)
    repeat_ids = int(np.count_nonzero(counts >= 2))
    return RepeatCounts(
        ids=distinct.astype(np.int64),
        counts=counts.astype(np.int64),
        incidents=n,
        distinct_ids=u,
        repeat_ids=repeat_ids,
        repeat_id_share=repeat_ids / u,
        repeat_incidents=n - u,
        repeat_incident_share=(n - u) / n,
    )


def time_to_repeat(
    ids: ArrayLike,
    times: ArrayLike,
    *,
    within_days: Sequence[float] = DEFAULT_WITHIN_DAYS,
) -> TimeToRepeat:
    """Gaps between consecutive incidents at the same id, in days, and their summary.

    ``times`` are datetime64, dates/datetimes or numbers of days. Incidents at one id are put
    in time order (ties keep their input order, giving a gap of 0). ``share_within`` counts a
    gap of exactly ``d`` days as within ``d`` days; dates and datetimes are compared in whole
    microseconds, so a gap of exactly 7 days is never lost to rounding.
    """
    values = as_ids(ids, "ids")
    instants = as_instants(times)
    if instants.values.size != values.size:
        raise MethodInputError(
            f"there are {values.size} ids but {instants.values.size} times; give one per incident"
        )
    limits = _positive_numbers(within_days, "within_days")
    order = np.lexsort((instants.values, values))
    sorted_ids = values[order]
    sorted_times = instants.values[order]
    same = sorted_ids[1:] == sorted_ids[:-1]
    gaps = (sorted_times[1:] - sorted_times[:-1])[same]
    # The position of each incident within its id's run: 0 for the first, 1 for the second...
    starts = np.r_[True, ~same]
    run_start = np.maximum.accumulate(np.where(starts, np.arange(values.size), 0))
    position = np.arange(values.size) - run_start
    repeat_number = (position[1:][same] + 1).astype(np.int64)
    gap_days = np.asarray(gaps, dtype=np.float64) / instants.per_day
    if gaps.size:
        thresholds = [limit * instants.per_day for limit in limits]
        within = np.array([np.count_nonzero(gaps <= t) / gaps.size for t in thresholds])
        median = float(np.median(gap_days))
    else:
        within = np.full(len(limits), np.nan)
        median = math.nan
    return TimeToRepeat(
        ids=sorted_ids[1:][same].astype(np.int64),
        repeat_number=repeat_number,
        gap_days=gap_days,
        median_days=median,
        within_days=np.array(limits, dtype=np.float64),
        share_within=within,
        repeats=int(gaps.size),
    )


def concentration(
    ids: ArrayLike,
    *,
    top_percent: Sequence[float] = DEFAULT_TOP_PERCENT,
    harm: ArrayLike | None = None,
    population: int | None = None,
) -> Concentration:
    """Share of incidents, and of harm, from the top ``x`` % of places, victims or offenders.

    ``ids`` has one unit id per incident; ``harm`` (optional) one non-negative weight per
    incident, e.g. its Crime Harm Index days. ``population`` switches the base from the units
    with incidents to a given number of units including zero-count ones; see the module
    docstring for both definitions.
    """
    values = as_ids(ids, "ids")
    percents = _percentages(top_percent)
    weights = None if harm is None else as_weights(harm, "harm", values.size)
    distinct, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    active = int(distinct.size)
    base = active if population is None else _population(population, active)
    top = np.array([_top_units(p, base) for p in percents], dtype=np.int64)

    order = np.lexsort((distinct, -counts))
    incident_share = _top_shares(counts.astype(np.float64), top)
    unit_harm = None
    harm_share = harm_gini = total_harm = None
    if weights is not None:
        unit_harm = np.bincount(inverse.ravel(), weights=weights, minlength=active).astype(
            np.float64
        )
        total_harm = float(unit_harm.sum())
        if total_harm <= 0:
            raise MethodInputError(
                "every harm weight is 0, so there is no harm to share out; leave harm out to "
                "measure the concentration of incidents only"
            )
        harm_share = _top_shares(unit_harm, top)
        harm_gini = _gini_with_zeros(unit_harm, base)
    return Concentration(
        top_percent=np.array(percents, dtype=np.float64),
        top_units=top,
        incident_share=incident_share,
        harm_share=harm_share,
        units=base,
        units_with_incidents=active,
        incidents=int(values.size),
        harm=total_harm,
        gini=_gini_with_zeros(counts.astype(np.float64), base),
        harm_gini=harm_gini,
        ids=distinct[order].astype(np.int64),
        counts=counts[order].astype(np.int64),
        harm_by_unit=None if unit_harm is None else unit_harm[order],
    )


def gini(values: ArrayLike) -> float:
    """Gini coefficient of non-negative totals, one per unit (zeros count as units).

    ``G = sum_i sum_j |x_i - x_j| / (2 n^2 mean)``: ``[1, 1, 1, 1]`` gives 0 and
    ``[0, 0, 0, 1]`` gives 0.75.
    """
    totals = _totals(values)
    return _gini_with_zeros(totals, totals.size)


def lorenz_curve(values: ArrayLike) -> LorenzCurve:
    """Lorenz curve of non-negative totals, one per unit: the lowest ``k / n`` of the units hold
    ``value_share[k]`` of the total, for ``k = 0 .. n``."""
    totals = np.sort(_totals(values))
    n = totals.size
    cumulative = np.concatenate([[0.0], np.cumsum(totals)])
    return LorenzCurve(
        unit_share=np.arange(n + 1, dtype=np.float64) / n,
        value_share=cumulative / cumulative[-1],
    )


def as_ids(values: ArrayLike, name: str) -> NDArray[np.int64]:
    """Validate a one-dimensional, non-empty array of whole-number ids (or codes)."""
    ids = np.asarray(values)
    if ids.ndim != 1:
        raise MethodInputError(f"{name} must be a one-dimensional array, one per incident")
    if ids.size == 0:
        raise MethodInputError(f"there are no {name} to analyse")
    if ids.dtype.kind not in "iu":
        raise MethodInputError(
            f"{name} must be whole-number ids (integer codes), not {ids.dtype}; map names or "
            "missing values to codes first"
        )
    if ids.dtype == np.uint64 and int(ids.max()) > np.iinfo(np.int64).max:
        raise MethodInputError(f"{name} must fit in a signed 64-bit integer")
    return ids.astype(np.int64)


def as_weights(values: ArrayLike, name: str, n: int) -> NDArray[np.float64]:
    """Validate ``n`` finite, non-negative weights (harm, counts) as floats."""
    try:
        weights = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"{name} must be numbers: {exc}") from exc
    if weights.ndim != 1 or weights.size != n:
        raise MethodInputError(
            f"there are {n} incidents but {weights.size} {name} values; give one per incident"
        )
    if not np.all(np.isfinite(weights)):
        raise MethodInputError(f"{name} must be finite numbers (no missing values)")
    negative = weights < 0
    if negative.any():
        first = int(np.flatnonzero(negative)[0])
        raise MethodInputError(
            f"{int(negative.sum())} {name} value(s) are negative (the first is incident "
            f"{first}, {weights[first]:g}); {name} cannot be below 0"
        )
    return weights


def _top_shares(totals: NDArray[np.float64], top: NDArray[np.int64]) -> NDArray[np.float64]:
    """Share of the grand total held by the ``top[k]`` units with the highest totals."""
    cumulative = np.concatenate([[0.0], np.cumsum(np.sort(totals)[::-1])])
    # Units beyond those with incidents (zero-count ones in a population) add nothing.
    return np.asarray(cumulative[np.minimum(top, totals.size)] / cumulative[-1], dtype=np.float64)


def _gini_with_zeros(totals: NDArray[np.float64], units: int) -> float:
    """Gini of ``totals`` padded with zeros to ``units`` units, without building the padding.

    Zeros sort first, so the ``r``-th smallest of the given totals has rank ``units - size + r``.
    """
    ascending = np.sort(totals)
    ranks = np.arange(units - ascending.size + 1, units + 1, dtype=np.float64)
    total = float(ascending.sum())
    value = 2.0 * float(np.dot(ranks, ascending)) / (units * total) - (units + 1) / units
    return max(value, 0.0)


def _totals(values: ArrayLike) -> NDArray[np.float64]:
    try:
        totals = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"values must be numbers: {exc}") from exc
    if totals.ndim != 1 or totals.size == 0:
        raise MethodInputError("values must be a non-empty one-dimensional array, one per unit")
    if not np.all(np.isfinite(totals)):
        raise MethodInputError("values must be finite numbers (no missing values)")
    if (totals < 0).any():
        raise MethodInputError("values cannot be negative")
    if totals.sum() <= 0:
        raise MethodInputError("every value is 0, so there is nothing to be concentrated")
    return totals


def _top_units(percent: float, units: int) -> int:
    """``ceil(percent / 100 × units)``, in exact decimal arithmetic so that 10 % of 30 is 3."""
    exact = Decimal(str(percent)) * units / 100
    return int(exact.to_integral_value(rounding=ROUND_CEILING))


def _percentages(values: Sequence[float]) -> list[float]:
    try:
        percents = [float(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"top_percent must be a list of numbers: {exc}") from exc
    if not percents:
        raise MethodInputError("top_percent must list at least one percentage, e.g. [1, 5, 10]")
    for p in percents:
        if not (math.isfinite(p) and 0 < p <= 100):
            raise MethodInputError(f"top_percent values must be above 0 and at most 100; got {p}")
    return percents


def _population(population: object, active: int) -> int:
    if isinstance(population, bool) or not isinstance(population, int | np.integer):
        raise MethodInputError(f"population must be a whole number of units; got {population!r}")
    if population < active:
        raise MethodInputError(
            f"population ({population}) is smaller than the {active} distinct units that had "
            "incidents; it must count every unit, those without incidents included"
        )
    return int(population)


def _positive_numbers(values: Sequence[float], name: str) -> list[float]:
    try:
        numbers = [float(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"{name} must be a list of numbers: {exc}") from exc
    if not numbers or not all(math.isfinite(v) and v > 0 for v in numbers):
        raise MethodInputError(f"{name} must be positive, finite numbers of days; got {numbers}")
    return numbers
