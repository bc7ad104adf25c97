"""Getis-Ord Gi* (Ord & Getis 1995) and Benjamini-Hochberg q-values.

Checked against a hand-worked grid, a brute-force double loop, PySAL's esda.G_Local (when
installed) and scipy's false_discovery_control.
"""

import math
import warnings

import h3
import numpy as np
import pytest
from scipy import sparse
from scipy.stats import false_discovery_control, norm

from analysis.methods.errors import MethodInputError
from analysis.methods.gistar import benjamini_hochberg, gistar_from_neighbours, gistar_grid


def brute_force_gistar(values, neighbour_sets):
    """Ord & Getis (1995) Gi* written out with loops; ``neighbour_sets[i]`` includes ``i``."""
    n = len(values)
    mean = sum(values) / n
    s = math.sqrt(sum(v * v for v in values) / n - mean * mean)
    z = []
    for i in range(n):
        weights = [1.0 if j in neighbour_sets[i] else 0.0 for j in range(n)]
        w_sum = sum(weights)
        w_sq = sum(w * w for w in weights)
        lag = sum(w * v for w, v in zip(weights, values, strict=True))
        z.append((lag - mean * w_sum) / (s * math.sqrt((n * w_sq - w_sum**2) / (n - 1))))
    return np.array(z)


def grid_neighbour_sets(ny, nx, contiguity):
    sets = []
    for r in range(ny):
        for c in range(nx):
            sets.append(
                {
                    rr * nx + cc
                    for rr in range(ny)
                    for cc in range(nx)
                    if (
                        max(abs(rr - r), abs(cc - c)) <= 1
                        if contiguity == "queen"
                        else abs(rr - r) + abs(cc - c) <= 1
                    )
                }
            )
    return sets


def points_for_counts(counts, cell_size=10.0):
    """Points at cell centres reproducing ``counts`` on a grid from (0, 0)."""
    rows, cols = np.nonzero(counts)
    repeats = counts[rows, cols]
    x = np.repeat((cols + 0.5) * cell_size, repeats)
    y = np.repeat((rows + 0.5) * cell_size, repeats)
    return x, y


NINE_IN_THE_MIDDLE = np.array([[0, 0, 0], [0, 9, 0], [0, 0, 0]])


def test_gistar_grid_matches_hand_worked_rook_example():
    # n = 9 cells, values 9 in the centre and 0 elsewhere: Xbar = 1, S = sqrt(81/9 - 1) = 2 sqrt 2.
    # Centre: W = 5, lag = 9 -> (9 - 5) / (2 sqrt 2 sqrt((45 - 25) / 8)) = 4 / (2 sqrt 5).
    # Edge:   W = 4, lag = 9 -> (9 - 4) / (2 sqrt 2 sqrt((36 - 16) / 8)) = sqrt 5 / 2.
    # Corner: W = 3, lag = 0 -> (0 - 3) / (2 sqrt 2 sqrt((27 - 9) / 8)) = -1 / sqrt 2.
    x, y = points_for_counts(NINE_IN_THE_MIDDLE)

    result = gistar_grid(x, y, cell_size=10, extent=(0, 0, 30, 30), neighbours="rook")

    centre, edge, corner = 2 / math.sqrt(5), math.sqrt(5) / 2, -1 / math.sqrt(2)
    expected = [[corner, edge, corner], [edge, centre, edge], [corner, edge, corner]]
    np.testing.assert_allclose(result.z, expected, rtol=1e-12)
    np.testing.assert_allclose(result.p[0, 1], 2 * norm.sf(math.sqrt(5) / 2), rtol=1e-12)
    np.testing.assert_array_equal(result.counts, NINE_IN_THE_MIDDLE)


def test_gistar_grid_matches_hand_worked_queen_example():
    # Queen: the centre's neighbourhood is the whole grid, so its z is 0 (not NaN) and p is 1.
    # Edge:   W = 6, lag = 9 -> (9 - 6) / (2 sqrt 2 sqrt((54 - 36) / 8)) = 1 / sqrt 2.
    # Corner: W = 4, lag = 9 -> (9 - 4) / (2 sqrt 2 sqrt((36 - 16) / 8)) = sqrt 5 / 2.
    x, y = points_for_counts(NINE_IN_THE_MIDDLE)

    result = gistar_grid(x, y, cell_size=10, extent=(0, 0, 30, 30), neighbours="queen")

    edge, corner = 1 / math.sqrt(2), math.sqrt(5) / 2
    expected = [[corner, edge, corner], [edge, 0.0, edge], [corner, edge, corner]]
    np.testing.assert_allclose(result.z, expected, rtol=1e-12, atol=1e-15)
    assert result.p[1, 1] == 1.0
    assert not np.isnan(result.z).any()


@pytest.mark.parametrize("contiguity", ["queen", "rook"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_gistar_grid_matches_brute_force_on_random_grids(contiguity, seed):
    rng = np.random.default_rng(seed)
    ny, nx = rng.integers(2, 8, 2)
    counts = rng.poisson(rng.uniform(0.5, 4), (ny, nx))
    counts[0, 0] += 1  # never all equal
    x, y = points_for_counts(counts)

    result = gistar_grid(
        x, y, cell_size=10, extent=(0, 0, nx * 10.0, ny * 10.0), neighbours=contiguity
    )

    reference = brute_force_gistar(counts.ravel().tolist(), grid_neighbour_sets(ny, nx, contiguity))
    np.testing.assert_allclose(result.z.ravel(), reference, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(result.p.ravel(), 2 * norm.sf(np.abs(reference)), rtol=1e-9)


@pytest.mark.parametrize("contiguity", ["queen", "rook"])
def test_gistar_grid_matches_pysal_g_local_star(contiguity):
    esda = pytest.importorskip("esda")
    libpysal = pytest.importorskip("libpysal")
    rng = np.random.default_rng(5)
    counts = rng.poisson(2.0, (9, 12))
    x, y = points_for_counts(counts)

    result = gistar_grid(x, y, cell_size=10, extent=(0, 0, 120, 90), neighbours=contiguity)

    weights = libpysal.weights.lat2W(9, 12, rook=contiguity == "rook")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal/esda deprecation chatter
        pysal = esda.G_Local(
            counts.ravel().astype(float), weights, transform="B", star=True, permutations=0
        )
    np.testing.assert_allclose(result.z.ravel(), pysal.Zs, rtol=1e-9, atol=1e-12)


def test_gistar_from_neighbours_accepts_lists_and_sparse_matrices_alike():
    rng = np.random.default_rng(8)
    counts = rng.poisson(3.0, (6, 7))
    sets = grid_neighbour_sets(6, 7, "queen")
    without_self = [sorted(s - {i}) for i, s in enumerate(sets)]
    with_duplicates = [[*sorted(s), i, i] for i, s in enumerate(sets)]
    rows = [i for i, s in enumerate(without_self) for _ in s]
    cols = [j for s in without_self for j in s]
    matrix = sparse.csr_array((np.full(len(rows), 7.0), (rows, cols)), shape=(42, 42))

    grid = gistar_grid(*points_for_counts(counts), cell_size=10, extent=(0, 0, 70, 60))
    from_lists = gistar_from_neighbours(counts.ravel(), without_self)
    from_duplicates = gistar_from_neighbours(counts.ravel(), with_duplicates)
    from_matrix = gistar_from_neighbours(counts.ravel(), matrix)

    for result in (from_lists, from_duplicates, from_matrix):
        np.testing.assert_allclose(result.z, grid.z.ravel(), rtol=1e-12)
        np.testing.assert_allclose(result.q, grid.q.ravel(), rtol=1e-12)


def test_gistar_from_neighbours_on_h3_cells_matches_brute_force():
    origin = h3.latlng_to_cell(41.88, -87.63, 8)
    cells = sorted(h3.grid_disk(origin, 3))
    index = {cell: i for i, cell in enumerate(cells)}
    neighbours = [[index[n] for n in h3.grid_disk(cell, 1) if n in index] for cell in cells]
    values = np.random.default_rng(4).poisson(2.0, len(cells)).astype(float)

    result = gistar_from_neighbours(values, neighbours)

    reference = brute_force_gistar(values.tolist(), [set(row) for row in neighbours])
    np.testing.assert_allclose(result.z, reference, rtol=1e-9, atol=1e-12)
    assert result.z.shape == result.p.shape == result.q.shape == (37,)


def test_gistar_refuses_grid_where_every_cell_has_the_same_count():
    x, y = points_for_counts(np.ones((3, 4), dtype=int))

    with pytest.raises(MethodInputError, match=r"same value .* no variation"):
        gistar_grid(x, y, cell_size=10, extent=(0, 0, 40, 30))


def test_gistar_from_neighbours_refuses_constant_values():
    with pytest.raises(MethodInputError, match="all 3 units have the same value"):
        gistar_from_neighbours([2.0, 2.0, 2.0], [[1], [0, 2], [1]])


@pytest.mark.parametrize(
    ("values", "neighbours", "message"),
    [
        ([1.0], [[]], "at least 2 units"),
        ([1.0, np.nan], [[1], [0]], "finite"),
        ([[1.0, 2.0]], [[1], [0]], "one-dimensional"),
        ([1.0, 2.0], [[1]], "2 values but 1 neighbour lists"),
        ([1.0, 2.0], [[1], [2]], "between 0 and 1"),
        ([1.0, 2.0], [[1.5], [0]], "whole-number"),
        ([1.0, 2.0], sparse.eye_array(3), "must be 2 x 2"),
    ],
)
def test_gistar_from_neighbours_refuses_bad_input(values, neighbours, message):
    with pytest.raises(MethodInputError, match=message):
        gistar_from_neighbours(values, neighbours)


def test_gistar_grid_refuses_unknown_neighbours_and_single_cell():
    with pytest.raises(MethodInputError, match="neighbours must be 'queen' or 'rook'"):
        gistar_grid([1.0, 5.0], [1.0, 5.0], cell_size=1, neighbours="bishop")
    with pytest.raises(MethodInputError, match="at least 2 grid cells"):
        gistar_grid([1.0, 5.0], [1.0, 5.0], cell_size=100)


def test_gistar_grid_counts_points_outside_the_extent():
    result = gistar_grid(
        [5.0, 15.0, 15.0, 95.0], [5.0, 5.0, 5.0, 5.0], cell_size=10, extent=(0, 0, 30, 30)
    )

    assert (result.events, result.events_outside) == (4, 1)
    assert result.counts.sum() == 3


def test_benjamini_hochberg_matches_hand_worked_example():
    # Sorted p: 0.005, 0.01, 0.03, 0.04; m p / rank: 0.02, 0.02, 0.04, 0.04 (already monotone).
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.005])

    np.testing.assert_allclose(q, [0.02, 0.04, 0.04, 0.02])


def test_benjamini_hochberg_takes_running_minimum_from_the_top():
    # m p / rank = 0.03, 0.018, 0.03: the first takes the smaller value ranked above it.
    np.testing.assert_allclose(benjamini_hochberg([0.01, 0.012, 0.03]), [0.018, 0.018, 0.03])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_benjamini_hochberg_agrees_with_scipy(seed):
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(0, 1, 500), rng.uniform(0, 0.001, 20), [1.0, 1.0, 0.0]])

    np.testing.assert_allclose(benjamini_hochberg(p), false_discovery_control(p), rtol=1e-12)


def test_benjamini_hochberg_keeps_the_input_shape_and_caps_at_one():
    q = benjamini_hochberg(np.array([[0.9, 0.95], [0.99, 1.0]]))

    assert q.shape == (2, 2)
    assert q.max() <= 1.0


def test_benjamini_hochberg_refuses_values_outside_zero_one():
    with pytest.raises(MethodInputError, match="between 0 and 1"):
        benjamini_hochberg([0.5, 1.5])


def test_gistar_grid_finds_a_planted_hotspot_after_fdr_correction():
    rng = np.random.default_rng(9)
    x = np.concatenate([rng.uniform(0, 1000, 2000), rng.normal(500, 15, 300)])
    y = np.concatenate([rng.uniform(0, 1000, 2000), rng.normal(500, 15, 300)])

    result = gistar_grid(x, y, cell_size=20, extent=(0, 0, 1000, 1000))

    hot = result.q < 0.05
    assert hot[25, 25]
    assert result.z[25, 25] > 5
    assert hot.sum() < 0.02 * hot.size


def test_gistar_grid_handles_a_million_incidents():
    rng = np.random.default_rng(12)
    x = rng.normal(0, 3000, 1_000_000)
    y = rng.normal(0, 3000, 1_000_000)

    result = gistar_grid(x, y, cell_size=10, extent=(-10_000, -10_000, 10_000, 10_000))

    assert result.z.shape == (2000, 2000)
    assert result.counts.sum() + result.events_outside == 1_000_000
