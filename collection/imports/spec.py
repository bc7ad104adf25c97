"""What an import is asked to do: which column feeds which incident field, fixed values, the
coordinate system and the time format. Shared by the command line, the browser and the API.

Mapping values are column names of the file, with two additions:

- ``COL1+COL2`` joins the values of several columns with a space, for records systems that
  export the date and the time of day in separate columns (``OCCUR_DATE+OCCUR_TIME``); a column
  whose own name contains ``+`` is still found by its name first;
- ``#row`` (reference only) makes the reference from the file name and the row number, for
  files without any reference column. Re-importing the same file then updates the same
  incidents, but a re-ordered or edited file does not line up: prefer a real reference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FIELDS: tuple[str, ...] = (
    "reference",
    "offence",
    "occurred_at",
    "occurred_from",
    "occurred_to",
    "reported_at",
    "latitude",
    "longitude",
    "x",
    "y",
    "address",
    "status",
)
TIME_FIELDS: tuple[str, ...] = ("occurred_at", "occurred_from", "occurred_to", "reported_at")
ROW_NUMBER = "#row"
JOIN = "+"

FIELD_HELP: dict[str, str] = {
    "reference": "The records system's reference: the key that makes a re-import update.",
    "offence": "Offence name; names not yet known are added, flagged for review.",
    "occurred_at": "When it happened (sets both ends of the window).",
    "occurred_from": "Start of the window in which it happened.",
    "occurred_to": "End of the window (defaults to its start).",
    "reported_at": "When it was reported.",
    "latitude": "WGS84 latitude (decimal degrees).",
    "longitude": "WGS84 longitude (decimal degrees).",
    "x": "Projected easting (needs the coordinate system).",
    "y": "Projected northing (needs the coordinate system).",
    "address": "Address or location description.",
    "status": "Open, closed, charged, NFA… (anything else is stored as unknown).",
}


class SpecError(ValueError):
    """The import was asked for something impossible (a usage error, not a row error)."""


@dataclass(frozen=True)
class ImportSpec:
    """Mapping (field → column expression), fixed values (field → value) and options."""

    mapping: Mapping[str, str] = field(default_factory=dict)
    fixed: Mapping[str, str] = field(default_factory=dict)
    crs: str = ""
    time_format: str = ""

    def options(self) -> dict[str, Any]:
        """The options as recorded on the Import."""
        return {"crs": self.crs, "time_format": self.time_format}

    def uses(self, name: str) -> bool:
        """Whether a field is fed, by a column or a fixed value."""
        return name in self.mapping or name in self.fixed

    def check(self) -> None:
        """Refuse combinations that cannot work, whatever the file holds."""
        problems = [*_unknown_fields(self), *_conflicts(self), *_required(self)]
        problems += _coordinate_problems(self)
        if problems:
            raise SpecError(" ".join(problems))


def _unknown_fields(spec: ImportSpec) -> list[str]:
    unknown = sorted(name for name in {*spec.mapping, *spec.fixed} if name not in FIELDS)
    if not unknown:
        return []
    return [f"Unknown field {', '.join(map(repr, unknown))}; the fields are {', '.join(FIELDS)}."]


def _conflicts(spec: ImportSpec) -> list[str]:
    problems = [
        f"{name} is both mapped to a column and given a fixed value: give one."
        for name in FIELDS
        if name in spec.mapping and name in spec.fixed
    ]
    blank = [name for name, column in spec.mapping.items() if not str(column).strip()]
    problems += [f"{name} is mapped to an empty column name." for name in blank]
    if spec.uses("occurred_at") and (spec.uses("occurred_from") or spec.uses("occurred_to")):
        problems.append("Give occurred_at, or occurred_from (and occurred_to), not both.")
    if spec.uses("occurred_to") and not spec.uses("occurred_from"):
        problems.append("occurred_to needs occurred_from too.")
    problems += [
        f"{ROW_NUMBER} can only feed the reference, not {name}."
        for name, column in spec.mapping.items()
        if column == ROW_NUMBER and name != "reference"
    ]
    return problems


def _required(spec: ImportSpec) -> list[str]:
    problems = []
    if "reference" in spec.fixed:
        problems.append("The reference must come from a column (or #row), not a fixed value.")
    elif "reference" not in spec.mapping:
        problems.append("Map the reference to a column (or to #row if the file has none).")
    if not spec.uses("offence"):
        problems.append("Map the offence to a column, or give a fixed offence for every row.")
    if not (spec.uses("occurred_at") or spec.uses("occurred_from")):
        problems.append("Map occurred_at, or occurred_from, to a column.")
    return problems


def _coordinate_problems(spec: ImportSpec) -> list[str]:
    problems = []
    for first, second in (("latitude", "longitude"), ("x", "y")):
        if spec.uses(first) != spec.uses(second):
            problems.append(f"Map both {first} and {second}, or neither.")
    projected = spec.uses("x")
    if projected and not spec.crs:
        problems.append("x and y need the coordinate system they are in (e.g. EPSG:26971).")
    if spec.crs and not projected:
        problems.append("A coordinate system converts x and y: map x and y too.")
    if spec.crs:
        try:
            _check_crs(spec.crs)
        except SpecError as exc:
            problems.append(str(exc))
    if spec.time_format and "%" not in spec.time_format:
        problems.append(
            f"Time format {spec.time_format!r} has no % directive; e.g. %d/%m/%Y %H:%M."
        )
    return problems


def _check_crs(crs: str) -> None:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        parsed = CRS.from_user_input(crs)
    except CRSError as exc:
        raise SpecError(f"Unknown coordinate system {crs!r}: use e.g. EPSG:26971.") from exc
    if parsed.is_geographic and parsed.to_epsg() == 4326:
        raise SpecError("EPSG:4326 is latitude/longitude: map latitude and longitude instead.")


def parse_assignments(items: Iterable[str], *, option: str) -> dict[str, str]:
    """``["reference=uid", "offence=type"]`` → ``{"reference": "uid", …}``; refuse bad forms."""
    result: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise SpecError(f"{option} {item!r}: write FIELD=VALUE, e.g. {option} reference=uid.")
        if name in result:
            raise SpecError(f"{option} {name}=… is given twice.")
        result[name] = value.strip() if option == "--map" else value
    return result


@dataclass(frozen=True)
class Source:
    """Where a field's value comes from in a row: columns joined, the row number, or fixed."""

    label: str
    indexes: tuple[int, ...] = ()
    fixed: str | None = None
    row_number: bool = False


def resolve(spec: ImportSpec, header: Sequence[str]) -> dict[str, Source]:
    """Each used field's source in a file with this header; refuse names the file lacks."""
    spec.check()
    positions = _positions(header)
    sources: dict[str, Source] = {}
    problems: list[str] = []
    for name, expression in spec.mapping.items():
        if expression == ROW_NUMBER:
            sources[name] = Source(label="row number", row_number=True)
            continue
        try:
            indexes = _columns(expression, positions)
        except SpecError as exc:
            problems.append(f"{name}: {exc}")
            continue
        sources[name] = Source(label=expression, indexes=indexes)
    for name, value in spec.fixed.items():
        sources[name] = Source(label="fixed value", fixed=value)
    if problems:
        columns = ", ".join(repr(c) for c in header if c)
        raise SpecError(" ".join(problems) + f" The file's columns are: {columns}.")
    return sources


def _positions(header: Sequence[str]) -> dict[str, list[int]]:
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        positions.setdefault(name, []).append(index)
    return positions


def _columns(expression: str, positions: Mapping[str, list[int]]) -> tuple[int, ...]:
    """The columns an expression names: itself, else its ``+``-joined parts."""
    found = _column(expression, positions)
    if found is not None:
        return (found,)
    parts = [part.strip() for part in expression.split(JOIN)]
    if len(parts) > 1 and all(parts):
        indexes = []
        for part in parts:
            index = _column(part, positions)
            if index is None:
                raise SpecError(f"column {part!r} is not in the file.")
            indexes.append(index)
        return tuple(indexes)
    raise SpecError(f"column {expression!r} is not in the file.")


def _column(name: str, positions: Mapping[str, list[int]]) -> int | None:
    """A column by exact name, else by a unique case-insensitive match."""
    exact = positions.get(name)
    if exact is None:
        folded = [
            i for key, idx in positions.items() if key.casefold() == name.casefold() for i in idx
        ]
        exact = folded or None
    if exact is None:
        return None
    if len(exact) > 1:
        raise SpecError(f"column {name!r} appears {len(exact)} times in the header.")
    return exact[0]
