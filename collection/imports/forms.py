"""UI forms of collection's imports: shape validation only (the services decide the rest)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from collection.imports.reading import max_upload_bytes, megabytes
from collection.imports.spec import (
    FIELD_HELP,
    FIELDS,
    JOIN,
    ROW_NUMBER,
    TIME_FIELDS,
    ImportSpec,
    SpecError,
    resolve,
)

COMMON_CRS = [
    ("EPSG:27700", "British National Grid (metres)"),
    ("EPSG:29903", "Irish Grid (metres)"),
    ("EPSG:26971", "Illinois East, NAD83 (metres)"),
    ("EPSG:2263", "New York Long Island, NAD83 (US feet)"),
    ("EPSG:3857", "Web Mercator (metres)"),
]
TIME_FORMAT_EXAMPLES = ["%d/%m/%Y %H:%M", "%d/%m/%Y", "%m/%d/%Y %I:%M:%S %p", "%Y%m%d%H%M"]


class UploadForm(forms.Form):
    """Choose a CSV file."""

    file = forms.FileField(label="CSV file", allow_empty_file=True)  # the service says why

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"A CSV export with a header line, up to {megabytes(max_upload_bytes())}. "
            "UTF-8 is best; Windows-1252 and Latin-1 are read too."
        )
        self.fields["file"].widget.attrs.update({"accept": ".csv,text/csv,text/plain"})


class MappingForm(forms.Form):
    """Which column feeds each field (a second column for a separate time of day), fixed values,
    the coordinate system of x/y and the time format."""

    crs = forms.CharField(
        label="Coordinate system of x/y",
        required=False,
        max_length=100,
        help_text="Only for projected x/y columns, e.g. EPSG:27700.",
    )
    time_format = forms.CharField(
        label="Time format",
        required=False,
        max_length=100,
        help_text="Leave empty for ISO dates (2024-05-01 14:30). Otherwise e.g. %d/%m/%Y %H:%M.",
    )

    def __init__(
        self, *args: Any, header: Sequence[str], initial_spec: ImportSpec, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header = list(header)
        columns = [("", "—")] + [(name, name) for name in self.header if name]
        for name in FIELDS:
            choices = list(columns)
            if name == "reference":
                choices.append((ROW_NUMBER, "(row number: the file has no reference)"))
            self.fields[f"map_{name}"] = forms.ChoiceField(
                label=name, choices=choices, required=False, help_text=FIELD_HELP[name]
            )
            if name in TIME_FIELDS:
                self.fields[f"join_{name}"] = forms.ChoiceField(
                    label=f"{name}: time of day", choices=columns, required=False
                )
            if name != "reference":
                self.fields[f"set_{name}"] = forms.CharField(
                    label=f"{name}: fixed value", required=False, max_length=300
                )
        self._set_initial(initial_spec)

    def _set_initial(self, spec: ImportSpec) -> None:
        known = set(self.header)
        for name, expression in spec.mapping.items():
            if name not in FIELDS:
                continue
            first, join = expression, ""
            if expression not in known and JOIN in expression and name in TIME_FIELDS:
                first, _, join = expression.partition(JOIN)
            self.initial[f"map_{name}"] = first.strip()
            self.initial[f"join_{name}"] = join.strip()
        for name, value in spec.fixed.items():
            self.initial[f"set_{name}"] = value
        self.initial["crs"] = spec.crs
        self.initial["time_format"] = spec.time_format

    def rows(self) -> list[dict[str, Any]]:
        """The form laid out one field per row, for the template."""
        return [
            {
                "name": name,
                "help": FIELD_HELP[name],
                "column": self[f"map_{name}"],
                "join": self[f"join_{name}"] if name in TIME_FIELDS else None,
                "fixed": self[f"set_{name}"] if name != "reference" else None,
            }
            for name in FIELDS
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        mapping: dict[str, str] = {}
        fixed: dict[str, str] = {}
        for name in FIELDS:
            column = cleaned.get(f"map_{name}") or ""
            join = cleaned.get(f"join_{name}") or ""
            if column and join:
                column = f"{column}{JOIN}{join}"
            elif join:
                self.add_error(f"join_{name}", "Choose the date column too.")
            if column:
                mapping[name] = column
            value = (cleaned.get(f"set_{name}") or "").strip()
            if value:
                fixed[name] = value
        spec = ImportSpec(
            mapping=mapping,
            fixed=fixed,
            crs=(cleaned.get("crs") or "").strip(),
            time_format=cleaned.get("time_format") or "",
        )
        try:
            resolve(spec, self.header)
        except SpecError as exc:
            raise forms.ValidationError(str(exc)) from exc
        cleaned["spec"] = spec
        return cleaned
