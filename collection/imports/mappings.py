"""Column mappings: remembered per agency for files with the same header, else guessed from the
column names that common records systems and open-data portals use."""

from __future__ import annotations

import re
from collections.abc import Sequence

from collection.imports.reading import header_signature
from collection.imports.spec import JOIN, ImportSpec
from collection.models import ImportMapping

_GUESSES: dict[str, tuple[str, ...]] = {
    "reference": (
        "reference",
        "ref",
        "uid",
        "id",
        "incident_key",
        "incident_id",
        "incident_number",
        "incident_no",
        "crime_reference",
        "crime_ref",
        "crime_number",
        "crime_no",
        "crime_id",
        "case_number",
        "case_no",
        "report_number",
        "occurrence_number",
        "cmplnt_num",
    ),
    "offence": (
        "offence",
        "offense",
        "offence_type",
        "offense_type",
        "crime_type",
        "primary_type",
        "offence_description",
        "offense_description",
        "ofns_desc",
        "crime_category",
        "crime",
    ),
    "occurred_from": (
        "occurred_from",
        "date_start",
        "start_date",
        "date_from",
        "from_date",
        "first_occurrence_date",
        "cmplnt_fr_dt",
    ),
    "occurred_to": (
        "occurred_to",
        "date_end",
        "end_date",
        "date_to",
        "to_date",
        "last_occurrence_date",
        "cmplnt_to_dt",
    ),
    "occurred_at": (
        "occurred_at",
        "date_single",
        "occurred",
        "date_occurred",
        "occur_date",
        "incident_date",
        "datetime",
        "date_time",
        "date",
    ),
    "reported_at": ("reported_at", "date_reported", "reported_date", "report_date", "rpt_dt"),
    "latitude": ("latitude", "lat", "lat_wgs84"),
    "longitude": ("longitude", "lon", "lng", "long", "lon_wgs84"),
    "x": ("x", "x_coord", "x_coordinate", "x_coord_cd", "easting"),
    "y": ("y", "y_coord", "y_coordinate", "y_coord_cd", "northing"),
    "address": ("address", "street_address", "block", "street", "location", "addr"),
    "status": ("status", "case_status", "clearance_status", "clearance", "disposition"),
}
# Date columns whose time of day comes in a column of its own.
_TIME_PARTS = {"occur_date": "occur_time", "date": "time", "incident_date": "incident_time"}


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.casefold()).strip("_")


def guess_spec(header: Sequence[str]) -> ImportSpec:
    """A first mapping from the column names alone (the user checks it on the mapping page)."""
    by_key: dict[str, str] = {}
    for name in header:
        by_key.setdefault(_key(name), name)
    mapping: dict[str, str] = {}
    for field_name, candidates in _GUESSES.items():
        column = next((by_key[c] for c in candidates if c in by_key), None)
        if column is not None and column not in mapping.values():
            mapping[field_name] = column
    if "occurred_from" in mapping:
        mapping.pop("occurred_at", None)
    else:
        mapping.pop("occurred_to", None)
    if "latitude" in mapping and "longitude" in mapping:
        mapping.pop("x", None)
        mapping.pop("y", None)
    at = mapping.get("occurred_at")
    time_part = _TIME_PARTS.get(_key(at)) if at else None
    if at and time_part in by_key:
        mapping["occurred_at"] = f"{at}{JOIN}{by_key[time_part]}"
    return ImportSpec(mapping=mapping)


def remembered_spec(*, agency_id: int, header: Sequence[str]) -> ImportSpec | None:
    """The mapping last used by the agency for a file with this header, if any."""
    found = ImportMapping.objects.filter(
        agency_id=agency_id, header_signature=header_signature(header)
    ).first()
    if found is None:
        return None
    options = found.options or {}
    return ImportSpec(
        mapping=dict(found.mapping),
        fixed=dict(options.get("fixed_values", {})),
        crs=str(options.get("crs", "")),
        time_format=str(options.get("time_format", "")),
    )


def mapping_remember(*, agency_id: int, header: Sequence[str], spec: ImportSpec) -> ImportMapping:
    """Remember a mapping for the agency's next file with the same header."""
    remembered, _ = ImportMapping.objects.update_or_create(
        agency_id=agency_id,
        header_signature=header_signature(header),
        defaults={
            "mapping": dict(spec.mapping),
            "options": {**spec.options(), "fixed_values": dict(spec.fixed)},
        },
    )
    return remembered
