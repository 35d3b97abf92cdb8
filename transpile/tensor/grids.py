"""`mgrid` and `ogrid` as Theano spelled them (`T.mgrid[0:5, 0:3]`): numpy's nd_grid with
symbolic bounds, built from `arange` and broadcasting. Like Theano's, a tuple of slices gives a
list of tensors, one per slice (numpy stacks them into one array); one slice gives one tensor.
Every tensor has the dtype of all the bounds together, as in numpy. A complex step is numpy's
number of points (`0:1:5j`: five, both ends included), through `linspace`.
"""
import numbers

from transpile.scalar import dtypes as D
from transpile.tensor.alloc import arange
from transpile.tensor.axes import broadcast_arrays
from transpile.tensor.math import cast
from transpile.tensor.spacing import linspace

__all__ = ["mgrid", "ogrid"]


class _Grid:
    """`grid[slices]`: dense (`mgrid`, each tensor the full shape) or open (`ogrid`, each tensor
    long along its own axis and broadcastable along the others)."""

    def __init__(self, name, dense):
        self.name, self.dense = name, dense

    def __getitem__(self, key):
        slices = key if isinstance(key, tuple) else (key,)
        if not slices:
            raise ValueError(f"{self.name}[...]: give at least one slice, such as {self.name}[0:5]")
        ranges = [self._range(s) for s in slices]
        n = len(ranges)
        ranges = [r.dimshuffle(["x"] * j + [0] + ["x"] * (n - 1 - j)) for j, r in enumerate(ranges)]
        if self.dense:
            ranges = list(broadcast_arrays(*ranges))
        dtype = D.upcast(*(r.dtype for r in ranges))
        grids = [cast(r, dtype) for r in ranges]
        return grids[0] if isinstance(key, slice) else grids

    def _range(self, s):
        if not isinstance(s, slice):
            raise TypeError(f"{self.name}[...]: expected slices such as 0:5 or 1:2:0.5, got {s!r}")
        if s.stop is None:
            raise ValueError(f"{self.name}[...]: a slice needs its stop, got {s}")
        start = 0 if s.start is None else s.start
        if isinstance(s.step, numbers.Complex) and not isinstance(s.step, numbers.Real):
            return linspace(start, s.stop, int(abs(s.step)))  # numpy's 0:1:5j: 5 points, both ends included
        return arange(start, s.stop, 1 if s.step is None else s.step)

    def __repr__(self):
        return self.name


mgrid = _Grid("mgrid", dense=True)
ogrid = _Grid("ogrid", dense=False)
