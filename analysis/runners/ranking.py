"""Offender ranking by recency, frequency and harm (RFH) over the people recorded as offenders
(and, by default, suspects) in the job's incidents, as the job's user may see them.

Also here, because the ranking and the repeat-victim tables both name people: the render-time
name look-up (names are never stored in a result, so each viewer sees only the people they may
see), and the small CSV reader of ``manage.py analyse`` for files with id columns rather than
coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from numpy.typing import NDArray

from analysis.files import file_codes, file_numbers, file_times, read_table
from analysis.inputs import IncidentArrays, PeopleLinks
from analysis.methods.errors import MethodInputError
from analysis.results import person_labels
from analysis.runners.base import Progress, choice, number, plain
from ilp.models import User

#: Most offenders a result keeps (the highest scores first).
MAX_ROWS = 1000
ROLE_SETS: dict[str, tuple[str, ...]] = {
    "offender_suspect": ("offender", "suspect"),
    "offender": ("offender",),
}
#: Columns of the CSV export: person ids, not names (a file leaves the platform's access
#: control, so who someone is stays a look-up on the platform).
RANKING_COLUMNS = [
    "rank",
    "person_id",
    "score",
    "recency_days",
    "recency_score",
    "frequency",
    "frequency_score",
    "harm",
    "harm_score",
    "last_offence",
]


# -- Parameters and run ------------------------------------------------------------------------


def whole(params: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    """A whole number parameter in ``[low, high]``."""
    value = number(params, name, default, low, high)
    if value != int(value):
        raise ValidationError({name: "Give a whole number."})
    return int(value)


def clean_ranking(params: dict[str, Any]) -> dict[str, Any]:
    """Window, component weights, which roles count as offending, rows kept, optional as-of."""
    cleaned: dict[str, Any] = {
        "window_days": number(params, "window_days", 365, 1, 3650),
        "recency_weight": number(params, "recency_weight", 1, 0, 100),
        "frequency_weight": number(params, "frequency_weight", 1, 0, 100),
        "harm_weight": number(params, "harm_weight", 1, 0, 100),
        "roles": choice(params, "roles", "offender_suspect", tuple(ROLE_SETS)),
        "top_n": whole(params, "top_n", 100, 1, MAX_ROWS),
    }
    if cleaned["recency_weight"] + cleaned["frequency_weight"] + cleaned["harm_weight"] <= 0:
        raise ValidationError(
            {"recency_weight": "At least one of the three weights must be above 0."}
        )
    raw = params.get("as_of")
    if raw not in (None, ""):
        when = raw if isinstance(raw, datetime) else parse_datetime(str(raw))
        if when is None or when.tzinfo is None:
            raise ValidationError({"as_of": "Give a date-time with a time zone."})
        cleaned["as_of"] = when.astimezone(UTC).isoformat()
    return cleaned


def offending(people: PeopleLinks | None, roles: tuple[str, ...]) -> Offences:
    """One row per incident a visible person offended in (in any of ``roles``): a person
    recorded as both offender and suspect in one incident counts once."""
    if people is None:
        raise MethodInputError("the people linked to the incidents were not loaded")
    mask = np.isin(people.incident_roles, roles)
    pairs = np.stack([people.incident_ids[mask], people.incident_person_ids[mask]], axis=1)
    _, first = np.unique(pairs, axis=0, return_index=True)
    keep = np.flatnonzero(mask)[np.sort(first)]
    return Offences(
        incident_ids=people.incident_ids[keep],
        person_ids=people.incident_person_ids[keep],
        times=people.incident_times[keep],
        harm=people.incident_harm[keep],
    )


@dataclass(frozen=True)
class Offences:
    """Offences as parallel arrays: incident, person, start time (UTC) and harm weight."""

    incident_ids: NDArray[np.int64]
    person_ids: NDArray[np.int64]
    times: NDArray[np.datetime64]
    harm: NDArray[np.float64]


def _as_of(arrays: IncidentArrays, params: dict[str, Any]) -> tuple[datetime, str]:
    if params.get("as_of"):
        parsed = parse_datetime(str(params["as_of"]))
        assert parsed is not None
        return parsed.astimezone(UTC), "the as-of time stored with the analysis"
    if arrays.period_end is not None:
        return arrays.period_end.astimezone(UTC), "the end of the period"
    return timezone.now().astimezone(UTC), "the time the analysis ran (no period end was given)"


def run_ranking(
    arrays: IncidentArrays, params: dict[str, Any], seed: int, progress: Progress
) -> dict[str, Any]:
    """Rank the visible offenders of the job's incidents by recency, frequency and harm."""
    from analysis.methods.ranking import rfh_ranking

    roles = ROLE_SETS[params["roles"]]
    offences = offending(arrays.people, roles)
    if offences.person_ids.size == 0:
        raise MethodInputError(
            f"none of the {arrays.count} incident(s) has a person you may see recorded as "
            f"{' or '.join(roles)}; widen the period or offences, or count suspects too"
        )
    as_of, as_of_source = _as_of(arrays, params)
    progress(30)
    weights = (params["recency_weight"], params["frequency_weight"], params["harm_weight"])
    ranked = rfh_ranking(
        offences.person_ids,
        offences.times,
        offences.harm,
        as_of=np.datetime64(as_of.replace(tzinfo=None), "s"),
        window_days=params["window_days"],
        weights=weights,
    )
    progress(80)
    shown = min(int(params["top_n"]), int(ranked.ids.size))
    last = as_of.timestamp() - ranked.recency_days * 86400.0
    rows = [
        {
            "rank": i + 1,
            "person": int(ranked.ids[i]),
            "score": plain(ranked.score[i]),
            "recency_days": plain(ranked.recency_days[i]),
            "recency_score": plain(ranked.recency_score[i]),
            "frequency": int(ranked.frequency[i]),
            "frequency_score": plain(ranked.frequency_score[i]),
            "harm": plain(ranked.harm[i]),
            "harm_score": plain(ranked.harm_score[i]),
            "last_offence": datetime.fromtimestamp(round(float(last[i])), tz=UTC).isoformat(),
        }
        for i in range(shown)
    ]
    return {
        "as_of": as_of.isoformat(),
        "as_of_source": as_of_source,
        "window_days": ranked.window_days,
        "weights": list(ranked.weights),
        "roles": list(roles),
        "offenders": int(ranked.ids.size),
        "shown": shown,
        "offences_in_window": ranked.offences_in_window,
        "offences_before_window": ranked.offences_before_window,
        "offences_after_as_of": ranked.offences_after_as_of,
        "rows": rows,
    }


def local_time(value: Any) -> datetime | None:
    """A stored ISO time as an aware datetime in the current zone (None when absent)."""
    parsed = parse_datetime(str(value or ""))
    return None if parsed is None else timezone.localtime(parsed)


def ranking_view(*, actor: User, result: dict[str, Any]) -> dict[str, Any]:
    """The ranking table with names looked up for ``actor``."""
    rows = result.get("rows") or []
    labels = person_labels(actor=actor, ids=[int(row["person"]) for row in rows])
    return {
        "rows": [
            {**row, "label": labels[int(row["person"])], "last": local_time(row["last_offence"])}
            for row in rows
        ],
        "as_of": local_time(result.get("as_of")),
        "hidden": sum(1 for label in labels.values() if not label.visible),
    }


def ranking_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The CSV rows of a ranking: person ids and each component beside the score."""
    return [{**row, "person_id": row["person"]} for row in result.get("rows") or []]


# -- Files (manage.py analyse) -----------------------------------------------------------------


def numbers_option(text: str | None, name: str) -> list[float] | None:
    """A comma-separated list of numbers from the command line."""
    if text is None:
        return None
    try:
        return [float(part) for part in text.split(",")]
    except ValueError:
        raise MethodInputError(
            f"--{name} takes numbers separated by commas; got {text!r}"
        ) from None


def ranking_from_file(options: dict[str, Any]) -> dict[str, Any]:
    """``analyse ranking``: one row per offence (offender id, time, optional harm weight)."""
    from analysis.methods.ranking import rfh_ranking

    if not options.get("id") or not options.get("time"):
        raise MethodInputError("ranking needs --id (the offender column) and --time")
    wanted = [options["id"], options["time"]] + ([options["harm"]] if options.get("harm") else [])
    table = read_table(options["csv"], wanted)
    codes, names = file_codes(table, options["id"])
    times = file_times(table, options["time"], options.get("time_format"))
    weights = numbers_option(options.get("weights"), "weights")
    if options.get("harm"):
        harm = file_numbers(table, options["harm"])
        weights = weights or [1.0, 1.0, 1.0]
    else:
        # Without harm weights every offence weighs the same, so harm would repeat frequency.
        harm = np.zeros(codes.size)
        weights = weights or [1.0, 1.0, 0.0]
        if len(weights) == 3 and weights[2] > 0:
            raise MethodInputError("a harm weight needs --harm, the column of harm weights")
    as_of: Any
    if options.get("as_of"):
        as_of, as_of_source = file_as_of(options["as_of"]), "--as-of"
    else:
        as_of, as_of_source = times.max(), "the latest offence in the file"
    window = 365.0 if options.get("window_days") is None else options["window_days"]
    ranked = rfh_ranking(codes, times, harm, as_of=as_of, window_days=window, weights=weights)
    top = options.get("top") or ranked.ids.size
    return {
        "events": int(codes.size),
        "skipped_rows": table.skipped_rows,
        "as_of": str(np.datetime64(as_of, "s")),
        "as_of_source": as_of_source,
        "window_days": ranked.window_days,
        "weights": list(ranked.weights),
        "offenders": int(ranked.ids.size),
        "offences_in_window": ranked.offences_in_window,
        "offences_before_window": ranked.offences_before_window,
        "offences_after_as_of": ranked.offences_after_as_of,
        "ranking": [
            {
                "rank": i + 1,
                "id": names[int(ranked.ids[i])],
                "score": float(ranked.score[i]),
                "recency_days": float(ranked.recency_days[i]),
                "recency_score": float(ranked.recency_score[i]),
                "frequency": int(ranked.frequency[i]),
                "frequency_score": float(ranked.frequency_score[i]),
                "harm": float(ranked.harm[i]) if options.get("harm") else None,
                "harm_score": float(ranked.harm_score[i]) if options.get("harm") else None,
            }
            for i in range(min(int(top), int(ranked.ids.size)))
        ],
    }


def file_as_of(text: str) -> datetime:
    """``--as-of``: an ISO date or date-time, naive (like the file's times) or in UTC."""
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise MethodInputError(
            f"--as-of {text!r} is not a date or date-time (ISO 8601, e.g. 2026-03-01)"
        ) from None
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed
