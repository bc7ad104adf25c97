"""Kernel density (Silverman 1986): kernel formulas, mass, binned vs exact, refusals, speed."""

import math

import numpy as np
import pytest

from analysis.methods import kde as kde_module
from analysis.methods.errors import MethodInputError
from analysis.methods.kde import KERNELS, kde

EXTENT = (0.0, 0.0, 1000.0, 800.0)


def brute_force_density(x, y, xc, yc, *, bandwidth, kernel):
    """Reference: every point's kernel at every cell centre, written straight from the formulas."""
    h2 = bandwidth**2
    density = np.zeros((yc.size, xc.size))
    for px, py in zip(x, y, strict=True):
        d2 = (xc[None, :] - px) ** 2 + (yc[:, None] - py) ** 2
        if kernel == "quartic":
            density += np.where(d2 < h2, 3 / (math.pi * h2) * (1 - d2 / h2) ** 2, 0.0)
        elif kernel == "epanechnikov":
            density += np.where(d2 < h2, 2 / (math.pi * h2) * (1 - d2 / h2), 0.0)
        else:
            density += np.exp(-d2 / (2 * h2)) / (2 * math.pi * h2)
    return density


def clustered_points(n, seed=7):
    rng = np.random.default_rng(seed)
    centres = np.array([[300.0, 300.0], [700.0, 500.0]])
    which = rng.integers(0, 2, n)
    points = centres[which] + rng.normal(0, 80, (n, 2))
    return points[:, 0], points[:, 1]


def test_kde_quartic_at_a_point_is_silvermans_peak_height():
    result = kde([505.0], [405.0], cell_size=10, bandwidth=100, extent=EXTENT, method="exact")

    # The point sits on the centre of cell (row 40, col 50): density 3 / (pi h^2) there.
    assert result.x[50] == 505.0
    assert result.y[40] == 405.0
    assert result.density[40, 50] == pytest.approx(3 / (math.pi * 100**2), rel=1e-12)
    # Half a bandwidth away: 3 / (pi h^2) * (1 - 0.25)^2.
    assert result.density[40, 55] == pytest.approx(3 / (math.pi * 100**2) * 0.75**2, rel=1e-12)
    # Beyond the bandwidth the quartic kernel is zero.
    assert result.density[40, 61] == 0.0


@pytest.mark.parametrize(
    ("kernel", "peak"),
    [
        ("quartic", 3 / math.pi),
        ("epanechnikov", 2 / math.pi),
        ("gaussian", 1 / (2 * math.pi)),
    ],
)
def test_kde_peak_height_per_kernel_is_normalised(kernel, peak):
    result = kde(
        [505.0], [405.0], cell_size=10, bandwidth=50, kernel=kernel, extent=EXTENT, method="exact"
    )

    assert result.density.max() == pytest.approx(peak / 50**2, rel=1e-12)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("method", ["binned", "exact"])
def test_kde_surface_integrates_to_number_of_events(kernel, method):
    x, y = clustered_points(400)
    extent = (-500.0, -500.0, 1500.0, 1300.0)  # wide enough to hold every kernel

    result = kde(x, y, cell_size=5, bandwidth=60, kernel=kernel, extent=extent, method=method)

    assert result.density.sum() * 5**2 == pytest.approx(400, rel=2e-3)


@pytest.mark.parametrize("kernel", KERNELS)
def test_kde_exact_matches_brute_force_sum(kernel):
    x, y = clustered_points(60)

    result = kde(x, y, cell_size=20, bandwidth=90, kernel=kernel, extent=EXTENT, method="exact")

    reference = brute_force_density(x, y, result.x, result.y, bandwidth=90, kernel=kernel)
    np.testing.assert_allclose(result.density, reference, rtol=1e-10, atol=1e-18)


@pytest.mark.parametrize("kernel", KERNELS)
def test_kde_binned_is_exact_when_points_sit_on_cell_centres(kernel):
    rng = np.random.default_rng(3)
    x = 5.0 + 10.0 * rng.integers(10, 90, 200)
    y = 5.0 + 10.0 * rng.integers(10, 70, 200)

    binned = kde(x, y, cell_size=10, bandwidth=75, kernel=kernel, extent=EXTENT)
    exact = kde(x, y, cell_size=10, bandwidth=75, kernel=kernel, extent=EXTENT, method="exact")

    # Snapping moves nothing here; only FFT round-off and the 5-sigma Gaussian cut remain.
    np.testing.assert_allclose(binned.density, exact.density, atol=1e-6 * exact.density.max())


@pytest.mark.parametrize("kernel", KERNELS)
def test_kde_binned_approximates_exact_within_tolerance(kernel):
    x, y = clustered_points(3000)

    binned = kde(x, y, cell_size=10, bandwidth=100, kernel=kernel, extent=EXTENT)
    exact = kde(x, y, cell_size=10, bandwidth=100, kernel=kernel, extent=EXTENT, method="exact")

    # Each point moves at most half a cell diagonal (7 units against a bandwidth of 100).
    peak = exact.density.max()
    assert np.abs(binned.density - exact.density).max() < 0.01 * peak
    assert np.abs(binned.density - exact.density).mean() < 0.001 * peak


def test_kde_points_outside_extent_still_reach_edge_cells():
    extent = (0.0, 0.0, 100.0, 100.0)
    for method in ("binned", "exact"):
        result = kde([-20.0], [50.0], cell_size=10, bandwidth=50, extent=extent, method=method)

        assert result.density[5, 0] > 0
        assert result.density[5, 4] == 0.0


def test_kde_is_exactly_zero_where_no_kernel_reaches():
    result = kde([5000.0, 5001.0], [5000.0, 5001.0], cell_size=10, bandwidth=50, extent=EXTENT)

    assert result.density.shape == (80, 100)
    assert (result.density == 0.0).all()


def test_kde_defaults_to_bounding_box_and_orients_rows_south_to_north():
    result = kde([0.0, 100.0], [0.0, 40.0], cell_size=10, bandwidth=20)

    assert result.density.shape == (4, 10)
    np.testing.assert_array_equal(result.x[[0, -1]], [5.0, 95.0])
    np.testing.assert_array_equal(result.y[[0, -1]], [5.0, 35.0])
    assert result.density[0, 0] > result.density[0, -1]
    assert result.density[-1, -1] > result.density[-1, 0]
    assert (result.events, result.kernel, result.method) == (2, "quartic", "binned")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bandwidth": 0}, "bandwidth must be a positive"),
        ({"bandwidth": -5}, "bandwidth must be a positive"),
        ({"cell_size": 0}, "cell_size must be a positive"),
        ({"cell_size": float("nan")}, "cell_size must be a positive"),
        ({"kernel": "triangular"}, "kernel must be one of quartic, gaussian, epanechnikov"),
        ({"method": "fast"}, "method must be 'binned' or 'exact'"),
        ({"extent": (10.0, 0.0, 10.0, 5.0)}, r"xmin \(10\) must be less than xmax \(10\)"),
        ({"extent": (0.0, 9.0, 10.0, 5.0)}, "ymin .* must be less than ymax"),
    ],
)
def test_kde_refuses_bad_parameters(kwargs, message):
    params = {"cell_size": 10, "bandwidth": 50, "extent": EXTENT, **kwargs}

    with pytest.raises(MethodInputError, match=message):
        kde([1.0, 2.0], [1.0, 2.0], **params)


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([], [], "no points"),
        ([1.0, np.nan], [1.0, 2.0], "missing or infinite"),
        ([1.0, 2.0], [1.0, -np.inf], "missing or infinite"),
    ],
)
def test_kde_refuses_empty_or_non_finite_points(x, y, message):
    with pytest.raises(MethodInputError, match=message):
        kde(x, y, cell_size=10, bandwidth=50, extent=EXTENT)


def test_kde_refuses_a_grid_too_big_for_memory_and_says_how_big():
    with pytest.raises(MethodInputError, match=r"would have 100,000,000 cells \(about [\d,]+ MB"):
        kde([0.0, 1.0], [0.0, 1.0], cell_size=0.1, bandwidth=1, extent=(0, 0, 1000, 1000))


def test_kde_refuses_a_kernel_margin_too_big_for_memory():
    with pytest.raises(MethodInputError, match="grid with its kernel margin"):
        kde([0.0, 1.0], [0.0, 1.0], cell_size=1, bandwidth=5000, extent=(0, 0, 10, 10))


def test_kde_refuses_exact_evaluation_of_too_much_work(monkeypatch):
    monkeypatch.setattr(kde_module, "MAX_EXACT_EVALUATIONS", 1000)

    with pytest.raises(MethodInputError, match="Use method='binned' for this many points"):
        kde(*clustered_points(500), cell_size=10, bandwidth=100, extent=EXTENT, method="exact")


def test_kde_binned_handles_a_million_points():
    rng = np.random.default_rng(11)
    x = rng.normal(5000, 2000, 1_000_000)
    y = rng.normal(5000, 2000, 1_000_000)

    result = kde(x, y, cell_size=10, bandwidth=100, extent=(0.0, 0.0, 10_000.0, 10_000.0))

    assert result.density.shape == (1000, 1000)
    inside = np.count_nonzero((x > 100) & (x < 9900) & (y > 100) & (y < 9900))
    assert result.density.sum() * 100 == pytest.approx(inside, rel=0.01)
