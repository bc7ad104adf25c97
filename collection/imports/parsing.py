"""Row validation: text values in, incident rows or one clear message per rejected row out.

The parser is pure Python over lists of strings (no ORM), so it can run in a background thread
while the database writes the previous chunk. Projected x/y are converted a chunk at a time with
NumPy arrays; everything else is a tight loop over the csv module's output.
"""

from __future__ import annotations

import math
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import h3
from django.conf import settings

from collection.imports.spec import FIELDS, Source
from collection.imports.statuses import status_for
from ilp.models.entities import H3_RESOLUTION

# A record stamped a little ahead of the server clock (a clock off by minutes) is not a mistake.
FUTURE_TOLERANCE = timedelta(hours=1)
MAX_REFERENCE = 64
MAX_OFFENCE = 200
MAX_ADDRESS = 300
# Dates and statuses repeat a lot in crime data: read each distinct text once (bounded caches).
TIME_CACHE_SIZE = 50_000
# Markers of a missing value in exports from R, Excel and records systems: read as empty.
MISSING = frozenset({"NA", "N/A", "n/a", "#N/A", "NULL", "null", "None", "NaN", "nan", "-"})


class IncidentRow(NamedTuple):
    """One valid row, as it will be stored (times are aware)."""

    row: int
    reference: str
    offence: str
    occurred_from: datetime
    occurred_to: datetime
    reported_at: datetime | None
    latitude: float | None
    longitude: float | None
    h3_cell: str
    address: str
    status: str


@dataclass(frozen=True)
class RowError:
    """A rejected row and why."""

    row: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "message": self.message}


def _show(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "…")


Getter = Callable[[Sequence[str], int], str]


def _getter(source: Source, row_prefix: str) -> Getter:
    if source.fixed is not None:
        fixed = source.fixed.strip()
        return lambda values, number: fixed
    if source.row_number:
        return lambda values, number: f"{row_prefix}{number}"
    if len(source.indexes) == 1:
        (index,) = source.indexes

        def one(values: Sequence[str], number: int) -> str:
            text = values[index].strip()
            return "" if text in MISSING else text

        return one
    indexes = source.indexes

    def joined(values: Sequence[str], number: int) -> str:
        parts = (values[i].strip() for i in indexes)
        return " ".join(part for part in parts if part and part not in MISSING)

    return joined


def _empty(values: Sequence[str], number: int) -> str:
    return ""


class RowParser:
    """Validates rows of one import; build one per import (it holds the resolved mapping)."""

    def __init__(
        self,
        *,
        sources: Mapping[str, Source],
        width: int,
        time_zone: str,
        now: datetime,
        time_format: str = "",
        crs: str = "",
        row_prefix: str = "",
    ) -> None:
        self.width = width
        self.labels = {name: source.label for name, source in sources.items()}
        self.fixed = {name for name, source in sources.items() if source.fixed is not None}
        self.get: dict[str, Getter] = dict.fromkeys(FIELDS, _empty)
        self.get.update({name: _getter(source, row_prefix) for name, source in sources.items()})
        self.zone = zoneinfo.ZoneInfo(time_zone)
        self.time_zone = time_zone
        self.time_format = time_format
        self.now = now
        self.latest = now + FUTURE_TOLERANCE
        self.min_year, self.max_year = settings.ILP_MIN_YEAR, settings.ILP_MAX_YEAR
        self._times: dict[str, datetime | str] = {}
        self._statuses: dict[str, str] = {}
        self.at_field = "occurred_at" if "occurred_at" in sources else "occurred_from"
        self.has_point = "latitude" in sources
        self.transformer = _transformer(crs) if crs and "x" in sources else None

    def _value(self, name: str, values: Sequence[str], number: int) -> str:
        return self.get[name](values, number)

    def _where(self, name: str) -> str:
        if name in self.fixed:
            return "(fixed value)"
        return f"in column {self.labels.get(name, name)!r}"

    def parse(
        self, batch: Sequence[tuple[int, list[str] | str]]
    ) -> tuple[list[IncidentRow], list[RowError]]:
        """Valid rows and errors of a batch, both in row order."""
        candidates: list[list[Any]] = []
        pending: list[tuple[int, float, float]] = []
        errors: list[RowError] = []
        for number, raw in batch:
            if isinstance(raw, str):  # the source already knows the row is unusable
                errors.append(RowError(number, raw))
                continue
            values = raw
            if len(values) != self.width:
                if len(values) < self.width or any(values[self.width :]):
                    errors.append(
                        RowError(
                            number,
                            f"The row has {len(values)} values; the header has "
                            f"{self.width} columns.",
                        )
                    )
                    continue
                values = values[: self.width]
            problems: list[str] = []
            record = self._record(number, values, problems)
            if problems:
                errors.append(RowError(number, "; ".join(problems)))
                continue
            if record[6] == "xy":
                pending.append((len(candidates), record[7], record[8]))
            candidates.append(record)
        if pending:
            errors += self._project(candidates, pending)
            errors.sort(key=lambda error: error.row)
        rows = [IncidentRow._make(record) for record in candidates if record[0] is not None]
        return rows, errors

    def _record(self, number: int, values: Sequence[str], problems: list[str]) -> list[Any]:
        reference = self._text("reference", values, number, MAX_REFERENCE, problems)
        offence = " ".join(self._value("offence", values, number).split())
        if not offence:
            problems.append(f"offence is empty {self._where('offence')}")
        elif len(offence) > MAX_OFFENCE:
            problems.append(f"offence {_show(offence)} is longer than {MAX_OFFENCE} characters")
        elif "\x00" in offence:
            problems.append(f"offence {_show(offence)} holds a NUL character")
        start, end = self._window(values, number, problems)
        reported = self._time("reported_at", values, number, problems)
        latitude, longitude, cell = self._point(values, number, problems)
        address = self._value("address", values, number)
        if len(address) > MAX_ADDRESS:
            problems.append(f"address {_show(address)} is longer than {MAX_ADDRESS} characters")
        said = self.get["status"](values, number)
        status = self._statuses.get(said)
        if status is None:
            if len(self._statuses) >= TIME_CACHE_SIZE:
                self._statuses.clear()
            status = self._statuses.setdefault(said, status_for(said))
        return [
            number,
            reference,
            offence,
            start,
            end,
            reported,
            latitude,
            longitude,
            cell,
            address.replace("\x00", ""),
            status,
        ]

    def _text(
        self, name: str, values: Sequence[str], number: int, limit: int, problems: list[str]
    ) -> str:
        text = self._value(name, values, number)
        if not text:
            problems.append(f"{name} is empty {self._where(name)}")
        elif len(text) > limit:
            problems.append(f"{name} {_show(text)} is longer than {limit} characters")
        elif "\x00" in text:
            problems.append(f"{name} {_show(text)} holds a NUL character")
        return text

    def _window(
        self, values: Sequence[str], number: int, problems: list[str]
    ) -> tuple[datetime | None, datetime | None]:
        name = self.at_field
        start = self._time(name, values, number, problems)
        if start is None:
            if not self._value(name, values, number):
                problems.append(f"{name} is empty {self._where(name)}")
            return None, None
        if name == "occurred_at":
            return start, start
        end = self._time("occurred_to", values, number, problems)
        if end is None:
            return start, start
        if end < start:
            problems.append(
                f"occurred_to {_show(self._value('occurred_to', values, number))} "
                f"{self._where('occurred_to')} is before occurred_from "
                f"{_show(self._value(name, values, number))} {self._where(name)}"
            )
        return start, end

    def _time(
        self, name: str, values: Sequence[str], number: int, problems: list[str]
    ) -> datetime | None:
        text = self.get[name](values, number)
        if not text:
            return None
        outcome = self._times.get(text)
        if outcome is None:
            outcome = self._classify(text)
            if len(self._times) >= TIME_CACHE_SIZE:
                self._times.clear()
            self._times[text] = outcome
        if isinstance(outcome, datetime):
            return outcome
        problems.append(self._time_problem(outcome, name, text))
        return None

    def _classify(self, text: str) -> datetime | str:
        """The aware date-time a text means, or why it is refused ('format', 'year', 'future')."""
        try:
            value = self._parse_time(text)
        except ValueError:
            return "format"
        if not self.min_year <= value.year <= self.max_year:
            return "year"
        if value > self.latest:
            return "future"
        return value

    def _time_problem(self, kind: str, name: str, text: str) -> str:
        where = f"{name} {_show(text)} {self._where(name)}"
        if kind == "year":
            return f"{where} has a year outside {self.min_year}–{self.max_year}"
        if kind == "future":
            local = self.now.astimezone(self.zone)
            return (
                f"{where} is in the future (it is now {local:%Y-%m-%d %H:%M} in {self.time_zone})"
            )
        if self.time_format:
            return f"{where} does not match the time format {self.time_format!r}"
        return (
            f"{where} is not a date-time: use YYYY-MM-DD HH:MM, or give a time format "
            "such as %d/%m/%Y %H:%M"
        )

    def _parse_time(self, text: str) -> datetime:
        if self.time_format:
            value = datetime.strptime(text, self.time_format)  # noqa: DTZ007 - zone added below
        else:
            try:
                value = datetime.fromisoformat(text)
            except ValueError:
                # 2024/05/01 is as unambiguous as 2024-05-01; 01/05/2024 is not.
                if len(text) < 10 or text[4] != "/" or text[7] != "/":
                    raise
                value = datetime.fromisoformat(text.replace("/", "-", 2))
        if value.tzinfo is None:
            # Zone-less times are local times of the agency (see Agency.time_zone). A time
            # that falls in a daylight-saving gap or fold takes the offset in force before the
            # change (fold=0).
            value = value.replace(tzinfo=self.zone)
        # In UTC from here on: Python compares two times of the same zone by their wall clock,
        # which gets the order wrong across a daylight-saving change.
        return value.astimezone(UTC)

    def _point(
        self, values: Sequence[str], number: int, problems: list[str]
    ) -> tuple[Any, Any, Any]:
        """(latitude, longitude, H3 cell); ("xy", x, y) when x/y await conversion."""
        if self.has_point:
            before = len(problems)
            found = self._pair("latitude", "longitude", values, number, problems)
            if found is not None:
                return self._checked(*found, values, number, problems)
            if len(problems) > before:
                return None, None, ""
        if self.transformer is not None:
            found = self._pair("x", "y", values, number, problems)
            if found is not None:
                return "xy", found[0], found[1]
        return None, None, ""

    def _checked(
        self,
        latitude: float,
        longitude: float,
        values: Sequence[str],
        number: int,
        problems: list[str],
    ) -> tuple[Any, Any, Any]:
        if not -90 <= latitude <= 90:
            problems.append(self._range("latitude", values, number, "-90 to 90"))
        elif not -180 <= longitude <= 180:
            problems.append(self._range("longitude", values, number, "-180 to 180"))
        elif latitude == 0 and longitude == 0:
            problems.append(
                "latitude/longitude 0, 0 is a placeholder for a missing point, not a place"
            )
        else:
            return latitude, longitude, h3.latlng_to_cell(latitude, longitude, H3_RESOLUTION)
        return None, None, ""

    def _range(self, name: str, values: Sequence[str], number: int, bounds: str) -> str:
        text = self._value(name, values, number)
        return f"{name} {_show(text)} {self._where(name)} is outside {bounds}"

    def _pair(
        self, first: str, second: str, values: Sequence[str], number: int, problems: list[str]
    ) -> tuple[float, float] | None:
        texts = (self._value(first, values, number), self._value(second, values, number))
        if not texts[0] and not texts[1]:
            return None
        numbers = []
        for name, text in zip((first, second), texts, strict=True):
            if not text:
                other = second if name == first else first
                problems.append(f"{name} is empty {self._where(name)} but {other} is not")
                continue
            try:
                number_value = float(text)
            except ValueError:
                number_value = math.nan
            if not math.isfinite(number_value):
                problems.append(f"{name} {_show(text)} {self._where(name)} is not a number")
                continue
            numbers.append(number_value)
        if len(numbers) != 2:
            return None
        return numbers[0], numbers[1]

    def _project(
        self, candidates: list[list[Any]], pending: list[tuple[int, float, float]]
    ) -> list[RowError]:
        """Convert the chunk's x/y to WGS84 at once; reject points that land nowhere."""
        import numpy as np

        assert self.transformer is not None
        xs = np.fromiter((x for _, x, _ in pending), dtype=np.float64, count=len(pending))
        ys = np.fromiter((y for _, _, y in pending), dtype=np.float64, count=len(pending))
        longitudes, latitudes = self.transformer.transform(xs, ys, errcheck=False)
        errors = []
        for (position, x, y), longitude, latitude in zip(
            pending, longitudes.tolist(), latitudes.tolist(), strict=True
        ):
            record = candidates[position]
            if (
                math.isfinite(latitude)
                and math.isfinite(longitude)
                and -90 <= latitude <= 90
                and -180 <= longitude <= 180
            ):
                cell = h3.latlng_to_cell(latitude, longitude, H3_RESOLUTION)
                record[6:9] = [latitude, longitude, cell]
                continue
            errors.append(
                RowError(
                    record[0],
                    f"x/y {x:g}, {y:g} {self._where('x')} cannot be converted from "
                    f"{self.transformer.source_crs.name}: is it in that coordinate system?",
                )
            )
            record[0] = None
        return errors


def _transformer(crs: str) -> Any:
    from pyproj import Transformer

    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
