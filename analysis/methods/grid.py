"""Square-grid helpers shared by the grid-based hotspot methods (kernel density, Gi*).

A grid starts at the extent's lower-left corner and has ``ceil(width / cell_size)`` columns and
``ceil(height / cell_size)`` rows, so it covers the whole extent (the last column and row may
reach past ``xmax`` and ``ymax``). Arrays over a grid have shape ``(ny, nx)``: ``a[row, col]``
is the cell whose centre is ``(x_centres[col], y_centres[row])``, row 0 being the southern one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from analysis.methods.errors import MethodInputError

Extent = tuple[float, float, float, float]

#: Default ceiling on the cells of one grid: 16 million float64 cells is 128 MB per array, which
#: keeps the working memory of a method (a few arrays, FFT buffers) well under 2 GB.
MAX_GRID_CELLS = 16_000_000


@dataclass(frozen=True)
class SquareGrid:
    """A grid of ``nx`` by ``ny`` square cells of side ``cell_size`` from ``(xmin, ymin)``."""

    xmin: float
    ymin: float
    cell_size: float
    nx: int
    ny: int

    @property
    def cells(self) -> int:
        """Number of cells."""
        return self.nx * self.ny

    def x_centres(self) -> NDArray[np.float64]:
        """X coordinate of the centre of each column."""
        return self.xmin + (np.arange(self.nx, dtype=np.float64) + 0.5) * self.cell_size

    def y_centres(self) -> NDArray[np.float64]:
        """Y coordinate of the centre of each row."""
        return self.ymin + (np.arange(self.ny, dtype=np.float64) + 0.5) * self.cell_size

    def expanded(self, margin: int) -> SquareGrid:
        """The same grid with ``margin`` extra cells on every side."""
        return SquareGrid(
            xmin=self.xmin - margin * self.cell_size,
            ymin=self.ymin - margin * self.cell_size,
            cell_size=self.cell_size,
            nx=self.nx + 2 * margin,
            ny=self.ny + 2 * margin,
        )

    def flat_cell_index(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.int64]:
        """Row-major index of the cell holding each point, or -1 for points off the grid.

        Cells are closed on the left and bottom; a point exactly on the grid's right or top
        boundary belongs to the last column or row, so the data's bounding box loses no point.
        """
        col = np.floor((x - self.xmin) / self.cell_size)
        row = np.floor((y - self.ymin) / self.cell_size)
        xmax = self.xmin + self.nx * self.cell_size
        ymax = self.ymin + self.ny * self.cell_size
        inside = (col >= 0) & (row >= 0) & (x <= xmax) & (y <= ymax)
        col = np.minimum(col, self.nx - 1)
        row = np.minimum(row, self.ny - 1)
        index = np.where(inside, row * self.nx + col, -1)
        return index.astype(np.int64)

    def counts(
        self, x: NDArray[np.float64], y: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], int]:
        """Points per cell as a ``(ny, nx)`` array, and the number of points off the grid."""
        index = self.flat_cell_index(x, y)
        on_grid = index[index >= 0]
        counts = np.bincount(on_grid, minlength=self.cells).reshape(self.ny, self.nx)
        return counts, int(index.size - on_grid.size)


def as_points(x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate point coordinates: two 1-D float arrays of equal, non-zero length, all finite."""
    try:
        xs = np.asarray(x, dtype=np.float64)
        ys = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"coordinates must be numbers: {exc}") from exc
    if xs.ndim != 1 or ys.ndim != 1:
        raise MethodInputError("x and y must be one-dimensional arrays of coordinates")
    if xs.size != ys.size:
        raise MethodInputError(f"x has {xs.size} values but y has {ys.size}; give one per point")
    if xs.size == 0:
        raise MethodInputError("there are no points to analyse")
    bad = ~(np.isfinite(xs) & np.isfinite(ys))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise MethodInputError(
            f"{int(bad.sum())} point(s) have a missing or infinite coordinate "
            f"(the first is point {first}); remove or geocode them first"
        )
    return xs, ys


def positive_length(value: float, name: str) -> float:
    """Validate a strictly positive, finite length such as a cell size or bandwidth."""
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"{name} must be a number, not {value!r}") from exc
    if not math.isfinite(number) or number <= 0:
        raise MethodInputError(f"{name} must be a positive, finite length; got {value!r}")
    return number


def resolve_extent(x: NDArray[np.float64], y: NDArray[np.float64], extent: Extent | None) -> Extent:
    """The given extent ``(xmin, ymin, xmax, ymax)`` after checks, or the points' bounding box."""
    if extent is None:
        box = (float(x.min()), float(y.min()), float(x.max()), float(y.max()))
        if box[0] == box[2] or box[1] == box[3]:
            raise MethodInputError(
                "the points' bounding box has no width or no height (all points share one x or "
                "one y coordinate); give an extent (xmin, ymin, xmax, ymax) explicitly"
            )
        return box
    if len(extent) != 4:
        raise MethodInputError("extent must be four numbers: (xmin, ymin, xmax, ymax)")
    xmin, ymin, xmax, ymax = (float(v) for v in extent)
    if not all(math.isfinite(v) for v in (xmin, ymin, xmax, ymax)):
        raise MethodInputError(f"extent must be four finite numbers; got {extent!r}")
    if xmin >= xmax:
        raise MethodInputError(f"extent xmin ({xmin:g}) must be less than xmax ({xmax:g})")
    if ymin >= ymax:
        raise MethodInputError(f"extent ymin ({ymin:g}) must be less than ymax ({ymax:g})")
    return xmin, ymin, xmax, ymax


def cells_along(length: float, cell_size: float) -> int:
    """Cells needed to cover ``length``; a hair of rounding error does not add a cell."""
    return max(1, math.ceil(length / cell_size - 1e-9))


def check_cells(cells: int, max_cells: int, what: str, bytes_per_cell: int) -> None:
    """Refuse a grid with more than ``max_cells`` cells, saying how much memory it would need."""
    if cells > max_cells:
        need_mb = cells * bytes_per_cell / 1e6
        limit_mb = max_cells * bytes_per_cell / 1e6
        raise MethodInputError(
            f"the {what} would have {cells:,} cells (about {need_mb:,.0f} MB of working "
            f"memory); the limit is {max_cells:,} cells ({limit_mb:,.0f} MB). Use a larger "
            "cell size or a smaller extent"
        )


def square_grid(
    extent: Extent,
    cell_size: float,
    max_cells: int = MAX_GRID_CELLS,
    bytes_per_cell: int = 8,
) -> SquareGrid:
    """The grid of ``cell_size`` cells covering ``extent``, refused if it has too many cells.

    ``bytes_per_cell`` is the caller's working memory per cell, used only in the refusal message.
    """
    xmin, ymin, xmax, ymax = extent
    nx = cells_along(xmax - xmin, cell_size)
    ny = cells_along(ymax - ymin, cell_size)
    check_cells(nx * ny, max_cells, "grid", bytes_per_cell)
    return SquareGrid(xmin=xmin, ymin=ymin, cell_size=cell_size, nx=nx, ny=ny)
