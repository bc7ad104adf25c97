"""Hotspot forecasts (last period, exponentially weighted) and their accuracy: hit rate, PAI
(Chainey, Tompson & Uhlig 2008) and PEI (Hunt 2016).

Checked against hand-worked examples and a cell-by-cell brute force.
"""

import math

import numpy as np
import pytest

from analysis.methods.errors import MethodInputError
from analysis.methods.forecast import forecast_accuracy, forecast_hotspots

# Ten equal cells holding 100 incidents in the period forecast.
OUTCOME_COUNTS = [25, 15, 15, 15, 10, 8, 5, 4, 2, 1]
OUTCOME = np.repeat(np.arange(10), OUTCOME_COUNTS)


def test_forecast_accuracy_on_hand_worked_ten_cells():
    # Cells 2 and 3 hold 15 + 15 = 30 of the 100; the best two cells (0 and 1) held 40.
    result = forecast_accuracy([2, 3], OUTCOME, study_cells=np.arange(10))

    assert result.hit_rate == pytest.approx(0.3)
    assert result.pai == pytest.approx(0.3 / 0.2)
    assert result.pei == pytest.approx(0.75)
    assert result.captured == 30
    assert result.incidents == 100
    assert result.best_captured == 40
    assert (result.forecast_area, result.study_area) == (2.0, 10.0)


def test_forecast_accuracy_of_the_oracle_has_pei_one():
    result = forecast_accuracy([0, 2, 1], OUTCOME, study_cells=np.arange(10))

    assert result.pei == 1.0
    assert result.hit_rate == pytest.approx(0.55)
    assert result.pai == pytest.approx(0.55 / 0.3)


def test_forecast_accuracy_uses_cell_areas_for_pai():
    areas = [2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5]

    result = forecast_accuracy([0], OUTCOME, study_cells=np.arange(10), cell_areas=areas)

    assert result.pai == pytest.approx(0.25 / (2.0 / 10.0))
    assert result.forecast_area == 2.0


def test_forecast_accuracy_takes_counts_per_cell_like_incidents():
    per_incident = forecast_accuracy([4, 7], OUTCOME, study_cells=np.arange(10))

    per_cell = forecast_accuracy(
        [4, 7], np.arange(10), study_cells=np.arange(10), outcome_counts=OUTCOME_COUNTS
    )

    assert per_cell == per_incident


def test_forecast_accuracy_pei_counts_zero_cells_when_forecast_is_larger_than_the_crime():
    # Only 2 cells had incidents; a 4-cell forecast can at best catch all 3.
    result = forecast_accuracy([5, 7, 8, 9], [5, 5, 6], study_cells=np.arange(100, 90, -1) - 90)

    assert result.best_captured == 3
    assert result.pei == pytest.approx(2 / 3)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_forecast_accuracy_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    study = rng.choice(10_000, 200, replace=False)
    areas = rng.uniform(0.5, 2.0, 200)
    outcome = rng.choice(study, 300, p=rng.dirichlet(np.full(200, 0.3)))
    forecast = rng.choice(study, 15, replace=False)

    result = forecast_accuracy(forecast, outcome, study_cells=study, cell_areas=areas)

    counts = {int(c): int((outcome == c).sum()) for c in study}
    captured = sum(counts[int(c)] for c in forecast)
    best = sum(sorted(counts.values(), reverse=True)[:15])
    area = {int(c): a for c, a in zip(study, areas, strict=True)}
    forecast_area = sum(area[int(c)] for c in forecast)
    assert result.hit_rate == pytest.approx(captured / 300)
    assert result.pai == pytest.approx((captured / 300) / (forecast_area / areas.sum()))
    assert result.pei == pytest.approx(captured / best)


def test_forecast_hotspots_last_period_takes_the_cells_busiest_last_period():
    cells = [1, 1, 2, 2, 2, 3, 3, 4]
    periods = [0, 1, 0, 0, 1, 1, 1, 0]

    result = forecast_hotspots(cells, periods, top_k=2)

    # Last period (1): cell 3 had 2, cells 1 and 2 one each; the tie goes to the lower id.
    np.testing.assert_array_equal(result.cells, [3, 1])
    np.testing.assert_array_equal(result.scores, [2.0, 1.0])
    assert result.last_period == 1
    assert result.candidates == 3
    assert result.incidents_used == 8


def test_forecast_hotspots_ewma_halves_the_weight_every_half_life():
    cells = [1, 2, 2, 3, 3, 3, 3]
    periods = [2, 1, 1, 0, 0, 0, 0]

    result = forecast_hotspots(cells, periods, top_k=3, method="ewma", half_life=1.0)

    # Cell 1: 1 × 1; cell 2: 2 × 0.5; cell 3: 4 × 0.25 -> all 1.0, ordered by id.
    np.testing.assert_array_equal(result.cells, [1, 2, 3])
    np.testing.assert_allclose(result.scores, [1.0, 1.0, 1.0])
    total = forecast_hotspots(cells, periods, top_k=3, method="ewma", half_life=math.inf)
    np.testing.assert_array_equal(total.cells, [3, 2, 1])
    np.testing.assert_allclose(total.scores, [4.0, 2.0, 1.0])


def test_forecast_hotspots_backtest_leaves_out_later_periods():
    cells = [1, 2, 2, 5, 5, 5]
    periods = [3, 3, 3, 4, 4, 4]

    result = forecast_hotspots(cells, periods, top_k=5, last_period=3)

    np.testing.assert_array_equal(result.cells, [2, 1])
    assert result.incidents_used == 3
    assert result.incidents_after == 3


def test_forecast_hotspots_takes_counts_per_row():
    result = forecast_hotspots([7, 8], [0, 0], top_k=1, counts=[2.0, 5.0])

    np.testing.assert_array_equal(result.cells, [8])
    np.testing.assert_array_equal(result.scores, [5.0])


def test_forecast_then_score_the_next_period():
    rng = np.random.default_rng(4)
    risk = rng.dirichlet(np.full(50, 0.2))
    past = rng.choice(50, 2000, p=risk)
    periods = rng.integers(0, 10, 2000)
    outcome = rng.choice(50, 200, p=risk)

    forecast = forecast_hotspots(past, periods, top_k=5, method="ewma", half_life=3)
    accuracy = forecast_accuracy(forecast.cells, outcome, study_cells=np.arange(50))

    # Stable risk: five of fifty cells should catch far more than a tenth of the crime.
    assert accuracy.pai > 3
    assert 0.8 < accuracy.pei <= 1.0


@pytest.mark.parametrize(
    ("forecast", "outcome", "kwargs", "message"),
    [
        ([11], [1], {}, "forecast_cells are not in study_cells"),
        ([1], [1, 12], {}, "outcome_cell_ids are not in study_cells"),
        ([1, 1], [1], {}, "more than once"),
        ([1], [1], {"study_cells": [1, 1, 2]}, "study_cells lists a cell more than once"),
        ([1], [1], {"cell_areas": [1.0] * 3}, "one per cell"),
        ([1], [1], {"cell_areas": [1.0] * 9 + [0.0]}, "positive"),
        ([1], [1], {"outcome_counts": [0.0]}, "no incidents in the period"),
        ([1], [1], {"outcome_counts": [-1.0]}, "negative"),
        ([], [1], {}, "no forecast_cells"),
        ([1.5], [1], {}, "whole-number ids"),
    ],
)
def test_forecast_accuracy_refuses_bad_input(forecast, outcome, kwargs, message):
    options = {"study_cells": np.arange(10), **kwargs}
    with pytest.raises(MethodInputError, match=message):
        forecast_accuracy(forecast, outcome, **options)


@pytest.mark.parametrize(
    ("cells", "periods", "kwargs", "message"),
    [
        ([1, 2], [0], {}, "give one per incident"),
        ([1, 2], [0.5, 1.0], {}, "whole-number ids"),
        ([1, 2], [0, 1], {"top_k": 0}, "at least 1"),
        ([1, 2], [0, 1], {"top_k": 2.0}, "whole number"),
        ([1, 2], [0, 1], {"method": "kde"}, "method"),
        ([1, 2], [0, 1], {"method": "ewma", "half_life": 0}, "positive"),
        ([1, 2], [0, 1], {"method": "ewma", "half_life": math.nan}, "positive"),
        ([1, 2], [0, 1], {"last_period": 5}, "no incidents in period 5"),
        ([1, 2], [3, 4], {"last_period": 1, "method": "ewma"}, "periods up to 1"),
        ([1, 2], [0, 1], {"counts": [1.0, math.nan]}, "finite"),
    ],
)
def test_forecast_hotspots_refuses_bad_input(cells, periods, kwargs, message):
    options = {"top_k": 3, **kwargs}
    with pytest.raises(MethodInputError, match=message):
        forecast_hotspots(cells, periods, **options)
