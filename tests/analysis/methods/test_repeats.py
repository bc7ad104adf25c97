"""Repeats (Farrell & Pease 1993), time to repeat and concentration (top x % shares, Lorenz
curve, Gini coefficient).

Checked against hand-worked examples, the Gini coefficient's double-sum definition and a
sort-and-count brute force.
"""

import itertools
import math

import numpy as np
import pytest

from analysis.methods.errors import MethodInputError
from analysis.methods.repeats import (
    concentration,
    gini,
    lorenz_curve,
    repeat_counts,
    time_to_repeat,
)


def gini_by_definition(values):
    x = np.asarray(values, dtype=float)
    n = x.size
    return np.abs(x[:, None] - x[None, :]).sum() / (2 * n * n * x.mean())


def brute_force_share(totals, percent, base):
    top = math.ceil(round(percent * base / 100, 9))
    ranked = sorted(totals, reverse=True) + [0] * (base - len(totals))
    return sum(ranked[:top]) / sum(ranked)


def test_repeat_counts_on_hand_worked_locations():
    # Location 5 has 3 incidents, 2 has 2, 9 has 1: 3 ids, 2 of them repeats; 3 repeats.
    result = repeat_counts([5, 5, 2, 9, 5, 2])

    np.testing.assert_array_equal(result.ids, [2, 5, 9])
    np.testing.assert_array_equal(result.counts, [2, 3, 1])
    assert result.incidents == 6
    assert result.distinct_ids == 3
    assert result.repeat_ids == 2
    assert result.repeat_id_share == pytest.approx(2 / 3)
    assert result.repeat_incidents == 3
    assert result.repeat_incident_share == 0.5


def test_repeat_counts_without_repeats():
    result = repeat_counts(np.array([1, 2, 3], dtype=np.uint16))

    assert result.repeat_ids == 0
    assert result.repeat_incidents == 0
    assert result.repeat_incident_share == 0.0


def test_time_to_repeat_on_hand_worked_victims():
    ids = [7, 3, 7, 7, 3, 4]
    times = np.array(
        ["2024-03-01", "2024-01-01", "2024-01-01", "2024-01-08", "2024-01-02", "2024-05-05"],
        dtype="datetime64[D]",
    )

    result = time_to_repeat(ids, times)

    # Victim 3: 1 day. Victim 7 (in time order 01-01, 01-08, 03-01): 7 days, then 53 days.
    np.testing.assert_array_equal(result.ids, [3, 7, 7])
    np.testing.assert_array_equal(result.repeat_number, [2, 2, 3])
    np.testing.assert_array_equal(result.gap_days, [1.0, 7.0, 53.0])
    assert result.median_days == 7.0
    np.testing.assert_allclose(result.share_within, [2 / 3, 2 / 3, 1.0])
    assert result.repeats == 3


def test_time_to_repeat_counts_exactly_seven_days_as_within_seven_days():
    times = np.array(
        ["2024-01-01T10:00:00.000001", "2024-01-08T10:00:00.000001", "2024-01-15T10:00:00.000002"],
        dtype="datetime64[us]",
    )

    result = time_to_repeat([1, 1, 1], times, within_days=[7])

    # 7 days exactly, then 7 days and one microsecond.
    assert result.share_within[0] == 0.5


def test_time_to_repeat_takes_days_as_numbers_and_same_time_repeats_as_zero_gaps():
    result = time_to_repeat([1, 1, 2, 1], [10.0, 10.0, 3.0, 12.5], within_days=[0.5, 2])

    np.testing.assert_array_equal(result.gap_days, [0.0, 2.5])
    np.testing.assert_array_equal(result.share_within, [0.5, 0.5])


def test_time_to_repeat_without_repeats_is_empty_with_nan_summaries():
    result = time_to_repeat([1, 2], [1.0, 2.0])

    assert result.repeats == 0
    assert result.gap_days.size == 0
    assert math.isnan(result.median_days)
    assert np.isnan(result.share_within).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_time_to_repeat_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, 40, 300)
    days = rng.integers(0, 730, 300).astype(float)

    result = time_to_repeat(ids, days)

    gaps = []
    for unit in sorted(set(ids.tolist())):
        when = sorted(days[ids == unit].tolist())
        gaps += [(unit, b - a) for a, b in itertools.pairwise(when)]
    assert [(int(i), float(g)) for i, g in zip(result.ids, result.gap_days, strict=True)] == gaps
    values = [g for _, g in gaps]
    assert result.median_days == np.median(values)
    for limit, share in zip([7, 30, 365], result.share_within, strict=True):
        assert share == sum(g <= limit for g in values) / len(values)


def test_gini_of_equal_totals_is_zero_and_of_one_holder_in_four_is_three_quarters():
    assert gini([1, 1, 1, 1]) == 0.0
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75)
    # Textbook case: sum |x_i - x_j| = 40 over 2 n^2 mean = 150.
    assert gini([1, 2, 3, 4, 5]) == pytest.approx(40 / 150)
    assert gini([5]) == 0.0


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_gini_sorted_formula_equals_double_sum_definition(seed):
    rng = np.random.default_rng(seed)
    values = rng.poisson(2, 200) * rng.random(200)

    assert gini(values) == pytest.approx(gini_by_definition(values), rel=1e-12)


def test_lorenz_curve_runs_from_the_smallest_unit_up():
    curve = lorenz_curve([3, 1, 0])

    np.testing.assert_allclose(curve.unit_share, [0, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(curve.value_share, [0, 0, 0.25, 1])


def test_concentration_on_hand_worked_offenders():
    # Offender 1 has 3 incidents, 2 has 2, 3..7 one each: 10 incidents over 7 offenders.
    ids = [1, 1, 1, 2, 2, 3, 4, 5, 6, 7]

    result = concentration(ids, top_percent=[10, 20, 50, 100])

    # ceil(10 % of 7) = 1, ceil(20 % of 7) = 2, ceil(50 % of 7) = 4.
    np.testing.assert_array_equal(result.top_units, [1, 2, 4, 7])
    np.testing.assert_allclose(result.incident_share, [0.3, 0.5, 0.7, 1.0])
    np.testing.assert_array_equal(result.ids, [1, 2, 3, 4, 5, 6, 7])
    np.testing.assert_array_equal(result.counts, [3, 2, 1, 1, 1, 1, 1])
    assert result.units == result.units_with_incidents == 7
    assert result.gini == pytest.approx(gini_by_definition([3, 2, 1, 1, 1, 1, 1]))
    assert result.harm_share is None


def test_concentration_over_a_population_counts_zero_count_units():
    ids = [1, 1, 1, 2, 2, 3, 4, 5, 6, 7]

    result = concentration(ids, top_percent=[10, 20, 50], population=20)

    # 10 % of 20 street segments is 2 segments: 3 + 2 of the 10 incidents.
    np.testing.assert_array_equal(result.top_units, [2, 4, 10])
    np.testing.assert_allclose(result.incident_share, [0.5, 0.7, 1.0])
    assert result.units == 20
    assert result.units_with_incidents == 7
    padded = [3, 2, 1, 1, 1, 1, 1] + [0] * 13
    assert result.gini == pytest.approx(gini_by_definition(padded))


def test_concentration_of_harm_ranks_units_by_harm():
    ids = [1, 1, 1, 2, 3, 4]
    harm = [1.0, 1.0, 1.0, 100.0, 0.0, 2.0]

    result = concentration(ids, top_percent=[25, 50], harm=harm)

    # Offender 2 did one offence but 100 of the 105 units of harm.
    np.testing.assert_allclose(result.incident_share, [0.5, 4 / 6])
    np.testing.assert_allclose(result.harm_share, [100 / 105, 103 / 105])
    assert result.harm == 105.0
    np.testing.assert_allclose(result.harm_by_unit, [3.0, 100.0, 0.0, 2.0])
    assert result.harm_gini == pytest.approx(gini_by_definition([3, 100, 0, 2]))


def test_concentration_takes_exact_percentages_of_the_units():
    # 10 % of 30 units must be 3 units, not ceil(3.0000000000000004) = 4.
    ids = np.arange(30)

    result = concentration(ids, top_percent=[10, 0.1, 33.3])

    np.testing.assert_array_equal(result.top_units, [3, 1, 10])


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("population", [None, 400])
def test_concentration_matches_brute_force(seed, population):
    rng = np.random.default_rng(seed)
    ids = rng.zipf(1.6, 500) % 300
    harm = rng.exponential(10, 500)
    percents = [1, 5, 10, 20, 50]

    result = concentration(ids, top_percent=percents, harm=harm, population=population)

    units = sorted(set(ids.tolist()))
    counts = [int((ids == u).sum()) for u in units]
    harms = [float(harm[ids == u].sum()) for u in units]
    base = population or len(units)
    for k, percent in enumerate(percents):
        assert result.incident_share[k] == pytest.approx(brute_force_share(counts, percent, base))
        assert result.harm_share[k] == pytest.approx(brute_force_share(harms, percent, base))
    assert result.gini == pytest.approx(gini_by_definition(counts + [0] * (base - len(units))))


@pytest.mark.parametrize(
    ("ids", "kwargs", "message"),
    [
        ([], {}, "no ids"),
        ([1.5, 2.0], {}, "whole-number ids"),
        (["a", "b"], {}, "whole-number ids"),
        ([True, False], {}, "whole-number ids"),
        ([[1, 2]], {}, "one-dimensional"),
        ([1, 2], {"top_percent": [0]}, "above 0 and at most 100"),
        ([1, 2], {"top_percent": [101]}, "above 0 and at most 100"),
        ([1, 2], {"top_percent": [math.nan]}, "above 0 and at most 100"),
        ([1, 2], {"top_percent": []}, "at least one percentage"),
        ([1, 2], {"top_percent": ["ten"]}, "list of numbers"),
        ([1, 2], {"harm": [1.0]}, "give one per incident"),
        ([1, 2], {"harm": [1.0, math.nan]}, "finite"),
        ([1, 2], {"harm": [1.0, -3.0]}, "negative"),
        ([1, 2], {"harm": [0.0, 0.0]}, "every harm weight is 0"),
        ([1, 2, 3], {"population": 2}, "smaller than the 3 distinct units"),
        ([1, 2], {"population": 2.5}, "whole number"),
        ([1, 2], {"population": True}, "whole number"),
    ],
)
def test_concentration_refuses_bad_input(ids, kwargs, message):
    with pytest.raises(MethodInputError, match=message):
        concentration(ids, **kwargs)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([], "non-empty"),
        ([0, 0], "every value is 0"),
        ([1, -1], "negative"),
        ([1, math.inf], "finite"),
    ],
)
def test_gini_and_lorenz_refuse_bad_totals(values, message):
    with pytest.raises(MethodInputError, match=message):
        gini(values)
    with pytest.raises(MethodInputError, match=message):
        lorenz_curve(values)


@pytest.mark.parametrize(
    ("times", "kwargs", "message"),
    [
        ([1.0], {}, "give one per incident"),
        ([1.0, math.nan], {}, "missing or infinite"),
        ([1.0, 2.0], {"within_days": [0]}, "positive"),
        ([1.0, 2.0], {"within_days": [math.inf]}, "positive"),
        (np.array(["2024-01-01", "NaT"], dtype="datetime64[D]"), {}, "missing"),
    ],
)
def test_time_to_repeat_refuses_bad_input(times, kwargs, message):
    with pytest.raises(MethodInputError, match=message):
        time_to_repeat([1, 1], times, **kwargs)
