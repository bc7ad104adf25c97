"""Import incidents from a CSV file on the server.

    manage.py import_incidents FILE --agency CODE --map FIELD=COLUMN … [--set FIELD=VALUE …]
        [--crs EPSG:NNNN] [--time-format FMT] [--dry-run] [--json] [--user USERNAME]

Exit status: 0 every row accepted, 1 some rows rejected (the others were imported), 2 nothing
imported (a refused file, a usage error or a failed import; the reason is on stderr). With
--json, stdout carries exactly one JSON object in every case.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from collection.imports.results import ImportResult
from collection.imports.services import ImportFailedError, import_file
from collection.imports.spec import FIELDS, ImportSpec, SpecError, parse_assignments
from ilp.models import Agency, User

SHOWN_ERRORS = 20


class Command(BaseCommand):
    # The system checks cost seconds per run and this command touches no URL or template.
    requires_system_checks: list[str] = []
    help = (
        "Import incidents from a CSV file into an agency. Re-importing the same references "
        "updates them. Fields: " + ", ".join(FIELDS) + "."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file with a header line")
        parser.add_argument("--agency", required=True, metavar="CODE", help="agency code")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="take FIELD from COLUMN; COL1+COL2 joins columns with a space (a date and a "
            "time column); reference=#row makes references from the file name and row number",
        )
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help="the same VALUE for every row (e.g. --set offence=Burglary)",
        )
        parser.add_argument("--crs", default="", help="coordinate system of x/y, e.g. EPSG:26971")
        parser.add_argument(
            "--time-format",
            default="",
            metavar="FMT",
            help="strptime format of the times (default: ISO 8601, e.g. 2024-05-01 14:30)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--user", metavar="USERNAME", help="recorded as the importer")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = bool(options["json"])
        try:
            result = self._import(options)
        except (SpecError, ValidationError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self._refuse(message, as_json, import_id=None)
        except ImportFailedError as exc:
            self._refuse(str(exc), as_json, import_id=exc.import_id)
        if as_json:
            self.stdout.write(json.dumps(result.as_json()))
        else:
            self._describe(result, options["file"])
        if result.rejected:
            raise CommandError(
                f"{result.rejected} of {result.rows} row(s) rejected; the others were "
                f"{'checked' if result.dry_run else 'imported'}.",
                returncode=1,
            )

    def _import(self, options: dict[str, Any]) -> ImportResult:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            known = ", ".join(Agency.objects.values_list("code", flat=True)) or "none"
            raise SpecError(f"No agency with the code {options['agency']!r} (known: {known}).")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], agency=agency).first()
            if actor is None:
                raise SpecError(f"No user {options['user']!r} in agency {agency.code}.")
        path: Path = options["file"]
        if not path.is_file():
            raise SpecError(f"No such file: {path}")
        spec = ImportSpec(
            mapping=parse_assignments(options["map"], option="--map"),
            fixed=parse_assignments(options["set"], option="--set"),
            crs=options["crs"].strip(),
            time_format=options["time_format"],
        )
        return import_file(
            actor=actor, agency=agency, path=path, spec=spec, dry_run=options["dry_run"]
        )

    def _refuse(self, message: str, as_json: bool, *, import_id: int | None) -> None:
        if as_json:
            empty = ImportResult(import_id=import_id).as_json()
            self.stdout.write(json.dumps({**empty, "error": message}))
        raise CommandError(message, returncode=2)

    def _describe(self, result: ImportResult, path: Path) -> None:
        verb = "Checked (dry run, nothing written)" if result.dry_run else "Imported"
        self.stdout.write(
            f"{verb} {path.name}: {result.rows} rows, {result.created} created, "
            f"{result.updated} updated, {result.rejected} rejected"
            + (f" (import {result.import_id})" if result.import_id else "")
        )
        if result.bbox:
            self.stdout.write(
                "Bounding box (lon/lat): " + ", ".join(map(str, result.bbox_list() or []))
            )
        for notice in result.all_notices():
            self.stdout.write(f"Note: {notice}")
        for error in result.errors[:SHOWN_ERRORS]:
            self.stdout.write(f"  row {error.row}: {error.message}")
        if result.rejected > SHOWN_ERRORS:
            self.stdout.write(
                f"  … {result.rejected - SHOWN_ERRORS} more (--json lists up to 1000)"
            )
