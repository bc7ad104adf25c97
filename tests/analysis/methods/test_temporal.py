"""Temporal patterns: hour × weekday tables, aoristic spreading (Ratcliffe 2002), ISO weeks,
trends (least squares and Poisson) and Poisson spikes.

Checked against hand-worked examples, Python's own calendar (``datetime.weekday``,
``date.isocalendar``), an hour-block-by-hour-block brute force, ``scipy.stats`` and a direct
maximisation of the Poisson likelihood.
"""

import datetime as dt
import math

import numpy as np
import pytest
from scipy import optimize, stats

from analysis.methods.errors import MethodInputError
from analysis.methods.temporal import (
    aoristic_hour_weekday_table,
    as_instants,
    count_trend,
    hour_weekday_table,
    instant_like,
    spikes,
    weekly_counts,
)

HOUR = dt.timedelta(hours=1)


def stamps(*values):
    return np.array(values, dtype="datetime64[m]")


def random_datetimes(seed, n=300):
    rng = np.random.default_rng(seed)
    # 1960 to 2040: before the 1970 epoch too, where floor division must round down.
    minutes = rng.integers(-10 * 525_600, 70 * 525_600, n)
    return np.datetime64("1970-01-01T00:00", "m") + minutes.astype("timedelta64[m]")


def brute_force_aoristic(starts, ends, proportional=False):
    """Walk every hour block of every window with Python datetimes."""
    table = np.zeros((7, 24))
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        blocks = [start.replace(minute=0, second=0, microsecond=0)]
        while blocks[-1] + HOUR < end:
            blocks.append(blocks[-1] + HOUR)
        duration = end - start
        for block in blocks:
            if not proportional:
                share = 1.0 / len(blocks)
            elif duration == dt.timedelta(0):
                share = 1.0
            else:
                share = (min(end, block + HOUR) - max(start, block)) / duration
            table[block.weekday(), block.hour] += share
    return table


def test_hour_weekday_table_puts_each_incident_in_its_local_hour_and_weekday():
    times = stamps(
        "2024-01-01T10:15",  # Monday
        "2024-01-01T10:59",
        "2024-01-07T23:59",  # Sunday
        "1970-01-01T00:00",  # Thursday, the epoch
        "1969-12-29T05:30",  # Monday before the epoch
    )

    table = hour_weekday_table(times)

    expected = np.zeros((7, 24))
    expected[0, 10] = 2
    expected[6, 23] = 1
    expected[3, 0] = 1
    expected[0, 5] = 1
    np.testing.assert_array_equal(table.counts, expected)
    assert table.events == 5
    assert table.weekdays[0] == "Monday"


@pytest.mark.parametrize("unit", ["m", "s", "ns"])
def test_hour_weekday_table_matches_python_calendar(unit):
    times = random_datetimes(1).astype(f"datetime64[{unit}]")

    table = hour_weekday_table(times)

    expected = np.zeros((7, 24))
    for value in times.astype("datetime64[us]").tolist():
        expected[value.weekday(), value.hour] += 1
    np.testing.assert_array_equal(table.counts, expected)


def test_hour_weekday_table_takes_naive_datetimes_and_iso_strings():
    naive = [dt.datetime(2024, 3, 5, 14, 0), dt.datetime(2024, 3, 6, 2, 30)]  # noqa: DTZ001

    from_objects = hour_weekday_table(np.array(naive, dtype=object))
    from_strings = hour_weekday_table(np.array(["2024-03-05T14:00", "2024-03-06T02:30"]))

    np.testing.assert_array_equal(from_objects.counts, from_strings.counts)
    assert from_objects.counts[1, 14] == 1
    assert from_objects.counts[2, 2] == 1


def test_aoristic_window_of_exactly_two_hours_gives_half_to_each_hour():
    table = aoristic_hour_weekday_table(stamps("2024-01-01T10:00"), stamps("2024-01-01T12:00"))

    assert table.counts[0, 10] == 0.5
    assert table.counts[0, 11] == 0.5
    assert table.counts.sum() == pytest.approx(1.0)
    assert table.method == "aoristic-equal"


def test_aoristic_equal_split_gives_each_touched_hour_block_the_same_share():
    table = aoristic_hour_weekday_table(stamps("2024-01-01T10:30"), stamps("2024-01-01T12:30"))

    np.testing.assert_allclose(table.counts[0, 10:13], [1 / 3, 1 / 3, 1 / 3])
    assert table.counts.sum() == pytest.approx(1.0)


def test_aoristic_proportional_split_follows_the_time_in_each_hour():
    table = aoristic_hour_weekday_table(
        stamps("2024-01-01T10:30"), stamps("2024-01-01T12:30"), split="proportional"
    )

    np.testing.assert_allclose(table.counts[0, 10:13], [0.25, 0.5, 0.25])


def test_aoristic_instant_gives_its_whole_weight_to_its_hour():
    for split in ("equal", "proportional"):
        table = aoristic_hour_weekday_table(
            stamps("2024-01-03T07:20"), stamps("2024-01-03T07:20"), split=split
        )
        assert table.counts[2, 7] == 1.0
        assert table.counts.sum() == 1.0


def test_aoristic_window_over_sunday_midnight_wraps_to_monday():
    table = aoristic_hour_weekday_table(stamps("2024-01-07T23:00"), stamps("2024-01-08T01:00"))

    assert table.counts[6, 23] == 0.5
    assert table.counts[0, 0] == 0.5


def test_aoristic_window_longer_than_a_week_covers_every_hour():
    # Eight days from Monday 00:00: 192 blocks, Monday's 24 hours twice.
    table = aoristic_hour_weekday_table(stamps("2024-01-01T00:00"), stamps("2024-01-09T00:00"))

    expected = np.full((7, 24), 1 / 192)
    expected[0] = 2 / 192
    np.testing.assert_allclose(table.counts, expected)


@pytest.mark.parametrize("split", ["equal", "proportional"])
@pytest.mark.parametrize("seed", [1, 2])
def test_aoristic_matches_hour_by_hour_brute_force(split, seed):
    rng = np.random.default_rng(seed)
    starts = random_datetimes(seed, n=150)
    # Windows from nothing to ten days, some on the hour exactly.
    lengths = rng.integers(0, 14_400, starts.size)
    lengths[::7] = (lengths[::7] // 60) * 60
    ends = starts + lengths.astype("timedelta64[m]")

    table = aoristic_hour_weekday_table(starts, ends, split=split)

    expected = brute_force_aoristic(
        starts.astype("datetime64[us]"), ends.astype("datetime64[us]"), split == "proportional"
    )
    np.testing.assert_allclose(table.counts, expected, atol=1e-12)
    assert table.counts.sum() == pytest.approx(starts.size)


def test_weekly_counts_follow_iso_weeks_and_keep_empty_weeks():
    times = np.array(
        ["2020-12-28", "2021-01-03", "2021-01-04", "2021-01-20T23:59"], dtype="datetime64[m]"
    )

    weeks = weekly_counts(times)

    np.testing.assert_array_equal(
        weeks.week_start,
        np.array(["2020-12-28", "2021-01-04", "2021-01-11", "2021-01-18"], "M8[D]"),
    )
    np.testing.assert_array_equal(weeks.iso_year, [2020, 2021, 2021, 2021])
    np.testing.assert_array_equal(weeks.iso_week, [53, 1, 2, 3])
    np.testing.assert_array_equal(weeks.counts, [2, 1, 0, 1])
    assert weeks.events == 4
    assert weeks.events_outside == 0


def test_weekly_counts_match_python_isocalendar():
    times = random_datetimes(3, n=400)

    weeks = weekly_counts(times)

    expected: dict[tuple[int, int], int] = {}
    for value in times.astype("datetime64[us]").tolist():
        iso = value.isocalendar()
        expected[(iso.year, iso.week)] = expected.get((iso.year, iso.week), 0) + 1
    found = {
        (int(y), int(w)): int(c)
        for y, w, c in zip(weeks.iso_year, weeks.iso_week, weeks.counts, strict=True)
        if c
    }
    assert found == expected
    assert all(monday.weekday() == 0 for monday in weeks.week_start.tolist())
    assert np.all(np.diff(weeks.week_start).astype(int) == 7)


def test_weekly_counts_honour_start_and_end_and_count_what_is_left_out():
    times = np.array(["2024-01-01", "2024-01-10", "2024-02-20"], dtype="datetime64[D]")

    weeks = weekly_counts(times, start=dt.date(2023, 12, 27), end=np.datetime64("2024-01-14"))

    assert weeks.week_start[0] == np.datetime64("2023-12-25")
    assert weeks.week_start[-1] == np.datetime64("2024-01-08")
    np.testing.assert_array_equal(weeks.counts, [0, 1, 1])
    assert weeks.events_outside == 1


def test_count_trend_least_squares_is_linregress():
    counts = [3, 5, 4, 8, 9, 7, 12, 11]

    trend = count_trend(counts)

    expected = stats.linregress(np.arange(8), counts)
    assert trend.slope == pytest.approx(expected.slope)
    assert trend.intercept == pytest.approx(expected.intercept)
    assert trend.p == pytest.approx(expected.pvalue)
    assert trend.r == pytest.approx(expected.rvalue)
    assert trend.periods == 8


@pytest.mark.parametrize(
    "counts", [[3, 5, 4, 8, 9, 7, 12, 11], [10, 8, 9, 4, 2, 3, 0, 1], [0, 0, 4, 0, 1, 0, 0]]
)
def test_count_trend_poisson_matches_direct_likelihood_maximisation(counts):
    y = np.array(counts, dtype=float)
    t = np.arange(y.size, dtype=float)

    trend = count_trend(counts)

    def negative_log_likelihood(params):
        mu = np.exp(params[0] + params[1] * t)
        return -np.sum(stats.poisson.logpmf(y, mu))

    fit = optimize.minimize(negative_log_likelihood, [np.log(y.mean()), 0.0], method="BFGS")
    null = -np.sum(stats.poisson.logpmf(y, y.mean()))
    statistic = 2 * (null - fit.fun)
    assert math.log(trend.poisson_rate_ratio) == pytest.approx(fit.x[1], abs=1e-4)
    assert trend.poisson_p == pytest.approx(stats.chi2.sf(statistic, 1), rel=1e-4)
    mu = np.exp(fit.x[0] + fit.x[1] * t)
    assert trend.dispersion == pytest.approx(np.sum((y - mu) ** 2 / mu) / (y.size - 2), rel=1e-3)


def test_count_trend_poisson_limit_when_every_incident_is_in_the_last_period():
    trend = count_trend([0, 0, 0, 5])

    assert trend.poisson_rate_ratio == math.inf
    # The limit puts all 5 in the last period: log-likelihood ratio against a flat 1.25.
    null = np.sum(stats.poisson.logpmf([0, 0, 0, 5], 1.25))
    saturated = stats.poisson.logpmf(5, 5)
    assert trend.poisson_p == pytest.approx(stats.chi2.sf(2 * (saturated - null), 1))
    assert count_trend([4, 0, 0]).poisson_rate_ratio == 0.0


def test_spikes_flag_a_count_far_above_the_previous_mean():
    result = spikes([2, 2, 2, 2, 9], baseline=4)

    assert np.isnan(result.expected[:4]).all()
    assert result.expected[4] == 2.0
    assert result.p[4] == pytest.approx(stats.poisson.sf(8, 2.0))
    np.testing.assert_array_equal(result.flag, [False, False, False, False, True])
    assert result.tested == 1


def test_spikes_match_brute_force_poisson_tail():
    rng = np.random.default_rng(5)
    counts = rng.poisson(6, 60)
    counts[[20, 41]] += 15

    result = spikes(counts, baseline=8, alpha=0.01)

    for t in range(8, 60):
        mean = counts[t - 8 : t].mean()
        expected_p = 1.0 - stats.poisson.cdf(counts[t] - 1, mean)
        assert result.expected[t] == pytest.approx(mean)
        assert result.p[t] == pytest.approx(expected_p, abs=1e-12)
    assert result.flag[20]
    assert result.flag[41]


def test_spikes_p_is_one_for_an_empty_period_and_zero_after_an_empty_baseline():
    result = spikes([0, 0, 0, 1, 0], baseline=2)

    assert result.p[2] == 1.0
    assert result.p[3] == 0.0  # a Poisson mean of 0 allows no incident
    assert result.flag[3]
    assert result.p[4] == 1.0


def test_spikes_corrections_adjust_for_the_number_of_periods_tested():
    counts = [5, 5, 5, 5, 5, 12, 5, 14, 5, 5]
    raw = spikes(counts, baseline=3)

    bonferroni = spikes(counts, baseline=3, correction="bonferroni")
    bh = spikes(counts, baseline=3, correction="bh")

    tested = raw.p[3:]
    np.testing.assert_allclose(bonferroni.p_adjusted[3:], np.minimum(tested * 7, 1.0))
    np.testing.assert_allclose(bh.p_adjusted[3:], stats.false_discovery_control(tested))
    np.testing.assert_array_equal(bonferroni.flag, bonferroni.p_adjusted < 0.01)
    assert bonferroni.flag.sum() <= raw.flag.sum()


def test_as_instants_keeps_whole_microseconds_and_takes_aware_datetimes_in_utc():
    aware = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))

    instants = as_instants(np.array([aware, dt.date(2024, 1, 1)], dtype=object))

    assert instants.is_datetime
    assert instants.values[0] - instants.values[1] == 10 * 3_600_000_000
    assert instant_like(np.datetime64("2024-01-02"), instants, "as_of") == instants.values[1] + (
        86_400_000_000
    )
    assert as_instants([1.5, 2.0]).per_day == 1.0


@pytest.mark.parametrize(
    ("times", "message"),
    [
        (np.array([], dtype="datetime64[m]"), "no times"),
        (np.array([1.0, 2.0]), "local time"),
        (np.array(["2024-01-01T10:00", "NaT"], dtype="datetime64[m]"), "missing"),
        (np.array(["2024-01-01T10:00+01:00"]), "UTC offset"),
        (np.array(["not a date"]), "not dates"),
        (
            np.array([dt.datetime(2024, 1, 1, tzinfo=dt.UTC)], dtype=object),
            "without a time zone",
        ),
        (np.array([["2024-01-01"]], dtype="datetime64[D]"), "one-dimensional"),
        (np.array(["12000-01-01"], dtype="datetime64[D]"), "between the years 1 and 9999"),
    ],
)
def test_hour_weekday_table_refuses_bad_times(times, message):
    with pytest.raises(MethodInputError, match=message):
        hour_weekday_table(times)


def test_aoristic_refuses_windows_that_end_before_they_start_or_do_not_pair_up():
    with pytest.raises(MethodInputError, match="end before they start"):
        aoristic_hour_weekday_table(stamps("2024-01-01T10:00"), stamps("2024-01-01T09:00"))
    with pytest.raises(MethodInputError, match="one pair per incident"):
        aoristic_hour_weekday_table(
            stamps("2024-01-01T10:00"), stamps("2024-01-01T11:00", "2024-01-01T12:00")
        )
    with pytest.raises(MethodInputError, match="split"):
        aoristic_hour_weekday_table(
            stamps("2024-01-01T10:00"), stamps("2024-01-01T11:00"), split="weighted"
        )


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([], "no counts"),
        ([1, 2], "at least 3 periods"),
        ([4, 4, 4], "same count"),
        ([1, 2, math.nan], "finite"),
        ([1, -2, 3], "negative"),
        ([1, 2.5, 3], "whole numbers"),
    ],
)
def test_count_trend_refuses_bad_counts(counts, message):
    with pytest.raises(MethodInputError, match=message):
        count_trend(counts)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"baseline": 0}, "at least 1"),
        ({"baseline": 2.5}, "whole number"),
        ({"baseline": 5}, "at least 6 periods"),
        ({"alpha": 0}, "between 0 and 1"),
        ({"alpha": 1.5}, "between 0 and 1"),
        ({"correction": "holm"}, "correction"),
    ],
)
def test_spikes_refuse_bad_options(kwargs, message):
    with pytest.raises(MethodInputError, match=message):
        spikes([1, 2, 3, 4, 5], **kwargs)


def test_weekly_counts_refuse_an_end_before_the_start():
    with pytest.raises(MethodInputError, match="end must not be before start"):
        weekly_counts(stamps("2024-01-10T00:00"), start="2024-02-01", end="2024-01-01")


def test_instant_like_refuses_a_number_against_dates_and_a_date_against_numbers():
    dates = as_instants(np.array(["2024-01-01"], dtype="datetime64[D]"))
    with pytest.raises(MethodInputError, match="date or datetime"):
        instant_like(5.0, dates, "as_of")
    with pytest.raises(MethodInputError, match="number of days"):
        instant_like("2024-01-01", as_instants([1.0]), "as_of")
    with pytest.raises(MethodInputError, match="number of days"):
        instant_like(True, as_instants([1.0]), "as_of")
    with pytest.raises(MethodInputError, match="missing or infinite"):
        as_instants([1.0, math.inf])
