"""Getis-Ord Gi* hot spots with a false-discovery-rate correction.

Gi* (Getis & Ord 1992; the z-score form of Ord & Getis 1995) compares the sum of the values in
each unit's neighbourhood, the unit itself included, with what a random arrangement of the same
values would give. With binary weights ``w_ij`` (1 for the unit and its neighbours, else 0),
``n`` units, mean ``Xbar``, ``S = sqrt(sum_j x_j^2 / n - Xbar^2)`` and ``W_i = sum_j w_ij``::

    Gi* = (sum_j w_ij x_j - Xbar W_i) / (S sqrt((n sum_j w_ij^2 - W_i^2) / (n - 1)))

Gi* is read as a standard normal deviate: p-values are two-sided, and q-values are the
Benjamini & Hochberg (1995) adjusted p-values over all units, so "q < 0.05" keeps the expected
share of false hot and cold spots among those flagged under 5 %.

Two special cases are not left as NaN. When every unit has the same value (``S = 0``) there is
no pattern to test and the methods raise :class:`MethodInputError`. A unit whose neighbourhood is
the whole study area (``n W_i = W_i^2``) cannot differ from the mean: its z is 0 and its p is 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.special import ndtr

from analysis.methods.errors import MethodInputError
from analysis.methods.grid import (
    MAX_GRID_CELLS,
    Extent,
    as_points,
    positive_length,
    resolve_extent,
    square_grid,
)

Contiguity = Literal["queen", "rook"]

#: Working memory per grid cell of ``gistar_grid`` (counts, sums, z, p, q, sort order; measured).
GRID_BYTES_PER_CELL = 88

_ROOK = ((-1, 0), (1, 0), (0, -1), (0, 1))
_QUEEN = (*_ROOK, (-1, -1), (-1, 1), (1, -1), (1, 1))


@dataclass(frozen=True)
class GiStar:
    """Gi* z-scores with their two-sided p-values and Benjamini-Hochberg q-values, per unit."""

    z: NDArray[np.float64]
    p: NDArray[np.float64]
    q: NDArray[np.float64]


@dataclass(frozen=True)
class GridGiStar:
    """Gi* over a square grid: ``(ny, nx)`` arrays, ``[row, col]`` at ``(x[col], y[row])``."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    counts: NDArray[np.int64]
    z: NDArray[np.float64]
    p: NDArray[np.float64]
    q: NDArray[np.float64]
    cell_size: float
    neighbours: Contiguity
    events: int
    events_outside: int


def benjamini_hochberg(p_values: ArrayLike) -> NDArray[np.float64]:
    """Benjamini & Hochberg (1995) adjusted p-values (q-values), in the input's order and shape.

    ``q_(i) = min over k >= i of (m p_(k) / k)``, capped at 1, for p sorted ascending.
    """
    p = np.asarray(p_values, dtype=np.float64)
    flat = p.ravel()
    if flat.size and not (np.all(np.isfinite(flat)) and flat.min() >= 0 and flat.max() <= 1):
        raise MethodInputError("p-values must be finite numbers between 0 and 1")
    order = np.argsort(flat, kind="stable")
    adjusted = flat[order]
    adjusted *= flat.size
    adjusted /= np.arange(1, flat.size + 1, dtype=np.float64)
    backwards = adjusted[::-1]
    np.minimum.accumulate(backwards, out=backwards)
    q = np.empty_like(flat)
    q[order] = adjusted
    del order, adjusted
    np.minimum(q, 1.0, out=q)
    return q.reshape(p.shape)


def gistar_from_neighbours(
    values: ArrayLike,
    neighbours: Sequence[Sequence[int]] | sparse.sparray | sparse.spmatrix,
) -> GiStar:
    """Gi* (Ord & Getis 1995) of ``values`` over any areal units, e.g. H3 cells.

    ``neighbours`` gives unit ``i``'s neighbours either as ``neighbours[i]``, a sequence of unit
    indices, or as an ``n`` by ``n`` sparse matrix whose non-zero entries in row ``i`` mark them.
    Weights are binary and every unit is in its own neighbourhood (listing it is harmless).
    """
    x = _as_values(values)
    weights = _binary_weights(neighbours, x.size)
    w_sum = np.asarray(weights.sum(axis=1), dtype=np.float64).ravel()
    lag = np.asarray(weights @ x, dtype=np.float64).ravel()
    # Binary weights: the sum of squared weights equals the sum of weights.
    return _gistar(x, lag, w_sum, w_sum)


def gistar_grid(
    x: ArrayLike,
    y: ArrayLike,
    *,
    cell_size: float,
    extent: Extent | None = None,
    neighbours: Contiguity = "queen",
    max_cells: int = MAX_GRID_CELLS,
) -> GridGiStar:
    """Gi* (Getis & Ord 1992; Ord & Getis 1995) of point counts on a square grid.

    Every cell inside ``extent`` (default: the points' bounding box) is a unit, empty ones
    included. ``neighbours`` chooses the neighbourhood: the cell and its 8 (``queen``) or 4
    (``rook``) adjacent cells that lie on the grid, with binary weights. Points outside the
    extent are left out and counted in ``events_outside``.
    """
    xs, ys = as_points(x, y)
    size = positive_length(cell_size, "cell_size")
    if neighbours not in ("queen", "rook"):
        raise MethodInputError(f"neighbours must be 'queen' or 'rook'; got {neighbours!r}")
    grid = square_grid(resolve_extent(xs, ys, extent), size, max_cells, GRID_BYTES_PER_CELL)
    if grid.cells < 2:
        raise MethodInputError("Gi* needs at least 2 grid cells; use a smaller cell size")
    counts, outside = grid.counts(xs, ys)
    values = counts.astype(np.float64)
    offsets = _QUEEN if neighbours == "queen" else _ROOK
    lag = _window_sum(values, offsets)
    w_sum = _neighbourhood_sizes(grid.ny, grid.nx, neighbours)
    result = _gistar(values.ravel(), lag.ravel(), w_sum.ravel(), w_sum.ravel())
    del values, lag, w_sum
    shape = counts.shape
    return GridGiStar(
        x=grid.x_centres(),
        y=grid.y_centres(),
        counts=counts,
        z=result.z.reshape(shape),
        p=result.p.reshape(shape),
        q=result.q.reshape(shape),
        cell_size=size,
        neighbours=neighbours,
        events=int(xs.size),
        events_outside=outside,
    )


def _gistar(
    x: NDArray[np.float64],
    lag: NDArray[np.float64],
    w_sum: NDArray[np.float64],
    w_sq_sum: NDArray[np.float64],
) -> GiStar:
    n = x.size
    if x.max() == x.min():
        raise MethodInputError(
            f"all {n} units have the same value ({x[0]:g}), so there is no variation for Gi* to "
            "test (its standard deviation S is 0); there are no hot or cold spots to find"
        )
    mean = x.mean()
    spread = x.std()
    # In-place arithmetic: on a large grid each temporary array is tens of megabytes.
    scale = n * w_sq_sum
    scale -= w_sum * w_sum
    defined = scale > 0
    np.sqrt(np.clip(scale, 0.0, None, out=scale), out=scale)
    scale *= spread / np.sqrt(n - 1)
    z = lag - mean * w_sum
    np.divide(z, scale, out=z, where=defined)
    z[~defined] = 0.0
    del scale, defined
    p = np.abs(z)
    ndtr(np.negative(p, out=p), out=p)
    p *= 2.0
    return GiStar(z=z, p=p, q=benjamini_hochberg(p))


def _as_values(values: ArrayLike) -> NDArray[np.float64]:
    try:
        x = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"values must be numbers: {exc}") from exc
    if x.ndim != 1:
        raise MethodInputError("values must be a one-dimensional array, one value per unit")
    if x.size < 2:
        raise MethodInputError(f"Gi* needs at least 2 units; got {x.size}")
    if not np.all(np.isfinite(x)):
        raise MethodInputError("values must all be finite numbers (no missing values)")
    return x


def _binary_weights(
    neighbours: Sequence[Sequence[int]] | sparse.sparray | sparse.spmatrix, n: int
) -> sparse.csr_array:
    """Binary weights with every unit in its own neighbourhood, as an ``n`` by ``n`` matrix."""
    if sparse.issparse(neighbours):
        links = _links_from_matrix(neighbours, n)
    else:
        links = _links_from_lists(neighbours, n)
    with_self = links + sparse.eye_array(n, format="csr")
    return sparse.csr_array(with_self != 0, dtype=np.float64)


def _links_from_matrix(matrix: Any, n: int) -> sparse.csr_array:
    if matrix.shape != (n, n):
        raise MethodInputError(
            f"the neighbour matrix is {matrix.shape[0]} x {matrix.shape[1]} but there are "
            f"{n} values; it must be {n} x {n}"
        )
    return sparse.csr_array(matrix != 0, dtype=np.float64)


def _links_from_lists(lists: Sequence[Sequence[int]], n: int) -> sparse.csr_array:
    if len(lists) != n:
        raise MethodInputError(
            f"there are {n} values but {len(lists)} neighbour lists; give one per unit"
        )
    rows_of = [np.asarray(row).ravel() for row in lists]
    if any(row.size and row.dtype.kind not in "iu" for row in rows_of):
        raise MethodInputError("neighbour lists must hold whole-number unit indices")
    cols = np.concatenate(rows_of).astype(np.int64) if rows_of else np.zeros(0, np.int64)
    if cols.size and (cols.min() < 0 or cols.max() >= n):
        raise MethodInputError(f"neighbour indices must be between 0 and {n - 1}")
    rows = np.repeat(np.arange(n), [row.size for row in rows_of])
    data = np.ones(cols.size, dtype=np.float64)
    return sparse.csr_array((data, (rows, cols)), shape=(n, n))


def _window_sum(
    a: NDArray[np.float64], offsets: tuple[tuple[int, int], ...]
) -> NDArray[np.float64]:
    """Each cell plus its neighbours at ``offsets`` (row, col), treating off-grid cells as 0."""
    ny, nx = a.shape
    padded = np.pad(a, 1)
    total = a.copy()
    for dy, dx in offsets:
        total += padded[1 + dy : 1 + dy + ny, 1 + dx : 1 + dx + nx]
    return total


def _neighbourhood_sizes(ny: int, nx: int, contiguity: Contiguity) -> NDArray[np.float64]:
    """``W_i``: how many grid cells (itself included) are in each cell's neighbourhood."""
    rows = np.minimum(np.arange(ny), 1) + 1 + np.minimum(np.arange(ny)[::-1], 1)
    cols = np.minimum(np.arange(nx), 1) + 1 + np.minimum(np.arange(nx)[::-1], 1)
    rows_f = rows.astype(np.float64)[:, None]
    cols_f = cols.astype(np.float64)[None, :]
    if contiguity == "queen":
        return rows_f * cols_f
    return np.broadcast_to(rows_f + cols_f - 1.0, (ny, nx))
