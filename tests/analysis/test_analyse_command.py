"""``manage.py analyse``: methods on a file, one JSON object out, clear errors for bad input."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def analyse(*args: str) -> dict:
    out = StringIO()
    call_command("analyse", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def events_csv(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(
        "x,y,when\n"
        "0,0,2026-01-01\n"
        "10,0,2026-01-02\n"
        "0,10,2026-01-09\n"
        "500,500,2026-02-01\n"
        ",5,2026-02-02\n"
        "NA,NA,2026-02-03\n"
    )
    return path


def test_kde_prints_cells_and_counts_skipped_rows(events_csv: Path) -> None:
    result = analyse(
        "kde",
        "--csv",
        str(events_csv),
        "--x",
        "x",
        "--y",
        "y",
        "--cell-size",
        "10",
        "--bandwidth",
        "100",
        "--extent=-200,-200,700,700",
    )
    assert result["method"] == "kde"
    assert result["events"] == 4
    assert result["skipped_rows"] == 2
    assert {"x", "y", "density"} == set(result["cells"][0])
    # The quartic surface is in events per square unit and integrates to the number of events.
    total = sum(c["density"] for c in result["cells"]) * 10 * 10
    assert total == pytest.approx(4, rel=0.01)


def test_gistar_prints_z_p_and_q(events_csv: Path) -> None:
    result = analyse(
        "gistar",
        "--csv",
        str(events_csv),
        "--x",
        "x",
        "--y",
        "y",
        "--cell-size",
        "100",
        "--neighbours",
        "rook",
    )
    assert set(result["cells"][0]) == {"x", "y", "count", "z", "p", "q"}
    assert sum(c["count"] for c in result["cells"]) == 4


def test_near_repeat_prints_the_band_tables(events_csv: Path) -> None:
    result = analyse(
        "near_repeat",
        "--csv",
        str(events_csv),
        "--x",
        "x",
        "--y",
        "y",
        "--time",
        "when",
        "--spatial-bands",
        "0,20,inf",
        "--temporal-bands",
        "0,7,inf",
        "--permutations",
        "99",
        "--seed",
        "3",
    )
    assert result["spatial_bands"] == [0.0, 20.0, "inf"]
    # AB: 10 m, 1 day; AC: 10 m, 8 days; BC: 20 m (the band edge), 7 days; D is far from all.
    assert result["observed"] == [[1, 1], [0, 4]]
    assert result["permutations"] == 99
    assert result["events"] == 4


def test_near_repeat_on_chicago_burglary_shows_the_near_repeat_effect() -> None:
    result = analyse(
        "near_repeat",
        "--csv",
        str(SHARED / "nearrepeat_chicago_be_2016.csv"),
        "--x",
        "X",
        "--y",
        "Y",
        "--time",
        "date",
        "--spatial-bands",
        "0,100,200,400",
        "--temporal-bands",
        "0,7,14,28",
        "--permutations",
        "99",
        "--seed",
        "2016",
    )
    assert result["events"] == 11700
    assert result["skipped_rows"] == 1
    assert result["knox_ratio"][0][0] > 1.5
    assert result["p_value"][0][0] == pytest.approx(0.01)


def test_lonlat_input_is_projected_and_answered_in_lonlat(tmp_path: Path) -> None:
    path = tmp_path / "ll.csv"
    path.write_text("lon,lat\n-0.12,51.5\n-0.121,51.501\n-0.119,51.499\n")
    result = analyse(
        "kde",
        "--csv",
        str(path),
        "--x",
        "lon",
        "--y",
        "lat",
        "--lonlat",
        "--cell-size",
        "50",
        "--bandwidth",
        "200",
    )
    xs = [c["x"] for c in result["cells"]]
    assert -0.2 < min(xs) < max(xs) < 0


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("x,y\n", ["--cell-size", "10", "--bandwidth", "10"], "no events"),
        ("x,y\n1,abc\n", ["--cell-size", "10", "--bandwidth", "10"], "row 2: column 'y'"),
        ("a,b\n1,2\n", ["--cell-size", "10", "--bandwidth", "10"], "no column 'x'"),
        ("x,y\n1,2\n3,4\n", ["--cell-size", "10", "--bandwidth", "-1"], "bandwidth"),
        ("x,y\n1,2\n", ["--bandwidth", "10"], "needs --cell-size"),
    ],
)
def test_kde_bad_input_gets_a_clear_error(
    tmp_path: Path, content: str, args: list[str], message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        analyse("kde", "--csv", str(path), "--x", "x", "--y", "y", *args)


def test_near_repeat_refuses_bands_that_do_not_increase(events_csv: Path) -> None:
    with pytest.raises(CommandError, match="increasing"):
        analyse(
            "near_repeat",
            "--csv",
            str(events_csv),
            "--x",
            "x",
            "--y",
            "y",
            "--time",
            "when",
            "--spatial-bands",
            "0,200,100",
            "--temporal-bands",
            "0,7",
        )


def test_near_repeat_refuses_a_single_event(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("x,y,t\n1,2,2026-01-01\n")
    with pytest.raises(CommandError, match="at least 2 events"):
        analyse(
            "near_repeat",
            "--csv",
            str(path),
            "--x",
            "x",
            "--y",
            "y",
            "--time",
            "t",
            "--spatial-bands",
            "0,10",
            "--temporal-bands",
            "0,7",
        )


def test_near_repeat_refuses_events_all_at_one_time(tmp_path: Path) -> None:
    path = tmp_path / "same.csv"
    path.write_text("x,y,t\n1,2,2026-01-01\n5,6,2026-01-01\n")
    with pytest.raises(CommandError, match="same time"):
        analyse(
            "near_repeat",
            "--csv",
            str(path),
            "--x",
            "x",
            "--y",
            "y",
            "--time",
            "t",
            "--spatial-bands",
            "0,10",
            "--temporal-bands",
            "0,7",
        )


def test_a_grid_too_large_is_refused_with_the_size_it_would_need(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("x,y\n0,0\n1000000,1000000\n")
    with pytest.raises(CommandError, match="cells"):
        analyse(
            "kde",
            "--csv",
            str(path),
            "--x",
            "x",
            "--y",
            "y",
            "--cell-size",
            "1",
            "--bandwidth",
            "5",
        )
