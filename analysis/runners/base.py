"""What every runner shares: parameter checks, JSON-ready values and the Runner record."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError

from analysis.inputs import IncidentArrays
from analysis.methods.errors import MethodInputError

Progress = Callable[[int], None]
#: Largest grid a platform job may request (cells); the methods refuse more with the size needed.
MAX_JOB_CELLS = 4_000_000
#: Results keep at most this many cells (the most intense first), so they stay small to store.
MAX_RESULT_CELLS = 50_000


def number(
    params: dict[str, Any], name: str, default: float | None, low: float, high: float
) -> float:
    value = params.get(name, default)
    if value is None:
        raise ValidationError({name: "This parameter is required."})
    try:
        parsed = float(value)
    except (TypeError, ValueError):
        raise ValidationError({name: f"{value!r} is not a number."}) from None
    if not math.isfinite(parsed) or not low <= parsed <= high:
        raise ValidationError({name: f"Must be between {low:g} and {high:g}."})
    return parsed


def choice(params: dict[str, Any], name: str, default: str, options: tuple[str, ...]) -> str:
    value = str(params.get(name, default))
    if value not in options:
        raise ValidationError({name: f"Choose one of: {', '.join(options)}."})
    return value


def breaks(params: dict[str, Any], name: str, default: list[float]) -> list[float | str]:
    raw = params.get(name, default)
    if isinstance(raw, str):
        raw = raw.split(",")
    try:
        values = [float(v) for v in raw]
    except (TypeError, ValueError):
        raise ValidationError({name: "Give increasing break points, e.g. 0,100,200,inf."}) from None
    if len(values) < 2 or any(b <= a for a, b in itertools.pairwise(values)):
        raise ValidationError({name: "Give at least two strictly increasing break points."})
    if values[0] < 0 or any(math.isnan(v) for v in values):
        raise ValidationError({name: "Break points must be 0 or more."})
    if any(math.isinf(v) for v in values[:-1]):
        raise ValidationError({name: "Only the last break point may be inf."})
    # Stored as JSON, which has no infinity: an open last band is kept as the string "inf".
    return [v if math.isfinite(v) else "inf" for v in values]


def top_cells(values: dict[str, Any], order: np.ndarray, limit: int) -> list[dict[str, Any]]:
    keep = order[:limit]
    return [{key: plain(column[i]) for key, column in values.items()} for i in keep]


def plain(value: Any) -> Any:
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def require_events(arrays: IncidentArrays, minimum: int = 1) -> None:
    if arrays.count < minimum:
        raise MethodInputError(
            f"the analysis needs at least {minimum} incident(s) with a location in its inputs; "
            f"found {arrays.count}"
        )


@dataclass(frozen=True)
class Runner:
    """A method as the platform runs it."""

    clean: Callable[[dict[str, Any]], dict[str, Any]]
    run: Callable[[IncidentArrays, dict[str, Any], int, Progress], dict[str, Any]]
    #: Whether the method reads the people linked to the incidents (``arrays.people``).
    needs_people: bool = False
    #: Whether the method reads clock times (hour, weekday, day boundaries): the job then stores
    #: its agency's time zone as the parameter ``time_zone`` when it is queued.
    local_time: bool = False
    #: Whether the method measures how recent something is: without a period end or an as-of
    #: time, "now" is fixed as ``as_of`` when the job is queued, so a rerun gives the same numbers.
    fixes_as_of: bool = False


def json_tree(value: Any) -> Any:
    if isinstance(value, list):
        return [json_tree(v) for v in value]
    if isinstance(value, float) and math.isinf(value):
        return "inf"
    return plain(value)
