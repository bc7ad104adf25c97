"""Recency-frequency-harm offender ranking (the Met's RFG/RFH matrix), percentile-scored.

Checked against a hand-worked ranking and a brute force that scores each offender by counting
the others below and level with it.
"""

import datetime as dt
import math

import numpy as np
import pytest

from analysis.methods.errors import MethodInputError
from analysis.methods.ranking import rfh_ranking

# Offender 1: days 100 (harm 10) and 350 (harm 5). Offender 2: day 360 (harm 1).
# Offender 3: days 200, 210, 220 (harm 1 each). Offender 4: day 10, before the window.
# Offender 1 again on day 400, after as_of.
IDS = [1, 1, 2, 3, 3, 3, 4, 1]
DAYS = [100.0, 350.0, 360.0, 200.0, 210.0, 220.0, 10.0, 400.0]
HARM = [10.0, 5.0, 1.0, 1.0, 1.0, 1.0, 50.0, 99.0]


def percentile_by_counting(values):
    """100 × (others below + half the others level) / (n - 1)."""
    values = list(values)
    n = len(values)
    return [
        100 * (sum(o < v for o in values) + 0.5 * (sum(o == v for o in values) - 1)) / (n - 1)
        for v in values
    ]


def test_rfh_ranking_on_hand_worked_offenders():
    result = rfh_ranking(IDS, DAYS, HARM, as_of=365.0, window_days=300)

    # Window (65, 365]. Recency: 1 -> 15 days, 2 -> 5, 3 -> 145. Frequency 2, 1, 3.
    # Harm 15, 1, 3. Scores (100 (rank - 1) / 2):
    #   recency   1: 50, 2: 100, 3: 0
    #   frequency 1: 50, 2: 0,   3: 100
    #   harm      1: 100, 2: 0,  3: 50
    np.testing.assert_array_equal(result.ids, [1, 3, 2])
    np.testing.assert_allclose(result.score, [200 / 3, 50.0, 100 / 3])
    np.testing.assert_allclose(result.recency_score, [50, 0, 100])
    np.testing.assert_allclose(result.frequency_score, [50, 100, 0])
    np.testing.assert_allclose(result.harm_score, [100, 50, 0])
    np.testing.assert_allclose(result.recency_days, [15, 145, 5])
    np.testing.assert_array_equal(result.frequency, [2, 3, 1])
    np.testing.assert_allclose(result.harm, [15, 3, 1])
    assert result.offences_in_window == 6
    assert result.offences_before_window == 1
    assert result.offences_after_as_of == 1


def test_rfh_ranking_weights_change_the_order():
    by_harm = rfh_ranking(IDS, DAYS, HARM, as_of=365.0, window_days=300, weights=(0, 0, 1))
    by_recency = rfh_ranking(IDS, DAYS, HARM, as_of=365.0, window_days=300, weights=(2, 0, 0))

    np.testing.assert_array_equal(by_harm.ids, [1, 3, 2])
    np.testing.assert_allclose(by_harm.score, [100, 50, 0])
    np.testing.assert_array_equal(by_recency.ids, [2, 1, 3])
    assert by_recency.weights == (2.0, 0.0, 0.0)


def test_rfh_ranking_window_is_open_at_its_start_and_closed_at_as_of():
    result = rfh_ranking([1, 2, 3], [0.0, 10.0, 10.5], [1, 1, 1], as_of=10.0, window_days=10)

    # Day 0 is exactly 10 days before as_of: left out. Day 10 is as_of: kept. 10.5 is after.
    np.testing.assert_array_equal(result.ids, [2])
    assert result.offences_before_window == 1
    assert result.offences_after_as_of == 1


def test_rfh_ranking_ties_share_a_score_and_are_listed_by_id():
    result = rfh_ranking([9, 4, 7], [5.0, 5.0, 1.0], [2.0, 2.0, 2.0], as_of=6.0)

    np.testing.assert_array_equal(result.ids, [4, 9, 7])
    assert result.score[0] == result.score[1]
    np.testing.assert_allclose(result.recency_score, [75, 75, 0])
    np.testing.assert_allclose(result.harm_score, [50, 50, 50])


def test_rfh_ranking_of_a_single_offender_scores_fifty():
    result = rfh_ranking([3, 3], [1.0, 2.0], [4.0, 1.0], as_of=2.0)

    np.testing.assert_allclose(result.score, [50.0])
    assert result.frequency[0] == 2
    assert result.recency_days[0] == 0.0


def test_rfh_ranking_takes_datetimes_and_an_aware_as_of():
    times = np.array(["2024-06-01T12:00", "2024-06-10T00:00", "2023-01-01T00:00"], "M8[m]")
    as_of = dt.datetime(2024, 6, 11, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))

    result = rfh_ranking([1, 2, 3], times, [1.0, 1.0, 1.0], as_of=as_of, window_days=365)

    # as_of is 2024-06-11T00:00 UTC; 2023-01-01 is more than 365 days before it.
    np.testing.assert_array_equal(result.ids, [2, 1])
    np.testing.assert_allclose(result.recency_days, [1.0, 9.5])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rfh_ranking_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, 60, 400)
    days = rng.integers(0, 800, 400).astype(float)
    harm = rng.choice([0.0, 1.0, 10.0, 365.0, 3650.0], 400)

    result = rfh_ranking(ids, days, harm, as_of=700.0, window_days=365, weights=(1, 2, 3))

    keep = (days > 335) & (days <= 700)
    offenders = sorted(set(ids[keep].tolist()))
    recency = [700.0 - days[keep & (ids == o)].max() for o in offenders]
    frequency = [int((keep & (ids == o)).sum()) for o in offenders]
    total_harm = [float(harm[keep & (ids == o)].sum()) for o in offenders]
    scores = np.array(
        [
            percentile_by_counting([-r for r in recency]),
            percentile_by_counting(frequency),
            percentile_by_counting(total_harm),
        ]
    )
    total = (scores[0] + 2 * scores[1] + 3 * scores[2]) / 6
    order = sorted(range(len(offenders)), key=lambda i: (-round(total[i], 9), offenders[i]))
    np.testing.assert_array_equal(result.ids, [offenders[i] for i in order])
    np.testing.assert_allclose(result.score, total[order])
    np.testing.assert_allclose(result.recency_score, scores[0][order])
    np.testing.assert_allclose(result.frequency_score, scores[1][order])
    np.testing.assert_allclose(result.harm_score, scores[2][order])
    np.testing.assert_allclose(result.harm, np.array(total_harm)[order])


@pytest.mark.parametrize(
    ("ids", "times", "harm", "kwargs", "message"),
    [
        ([], [], [], {}, "no offender_ids"),
        ([1, 2], [1.0], [1.0, 1.0], {}, "give one per offence"),
        ([1, 2], [1.0, 2.0], [1.0], {}, "give one per incident"),
        ([1, 2], [1.0, math.nan], [1.0, 1.0], {}, "missing or infinite"),
        ([1, 2], [1.0, 2.0], [1.0, -1.0], {}, "negative"),
        ([1, 2], [1.0, 2.0], [1.0, math.inf], {}, "finite"),
        ([1.5, 2], [1.0, 2.0], [1.0, 1.0], {}, "whole-number ids"),
        ([1, 2], [1.0, 2.0], [1.0, 1.0], {"as_of": "2024-01-01"}, "number of days"),
        ([1, 2], [1.0, 2.0], [1.0, 1.0], {"window_days": 0}, "positive"),
        ([1, 2], [1.0, 2.0], [1.0, 1.0], {"window_days": math.nan}, "positive"),
        ([1, 2], [1.0, 2.0], [1.0, 1.0], {"weights": (1, 1)}, "three numbers"),
        ([1, 2], [1.0, 2.0], [1.0, 1.0], {"weights": (0, 0, 0)}, "not all 0"),
        ([1, 2], [1.0, 2.0], [1.0, 1.0], {"weights": (1, -1, 1)}, "not negative"),
        ([1, 2], [1.0, 2.0], [1.0, 1.0], {"as_of": 500.0}, "no offence falls"),
    ],
)
def test_rfh_ranking_refuses_bad_input(ids, times, harm, kwargs, message):
    options = {"as_of": 3.0, **kwargs}
    with pytest.raises(MethodInputError, match=message):
        rfh_ranking(ids, times, harm, **options)


def test_rfh_ranking_refuses_a_number_as_of_against_dates():
    times = np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]")
    with pytest.raises(MethodInputError, match="date or datetime"):
        rfh_ranking([1, 2], times, [1.0, 1.0], as_of=20000.0)
