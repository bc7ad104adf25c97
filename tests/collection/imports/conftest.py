"""Fixtures of the import tests: real public crime data read from ../shared/data (never copied
into the repository), small CSV files written to tmp_path, and uploads kept out of MEDIA_ROOT."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import LazySettings

from ilp.models import Agency

DATA = Path(
    os.environ.get("ILP_SHARED_DATA", Path(__file__).resolve().parents[4] / "shared" / "data")
)


def shared(name: str) -> Path:
    """A file of the shared public data set; the test is skipped when it is not there."""
    path = DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: LazySettings, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return


@pytest.fixture(autouse=True)
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Import ids handed to the broker; tests run the job themselves (run_jobs)."""
    from collection.imports.tasks import incident_import_task

    sent: list[int] = []
    monkeypatch.setattr(incident_import_task, "delay", sent.append)
    return sent


@pytest.fixture
def run_jobs(enqueued: list[int]) -> Callable[[], None]:
    """Run the jobs enqueued so far, as a worker would."""
    from collection.imports.tasks import incident_import_task

    def run() -> None:
        while enqueued:
            incident_import_task(enqueued.pop(0))

    return run


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a CSV file in tmp_path and return its path."""

    def write(content: str | bytes, name: str = "incidents.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding=encoding, newline="")
        return path

    return write


@pytest.fixture
def head(tmp_path: Path) -> Callable[[str, int], Path]:
    """The header and first ``rows`` data lines of a shared data file, as a file in tmp_path."""

    def take(name: str, rows: int) -> Path:
        source = shared(name)
        target = tmp_path / f"head{rows}_{name}"
        with source.open("rb") as src, target.open("wb") as dst:
            for number, line in enumerate(src):
                if number > rows:
                    break
                dst.write(line)
        return target

    return take


@pytest.fixture
def new_york(agency: Agency) -> Agency:
    """The home agency, set to New York time for the NYC data sets."""
    agency.time_zone = "America/New_York"
    agency.save(update_fields=["time_zone"])
    return agency


@pytest.fixture
def chicago(agency: Agency) -> Agency:
    """The home agency, set to Chicago time for the Chicago data sets."""
    agency.time_zone = "America/Chicago"
    agency.save(update_fields=["time_zone"])
    return agency
