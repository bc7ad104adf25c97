"""Near-repeat analysis: the Knox test over bands of distance and time (Knox 1964).

This is the test of Ratcliffe's Near Repeat Calculator (Ratcliffe 2009; manual v1.3) as the R
package NearRepeat (Steenbeek) computes it. Every pair of events is classed by its spatial
distance and its time difference into bands given as break points, each band closed on the left
and open on the right, ``[a, b)``; pairs outside every band are ignored. The observed table is
compared with ``permutations`` Monte Carlo tables in which the event times are shuffled among the
fixed locations. For each cell: the expected count is the mean over the permutations, the Knox
ratio is observed / expected, and ``p = (1 + #{permutations with count >= observed}) /
(permutations + 1)``.

Why it is fast: distances never change between permutations, so the pairs closer than the
largest finite spatial break are found once, with a k-d tree, and grouped by spatial band; each
permutation then only counts, band by band, how many of those pairs' time differences fall below
each temporal break. When the last spatial break is infinite, the open band holds every other
pair: its count per temporal band is the count over all pairs (found from the sorted times, and
the same in every permutation, since shuffling times among locations keeps the multiset of time
differences) minus the count of pairs closer than the largest finite break.

Pairs are only ever compared with ``a <= d < b`` on the same floating-point differences a
pair-by-pair loop would compute, so ties, repeated locations (distance 0) and same-day events
fall in the same band as they would there. One row with a missing time is an error, not skipped.

The permutation sequence is reproducible: with ``rng = numpy.random.default_rng(seed)``,
permutation ``k`` gives event ``i`` the time of event ``rng.permutation(n)[i]``, drawn in order.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from analysis.methods.errors import MethodInputError
from analysis.methods.grid import as_points

Metric = Literal["manhattan", "euclidean"]

#: Refuse analyses with more pairs than this inside the largest finite spatial band: each pair is
#: re-counted in every permutation (about 7 ns each) and holds about 30 bytes of working memory.
MAX_NEAR_PAIRS = 20_000_000


@dataclass(frozen=True)
class KnoxResult:
    """Knox test tables: rows are spatial bands, columns temporal bands (``[a, b)`` each)."""

    spatial_bands: NDArray[np.float64]
    temporal_bands: NDArray[np.float64]
    observed: NDArray[np.int64]
    expected: NDArray[np.float64]
    knox_ratio: NDArray[np.float64]
    p_value: NDArray[np.float64]
    events: int
    permutations: int
    metric: Metric
    seed: int | None

    def as_dict(self) -> dict[str, Any]:
        """Plain lists and numbers; an open last band stays ``float('inf')``."""
        return {
            "spatial_bands": self.spatial_bands.tolist(),
            "temporal_bands": self.temporal_bands.tolist(),
            "observed": self.observed.tolist(),
            "expected": self.expected.tolist(),
            "knox_ratio": self.knox_ratio.tolist(),
            "p_value": self.p_value.tolist(),
            "events": self.events,
            "permutations": self.permutations,
            "metric": self.metric,
            "seed": self.seed,
        }


@dataclass(frozen=True)
class _NearPairs:
    """Pairs closer than the largest finite spatial break, grouped by spatial code.

    Code 0 holds pairs below the first break (kept only when the last band is open) and code
    ``k`` the ``k``-th band; code ``k``'s pairs are ``first[starts[k]:starts[k + 1]]`` with
    ``second[...]``.
    """

    first: NDArray[np.int64]
    second: NDArray[np.int64]
    starts: list[int]


def knox_test(
    x: ArrayLike,
    y: ArrayLike,
    t: ArrayLike,
    *,
    spatial_bands: ArrayLike,
    temporal_bands: ArrayLike,
    metric: Metric = "manhattan",
    permutations: int = 999,
    seed: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> KnoxResult:
    """Knox (1964) test of space-time clustering in bands, as the Near Repeat Calculator.

    ``x``, ``y`` are projected coordinates and ``t`` the event times: numbers (in the unit of
    ``temporal_bands``) or dates/datetimes (converted to days). ``spatial_bands`` and
    ``temporal_bands`` are increasing break points from 0 up, the last of which may be
    ``inf``; ``[0, 0.1, 200, 400]`` makes the bands [0, 0.1), [0.1, 200) and [200, 400).
    ``metric`` is the distance between two events: ``manhattan`` (|dx| + |dy|, the default, a
    stand-in for street distance) or ``euclidean``. See the module docstring for the method.
    ``on_progress``, if given, is called with the number of permutations done, about a hundred
    times over the run (it cannot change the result; a caller may raise from it to stop).
    """
    xs, ys = as_points(x, y)
    n = xs.size
    if n < 2:
        raise MethodInputError(f"the Knox test needs at least 2 events; got {n}")
    days = _as_times(t, n)
    s_breaks = _breaks(spatial_bands, "spatial_bands")
    t_breaks = _breaks(temporal_bands, "temporal_bands")
    if metric not in ("manhattan", "euclidean"):
        raise MethodInputError(f"metric must be 'manhattan' or 'euclidean'; got {metric!r}")
    if isinstance(permutations, bool) or not isinstance(permutations, int | np.integer):
        raise MethodInputError(f"permutations must be a whole number; got {permutations!r}")
    if permutations < 1:
        raise MethodInputError(f"permutations must be at least 1; got {permutations}")

    open_ended = bool(np.isinf(s_breaks[-1]))
    finite = s_breaks[:-1] if open_ended else s_breaks
    pairs = _near_pairs(xs, ys, finite, metric, keep_below=open_ended)
    values, limits = _comparable(days, t_breaks)
    by_lag = _pairs_by_lag(np.sort(days), t_breaks) if open_ended else None

    def table(times: NDArray[Any]) -> NDArray[np.int64]:
        return _band_table(_count_below(times, pairs, limits), by_lag)

    observed = table(values)
    simulated = np.empty((permutations, *observed.shape), dtype=np.int64)
    rng = np.random.default_rng(seed)
    step = max(1, permutations // 100)
    for k in range(permutations):
        simulated[k] = table(values[rng.permutation(n)])
        if on_progress is not None and (k + 1) % step == 0:
            on_progress(k + 1)

    expected = simulated.mean(axis=0)
    ratio = np.full(expected.shape, np.nan)
    np.divide(observed, expected, out=ratio, where=expected > 0)
    p_value = (1.0 + (simulated >= observed).sum(axis=0)) / (permutations + 1.0)
    return KnoxResult(
        spatial_bands=s_breaks,
        temporal_bands=t_breaks,
        observed=observed,
        expected=expected,
        knox_ratio=ratio,
        p_value=p_value,
        events=n,
        permutations=int(permutations),
        metric=metric,
        seed=seed,
    )


def _count_below(
    times: NDArray[Any], pairs: _NearPairs, limits: list[float | int | None]
) -> NDArray[np.int64]:
    """``[code, k]``: pairs of spatial code ``code`` whose time difference is below break ``k``.

    A limit of ``None`` stands for an infinite break, which every pair is below.
    """
    lag = np.abs(times[pairs.first] - times[pairs.second])
    below = np.empty((len(pairs.starts) - 1, len(limits)), dtype=np.int64)
    for code, (start, stop) in enumerate(itertools.pairwise(pairs.starts)):
        segment = lag[start:stop]
        for k, limit in enumerate(limits):
            below[code, k] = segment.size if limit is None else np.count_nonzero(segment < limit)
    return below


def _band_table(below: NDArray[np.int64], by_lag: NDArray[np.int64] | None) -> NDArray[np.int64]:
    """The ``(spatial bands, temporal bands)`` table from the counts below each time break.

    With an open last spatial band, its row is all pairs per temporal band minus those closer
    than the largest finite break (including those below the first break, spatial code 0).
    """
    counts = np.diff(below, axis=1)
    if by_lag is None:
        return counts[1:]
    return np.vstack([counts[1:], by_lag - counts.sum(axis=0)])


def _near_pairs(
    xs: NDArray[np.float64],
    ys: NDArray[np.float64],
    finite: NDArray[np.float64],
    metric: Metric,
    *,
    keep_below: bool,
) -> _NearPairs:
    reach = float(finite[-1])
    points = np.column_stack([xs, ys])
    tree = cKDTree(points)
    p_norm = 1 if metric == "manhattan" else 2
    # Widen the search a hair so that the tree's own rounding cannot drop a pair; the exact
    # test below is the same arithmetic as a pair-by-pair loop.
    radius = reach + 1e-9 * (reach + float(np.abs(points).max()))
    candidates = (int(tree.count_neighbors(tree, radius, p=p_norm)) - xs.size) // 2
    if candidates > MAX_NEAR_PAIRS:
        raise MethodInputError(
            f"{candidates:,} pairs of events are within {reach:g} of each other; the limit is "
            f"{MAX_NEAR_PAIRS:,}. Lower the largest finite spatial break, or end the spatial "
            "bands with inf to count the remaining pairs in one open band"
        )
    found = tree.query_pairs(radius, p=p_norm, output_type="ndarray").astype(np.int64)
    first, second = found[:, 0], found[:, 1]
    distance = _distance(xs[first] - xs[second], ys[first] - ys[second], metric)
    code = np.searchsorted(finite, distance, side="right")
    keep = distance < reach
    first, second, code = first[keep], second[keep], code[keep]
    order = np.lexsort((second, first, code))
    starts = np.searchsorted(code[order], np.arange(finite.size + 1)).tolist()
    if not keep_below:
        starts[0] = starts[1]
    return _NearPairs(first[order], second[order], starts)


def _distance(
    dx: NDArray[np.float64], dy: NDArray[np.float64], metric: Metric
) -> NDArray[np.float64]:
    if metric == "manhattan":
        return np.abs(dx) + np.abs(dy)
    return np.sqrt(dx * dx + dy * dy)


def _comparable(
    days: NDArray[np.float64], t_breaks: NDArray[np.float64]
) -> tuple[NDArray[Any], list[float | int | None]]:
    """Times to permute, and the temporal breaks to compare their differences with.

    Whole-number times (dates) become small integers, which are faster to subtract and compare;
    for a whole-number difference ``d``, ``d < b`` exactly when ``d < ceil(b)``.
    """
    span = float(days.max() - days.min())
    if span < 2**31 - 1 and np.all(days == np.round(days)):
        values = (days - days.min()).astype(np.int32)
        return values, [None if np.isinf(b) else min(math.ceil(b), 2**31 - 1) for b in t_breaks]
    return days, [None if np.isinf(b) else float(b) for b in t_breaks]


def _pairs_by_lag(
    sorted_days: NDArray[np.float64], t_breaks: NDArray[np.float64]
) -> NDArray[np.int64]:
    """Pairs of all events per temporal band, in O(n log n) from the sorted times."""
    below = np.array([_pairs_closer_in_time(sorted_days, b) for b in t_breaks], dtype=np.int64)
    return np.diff(below)


def _pairs_closer_in_time(sorted_days: NDArray[np.float64], limit: float) -> int:
    """Pairs ``i < j`` with ``t[j] - t[i] < limit`` for sorted ``t``, in floating point.

    ``t[j] - t[i]`` (as computed) never decreases with ``j``, so each ``i`` has a prefix of
    partners; a vectorised binary search finds its end with the very subtraction a pair-by-pair
    loop would do, so ties and breaks that fall on a difference are counted alike.
    """
    n = sorted_days.size
    if np.isinf(limit):
        return n * (n - 1) // 2
    low = np.arange(1, n + 1)
    high = np.full(n, n)
    while True:
        open_ = low < high
        if not open_.any():
            break
        middle = (low + high) // 2
        probe = np.minimum(middle, n - 1)
        past = (sorted_days[probe] - sorted_days) >= limit
        high = np.where(open_ & past, middle, high)
        low = np.where(open_ & ~past, middle + 1, low)
    return int((low - np.arange(1, n + 1)).sum())


def _breaks(values: ArrayLike, name: str) -> NDArray[np.float64]:
    try:
        breaks = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"{name} must be a list of numbers: {exc}") from exc
    if breaks.ndim != 1 or breaks.size < 2:
        raise MethodInputError(
            f"{name} needs at least 2 break points (e.g. [0, 100, 200] for two bands)"
        )
    if np.isnan(breaks).any():
        raise MethodInputError(f"{name} must be numbers; got {breaks.tolist()}")
    if (breaks < 0).any():
        raise MethodInputError(f"{name} cannot be negative; got {breaks.tolist()}")
    with np.errstate(invalid="ignore"):  # inf - inf is NaN, and NaN > 0 is rightly False
        increasing = bool(np.all(np.diff(breaks) > 0))
    if not increasing:
        raise MethodInputError(
            f"{name} must be strictly increasing (only the last may be inf); got {breaks.tolist()}"
        )
    return breaks


def _as_times(t: ArrayLike, n: int) -> NDArray[np.float64]:
    """Event times as float days (dates and datetimes) or as the numbers given."""
    times = np.asarray(t)
    if times.ndim != 1 or times.size != n:
        raise MethodInputError(f"there are {n} events but {times.size} times; give one per event")
    if times.dtype.kind == "O":
        times = _objects_to_datetime64(times)
    elif times.dtype.kind in "US":
        try:
            times = times.astype("datetime64[us]")
        except ValueError as exc:
            raise MethodInputError(f"times are not dates: {exc}") from exc
    if times.dtype.kind == "M":
        if np.isnat(times).any():
            raise MethodInputError(f"{int(np.isnat(times).sum())} event(s) have no time")
        days = ((times - times.min()) / np.timedelta64(1, "D")).astype(np.float64)
    elif times.dtype.kind in "iuf":
        days = times.astype(np.float64)
        if not np.all(np.isfinite(days)):
            raise MethodInputError("times must be finite numbers (no missing values)")
    else:
        raise MethodInputError(f"times must be numbers, dates or datetimes; got {times.dtype}")
    if days.max() == days.min():
        raise MethodInputError(
            f"all {n} events happened at the same time, so there is no variation in time for "
            "the Knox test to compare"
        )
    return days


def _objects_to_datetime64(times: NDArray[Any]) -> NDArray[np.datetime64]:
    """Dates and (aware or naive) datetimes to datetime64; aware ones are taken in UTC."""
    converted: list[object] = []
    for value in times:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            converted.append(value.astimezone(dt.UTC).replace(tzinfo=None))
        elif value is None or isinstance(value, dt.date):
            converted.append(value)
        else:
            raise MethodInputError(f"times must be numbers, dates or datetimes; got {value!r}")
    return np.array(converted, dtype="datetime64[us]")
