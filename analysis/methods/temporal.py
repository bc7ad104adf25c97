"""Temporal patterns: hour × weekday tables, aoristic spreading, weekly trends and spikes.

* ``hour_weekday_table``: incidents per hour of the week, a 7 × 24 table, Monday first.
* ``aoristic_hour_weekday_table``: the same for incidents known only to have happened within a
  window (``occurred_from``, ``occurred_to``), spread by aoristic analysis (Ratcliffe 2002).
* ``weekly_counts`` and ``count_trend``: incidents per ISO 8601 week (Monday to Sunday) and the
  linear trend of a count series, by least squares (``scipy.stats.linregress``) and by a
  log-linear Poisson regression with a likelihood-ratio test.
* ``spikes``: each period's count against the mean of the ``baseline`` periods before it, with
  the Poisson upper tail ``P(X >= observed | mean)`` (emerging problems).

Clock times are read as they are given. Hour and weekday only mean something in the agency's
local time, so callers convert to it first (e.g. ``timezone.localtime`` then drop ``tzinfo``, or
a datetime64 column already in local time) and these methods refuse timezone-aware datetimes
rather than guess. Durations (repeats, recency) do not depend on the zone: ``as_instants``
accepts aware datetimes there and takes them in UTC.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats
from scipy.special import xlogy

from analysis.methods.errors import MethodInputError
from analysis.methods.gistar import benjamini_hochberg

Correction = Literal["none", "bonferroni", "bh"]
AoristicSplit = Literal["equal", "proportional"]

MICROSECONDS_PER_HOUR = 3_600_000_000
MICROSECONDS_PER_DAY = 24 * MICROSECONDS_PER_HOUR
HOURS_PER_WEEK = 168
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# 1970-01-01, day 0 of datetime64, was a Thursday: weekday 3 counting from Monday = 0.
_EPOCH_WEEKDAY = 3
_EPOCH_HOUR_OF_WEEK = _EPOCH_WEEKDAY * 24


@dataclass(frozen=True)
class Instants:
    """Times on one axis: whole microseconds since 1970-01-01 (from dates and datetimes, kept
    as integers so that durations are exact) or day numbers as given (``per_day`` 1.0)."""

    values: NDArray[Any]
    per_day: float
    is_datetime: bool

    def days(self) -> NDArray[np.float64]:
        """The times as float days (since 1970-01-01 for dates and datetimes)."""
        return np.asarray(self.values, dtype=np.float64) / self.per_day


@dataclass(frozen=True)
class HourWeekdayTable:
    """Incidents per hour of the week: ``counts[weekday, hour]``, Monday = row 0, hour 0-23.

    ``counts`` are floats so that plain and aoristic tables have one type; a plain table holds
    whole numbers. ``events`` is the number of incidents spread over the table (the sum of
    ``counts``, up to rounding).
    """

    counts: NDArray[np.float64]
    events: int
    method: Literal["exact", "aoristic-equal", "aoristic-proportional"]
    weekdays: tuple[str, ...] = WEEKDAYS


@dataclass(frozen=True)
class WeeklyCounts:
    """Incidents per ISO week, every week from the first to the last included (zeros too)."""

    week_start: NDArray[np.datetime64]
    iso_year: NDArray[np.int64]
    iso_week: NDArray[np.int64]
    counts: NDArray[np.int64]
    events: int
    events_outside: int


@dataclass(frozen=True)
class CountTrend:
    """A count series' linear trend over its periods ``0 .. n - 1``.

    Least squares (``linregress``): ``slope`` (incidents per period, per period), ``intercept``
    (fitted count at period 0), ``r``, ``p`` (two-sided t-test of slope 0) and ``stderr``.
    Poisson log-linear regression ``log E[y_t] = a + b t`` by maximum likelihood:
    ``poisson_rate_ratio = exp(b)`` (the factor by which the expected count changes per period;
    ``inf`` or 0 when every incident is in the last or the first period), ``poisson_p`` from the
    likelihood-ratio test of ``b = 0`` against chi-squared with 1 df, and ``dispersion`` (Pearson
    chi-squared / (n - 2)). Crime counts are often overdispersed: when ``dispersion`` is well
    above 1 the Poisson p-value is too small, and the least-squares p is the safer reading.
    """

    periods: int
    slope: float
    intercept: float
    r: float
    p: float
    stderr: float
    poisson_rate_ratio: float
    poisson_p: float
    dispersion: float


@dataclass(frozen=True)
class Spikes:
    """Periods whose count is unusually high against the mean of the periods before them.

    For period ``t >= baseline``: ``expected[t]`` is the mean count of periods ``t - baseline``
    to ``t - 1`` and ``p[t] = P(X >= observed[t])`` for ``X ~ Poisson(expected[t])``. The first
    ``baseline`` periods have no baseline: ``expected`` and ``p`` are NaN there and ``flag`` is
    False. ``p_adjusted`` is ``p`` after ``correction`` over the ``tested`` periods, and a period
    is flagged when ``p_adjusted < alpha``.
    """

    observed: NDArray[np.int64]
    expected: NDArray[np.float64]
    p: NDArray[np.float64]
    p_adjusted: NDArray[np.float64]
    flag: NDArray[np.bool_]
    baseline: int
    alpha: float
    correction: Correction
    tested: int


def as_instants(times: ArrayLike, name: str = "times") -> Instants:
    """Validate event times: datetime64, dates/datetimes (aware ones in UTC), ISO strings or
    numbers (days). One-dimensional, at least one value, no missing or infinite values."""
    raw = np.asarray(times)
    if raw.ndim != 1:
        raise MethodInputError(f"{name} must be a one-dimensional array, one per incident")
    if raw.size == 0:
        raise MethodInputError(f"there are no {name} to analyse")
    if raw.dtype.kind in "iuf":
        days = raw.astype(np.float64)
        if not np.all(np.isfinite(days)):
            bad = int((~np.isfinite(days)).sum())
            raise MethodInputError(f"{bad} of the {name} are missing or infinite")
        return Instants(values=days, per_day=1.0, is_datetime=False)
    stamps = _to_datetime64(raw, name, allow_aware=True)
    return Instants(
        values=_microseconds(stamps, name), per_day=MICROSECONDS_PER_DAY, is_datetime=True
    )


def instant_like(value: object, like: Instants, name: str) -> int | float:
    """One time (e.g. ``as_of``) on the same axis as ``like``: a number when ``like`` is in
    days, a date, datetime or datetime64 when it holds dates."""
    if like.is_datetime:
        if isinstance(value, int | float | np.integer | np.floating) and not isinstance(
            value, bool
        ):
            raise MethodInputError(f"{name} must be a date or datetime, like the incident times")
        stamps = _to_datetime64(np.array([value], dtype=object), name, allow_aware=True)
        return int(_microseconds(stamps, name)[0])
    try:
        if isinstance(value, bool):
            raise TypeError(name)
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise MethodInputError(
            f"{name} must be a number of days, like the incident times; got {value!r}"
        ) from exc
    if not math.isfinite(number):
        raise MethodInputError(f"{name} must be a finite number; got {value!r}")
    return number


def local_microseconds(times: ArrayLike, name: str = "times") -> NDArray[np.int64]:
    """Local wall-clock times as microseconds since 1970-01-01 (naive), refusing aware ones."""
    raw = np.asarray(times)
    if raw.ndim != 1:
        raise MethodInputError(f"{name} must be a one-dimensional array, one per incident")
    if raw.size == 0:
        raise MethodInputError(f"there are no {name} to analyse")
    if raw.dtype.kind in "iufb":
        raise MethodInputError(
            f"{name} must be datetimes in the agency's local time (datetime64 or naive "
            f"datetimes), not {raw.dtype} numbers"
        )
    return _microseconds(_to_datetime64(raw, name, allow_aware=False), name)


def hour_weekday_table(times: ArrayLike) -> HourWeekdayTable:
    """Incidents per weekday (Monday first) and hour, from local wall-clock times.

    ``times`` must already be in the agency's local time (see the module docstring).
    """
    micro = local_microseconds(times)
    cells = _hour_of_week(np.floor_divide(micro, MICROSECONDS_PER_HOUR))
    counts = np.bincount(cells, minlength=HOURS_PER_WEEK).astype(np.float64)
    return HourWeekdayTable(counts=counts.reshape(7, 24), events=int(micro.size), method="exact")


def aoristic_hour_weekday_table(
    occurred_from: ArrayLike,
    occurred_to: ArrayLike,
    *,
    split: AoristicSplit = "equal",
) -> HourWeekdayTable:
    """Aoristic hour × weekday table (Ratcliffe 2002) for incidents known only by a window.

    Each incident carries a weight of 1, spread over the hour blocks ``[h:00, h+1:00)`` that its
    window ``[occurred_from, occurred_to)`` touches. ``split="equal"`` (Ratcliffe's aoristic
    value) gives each of the ``k`` blocks ``1 / k``: a window of exactly 10:00-12:00 gives 0.5
    to 10h and 0.5 to 11h; 10:30-12:30 gives 1/3 to each of 10h, 11h and 12h.
    ``split="proportional"`` gives each block the share of the window's duration inside it
    (0.25, 0.5, 0.25 for 10:30-12:30). A window with no duration gives its 1 to the hour block
    it falls in. Long windows spread almost flat over the week and carry little information;
    filter them first if that is the analyst's choice. Times are local wall-clock times.
    """
    start = local_microseconds(occurred_from, "occurred_from")
    end = local_microseconds(occurred_to, "occurred_to")
    if start.size != end.size:
        raise MethodInputError(
            f"occurred_from has {start.size} values but occurred_to has {end.size}; give one "
            "pair per incident"
        )
    backwards = end < start
    if backwards.any():
        first = int(np.flatnonzero(backwards)[0])
        raise MethodInputError(
            f"{int(backwards.sum())} incident(s) end before they start (the first is incident "
            f"{first}); occurred_to must not be before occurred_from"
        )
    if split not in ("equal", "proportional"):
        raise MethodInputError(f"split must be 'equal' or 'proportional'; got {split!r}")
    first_block = np.floor_divide(start, MICROSECONDS_PER_HOUR)
    # The window is open at its end: one ending on the hour does not touch that hour's block.
    last_block = np.maximum(-np.floor_divide(-end, MICROSECONDS_PER_HOUR) - 1, first_block)
    blocks = last_block - first_block + 1
    if split == "equal":
        weights = 1.0 / blocks
        table = _spread_over_blocks(first_block, blocks, weights)
        method: Literal["aoristic-equal", "aoristic-proportional"] = "aoristic-equal"
    else:
        table = _proportional(start, end, first_block, last_block)
        method = "aoristic-proportional"
    return HourWeekdayTable(counts=table.reshape(7, 24), events=int(start.size), method=method)


def weekly_counts(
    times: ArrayLike,
    *,
    start: object | None = None,
    end: object | None = None,
) -> WeeklyCounts:
    """Incidents per ISO 8601 week (Monday 00:00 to Sunday 24:00, local time).

    Weeks run from the week holding ``start`` (default: the first incident) to the week holding
    ``end`` (default: the last incident), both included, with zero-count weeks in between.
    Incidents outside those weeks are left out and counted in ``events_outside``. A first or
    last week only partly covered by the data is counted as it is: give ``start`` and ``end``
    on whole weeks, or drop partial weeks, before reading a trend.
    """
    micro = local_microseconds(times)
    week = _week_index(micro)
    first = int(week.min()) if start is None else int(_week_index(_one_local(start, "start"))[0])
    last = int(week.max()) if end is None else int(_week_index(_one_local(end, "end"))[0])
    if last < first:
        raise MethodInputError("end must not be before start")
    inside = (week >= first) & (week <= last)
    counts = np.bincount(week[inside] - first, minlength=last - first + 1).astype(np.int64)
    mondays = (np.arange(first, last + 1, dtype=np.int64) * 7 - _EPOCH_WEEKDAY).astype(
        "datetime64[D]"
    )
    thursdays = mondays + np.timedelta64(3, "D")
    years = thursdays.astype("datetime64[Y]")
    day_of_year = (thursdays - years.astype("datetime64[D]")).astype(np.int64)
    return WeeklyCounts(
        week_start=mondays,
        iso_year=years.astype(np.int64) + 1970,
        iso_week=day_of_year // 7 + 1,
        counts=counts,
        events=int(inside.sum()),
        events_outside=int((~inside).sum()),
    )


def count_trend(counts: ArrayLike) -> CountTrend:
    """Linear trend of a count series (periods ``0 .. n - 1``): least squares and Poisson.

    See :class:`CountTrend` for what each number means and when to trust which p-value.
    """
    y = _as_counts(counts, "counts")
    if y.size < 3:
        raise MethodInputError(f"a trend needs at least 3 periods; got {y.size}")
    if y.max() == y.min():
        raise MethodInputError(
            f"every period has the same count ({y[0]}), so there is no trend to fit"
        )
    t = np.arange(y.size, dtype=np.float64)
    fit = stats.linregress(t, y.astype(np.float64))
    ratio, poisson_p, dispersion = _poisson_trend(t, y.astype(np.float64))
    return CountTrend(
        periods=int(y.size),
        slope=float(fit.slope),
        intercept=float(fit.intercept),
        r=float(fit.rvalue),
        p=float(fit.pvalue),
        stderr=float(fit.stderr),
        poisson_rate_ratio=ratio,
        poisson_p=poisson_p,
        dispersion=dispersion,
    )


def spikes(
    counts: ArrayLike,
    *,
    baseline: int = 4,
    alpha: float = 0.01,
    correction: Correction = "none",
) -> Spikes:
    """Flag periods whose count is improbably high given the mean of the ``baseline`` before.

    ``p = P(X >= observed | X ~ Poisson(expected))``; a period with no incidents has ``p = 1``,
    and one with incidents after ``baseline`` empty periods has ``p = 0`` (a Poisson mean of 0
    allows no incident at all), so use a baseline long enough to hold some. Testing many
    periods (and many areas or crime types) flags about ``alpha`` of the quiet ones by chance:
    ``correction="bonferroni"`` (``p × tested``, capped at 1) controls the chance of any false
    flag, ``correction="bh"`` (Benjamini & Hochberg 1995) the expected share of false flags
    among those flagged. The default ``"none"`` flags on the raw p-value. Overdispersed counts
    (variance above the mean) make every p-value here too small.
    """
    y = _as_counts(counts, "counts")
    k = _whole_number(baseline, "baseline", minimum=1)
    if y.size <= k:
        raise MethodInputError(
            f"there are {y.size} periods but the baseline needs {k} before the first tested "
            f"period; give at least {k + 1} periods or a shorter baseline"
        )
    level = _probability(alpha, "alpha")
    if correction not in ("none", "bonferroni", "bh"):
        raise MethodInputError(
            f"correction must be 'none', 'bonferroni' or 'bh'; got {correction!r}"
        )
    cumulative = np.concatenate([[0], np.cumsum(y)])
    expected = np.full(y.size, np.nan)
    expected[k:] = (cumulative[k:-1] - cumulative[: -k - 1]) / k
    p = np.full(y.size, np.nan)
    tested_obs = y[k:]
    p[k:] = stats.poisson.sf(tested_obs - 1, expected[k:])
    # scipy gives P(X >= 0) = sf(-1) = 1 for any mean, including 0; P(X >= m > 0 | 0) = 0.
    p[k:][tested_obs == 0] = 1.0
    tested = int(y.size - k)
    adjusted = np.full(y.size, np.nan)
    if correction == "none":
        adjusted[k:] = p[k:]
    elif correction == "bonferroni":
        adjusted[k:] = np.minimum(p[k:] * tested, 1.0)
    else:
        adjusted[k:] = benjamini_hochberg(p[k:])
    flag = np.zeros(y.size, dtype=bool)
    flag[k:] = adjusted[k:] < level
    return Spikes(
        observed=y,
        expected=expected,
        p=p,
        p_adjusted=adjusted,
        flag=flag,
        baseline=k,
        alpha=level,
        correction=correction,
        tested=tested,
    )


def _poisson_trend(t: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[float, float, float]:
    """Rate ratio per period, likelihood-ratio p and Pearson dispersion of ``log mu = a + b t``.

    The maximum-likelihood estimate is finite unless every incident is in the first or in the
    last period; then the fit's limit (``b`` to minus or plus infinity) puts all of them there.
    """
    n = y.size
    mean = y.mean()
    null_ll = float(np.sum(xlogy(y, mean) - mean))
    nonzero = np.flatnonzero(y)
    if nonzero.size == 1 and nonzero[0] in (0, n - 1):
        ratio = 0.0 if nonzero[0] == 0 else math.inf
        fitted = np.zeros(n)
        fitted[nonzero[0]] = y[nonzero[0]]
    else:
        centre = t - t.mean()
        b = _poisson_slope(centre, y)
        # Given b, the best intercept makes the fitted total equal the observed total.
        fitted = np.exp(b * centre)
        fitted *= y.sum() / fitted.sum()
        ratio = math.exp(b)
    full_ll = float(np.sum(xlogy(y, fitted) - fitted))
    statistic = max(2.0 * (full_ll - null_ll), 0.0)
    p = float(stats.chi2.sf(statistic, df=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = np.where(fitted > 0, (y - fitted) ** 2 / fitted, 0.0)
    dispersion = float(pearson.sum() / (n - 2))
    return ratio, p, dispersion


def _poisson_slope(t: NDArray[np.float64], y: NDArray[np.float64]) -> float:
    """Maximum-likelihood ``b`` of ``log mu = a + b t`` (``t`` centred), profiling out ``a``.

    With ``a`` at its optimum for each ``b`` the profile score ``sum(t y) - sum(y) *
    sum(t e^{bt}) / sum(e^{bt})`` decreases strictly in ``b``, so Newton steps guarded by a
    bracket converge to its single root.
    """
    total = y.sum()
    target = float(np.dot(t, y) / total)  # the y-weighted mean period the fit must reproduce
    low, high = -50.0, 50.0
    b = 0.0
    for _ in range(200):
        w = np.exp(b * t - np.max(b * t))
        w /= w.sum()
        mean_t = float(np.dot(w, t))
        var_t = float(np.dot(w, (t - mean_t) ** 2))
        score = target - mean_t
        if score > 0:
            low = b
        else:
            high = b
        step = score / var_t if var_t > 0 else 0.0
        candidate = b + step
        if not (low < candidate < high):
            candidate = 0.5 * (low + high)
        if abs(candidate - b) < 1e-13 * max(1.0, abs(b)):
            return candidate
        b = candidate
    return b


def _spread_over_blocks(
    first_block: NDArray[np.int64],
    blocks: NDArray[np.int64],
    weights: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Add ``weights[i]`` to every hour-of-week cell of blocks ``first .. first + blocks - 1``.

    Whole weeks add ``weight`` to all 168 cells; the remaining run of blocks is a circular range
    of cells, added through a difference array so that the work does not grow with the window.
    """
    whole_weeks, rest = np.divmod(blocks, HOURS_PER_WEEK)
    table = np.full(HOURS_PER_WEEK, float(np.sum(whole_weeks * weights)))
    start = _hour_of_week(first_block)
    stop = start + rest
    diff = np.zeros(2 * HOURS_PER_WEEK + 1)
    np.add.at(diff, start, weights)
    np.add.at(diff, stop, -weights)
    runs = np.cumsum(diff)[: 2 * HOURS_PER_WEEK]
    table += runs[:HOURS_PER_WEEK] + runs[HOURS_PER_WEEK:]
    return table


def _proportional(
    start: NDArray[np.int64],
    end: NDArray[np.int64],
    first_block: NDArray[np.int64],
    last_block: NDArray[np.int64],
) -> NDArray[np.float64]:
    duration = (end - start).astype(np.float64)
    instant = duration == 0
    safe = np.where(instant, 1.0, duration)
    first_end = np.minimum(end, (first_block + 1) * MICROSECONDS_PER_HOUR)
    first_share = np.where(instant, 1.0, (first_end - start) / safe)
    several = last_block > first_block
    last_share = np.where(several, (end - last_block * MICROSECONDS_PER_HOUR) / safe, 0.0)
    middle = np.maximum(last_block - first_block - 1, 0)
    table = _spread_over_blocks(first_block + 1, middle, MICROSECONDS_PER_HOUR / safe)
    table += np.bincount(_hour_of_week(first_block), first_share, minlength=HOURS_PER_WEEK)
    table += np.bincount(_hour_of_week(last_block), last_share, minlength=HOURS_PER_WEEK)
    return table


def _hour_of_week(hour_blocks: NDArray[np.int64]) -> NDArray[np.int64]:
    """Cell ``weekday * 24 + hour`` (Monday 0h = 0) of hour blocks counted from 1970-01-01 0h."""
    return np.asarray((hour_blocks + _EPOCH_HOUR_OF_WEEK) % HOURS_PER_WEEK, dtype=np.int64)


def _week_index(micro: NDArray[np.int64]) -> NDArray[np.int64]:
    """ISO weeks counted from the one starting Monday 1969-12-29 (week 0)."""
    days = np.floor_divide(micro, MICROSECONDS_PER_DAY)
    return np.asarray(np.floor_divide(days + _EPOCH_WEEKDAY, 7), dtype=np.int64)


def _one_local(value: object, name: str) -> NDArray[np.int64]:
    return local_microseconds(np.array([value], dtype=object), name)


def _to_datetime64(raw: NDArray[Any], name: str, *, allow_aware: bool) -> NDArray[np.datetime64]:
    if raw.dtype.kind == "M":
        stamps = raw
    elif raw.dtype.kind == "O":
        stamps = _objects_to_datetime64(raw, name, allow_aware=allow_aware)
    elif raw.dtype.kind in "US":
        stamps = _parse_strings(raw, name)
    else:
        raise MethodInputError(f"{name} must be dates or datetimes; got {raw.dtype}")
    missing = np.isnat(stamps)
    if missing.any():
        raise MethodInputError(f"{int(missing.sum())} of the {name} are missing")
    return stamps


def _microseconds(stamps: NDArray[np.datetime64], name: str) -> NDArray[np.int64]:
    """Microseconds since 1970-01-01, for dates between the years 1 and 9999."""
    # Nanoseconds and finer always fit; coarser units could overflow 64-bit microseconds.
    if np.datetime_data(stamps.dtype)[0] not in ("ns", "ps", "fs", "as") and (
        (stamps < np.datetime64("0001-01-01")).any() or (stamps > np.datetime64("9999-12-31")).any()
    ):
        raise MethodInputError(f"{name} must be between the years 1 and 9999")
    return np.asarray(stamps.astype("datetime64[us]").astype(np.int64), dtype=np.int64)


def _parse_strings(raw: NDArray[Any], name: str) -> NDArray[np.datetime64]:
    """ISO 8601 strings without a UTC offset (NumPy would silently shift those to UTC)."""
    with warnings.catch_warnings():
        # NumPy warns (UserWarning or DeprecationWarning, by version) about a UTC offset.
        warnings.simplefilter("error")
        try:
            return raw.astype("datetime64[us]")
        except Warning as exc:
            raise MethodInputError(
                f"{name} carry a UTC offset, which NumPy cannot keep; give datetimes, or "
                "strings without one"
            ) from exc
        except ValueError as exc:
            raise MethodInputError(f"{name} are not dates or datetimes: {exc}") from exc


def _objects_to_datetime64(
    values: NDArray[Any], name: str, *, allow_aware: bool
) -> NDArray[np.datetime64]:
    converted: list[object] = []
    for value in values:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            if not allow_aware:
                raise MethodInputError(
                    f"{name} must be in the agency's local time without a time zone; convert "
                    "them (e.g. with django.utils.timezone.localtime) and drop tzinfo first"
                )
            converted.append(value.astimezone(dt.UTC).replace(tzinfo=None))
        elif value is None or isinstance(value, dt.date | np.datetime64 | str):
            converted.append(value)
        else:
            raise MethodInputError(f"{name} must be dates or datetimes; got {value!r}")
    return _parse_strings(np.array(converted, dtype=object), name)


def _as_counts(counts: ArrayLike, name: str) -> NDArray[np.int64]:
    try:
        values = np.asarray(counts, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"{name} must be numbers: {exc}") from exc
    if values.ndim != 1:
        raise MethodInputError(f"{name} must be a one-dimensional array, one per period")
    if values.size == 0:
        raise MethodInputError(f"there are no {name} to analyse")
    if not np.all(np.isfinite(values)):
        raise MethodInputError(f"{name} must be finite numbers (no missing values)")
    if (values < 0).any():
        raise MethodInputError(f"{name} cannot be negative")
    if not np.all(values == np.round(values)):
        raise MethodInputError(
            f"{name} must be whole numbers of incidents (aoristic or weighted counts are not "
            "Poisson counts)"
        )
    return values.astype(np.int64)


def _whole_number(value: object, name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise MethodInputError(f"{name} must be a whole number; got {value!r}")
    if value < minimum:
        raise MethodInputError(f"{name} must be at least {minimum}; got {value}")
    return int(value)


def _probability(value: object, name: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"{name} must be a number between 0 and 1; got {value!r}") from exc
    if not 0.0 < number < 1.0:
        raise MethodInputError(f"{name} must be between 0 and 1 (exclusive); got {value!r}")
    return number
