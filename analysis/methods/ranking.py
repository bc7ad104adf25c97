"""Offender ranking by recency, frequency and harm (RFH).

The Metropolitan Police's RFG matrix ranks offenders by the Recency of their last offence, the
Frequency of their offending and the Gravity of their offences; the Met now uses harm (e.g.
Crime Harm Index days, Sherman, Neyroud & Neyroud 2016) in place of gravity. For an ``as_of``
time and a ``window`` of days, only offences in ``(as_of - window, as_of]`` count, and only
offenders with at least one of them are ranked. Per offender:

* recency: days from the last offence in the window to ``as_of`` (fewer is more recent);
* frequency: offences in the window;
* harm: the sum of the offences' harm weights in the window.

Each component is scored 0-100 by percentile rank among the ranked offenders: ``100 × (r - 1)
/ (n - 1)`` where ``r`` is the offender's mid-rank (``scipy.stats.rankdata(method="average")``)
from the least recent, least frequent or least harmful up. The top offender on a component
scores 100 and the bottom one 0; tied offenders share the mean of their ranks, and a single
ranked offender scores 50. Percentile ranks are used instead of the classic 1-5 quintile
bands because bands throw information away and jump at arbitrary cut-offs; the raw values are
returned beside the scores. The total score is the weighted mean ``sum_c w_c s_c / sum_c w_c``
(the weighted sum with weights rescaled to add up to 1, so that it stays on 0-100 and orders
offenders exactly as the raw weighted sum does). Scores are rounded to 9 decimals so that
offenders tied in exact arithmetic stay tied; offenders are listed by total score from the
highest down, ties by id ascending.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import rankdata

from analysis.methods.errors import MethodInputError
from analysis.methods.repeats import as_ids, as_weights
from analysis.methods.temporal import as_instants, instant_like

# Scores are rounded to this many decimals (a billionth of a percentile point).
_DECIMALS = 9


@dataclass(frozen=True)
class RfhRanking:
    """Ranked offenders, from the highest total score down (ties by id).

    ``recency_days``, ``frequency`` and ``harm`` are the raw components; ``*_score`` their
    0-100 percentile scores; ``score`` the weighted mean of the scores under ``weights``
    (recency, frequency, harm). ``offences_in_window`` counts the offences used;
    ``offences_before_window`` and ``offences_after_as_of`` those left out.
    """

    ids: NDArray[np.int64]
    score: NDArray[np.float64]
    recency_score: NDArray[np.float64]
    frequency_score: NDArray[np.float64]
    harm_score: NDArray[np.float64]
    recency_days: NDArray[np.float64]
    frequency: NDArray[np.int64]
    harm: NDArray[np.float64]
    weights: tuple[float, float, float]
    window_days: float
    offences_in_window: int
    offences_before_window: int
    offences_after_as_of: int


def rfh_ranking(
    offender_ids: ArrayLike,
    times: ArrayLike,
    harm: ArrayLike,
    *,
    as_of: object,
    window_days: float = 365.0,
    weights: Sequence[float] = (1.0, 1.0, 1.0),
) -> RfhRanking:
    """Rank offenders by recency, frequency and harm (the Met's RFG/RFH matrix).

    One row per offence: ``offender_ids`` (whole numbers), ``times`` (datetime64, dates or
    datetimes, or numbers of days) and ``harm`` (non-negative weights, e.g. Crime Harm Index
    days). ``as_of`` is on the same axis as ``times``. ``weights`` weigh the recency, frequency
    and harm scores in the total. See the module docstring for the scoring.
    """
    ids = as_ids(offender_ids, "offender_ids")
    instants = as_instants(times)
    if instants.values.size != ids.size:
        raise MethodInputError(
            f"there are {ids.size} offender ids but {instants.values.size} times; give one "
            "per offence"
        )
    harm_weights = as_weights(harm, "harm", ids.size)
    reference = instant_like(as_of, instants, "as_of")
    window = _positive(window_days, "window_days")
    w = _weights(weights)

    t = instants.values
    after = t > reference
    before = t <= reference - window * instants.per_day
    keep = ~(after | before)
    if not keep.any():
        raise MethodInputError(
            f"no offence falls in the {window:g} days up to as_of; widen the window or check as_of"
        )
    distinct, inverse = np.unique(ids[keep], return_inverse=True)
    inverse = inverse.ravel()
    frequency = np.bincount(inverse, minlength=distinct.size).astype(np.int64)
    total_harm = np.bincount(inverse, weights=harm_weights[keep], minlength=distinct.size).astype(
        np.float64
    )
    last = np.full(distinct.size, -np.inf)
    np.maximum.at(last, inverse, np.asarray(t[keep], dtype=np.float64))
    recency = (float(reference) - last) / instants.per_day

    recency_score = _percentile_score(-recency)
    frequency_score = _percentile_score(frequency.astype(np.float64))
    harm_score = _percentile_score(total_harm)
    score = (w[0] * recency_score + w[1] * frequency_score + w[2] * harm_score) / sum(w)
    # Equal scores can differ in the last bits, by the order of the arithmetic; rounding keeps
    # them equal, so that ties fall to the id order as documented.
    score = np.round(score, _DECIMALS)
    order = np.lexsort((distinct, -score))
    return RfhRanking(
        ids=distinct[order].astype(np.int64),
        score=score[order],
        recency_score=recency_score[order],
        frequency_score=frequency_score[order],
        harm_score=harm_score[order],
        recency_days=recency[order],
        frequency=frequency[order],
        harm=total_harm[order],
        weights=w,
        window_days=window,
        offences_in_window=int(keep.sum()),
        offences_before_window=int(before.sum()),
        offences_after_as_of=int(after.sum()),
    )


def _percentile_score(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """``100 × (mid-rank - 1) / (n - 1)`` from the lowest value up; 50 for a single value."""
    n = values.size
    if n == 1:
        return np.array([50.0])
    ranks = rankdata(values, method="average")
    return np.round(100.0 * (ranks - 1.0) / (n - 1), _DECIMALS).astype(np.float64)


def _weights(weights: Sequence[float]) -> tuple[float, float, float]:
    try:
        values = tuple(float(v) for v in weights)
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"weights must be three numbers: {exc}") from exc
    if len(values) != 3:
        raise MethodInputError(
            f"weights must be three numbers (recency, frequency, harm); got {len(values)}"
        )
    if not all(math.isfinite(v) and v >= 0 for v in values) or sum(values) <= 0:
        raise MethodInputError(
            f"weights must be finite, not negative and not all 0; got {list(values)}"
        )
    return values[0], values[1], values[2]


def _positive(value: object, name: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"{name} must be a number; got {value!r}") from exc
    if not (math.isfinite(number) and number > 0):
        raise MethodInputError(f"{name} must be a positive, finite number; got {value!r}")
    return number
