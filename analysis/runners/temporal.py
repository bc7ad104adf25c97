"""Temporal patterns: the hour × weekday table (start times or aoristic), incidents per week
with their linear trend, and weeks that spike above the weeks before them (emerging problems).

Hours, weekdays and week boundaries are read in the agency's time zone (the parameter
``time_zone``, stored with the job when it is queued). The job's inputs are UTC instants; they
are turned into local wall-clock times here, because the methods refuse to guess a zone.

The CSV export is the hour × weekday table, one row per weekday (Monday first) with a column
per hour (``00`` … ``23``) and the row total: the table on the result page, as analysts paste
it into a spreadsheet. The weekly counts are in the job's JSON result (API).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from django.core.exceptions import ValidationError
from numpy.typing import NDArray

from analysis.files import FileEvents
from analysis.inputs import IncidentArrays
from analysis.methods.errors import MethodInputError
from analysis.methods.temporal import (
    WEEKDAYS,
    AoristicSplit,
    Correction,
    aoristic_hour_weekday_table,
    count_trend,
    hour_weekday_table,
    spikes,
    weekly_counts,
)
from analysis.runners.base import Progress, choice, number, plain, require_events

#: Weeks kept in a result (the latest); the trend and spikes are computed over all of them.
MAX_WEEKS = 1000
#: Flagged weeks listed in a result (the latest first).
MAX_FLAGGED = 100
#: Significance level of the trend sentence.
TREND_ALPHA = 0.05
HOUR_WEEKDAY_COLUMNS = ["weekday", *(f"{hour:02d}" for hour in range(24)), "total"]
_WEEK = np.timedelta64(7, "D")


def whole(params: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    """A whole-number parameter between ``low`` and ``high``."""
    value = number(params, name, default, low, high)
    if value != int(value):
        raise ValidationError({name: "Give a whole number."})
    return int(value)


def clean_temporal(params: dict[str, Any]) -> dict[str, Any]:
    """Aoristic spreading (and its longest window), spike baseline, alpha and correction.

    ``time_zone`` is not taken from the caller: the service sets the agency's."""
    aoristic = choice(params, "aoristic", "equal", ("none", "equal", "proportional"))
    cleaned: dict[str, Any] = {"aoristic": aoristic}
    if aoristic != "none" and params.get("max_window_hours") not in (None, ""):
        cleaned["max_window_hours"] = number(params, "max_window_hours", None, 1, 8784)
    cleaned["baseline_weeks"] = whole(params, "baseline_weeks", 4, 1, 52)
    cleaned["alpha"] = number(params, "alpha", 0.01, 0.0001, 0.2)
    cleaned["correction"] = choice(params, "correction", "none", ("none", "bonferroni", "bh"))
    return cleaned


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone ``name``, refused with a clear message when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise MethodInputError(f"{name!r} is not a known time zone") from None


def local_times(utc: NDArray[np.datetime64], zone: str) -> NDArray[np.datetime64]:
    """UTC instants as wall-clock times in ``zone`` (naive ``datetime64[s]``)."""
    tz = zone_of(zone)
    seconds = np.asarray(utc, dtype="datetime64[s]").astype(np.int64)
    if seconds.size == 0:
        return seconds.astype("datetime64[s]")
    # The offset depends on the instant (summer time); each distinct instant is looked up once.
    unique, inverse = np.unique(seconds, return_inverse=True)
    offsets = np.fromiter((_offset(int(s), tz) for s in unique), dtype=np.int64, count=unique.size)
    return np.asarray(seconds + offsets[inverse.ravel()], dtype=np.int64).astype("datetime64[s]")


def local_instant(moment: datetime | None, zone: str) -> np.datetime64 | None:
    """One aware date-time as a naive wall-clock ``datetime64[s]`` in ``zone``."""
    if moment is None:
        return None
    return np.datetime64(moment.astimezone(zone_of(zone)).replace(tzinfo=None), "s")


def _offset(second: int, tz: ZoneInfo) -> int:
    delta = datetime.fromtimestamp(second, tz).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


def run_temporal(
    arrays: IncidentArrays, params: dict[str, Any], seed: int, progress: Progress
) -> dict[str, Any]:
    """Hour × weekday table, weekly counts, trend and spikes in the agency's local time."""
    require_events(arrays)
    zone = str(params.get("time_zone") or "UTC")
    starts = local_times(arrays.occurred_from, zone)
    ends = local_times(arrays.occurred_to, zone)
    # When clocks go back, a window across the change can end at an earlier wall-clock time
    # than it starts; it still lasted (almost) no time, so it ends where it starts.
    ends = np.maximum(ends, starts)
    progress(20)
    summary = temporal_summary(
        starts,
        ends,
        aoristic=params.get("aoristic", "equal"),
        max_window_hours=params.get("max_window_hours"),
        baseline=int(params.get("baseline_weeks", 4)),
        alpha=float(params.get("alpha", 0.01)),
        correction=params.get("correction", "none"),
        period_start=local_instant(arrays.period_start, zone),
        period_end=local_instant(arrays.period_end, zone),
    )
    progress(90)
    return {"time_zone": zone, "events": arrays.count, **summary}


def temporal_summary(
    starts: NDArray[np.datetime64],
    ends: NDArray[np.datetime64] | None,
    *,
    aoristic: str,
    max_window_hours: float | None,
    baseline: int,
    alpha: float,
    correction: Correction,
    period_start: np.datetime64 | None = None,
    period_end: np.datetime64 | None = None,
) -> dict[str, Any]:
    """The result, from local wall-clock times (shared by jobs and ``manage.py analyse``).

    ``period_start`` and ``period_end`` (end excluded) say which weeks the data wholly cover;
    without them the first and last weeks are taken to be partial. Only whole weeks enter the
    trend and the spike test, since a partly covered week looks like a drop.
    """
    table = _hour_weekday(starts, ends, aoristic, max_window_hours)
    last = None if period_end is None else period_end - np.timedelta64(1, "s")
    weeks = weekly_counts(starts, start=period_start, end=last)
    mondays = weeks.week_start.astype("datetime64[s]")
    index = np.arange(mondays.size)
    covered_from = mondays >= period_start if period_start is not None else index > 0
    covered_to = mondays + _WEEK <= period_end if period_end is not None else index < index[-1]
    covered = np.asarray(covered_from & covered_to, dtype=bool)
    whole_weeks = np.flatnonzero(covered)
    rows = [
        {
            "index": int(i),
            "week_start": str(weeks.week_start[i]),
            "iso_week": f"{int(weeks.iso_year[i])}-W{int(weeks.iso_week[i]):02d}",
            "count": int(weeks.counts[i]),
            "whole": bool(covered[i]),
            "expected": None,
            "p": None,
            "p_adjusted": None,
            "flag": False,
        }
        for i in index
    ]
    trend, trend_note = _trend(weeks.counts, whole_weeks, rows)
    spike_summary, spikes_note = _spikes(
        weeks.counts, whole_weeks, rows, baseline=baseline, alpha=alpha, correction=correction
    )
    return {
        "hour_weekday": table,
        "weeks_total": len(rows),
        "whole_weeks": int(whole_weeks.size),
        "weeks": rows[-MAX_WEEKS:],
        "weeks_stored": min(len(rows), MAX_WEEKS),
        "events_outside_weeks": weeks.events_outside,
        "trend": trend,
        "trend_note": trend_note,
        "spikes": spike_summary,
        "spikes_note": spikes_note,
    }


def _hour_weekday(
    starts: NDArray[np.datetime64],
    ends: NDArray[np.datetime64] | None,
    aoristic: str,
    max_window_hours: float | None,
) -> dict[str, Any]:
    left_out = 0
    if aoristic == "none" or ends is None:
        table = hour_weekday_table(starts)
    else:
        keep = np.ones(starts.size, dtype=bool)
        if max_window_hours is not None:
            hours = (ends - starts) / np.timedelta64(1, "h")
            keep = hours <= max_window_hours
            left_out = int((~keep).sum())
            if not keep.any():
                raise MethodInputError(
                    f"every incident's from–to window is longer than {max_window_hours:g} hours "
                    "(max_window_hours), so none is left for the hour × weekday table; allow "
                    "longer windows or use start times"
                )
        split: AoristicSplit = "proportional" if aoristic == "proportional" else "equal"
        table = aoristic_hour_weekday_table(starts[keep], ends[keep], split=split)
    counts = table.counts
    day, hour = (int(v) for v in np.unravel_index(int(np.argmax(counts)), counts.shape))
    return {
        "method": table.method,
        "events": table.events,
        "left_out": left_out,
        "max_window_hours": max_window_hours,
        "weekdays": list(WEEKDAYS),
        "counts": [[round(float(v), 6) for v in row] for row in counts],
        "weekday_totals": [round(float(v), 6) for v in counts.sum(axis=1)],
        "hour_totals": [round(float(v), 6) for v in counts.sum(axis=0)],
        "max": round(float(counts.max()), 6),
        "peak": {"weekday": WEEKDAYS[day], "hour": hour, "count": round(float(counts.max()), 6)},
    }


def _trend(
    counts: NDArray[np.int64], whole_weeks: NDArray[np.intp], rows: list[dict[str, Any]]
) -> tuple[dict[str, Any] | None, str]:
    if whole_weeks.size == 0:
        return None, "No week is wholly covered by the data, so there is no trend to fit."
    first, last = int(whole_weeks[0]), int(whole_weeks[-1])
    try:
        fit = count_trend(counts[first : last + 1])
    except MethodInputError as exc:
        return None, f"No trend: {exc}."
    trend = {
        "weeks": fit.periods,
        "first_index": first,
        "first_week": rows[first]["week_start"],
        "last_week": rows[last]["week_start"],
        "slope": plain(fit.slope),
        "intercept": plain(fit.intercept),
        "r": plain(fit.r),
        "p": plain(fit.p),
        "stderr": plain(fit.stderr),
        "rate_ratio": plain(fit.poisson_rate_ratio),
        "poisson_p": plain(fit.poisson_p),
        "dispersion": plain(fit.dispersion),
    }
    return trend, ""


def _spikes(
    counts: NDArray[np.int64],
    whole_weeks: NDArray[np.intp],
    rows: list[dict[str, Any]],
    *,
    baseline: int,
    alpha: float,
    correction: Correction,
) -> tuple[dict[str, Any] | None, str]:
    if whole_weeks.size == 0:
        return None, "No week is wholly covered by the data, so no week was tested."
    first, last = int(whole_weeks[0]), int(whole_weeks[-1])
    try:
        found = spikes(
            counts[first : last + 1], baseline=baseline, alpha=alpha, correction=correction
        )
    except MethodInputError as exc:
        return None, f"No week was tested: {exc}."
    flagged = []
    for offset in range(found.observed.size):
        row = rows[first + offset]
        row["expected"] = plain(found.expected[offset])
        row["p"] = plain(found.p[offset])
        row["p_adjusted"] = plain(found.p_adjusted[offset])
        row["flag"] = bool(found.flag[offset])
        if row["flag"]:
            flagged.append(row)
    flagged.reverse()
    summary = {
        "baseline": found.baseline,
        "alpha": found.alpha,
        "correction": found.correction,
        "tested": found.tested,
        "flagged": len(flagged),
        "latest_flagged": bool(found.flag[-1]),
        "latest_week": rows[last]["week_start"],
        "flagged_weeks": [
            {k: row[k] for k in ("week_start", "iso_week", "count", "expected", "p", "p_adjusted")}
            for row in flagged[:MAX_FLAGGED]
        ],
    }
    return summary, ""


# -- Export ------------------------------------------------------------------------------------


def hour_weekday_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The CSV rows: one per weekday, Monday first, a column per hour and the total."""
    table = result["hour_weekday"]
    rows = []
    for name, counts, total in zip(
        table["weekdays"], table["counts"], table["weekday_totals"], strict=True
    ):
        row: dict[str, Any] = {"weekday": name, "total": total}
        row |= {f"{hour:02d}": value for hour, value in enumerate(counts)}
        rows.append(row)
    return rows


# -- Result page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatCell:
    """One hour of one weekday: the count as shown, a shade from 0 (none) to 5 and a tooltip."""

    text: str
    shade: int
    title: str


@dataclass(frozen=True)
class HeatRow:
    """One weekday of the heat table."""

    label: str
    cells: list[HeatCell]
    total: str


@dataclass(frozen=True)
class Bar:
    """One week of the chart (SVG coordinates as text)."""

    x: str
    y: str
    width: str
    height: str
    css: str
    title: str


@dataclass(frozen=True)
class Tick:
    """An axis label and where it goes."""

    position: str
    label: str


@dataclass(frozen=True)
class WeeklyChart:
    """The weekly counts as an inline SVG bar chart with the trend and expected lines."""

    width: int
    height: int
    left: int
    bottom: str
    right: str
    bars: list[Bar]
    trend: str
    expected: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]


@dataclass(frozen=True)
class TemporalPage:
    """What the result page shows, laid out from the stored result."""

    hours: list[str]
    heat: list[HeatRow]
    hour_totals: list[str]
    decimals: bool
    chart: WeeklyChart | None
    trend_sentence: str


def temporal_page(result: dict[str, Any]) -> TemporalPage:
    """The heat table, the weekly chart and the trend in words."""
    table = result["hour_weekday"]
    decimals = table["method"] != "exact"
    return TemporalPage(
        hours=[f"{hour:02d}" for hour in range(24)],
        heat=_heat_rows(table, decimals),
        hour_totals=[_count(v, decimals) for v in table["hour_totals"]],
        decimals=decimals,
        chart=weekly_chart(result["weeks"], result.get("trend")),
        trend_sentence=trend_sentence(result.get("trend")),
    )


def _count(value: float, decimals: bool) -> str:
    return f"{value:,.1f}" if decimals else f"{value:,.0f}"


def _heat_rows(table: dict[str, Any], decimals: bool) -> list[HeatRow]:
    top = float(table["max"]) or 1.0
    rows = []
    for name, counts, total in zip(
        table["weekdays"], table["counts"], table["weekday_totals"], strict=True
    ):
        cells = [
            HeatCell(
                text=_count(value, decimals) if value > 0 else "0",
                shade=0 if value <= 0 else max(1, math.ceil(5 * value / top)),
                title=f"{name} {hour:02d}:00–{hour:02d}:59: {_count(value, decimals)} incidents",
            )
            for hour, value in enumerate(counts)
        ]
        rows.append(HeatRow(label=name, cells=cells, total=_count(total, decimals)))
    return rows


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def _f(value: float) -> str:
    return f"{value:.1f}"


def weekly_chart(weeks: list[dict[str, Any]], trend: dict[str, Any] | None) -> WeeklyChart | None:
    """Bars of the incidents per week (spikes in red, partial weeks pale), the fitted trend
    (dashed) and the expected count the spike test used (dotted)."""
    if not weeks:
        return None
    width, height, left, right, top, bottom = 760, 220, 44, 8, 10, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    tallest = max(max(w["count"], w["expected"] or 0) for w in weeks)
    y_max = _nice_ceiling(float(tallest))
    step = plot_w / len(weeks)
    gap = min(1.0, step * 0.15)

    def y_of(value: float) -> float:
        return top + plot_h - max(0.0, min(value, y_max)) / y_max * plot_h

    def x_mid(i: int) -> float:
        return left + (i + 0.5) * step

    bars = []
    for i, week in enumerate(weeks):
        css = "t-bar-spike" if week["flag"] else "t-bar" if week["whole"] else "t-bar-partial"
        title = f"Week of {week['week_start']} ({week['iso_week']}): {week['count']} incidents"
        if week["expected"] is not None:
            title += f", expected {week['expected']:.3g}, p = {_p(week['p'])}"
        if not week["whole"]:
            title += " (week only partly covered)"
        y = y_of(week["count"])
        bars.append(
            Bar(
                x=_f(left + i * step + gap / 2),
                y=_f(y),
                width=_f(max(step - gap, 0.5)),
                height=_f(top + plot_h - y),
                css=css,
                title=title,
            )
        )
    expected = " ".join(
        f"{_f(x_mid(i))},{_f(y_of(w['expected']))}"
        for i, w in enumerate(weeks)
        if w["expected"] is not None
    )
    line = ""
    inside = [i for i, w in enumerate(weeks) if w["whole"]]
    if trend is not None and trend["slope"] is not None and inside:

        def fitted(i: int) -> float:
            return float(
                trend["intercept"] + trend["slope"] * (weeks[i]["index"] - trend["first_index"])
            )

        line = " ".join(f"{_f(x_mid(i))},{_f(y_of(fitted(i)))}" for i in (inside[0], inside[-1]))
    y_ticks = [Tick(_f(y_of(v)), f"{v:g}") for v in (0, y_max / 2, y_max)]
    picks = sorted({0, len(weeks) // 2, len(weeks) - 1})
    x_ticks = [Tick(_f(x_mid(i)), weeks[i]["week_start"]) for i in picks]
    return WeeklyChart(
        width=width,
        height=height,
        left=left,
        bottom=_f(top + plot_h),
        right=_f(width - right),
        bars=bars,
        trend=line,
        expected=expected,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
    )


def _p(value: float | None) -> str:
    if value is None:
        return "—"
    if value == 0:
        return "< 1e-300"
    return f"{value:.3f}" if value >= 0.001 else f"{value:.1e}"


def trend_sentence(trend: dict[str, Any] | None) -> str:
    """The weekly trend in words: direction, size, p-values and when to distrust the Poisson p."""
    if trend is None or trend["slope"] is None:
        return ""
    slope, p = float(trend["slope"]), trend["p"]
    span = f"over {trend['weeks']} whole weeks from {trend['first_week']}"
    if p is not None and p < TREND_ALPHA and slope != 0:
        way = "Rising" if slope > 0 else "Falling"
        noun = "incident" if abs(slope) == 1 else "incidents"
        text = f"{way} by {abs(slope):.3g} {noun} per week {span} (least squares, p = {_p(p)})"
    else:
        text = (
            f"No clear trend {span}: {slope:+.3g} incidents per week (least squares, p = {_p(p)}, "
            f"not significant at {TREND_ALPHA:g})"
        )
    ratio = trend["rate_ratio"]
    if ratio is not None:
        text += (
            f"; on a Poisson fit the expected count changes by {(ratio - 1) * 100:+.2f} % a week "
            f"(p = {_p(trend['poisson_p'])})"
        )
    text += "."
    dispersion = trend["dispersion"]
    if dispersion is not None and dispersion > 1.5:
        text += (
            f" The weekly counts vary {dispersion:.1f} times as much as Poisson counts would, so "
            "the Poisson p-value is too small: read the least-squares one."
        )
    return text


# -- Files (manage.py analyse) -----------------------------------------------------------------


def temporal_from_events(events: FileEvents, options: dict[str, Any]) -> dict[str, Any]:
    """``analyse temporal``: the summary of a file's event times, read as local clock times
    as they are written (times with a UTC offset are taken in UTC). A file has no period, so
    its first and last weeks are taken to be partial."""
    if events.t is None:
        raise MethodInputError("temporal needs --time, the column of event times")
    try:
        given = {
            "aoristic": "none",
            "baseline_weeks": options.get("spike_baseline"),
            "alpha": options.get("spike_alpha"),
            "correction": options.get("spike_correction"),
        }
        params = clean_temporal({k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        raise MethodInputError("; ".join(exc.messages)) from None
    summary = temporal_summary(
        events.t.astype("datetime64[s]"),
        None,
        aoristic="none",
        max_window_hours=None,
        baseline=params["baseline_weeks"],
        alpha=params["alpha"],
        correction=params["correction"],
    )
    return {"time_zone": "as written in the file", **summary}
