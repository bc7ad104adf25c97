"""Repeats and concentration: repeat locations and victims, time to repeat, and how much of the
crime (and harm) comes from the top few places and offenders.

"The same place". Incidents carry a geocoded point (and its resolution-9 H3 cell), not a link
to a Location record. A records system geocodes every crime at one address to the same point,
so by default two incidents are at the same place when their coordinates agree to 5 decimal
places (about 1 m): the same address, which is what repeat-location studies count. Where
geocoding is looser (street centroids, jittered points), ``place=h3`` groups incidents by H3
cell at a chosen resolution instead (11 ≈ 25 m across, 12 ≈ 10 m, 10 ≈ 65 m).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from numpy.typing import NDArray

from analysis.files import FileTable, file_codes, file_numbers, file_times, read_table
from analysis.inputs import IncidentArrays
from analysis.methods.errors import MethodInputError
from analysis.results import person_labels
from analysis.runners.base import Progress, choice, plain, require_events
from analysis.runners.ranking import (
    MAX_ROWS,
    local_time,
    numbers_option,
    offending,
    whole,
)
from ilp.models import User

#: Coordinates are compared to this many decimal places (about 1 m) for ``place=point``.
POINT_DECIMALS = 5
#: Most points kept of each Lorenz curve (it is piecewise linear, so few points draw it well).
LORENZ_POINTS = 201
PLACE_COLUMNS = [
    "rank",
    "place",
    "h3",
    "lat",
    "lon",
    "incidents",
    "repeats",
    "harm",
    "first",
    "last",
]


# -- Parameters --------------------------------------------------------------------------------


def _number_list(
    params: dict[str, Any], name: str, default: list[float], low: float, high: float
) -> list[float]:
    raw = params.get(name, default)
    if isinstance(raw, str):
        raw = [part for part in raw.split(",") if part.strip()]
    try:
        values = sorted({float(v) for v in raw})
    except (TypeError, ValueError):
        raise ValidationError({name: "Give numbers separated by commas, e.g. 1,5,10,20."}) from None
    if not values or len(values) > 12:
        raise ValidationError({name: "Give between 1 and 12 numbers."})
    if not all(math.isfinite(v) and low < v <= high for v in values):
        raise ValidationError({name: f"Each must be above {low:g} and at most {high:g}."})
    return values


def clean_repeats(params: dict[str, Any]) -> dict[str, Any]:
    """What counts as one place, the concentration percentages, the time-to-repeat limits and
    how many rows the tables keep."""
    cleaned: dict[str, Any] = {"place": choice(params, "place", "point", ("point", "h3"))}
    if cleaned["place"] == "h3":
        cleaned["h3_resolution"] = whole(params, "h3_resolution", 11, 7, 15)
    cleaned["top_percent"] = _number_list(params, "top_percent", [1, 5, 10, 20], 0, 100)
    cleaned["within_days"] = _number_list(params, "within_days", [7, 30, 90, 365], 0, 3650)
    cleaned["top_n"] = whole(params, "top_n", 100, 1, MAX_ROWS)
    return cleaned


# -- Running -----------------------------------------------------------------------------------


def place_codes(
    arrays: IncidentArrays, params: dict[str, Any]
) -> tuple[NDArray[np.int64], list[dict[str, Any]]]:
    """One place code per incident, and each code's place (label, H3 cell, centre)."""
    if params["place"] == "h3":
        import h3

        resolution = int(params["h3_resolution"])
        cells = [
            h3.latlng_to_cell(float(lat), float(lon), resolution)
            for lat, lon in zip(arrays.lat, arrays.lon, strict=True)
        ]
        distinct, codes = np.unique(np.array(cells, dtype=str), return_inverse=True)
        places = []
        for cell in distinct:
            lat, lon = h3.cell_to_latlng(str(cell))
            places.append({"place": str(cell), "h3": str(cell), "lat": lat, "lon": lon})
        return codes.ravel().astype(np.int64), places
    points = np.round(np.stack([arrays.lat, arrays.lon], axis=1), POINT_DECIMALS)
    distinct_points, codes = np.unique(points, axis=0, return_inverse=True)
    places = [
        {
            "place": f"{lat:.{POINT_DECIMALS}f}, {lon:.{POINT_DECIMALS}f}",
            "h3": "",
            "lat": float(lat),
            "lon": float(lon),
        }
        for lat, lon in distinct_points
    ]
    return codes.ravel().astype(np.int64), places


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat()


def unit_summary(
    ids: NDArray[np.int64],
    times: NDArray[np.datetime64],
    harm: NDArray[np.float64],
    params: dict[str, Any],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Repeats, time to repeat, concentration and Lorenz curve of one kind of unit (places,
    victims, offenders), and its top units (most incidents first) with their first and last."""
    from analysis.methods.repeats import concentration, lorenz_curve, repeat_counts, time_to_repeat

    counts = repeat_counts(ids)
    gaps = time_to_repeat(ids, times, within_days=params["within_days"])
    has_harm = bool(harm.size) and float(harm.sum()) > 0
    shares = concentration(ids, top_percent=params["top_percent"], harm=harm if has_harm else None)
    curve = lorenz_curve(shares.counts)
    keep = np.unique(np.linspace(0, curve.unit_share.size - 1, LORENZ_POINTS).round().astype(int))
    seconds = times.astype("datetime64[s]").astype(np.int64).astype(np.float64)
    first = np.full(counts.ids.size, np.inf)
    last = np.full(counts.ids.size, -np.inf)
    index = np.searchsorted(counts.ids, ids)
    np.minimum.at(first, index, seconds)
    np.maximum.at(last, index, seconds)
    top = []
    for rank, unit in enumerate(shares.ids[: int(params["top_n"])].tolist(), start=1):
        i = int(np.searchsorted(counts.ids, unit))
        n = int(counts.counts[i])
        top.append(
            {
                "rank": rank,
                "unit": int(unit),
                "incidents": n,
                "repeats": n - 1,
                "harm": plain(shares.harm_by_unit[rank - 1])
                if shares.harm_by_unit is not None
                else None,
                "first": _iso(first[i]),
                "last": _iso(last[i]),
            }
        )
    summary = {
        "incidents": counts.incidents,
        "units": counts.distinct_ids,
        "repeat_units": counts.repeat_ids,
        "repeat_unit_share": counts.repeat_id_share,
        "repeat_incidents": counts.repeat_incidents,
        "repeat_incident_share": counts.repeat_incident_share,
        "time_to_repeat": {
            "repeats": gaps.repeats,
            "median_days": plain(gaps.median_days),
            "within": [
                {
                    "days": plain(days),
                    "share": plain(share),
                    "repeats": 0 if math.isnan(share) else round(float(share) * gaps.repeats),
                }
                for days, share in zip(gaps.within_days, gaps.share_within, strict=True)
            ],
        },
        "harm": shares.harm,
        "gini": shares.gini,
        "harm_gini": shares.harm_gini,
        "concentration": [
            {
                "percent": plain(shares.top_percent[k]),
                "units": int(shares.top_units[k]),
                "incident_share": plain(shares.incident_share[k]),
                "harm_share": None if shares.harm_share is None else plain(shares.harm_share[k]),
            }
            for k in range(shares.top_percent.size)
        ],
        "lorenz": {
            "unit_share": [round(float(v), 6) for v in curve.unit_share[keep]],
            "value_share": [round(float(v), 6) for v in curve.value_share[keep]],
        },
        "top_total": int(shares.ids.size),
    }
    return summary, top


def run_repeats(
    arrays: IncidentArrays, params: dict[str, Any], seed: int, progress: Progress
) -> dict[str, Any]:
    """Repeat places and victims, time to repeat, and concentration on places and offenders."""
    require_events(arrays, 1)
    codes, places = place_codes(arrays, params)
    progress(20)
    summary, top = unit_summary(codes, arrays.occurred_from, arrays.harm, params)
    for row in top:
        row.update(places[row.pop("unit")])
    result: dict[str, Any] = {
        "events": arrays.count,
        "place": params["place"],
        "h3_resolution": params.get("h3_resolution"),
        "places": {**summary, "top": top},
    }
    progress(50)
    people = arrays.people
    if people is None:
        raise MethodInputError("the people linked to the incidents were not loaded")
    victims = people.incident_roles == "victim"
    if victims.any():
        summary, top = unit_summary(
            people.incident_person_ids[victims],
            people.incident_times[victims],
            people.incident_harm[victims],
            params,
        )
        for row in top:
            row["person"] = row.pop("unit")
        result["victims"] = {**summary, "top": top}
    else:
        result["victims"] = None
    progress(75)
    offences = offending(people, ("offender", "suspect"))
    if offences.person_ids.size:
        summary, _ = unit_summary(offences.person_ids, offences.times, offences.harm, params)
        result["offenders"] = summary
    else:
        result["offenders"] = None
    return result


# -- Showing and exporting ---------------------------------------------------------------------


def _percent(value: Any) -> str:
    if value is None:
        return "—"
    share = 100 * float(value)
    return f"{share:.0f} %" if share >= 10 or share == 0 else f"{share:.1f} %"


def headline(summary: dict[str, Any], noun: str) -> str:
    """ "10 % of places (3 of 27) account for 45 % of incidents" for the usual cut-off (10 % if
    it was asked for, else the first one)."""
    rows = summary.get("concentration") or []
    if not rows:
        return ""
    row = next((r for r in rows if r["percent"] == 10), rows[0])
    text = (
        f"{row['percent']:g} % of {noun} ({row['units']} of {summary['units']}) account for "
        f"{_percent(row['incident_share'])} of incidents"
    )
    if row.get("harm_share") is not None:
        text += f" and {_percent(row['harm_share'])} of harm"
    return text + "."


def lorenz_svg(curves: list[tuple[str, str, dict[str, Any]]]) -> list[dict[str, str]]:
    """Polyline points (a 0–100 box, y upwards) of each Lorenz curve, with its label and colour."""
    drawn = []
    for label, colour, curve in curves:
        points = " ".join(
            f"{100 * x:.2f},{100 - 100 * y:.2f}"
            for x, y in zip(curve["unit_share"], curve["value_share"], strict=True)
        )
        drawn.append({"label": label, "colour": colour, "points": points})
    return drawn


def repeats_view(*, actor: User, result: dict[str, Any]) -> dict[str, Any]:
    """The result page's figures: headlines, tables with victims named for ``actor`` (or shown
    as not visible), times in the current zone and the Lorenz curves."""
    places = result["places"]
    victims = result.get("victims")
    offenders = result.get("offenders")
    place_rows = [
        {**row, "first_at": local_time(row["first"]), "last_at": local_time(row["last"])}
        for row in places["top"]
    ]
    victim_rows: list[dict[str, Any]] = []
    if victims:
        labels = person_labels(actor=actor, ids=[int(row["person"]) for row in victims["top"]])
        victim_rows = [
            {
                **row,
                "label": labels[int(row["person"])],
                "first_at": local_time(row["first"]),
                "last_at": local_time(row["last"]),
            }
            for row in victims["top"]
        ]
    curves = [("Places (incidents)", "#0d6efd", places["lorenz"])]
    if victims:
        curves.append(("Victims (victimisations)", "#198754", victims["lorenz"]))
    if offenders:
        curves.append(("Offenders (offences)", "#dc3545", offenders["lorenz"]))
    offender_shares = offenders["concentration"] if offenders else []
    victim_gaps = victims["time_to_repeat"]["within"] if victims else []
    return {
        "concentration_rows": [
            {"places": row, "offenders": offender_shares[k] if offender_shares else None}
            for k, row in enumerate(places["concentration"])
        ],
        "gap_rows": [
            {"places": row, "victims": victim_gaps[k] if victim_gaps else None}
            for k, row in enumerate(places["time_to_repeat"]["within"])
        ],
        "place_headline": headline(places, "places"),
        "offender_headline": headline(offenders, "offenders") if offenders else "",
        "place_rows": place_rows,
        "victim_rows": victim_rows,
        "curves": lorenz_svg(curves),
    }


def place_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The CSV rows of the top-places table."""
    return list(result.get("places", {}).get("top") or [])


# -- Files (manage.py analyse) -----------------------------------------------------------------


def _file_places(
    table: FileTable, options: dict[str, Any]
) -> tuple[NDArray[np.int64], list[dict[str, Any]]]:
    """One place code per row, from the --id column or from a grid of --place-precision metre
    squares laid from the origin (the points in one square are one place, shown by the first
    of them in the file)."""
    from analysis.files import utm_for

    if options.get("id"):
        codes, names = file_codes(table, options["id"])
        return codes, [{"id": name} for name in names]
    precision = options.get("place_precision") or 1.0
    if not (math.isfinite(precision) and precision > 0):
        raise MethodInputError("--place-precision must be a positive number of metres")
    raw_x, raw_y = file_numbers(table, options["x"]), file_numbers(table, options["y"])
    x, y = raw_x, raw_y
    if options.get("lonlat"):
        if np.any(np.abs(x) > 180) or np.any(np.abs(y) > 90):
            raise MethodInputError(
                "with --lonlat, x must be a longitude (-180..180) and y a latitude (-90..90)"
            )
        x, y = utm_for(x, y).forward(x, y)
    cells = np.floor(np.stack([x, y], axis=1) / precision).astype(np.int64)
    _, first, codes = np.unique(cells, axis=0, return_index=True, return_inverse=True)
    return codes.ravel().astype(np.int64), [
        {"x": float(raw_x[i]), "y": float(raw_y[i])} for i in first
    ]


def repeats_from_file(options: dict[str, Any]) -> dict[str, Any]:
    """``analyse repeats``: places (or victims) from --id, or from --x/--y snapped to
    --place-precision metres; time to repeat with --time; harm shares with --harm."""
    params = {
        "top_percent": numbers_option(options.get("top_percent"), "top-percent") or [1, 5, 10, 20],
        "within_days": numbers_option(options.get("within_days"), "within-days")
        or [7, 30, 90, 365],
        "top_n": options.get("top") or 100,
    }
    if options.get("id"):
        wanted = [options["id"]]
    elif options.get("x") and options.get("y"):
        wanted = [options["x"], options["y"]]
    else:
        raise MethodInputError("repeats needs --id (a place or victim id column) or --x and --y")
    wanted += [options[extra] for extra in ("time", "harm") if options.get(extra)]
    table = read_table(options["csv"], wanted)
    codes, labels = _file_places(table, options)
    if options.get("time"):
        times = file_times(table, options["time"], options.get("time_format"))
    else:
        times = np.zeros(codes.size, dtype="datetime64[s]")
    harm = file_numbers(table, options["harm"]) if options.get("harm") else np.zeros(0)
    summary, top = unit_summary(codes, times, harm, params)
    if not options.get("time"):
        summary.pop("time_to_repeat")
        for row in top:
            del row["first"], row["last"]
    for row in top:
        row.update(labels[row.pop("unit")])
    precision = options.get("place_precision") or 1.0
    return {
        "events": int(codes.size),
        "skipped_rows": table.skipped_rows,
        "place": "id" if options.get("id") else f"points within {precision:g} m",
        **summary,
        "top": top,
    }
