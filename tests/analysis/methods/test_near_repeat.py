"""Knox test as in the Near Repeat Calculator (Knox 1964; Ratcliffe 2009).

Checked against a pair-by-pair brute force (tables and the seeded permutation path), against the
tables the R package NearRepeat (wsteenbeek/NearRepeat) documents in its vignettes and the Near
Repeat Calculator output it ships, and on the 2016 Chicago burglaries.
"""

import csv
import datetime as dt
import math
import os
from pathlib import Path

import numpy as np
import pytest

from analysis.methods import near_repeat as near_repeat_module
from analysis.methods.errors import MethodInputError
from analysis.methods.near_repeat import knox_test

INF = math.inf
DATA_DIR = Path(
    os.environ.get("ILP_SHARED_DATA", Path(__file__).resolve().parents[4] / "shared" / "data")
)


def band_of(breaks, value):
    for k in range(len(breaks) - 1):
        if breaks[k] <= value < breaks[k + 1]:
            return k
    return None


def brute_force_table(x, y, t, *, spatial, temporal, metric="manhattan"):
    """Every pair, one at a time, into [a, b) bands; pairs outside every band are dropped."""
    table = np.zeros((len(spatial) - 1, len(temporal) - 1), dtype=np.int64)
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dx, dy = x[i] - x[j], y[i] - y[j]
            distance = abs(dx) + abs(dy) if metric == "manhattan" else math.sqrt(dx * dx + dy * dy)
            s, k = band_of(spatial, distance), band_of(temporal, abs(t[i] - t[j]))
            if s is not None and k is not None:
                table[s, k] += 1
    return table


def brute_force_knox(x, y, t, *, spatial, temporal, metric, permutations, seed):
    """The documented permutation path: times of rng.permutation(n), in order."""
    bands = {"spatial": spatial, "temporal": temporal, "metric": metric}
    observed = brute_force_table(x, y, t, **bands)
    rng = np.random.default_rng(seed)
    simulated = np.array(
        [brute_force_table(x, y, t[rng.permutation(len(t))], **bands) for _ in range(permutations)]
    )
    expected = simulated.mean(axis=0)
    p_value = (1 + (simulated >= observed).sum(axis=0)) / (permutations + 1)
    return observed, expected, p_value


def random_events(seed, n=40, float_times=False):
    """Small inputs full of ties: repeated locations, same-day events, distances on breaks."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 12, n) * 25.0
    y = rng.integers(0, 12, n) * 25.0
    # Steps of 0.1 day give differences like 0.30000000000000004 next to breaks like 0.3.
    t = rng.integers(0, 60, n) * 0.1 if float_times else rng.integers(0, 30, n).astype(float)
    return x, y, t


def read_csv(path):
    if not path.exists():
        pytest.skip(f"shared test data not found at {path} (set ILP_SHARED_DATA)")
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def chicago_burglaries():
    # One 2016 row has no date ("NA"); NearRepeat drops incomplete rows the same way.
    rows = [r for r in read_csv(DATA_DIR / "nearrepeat_chicago_be_2016.csv") if r["date"] != "NA"]
    x = np.array([float(r["X"]) for r in rows])
    y = np.array([float(r["Y"]) for r in rows])
    t = np.array([r["date"] for r in rows], dtype="datetime64[D]")
    return x, y, t


def first_month(x, y, t):
    keep = t < np.datetime64("2016-02-01")
    return x[keep], y[keep], t[keep]


@pytest.mark.parametrize("metric", ["manhattan", "euclidean"])
@pytest.mark.parametrize(
    ("spatial", "temporal"),
    [
        ([0, 0.1, 50, 100, 150], [0, 1, 7, 14]),
        ([0, 25, 50, INF], [0, 3, 7, INF]),
        ([25, 75, 100], [2, 5, 9]),  # nothing from 0: close pairs are ignored
        ([30, INF], [0, 7, 14]),  # only an open band
        ([0, INF], [0, INF]),  # every pair
    ],
)
@pytest.mark.parametrize("seed", [1, 2])
def test_knox_observed_matches_brute_force(metric, spatial, temporal, seed):
    x, y, t = random_events(seed)

    result = knox_test(
        x, y, t, spatial_bands=spatial, temporal_bands=temporal, metric=metric, permutations=1
    )

    expected = brute_force_table(x, y, t, spatial=spatial, temporal=temporal, metric=metric)
    np.testing.assert_array_equal(result.observed, expected)


@pytest.mark.parametrize(
    ("spatial", "temporal"),
    [([0, 30, 60, INF], [0, 0.3, 0.7, 1.5, INF]), ([0, 0.1, 40, 90], [0.1, 0.3, 2.0])],
)
def test_knox_observed_matches_brute_force_with_fractional_times(spatial, temporal):
    x, y, t = random_events(3, n=60, float_times=True)

    result = knox_test(x, y, t, spatial_bands=spatial, temporal_bands=temporal, permutations=1)

    expected = brute_force_table(x, y, t, spatial=spatial, temporal=temporal)
    np.testing.assert_array_equal(result.observed, expected)


@pytest.mark.parametrize(
    ("spatial", "temporal", "metric", "float_times"),
    [
        ([0, 0.1, 50, 100], [0, 2, 5, 10], "manhattan", False),
        ([0, 40, 80, INF], [0, 3, 7, INF], "euclidean", False),
        ([0, 30, 60, INF], [0, 0.3, 0.7, 1.5], "manhattan", True),
    ],
)
def test_knox_permutations_follow_the_documented_seed_path(spatial, temporal, metric, float_times):
    x, y, t = random_events(4, n=30, float_times=float_times)

    result = knox_test(
        x,
        y,
        t,
        spatial_bands=spatial,
        temporal_bands=temporal,
        metric=metric,
        permutations=40,
        seed=2024,
    )

    observed, expected, p_value = brute_force_knox(
        x, y, t, spatial=spatial, temporal=temporal, metric=metric, permutations=40, seed=2024
    )
    np.testing.assert_array_equal(result.observed, observed)
    np.testing.assert_allclose(result.expected, expected, rtol=1e-15)
    np.testing.assert_array_equal(result.p_value, p_value)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / expected, np.nan)
    np.testing.assert_allclose(result.knox_ratio, ratio, rtol=1e-15)


def test_knox_puts_pairs_on_a_break_in_the_band_that_starts_there():
    # Pair (0, 1): 100 apart, 7 days apart. Pair (0, 2): same place, same day. Pair (1, 2): 100, 7.
    result = knox_test(
        [0.0, 100.0, 0.0],
        [0.0, 0.0, 0.0],
        [0.0, 7.0, 0.0],
        spatial_bands=[0, 100, 200],
        temporal_bands=[0, 7, 14],
        permutations=1,
    )

    np.testing.assert_array_equal(result.observed, [[1, 0], [0, 2]])


def test_knox_counts_every_pair_once_including_repeats_at_one_location():
    x = np.zeros(5)
    t = np.array([0.0, 0.0, 1.0, 2.0, 3.0])

    result = knox_test(x, x, t, spatial_bands=[0, 1], temporal_bands=[0, INF], permutations=5)

    assert result.observed.tolist() == [[10]]
    assert result.expected.tolist() == [[10.0]]
    assert result.p_value.tolist() == [[1.0]]


def test_knox_seeded_runs_reproduce_identical_numbers():
    x, y, t = random_events(6, n=200)
    options = {"spatial_bands": [0, 50, 100, INF], "temporal_bands": [0, 3, 7], "seed": 99}

    first = knox_test(x, y, t, permutations=199, **options)
    again = knox_test(x, y, t, permutations=199, **options)
    other = knox_test(x, y, t, permutations=199, **{**options, "seed": 100})

    assert first.as_dict() == again.as_dict()
    assert not np.array_equal(first.expected, other.expected)
    np.testing.assert_array_equal(first.observed, other.observed)


def test_knox_ratio_is_nan_where_no_pair_is_expected():
    x, y, t = random_events(7)

    result = knox_test(x, y, t, spatial_bands=[0, 50, 5000, 6000], temporal_bands=[0, 7])

    assert result.observed[2, 0] == 0
    assert result.expected[2, 0] == 0
    assert math.isnan(result.knox_ratio[2, 0])
    assert result.p_value[2, 0] == 1.0
    assert not np.isnan(result.knox_ratio[:2]).any()


def test_knox_result_carries_its_settings():
    x, y, t = random_events(8)

    result = knox_test(
        x, y, t, spatial_bands=[0, 100, INF], temporal_bands=[0, 7], permutations=9, seed=1
    )

    summary = result.as_dict()
    assert summary["spatial_bands"] == [0.0, 100.0, INF]
    assert summary["temporal_bands"] == [0.0, 7.0]
    assert (summary["events"], summary["permutations"], summary["metric"]) == (40, 9, "manhattan")
    assert np.array(summary["observed"]).shape == (2, 1)
    assert ((result.p_value >= 0.1) & (result.p_value <= 1)).all()


def test_knox_takes_dates_datetimes_and_strings_as_days():
    x, y, t = random_events(9, n=25)
    start = dt.date(2016, 3, 1)
    dates = [start + dt.timedelta(days=int(d)) for d in t]
    zone = dt.timezone(dt.timedelta(hours=-6))
    aware = [dt.datetime(d.year, d.month, d.day, 12, tzinfo=zone) for d in dates]
    options = {"spatial_bands": [0, 50, 150], "temporal_bands": [0, 2, 9], "seed": 3}

    as_numbers = knox_test(x, y, t, **options)
    for times in (
        dates,
        np.array(dates, dtype="datetime64[D]"),
        [d.isoformat() for d in dates],
        aware,
    ):
        result = knox_test(x, y, times, **options)
        np.testing.assert_array_equal(result.observed, as_numbers.observed)
        np.testing.assert_array_equal(result.p_value, as_numbers.p_value)


def test_knox_takes_aware_datetimes_in_utc():
    # The same instant written in two time zones is 0 days apart; 36 hours apart is 1.5 days.
    chicago = dt.timezone(dt.timedelta(hours=-6))
    times = [
        dt.datetime(2016, 1, 1, 18, tzinfo=chicago),
        dt.datetime(2016, 1, 2, 0, tzinfo=dt.UTC),
        dt.datetime(2016, 1, 3, 12, tzinfo=dt.UTC),
    ]

    result = knox_test(
        [0.0, 1.0, 2.0],
        [0.0, 0.0, 0.0],
        times,
        spatial_bands=[0, 10],
        temporal_bands=[0, 1, 1.5, 2],
        permutations=1,
    )

    assert result.observed.tolist() == [[1, 0, 2]]


def test_knox_matches_near_repeat_vignette_on_chicago_first_month():
    # NearRepeat vignette "NearRepeat": chicago_be before 2016-02-01 (970 burglaries), Manhattan,
    # sds = c(0, 0.1, 200, 400, 600), tds = c(0, 7, 14, 21), set.seed(9489), nrep = 999.
    x, y, t = first_month(*chicago_burglaries())

    result = knox_test(
        x, y, t, spatial_bands=[0, 0.1, 200, 400, 600], temporal_bands=[0, 7, 14, 21], seed=1
    )

    assert result.events == 970
    documented_observed = [[28, 5, 5], [141, 69, 27], [186, 140, 100], [237, 192, 128]]
    np.testing.assert_array_equal(result.observed, documented_observed)
    # Different random streams, so Knox ratios agree to Monte Carlo error only.
    documented_ratio = [
        [1.8027842, 0.4043552, 0.6128082],
        [1.4121203, 0.8621871, 0.5170609],
        [1.0144070, 0.9499294, 1.0511474],
        [0.9754211, 0.9806536, 1.0071754],
    ]
    np.testing.assert_allclose(result.knox_ratio, documented_ratio, rtol=0.05)
    # Documented p = 0.001 for the two near-repeat cells, p >= 0.3 for the far ones.
    assert result.p_value[0, 0] < 0.01
    assert result.p_value[1, 0] < 0.01
    assert (result.p_value[2:] > 0.05).all()


def test_knox_matches_near_repeat_calculator_table_with_open_bands():
    # NearRepeat vignette "NRC": the Near Repeat Calculator's observed frequencies for the same
    # 970 events (inst/extdata/chicago_be_month1_NRverbose_*.csv), reproduced by NearRepeat with
    # sds = c(0, 1, 100, 200, 300, Inf), tds = c(0, 7, 14, 21, Inf), Manhattan.
    x, y, t = first_month(*chicago_burglaries())

    result = knox_test(
        x,
        y,
        t,
        spatial_bands=[0, 1, 100, 200, 300, INF],
        temporal_bands=[0, 7, 14, 21, INF],
        permutations=20,
        seed=831,
    )

    documented = [
        [28, 5, 5, 2],
        [44, 13, 8, 4],
        [97, 56, 19, 16],
        [77, 67, 45, 20],
        [182194, 146149, 95237, 45879],
    ]
    np.testing.assert_array_equal(result.observed, documented)
    assert result.observed.sum() == 970 * 969 // 2


BREAKS_VIGNETTE_TABLE = [[0, 0, 0, 0], [1, 1, 2, 2], [4, 4, 5, 1], [2, 5, 4, 3]]


def read_example(name):
    rows = read_csv(DATA_DIR / "nearrepeat-examples" / name)
    x = [float(r["x"]) for r in rows]
    y = [float(r["y"]) for r in rows]
    return x, y, [r["date"] for r in rows]


def test_knox_matches_near_repeat_breaks_vignette_table():
    # NearRepeat vignette "NearRepeat_breaks", default [a, b) intervals, Manhattan:
    # sds = c(0, 1, 20, 40, 60), tds = c(0, 1, 2, 3, 4) on its 20 synthetic events
    # (x and y multiples of 5).
    x, y, dates = read_example("breaks_vignette_data.csv")

    result = knox_test(
        x, y, dates, spatial_bands=[0, 1, 20, 40, 60], temporal_bands=[0, 1, 2, 3, 4], seed=123
    )

    np.testing.assert_array_equal(result.observed, BREAKS_VIGNETTE_TABLE)


def test_knox_breaks_vignette_table_scales_with_the_coordinates():
    # help_example_data.csv (the ?NearRepeat help example) holds the same 20 events with
    # coordinates 4 times larger (multiples of 20 rather than 5): breaks 4 times larger give
    # the same table.
    x, y, dates = read_example("help_example_data.csv")

    result = knox_test(
        x,
        y,
        np.array(dates, dtype="datetime64[D]"),
        spatial_bands=[0, 4, 80, 160, 240],
        temporal_bands=[0, 1, 2, 3, 4],
    )

    np.testing.assert_array_equal(result.observed, BREAKS_VIGNETTE_TABLE)


def test_knox_finds_burglary_near_repeats_in_chicago_2016():
    x, y, t = chicago_burglaries()

    result = knox_test(
        x,
        y,
        t,
        spatial_bands=[0, 100, 200, 300, 400, 500, 600],
        temporal_bands=[0, 7, 14, 21, 28, 35],
        permutations=999,
        seed=2016,
    )

    assert result.events == 11700
    assert result.knox_ratio[0, 0] > 1.5
    assert result.p_value[0, 0] < 0.05


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"spatial_bands": [0]}, "spatial_bands needs at least 2 break points"),
        ({"temporal_bands": []}, "temporal_bands needs at least 2 break points"),
        ({"spatial_bands": [0, 100, 100]}, "spatial_bands must be strictly increasing"),
        ({"temporal_bands": [0, 7, 3]}, "temporal_bands must be strictly increasing"),
        ({"spatial_bands": [0, INF, INF]}, "only the last may be inf"),
        ({"spatial_bands": [-10, 100]}, "spatial_bands cannot be negative"),
        ({"temporal_bands": [-1, 7]}, "temporal_bands cannot be negative"),
        ({"temporal_bands": [0, math.nan]}, "temporal_bands must be numbers"),
        ({"spatial_bands": ["near", "far"]}, "spatial_bands must be a list of numbers"),
        ({"permutations": 0}, "permutations must be at least 1"),
        ({"permutations": 9.5}, "permutations must be a whole number"),
        ({"permutations": True}, "permutations must be a whole number"),
        ({"metric": "chebyshev"}, "metric must be 'manhattan' or 'euclidean'"),
    ],
)
def test_knox_refuses_bad_options(kwargs, message):
    options = {"spatial_bands": [0, 100], "temporal_bands": [0, 7], **kwargs}

    with pytest.raises(MethodInputError, match=message):
        knox_test([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [0.0, 1.0, 5.0], **options)


@pytest.mark.parametrize(
    ("x", "y", "t", "message"),
    [
        ([0.0], [0.0], [0.0], "at least 2 events; got 1"),
        ([], [], [], "no points"),
        ([0.0, 1.0], [0.0, 1.0], [3.0, 3.0], "all 2 events happened at the same time"),
        ([0.0, 1.0], [0.0, 1.0], ["2016-01-01", "2016-01-01"], "same time"),
        ([0.0, np.nan], [0.0, 1.0], [0.0, 1.0], "missing or infinite coordinate"),
        ([0.0, 1.0], [0.0, 1.0], [0.0, np.inf], "times must be finite"),
        ([0.0, 1.0], [0.0, 1.0], [dt.date(2016, 1, 1), None], "1 event.* have no time"),
        ([0.0, 1.0], [0.0, 1.0], np.array(["2016-01-01", "NaT"], "datetime64[D]"), "no time"),
        ([0.0, 1.0], [0.0, 1.0], ["2016-01-01", "yesterday"], "times are not dates"),
        ([0.0, 1.0], [0.0, 1.0], [0.0], "2 events but 1 times"),
        ([0.0, 1.0], [0.0, 1.0], [dt.date(2016, 1, 1), "x"], "numbers, dates or datetimes"),
    ],
)
def test_knox_refuses_bad_events(x, y, t, message):
    with pytest.raises(MethodInputError, match=message):
        knox_test(x, y, t, spatial_bands=[0, 100], temporal_bands=[0, 7])


def test_knox_refuses_too_many_close_pairs_and_suggests_an_open_band(monkeypatch):
    monkeypatch.setattr(near_repeat_module, "MAX_NEAR_PAIRS", 10)
    x, y, t = random_events(10)

    with pytest.raises(
        MethodInputError, match=r"pairs of events are within 300 .* end the spatial"
    ):
        knox_test(x, y, t, spatial_bands=[0, 300], temporal_bands=[0, 7])


def test_progress_is_reported_through_the_permutations_without_changing_the_result() -> None:
    rng = np.random.default_rng(5)
    x, y, t = rng.uniform(0, 500, 60), rng.uniform(0, 500, 60), rng.uniform(0, 60, 60)
    bands = {"spatial_bands": [0, 100, 200], "temporal_bands": [0, 7, 14]}
    seen: list[int] = []
    reported = knox_test(x, y, t, **bands, permutations=250, seed=3, on_progress=seen.append)
    plain = knox_test(x, y, t, **bands, permutations=250, seed=3)
    assert seen == list(range(2, 251, 2))
    np.testing.assert_array_equal(reported.observed, plain.observed)
    np.testing.assert_array_equal(reported.p_value, plain.p_value)


def test_a_caller_may_stop_the_run_from_its_progress_callback() -> None:
    class StopError(Exception):
        pass

    def stop(done: int) -> None:
        raise StopError

    with pytest.raises(StopError):
        knox_test(
            [0, 1, 2],
            [0, 1, 2],
            [0, 1, 2],
            spatial_bands=[0, 5],
            temporal_bands=[0, 5],
            permutations=10,
            on_progress=stop,
        )
