"""manage.py import_incidents: exit status, the one JSON object, refusals on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from collection.models import Import, Incident
from ilp.models import Agency, User

pytestmark = pytest.mark.django_db

RESULT_KEYS = {"created", "updated", "rejected", "errors", "bbox", "import_id"}
GOOD = "ref,when,lat,lon\n1,2020-01-01 10:00,51.5,-0.1\n2,2020-01-02 11:00,51.6,-0.2\n"
BASIC = ["--map", "reference=ref", "--map", "occurred_at=when", "--set", "offence=Theft"]
POINTS = ["--map", "latitude=lat", "--map", "longitude=lon"]


def command(*args: str) -> tuple[dict[str, Any] | str, int]:
    """Run the command; its stdout (parsed when --json) and its exit status."""
    out = StringIO()
    try:
        call_command("import_incidents", *args, stdout=out, stderr=StringIO())
    except CommandError as exc:
        status = exc.returncode
    else:
        status = 0
    text = out.getvalue()
    return (json.loads(text) if "--json" in args else text), status


def test_a_clean_file_exits_0_with_one_json_object(
    agency: Agency, write_csv: Callable[..., Path]
) -> None:
    output, status = command(str(write_csv(GOOD)), "--agency", "HOME", *BASIC, *POINTS, "--json")
    assert status == 0
    assert isinstance(output, dict)
    assert set(output) >= RESULT_KEYS
    assert (output["created"], output["updated"], output["rejected"]) == (2, 0, 0)
    assert output["errors"] == []
    assert output["bbox"] == [-0.2, 51.5, -0.1, 51.6]
    assert Import.objects.get(pk=output["import_id"]).status == Import.Status.SUCCEEDED


def test_rejected_rows_exit_1_and_the_rest_is_imported(
    agency: Agency, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(GOOD + "3,2020-13-45,51.5,-0.1\n")
    output, status = command(str(path), "--agency", "HOME", *BASIC, *POINTS, "--json")
    assert status == 1
    assert isinstance(output, dict)
    assert (output["created"], output["rejected"]) == (2, 1)
    assert output["errors"][0]["row"] == 4
    assert "'2020-13-45' in column 'when'" in output["errors"][0]["message"]


def test_a_dry_run_writes_nothing_and_has_no_import_id(
    agency: Agency, write_csv: Callable[..., Path]
) -> None:
    output, status = command(
        str(write_csv(GOOD)), "--agency", "HOME", *BASIC, "--dry-run", "--json"
    )
    assert status == 0
    assert isinstance(output, dict)
    assert (output["created"], output["import_id"], output["dry_run"]) == (2, None, True)
    assert not Incident.objects.exists()
    assert not Import.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "NOPE", *BASIC], "No agency with the code 'NOPE'"),
        (["--agency", "HOME", "--map", "reference=ref"], "Map the offence"),
        (
            ["--agency", "HOME", *BASIC, "--map", "address=street"],
            "column 'street' is not in the file",
        ),
        (["--agency", "HOME", *BASIC, "--map", "x=lon", "--map", "y=lat"], "coordinate system"),
        (["--agency", "HOME", *BASIC, "--map", "colour=lat"], "Unknown field 'colour'"),
        (["--agency", "HOME", *BASIC, "--map", "address"], "write FIELD=VALUE"),
        (["--agency", "HOME", *BASIC, "--user", "nobody"], "No user 'nobody'"),
    ],
)
def test_usage_errors_exit_2_with_the_reason(
    agency: Agency, write_csv: Callable[..., Path], args: list[str], message: str
) -> None:
    output, status = command(str(write_csv(GOOD)), *args, "--json")
    assert status == 2
    assert isinstance(output, dict)
    assert message in output["error"]
    assert output["import_id"] is None
    assert not Import.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"PK\x03\x04\x00\x00", "Excel .xlsx"),
        (b"uid,when\n", "no rows"),
    ],
)
def test_refused_files_exit_2(
    agency: Agency, write_csv: Callable[..., Path], content: bytes, message: str
) -> None:
    with pytest.raises(CommandError, match=message) as caught:
        call_command(
            "import_incidents",
            str(write_csv(content)),
            "--agency",
            "HOME",
            *BASIC,
            stdout=StringIO(),
        )
    assert caught.value.returncode == 2


def test_a_missing_file_exits_2(agency: Agency, tmp_path: Path) -> None:
    output, status = command(str(tmp_path / "nope.csv"), "--agency", "HOME", *BASIC, "--json")
    assert status == 2
    assert isinstance(output, dict)
    assert "No such file" in output["error"]


def test_the_importer_is_recorded(
    agency: Agency, analyst: User, write_csv: Callable[..., Path]
) -> None:
    output, _ = command(
        str(write_csv(GOOD)), "--agency", "HOME", *BASIC, "--user", "analyst", "--json"
    )
    assert isinstance(output, dict)
    record = Import.objects.get(pk=output["import_id"])
    assert record.created_by == analyst
    assert Incident.objects.filter(created_by=analyst).count() == 2


def test_the_human_summary(agency: Agency, write_csv: Callable[..., Path]) -> None:
    output, status = command(str(write_csv(GOOD + ",2020-01-01,1,1\n")), "--agency", "HOME", *BASIC)
    assert status == 1
    assert isinstance(output, str)
    assert "Imported incidents.csv: 3 rows, 2 created, 0 updated, 1 rejected" in output
    assert "row 4: reference is empty in column 'ref'" in output
    assert "read as Europe/London time" in output


@pytest.mark.django_db(transaction=True)
def test_the_real_exit_status_and_stderr(agency: Agency, write_csv: Callable[..., Path]) -> None:
    """Run as a separate process, as a scheduler would."""
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url}
    manage = Path(__file__).resolve().parents[3] / "manage.py"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, str(manage), "import_incidents", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )

    ok = run(str(write_csv(GOOD)), "--agency", "HOME", *BASIC, "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["created"] == 2
    some = run(
        str(write_csv(GOOD + "3,later,1,1\n", name="b.csv")), "--agency", "HOME", *BASIC, "--json"
    )
    assert some.returncode == 1
    assert json.loads(some.stdout)["rejected"] == 1
    refused = run(
        str(write_csv(GOOD, name="c.csv")),
        "--agency",
        "HOME",
        "--map",
        "reference=nope",
        "--map",
        "occurred_at=when",
        "--set",
        "offence=Theft",
    )
    assert refused.returncode == 2
    assert "column 'nope' is not in the file" in refused.stderr
    assert refused.stdout == ""
