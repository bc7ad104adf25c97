"""Square-grid helpers: cell layout, point counting and the refusals they share."""

import numpy as np
import pytest

from analysis.methods.errors import MethodInputError
from analysis.methods.grid import as_points, positive_length, resolve_extent, square_grid


def test_square_grid_covers_extent_with_whole_cells():
    grid = square_grid((0.0, 0.0, 25.0, 10.0), 10.0)

    assert (grid.nx, grid.ny) == (3, 1)
    np.testing.assert_array_equal(grid.x_centres(), [5.0, 15.0, 25.0])
    np.testing.assert_array_equal(grid.y_centres(), [5.0])


def test_square_grid_ignores_rounding_error_in_cell_count():
    # 0.3 / 0.1 is 2.9999999999999996 in floating point: still three cells.
    grid = square_grid((0.0, 0.0, 0.3, 0.3), 0.1)

    assert (grid.nx, grid.ny) == (3, 3)


def test_grid_counts_put_points_on_far_edge_in_last_cell():
    grid = square_grid((0.0, 0.0, 20.0, 20.0), 10.0)
    x = np.array([0.0, 9.999, 10.0, 20.0, 20.0, 21.0, -0.001])
    y = np.array([0.0, 0.0, 0.0, 20.0, 5.0, 5.0, 5.0])

    counts, outside = grid.counts(x, y)

    np.testing.assert_array_equal(counts, [[2, 2], [0, 1]])
    assert outside == 2


def test_grid_expanded_keeps_cell_centres_aligned():
    grid = square_grid((0.0, 0.0, 20.0, 20.0), 10.0).expanded(2)

    assert (grid.nx, grid.ny) == (6, 6)
    np.testing.assert_array_equal(grid.x_centres()[2:4], [5.0, 15.0])


def test_square_grid_refuses_too_many_cells_with_the_memory_it_would_need():
    with pytest.raises(MethodInputError, match=r"would have 1,000,000 cells \(about 8 MB"):
        square_grid((0.0, 0.0, 1000.0, 1000.0), 1.0, max_cells=10_000, bytes_per_cell=8)


def test_resolve_extent_defaults_to_bounding_box():
    xs, ys = as_points([3.0, 1.0, 2.0], [5.0, 7.0, 6.0])

    assert resolve_extent(xs, ys, None) == (1.0, 5.0, 3.0, 7.0)


@pytest.mark.parametrize(
    ("extent", "message"),
    [
        ((1.0, 0.0, 1.0, 5.0), "xmin .* must be less than xmax"),
        ((2.0, 0.0, 1.0, 5.0), "xmin .* must be less than xmax"),
        ((0.0, 5.0, 1.0, 5.0), "ymin .* must be less than ymax"),
        ((0.0, 0.0, float("inf"), 5.0), "finite"),
        ((0.0, 0.0, 1.0), "four numbers"),
    ],
)
def test_resolve_extent_refuses_bad_extents(extent, message):
    xs, ys = as_points([0.0], [0.0])

    with pytest.raises(MethodInputError, match=message):
        resolve_extent(xs, ys, extent)


def test_resolve_extent_refuses_flat_bounding_box():
    xs, ys = as_points([1.0, 1.0], [0.0, 5.0])

    with pytest.raises(MethodInputError, match="give an extent"):
        resolve_extent(xs, ys, None)


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([], [], "no points"),
        ([1.0, np.nan], [1.0, 2.0], "1 point"),
        ([1.0, 2.0], [1.0, np.inf], "missing or infinite"),
        ([1.0, 2.0], [1.0], "x has 2 values but y has 1"),
        ([[1.0]], [[1.0]], "one-dimensional"),
        (["a"], [1.0], "must be numbers"),
    ],
)
def test_as_points_refuses_bad_coordinates(x, y, message):
    with pytest.raises(MethodInputError, match=message):
        as_points(x, y)


@pytest.mark.parametrize("value", [0, -1.0, float("nan"), float("inf"), "wide"])
def test_positive_length_refuses_non_positive_or_non_finite(value):
    with pytest.raises(MethodInputError, match="cell_size"):
        positive_length(value, "cell_size")


def test_method_input_error_is_a_value_error():
    assert issubclass(MethodInputError, ValueError)
