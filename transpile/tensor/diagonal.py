"""Triangles and diagonals, built from masks of broadcast aranges and `switch` (so they run
natively and differentiate through existing ops): `tri`, `tril`, `triu`, `fill_diagonal`,
`fill_diagonal_offset`, `diagonal`, `trace`, `to_one_hot`, and the coordinates of triangles
(`tril_indices`, `triu_indices` and their `_from` forms).
"""
import numbers

import numpy as np

from transpile.configdefaults import config
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import arange
from transpile.tensor.basic import as_tensor_variable, constant
from transpile.tensor.counting import nonzero
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.math import add, and_, cast, eq, ge, invert, maximum, minimum, sub, switch
from transpile.tensor.reduce import sum as _sum
from transpile.tensor.shape import _axis, as_int_scalar, shape_i
from transpile.tensor.shape_ops import transpose

__all__ = ["diagonal", "fill_diagonal", "fill_diagonal_offset", "to_one_hot", "trace", "tri", "tril", "tril_indices",
           "tril_indices_from", "triu", "triu_indices", "triu_indices_from"]


def _placed(positions, d, ndim):
    """The vector `positions` as a tensor of `ndim` dims running along dim d."""
    return DimShuffle(positions.broadcastable, [0 if e == d else "x" for e in range(ndim)])(positions)


def _grid(n, m):
    """(rows, cols): int64 aranges shaped (n, 1) and (1, m)."""
    return _placed(arange(n), 0, 2), _placed(arange(m), 1, 2)


def _check_int(k, what):
    if isinstance(k, numbers.Integral) and not isinstance(k, bool):
        return int(k)
    return as_int_scalar(k, what)


def tri(N, M=None, k=0, dtype=None):
    """An N x M (default N x N) matrix with ones at and below diagonal k, zeros above."""
    rows, cols = _grid(N, N if M is None else M)
    return cast(ge(add(rows, _check_int(k, "tri: k")), cols), D.check_dtype(dtype or config.floatX))


def _triangle(m, k, what, keep_lower):
    m = as_tensor_variable(m)
    if m.ndim < 2:
        raise ValueError(f"{what}: expected at least a 2-d tensor, got {m} ({m.type})")
    rows, cols = _grid(shape_i(m, m.ndim - 2), shape_i(m, m.ndim - 1))
    k = _check_int(k, f"{what}: k")
    keep = ge(add(rows, k), cols) if keep_lower else ge(cols, add(rows, k))
    return cast(switch(keep, m, 0), m.dtype)


def tril(m, k=0):
    """`m` with the elements above diagonal k zeroed (on its last two dims)."""
    return _triangle(m, k, "tril", True)


def triu(m, k=0):
    """`m` with the elements below diagonal k zeroed (on its last two dims)."""
    return _triangle(m, k, "triu", False)


def _on_diagonal(a, offset):
    """True where all coordinates are equal (2-d: where col - row == offset)."""
    lengths = [shape_i(a, d) for d in range(a.ndim)]
    first = _placed(arange(lengths[0]), 0, a.ndim)
    if a.ndim == 2:
        return eq(sub(_placed(arange(lengths[1]), 1, 2), first), offset)
    mask = None
    for d in range(1, a.ndim):
        same = eq(_placed(arange(lengths[d]), d, a.ndim), first)
        mask = same if mask is None else and_(mask, same)
    return mask


def _fill(a, val, offset, what):
    a, val = as_tensor_variable(a), as_tensor_variable(val)
    if a.ndim < 2:
        raise ValueError(f"{what}: expected at least a 2-d tensor, got {a} ({a.type})")
    if val.ndim != 0:
        raise TypeError(f"{what}: val must be a scalar, got {val} ({val.type})")
    return cast(switch(_on_diagonal(a, offset), val, a), a.dtype)


def fill_diagonal(a, val):
    """`a` with its main diagonal set to the scalar `val` (numpy.fill_diagonal without wrap;
    an n-d `a` gets val where all coordinates are equal)."""
    return _fill(a, val, 0, "fill_diagonal")


def fill_diagonal_offset(a, val, offset):
    """The matrix `a` with diagonal `offset` (above the main one when positive) set to `val`."""
    a = as_tensor_variable(a)
    if a.ndim != 2:
        raise TypeError(f"fill_diagonal_offset: expected a matrix, got {a} ({a.type})")
    return _fill(a, val, _check_int(offset, "fill_diagonal_offset: offset"), "fill_diagonal_offset")


def diagonal(a, offset=0, axis1=0, axis2=1):
    """numpy.diagonal: the elements a[..., i, i + offset] of dims axis1, axis2, on a new last dim."""
    a = as_tensor_variable(a)
    if a.ndim < 2:
        raise ValueError(f"diagonal: expected at least a 2-d tensor, got {a} ({a.type})")
    if isinstance(offset, bool) or not isinstance(offset, numbers.Integral):
        raise TypeError(f"diagonal: offset must be an int, got {offset!r}")
    a1, a2 = _axis(axis1, a.ndim, "diagonal"), _axis(axis2, a.ndim, "diagonal")
    if a1 == a2:
        raise ValueError(f"diagonal: axis1 and axis2 must differ, got {axis1} and {axis2}")
    moved = transpose(a, [d for d in range(a.ndim) if d not in (a1, a2)] + [a1, a2])
    n, m = shape_i(moved, a.ndim - 2), shape_i(moved, a.ndim - 1)
    if offset >= 0:
        count, row0, col0 = maximum(minimum(n, sub(m, offset)), 0), 0, offset
    else:
        count, row0, col0 = maximum(minimum(add(n, offset), m), 0), -offset, 0
    steps = arange(count)
    rows = add(steps, row0) if row0 else steps
    cols = add(steps, col0) if col0 else steps
    return moved[(slice(None),) * (a.ndim - 2) + (rows, cols)]


def trace(a, offset=0, axis1=0, axis2=1):
    """Sum of `diagonal(a, offset, axis1, axis2)`."""
    return _sum(diagonal(a, offset, axis1, axis2), axis=-1)


def to_one_hot(y, nb_class, dtype=None):
    """The (len(y), nb_class) matrix with a one at [i, y[i]] (of `dtype`, default floatX)."""
    y = as_tensor_variable(y)
    if y.ndim != 1 or not D.is_integer(y.dtype):
        raise TypeError(f"to_one_hot: y must be an int vector, got {y} ({y.type})")
    classes = _placed(arange(_check_int(nb_class, "to_one_hot: nb_class")), 1, 2)
    return cast(eq(_placed(y, 0, 2), classes), D.check_dtype(dtype or config.floatX))


def _static(*values):
    return all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values)


def tril_indices(n, k=0, m=None):
    """(rows, cols): the int64 coordinates of the n x m (default n x n) lower triangle at and
    below diagonal k, in numpy's (row-major) order. Python ints give constants; symbolic sizes
    or k give the nonzero positions of `tri`."""
    if _static(n, k, n if m is None else m):
        return tuple(constant(a.astype("int64")) for a in np.tril_indices(n, k, m))
    return nonzero(tri(n, m, k, dtype="bool"))


def triu_indices(n, k=0, m=None):
    """(rows, cols) of the upper triangle at and above diagonal k (see `tril_indices`)."""
    if _static(n, k, n if m is None else m):
        return tuple(constant(a.astype("int64")) for a in np.triu_indices(n, k, m))
    below = k - 1 if isinstance(k, numbers.Integral) else sub(k, 1)
    return nonzero(invert(tri(n, m, below, dtype="bool")))


def _square_sides(arr, what):
    arr = as_tensor_variable(arr)
    if arr.ndim != 2:
        raise ValueError(f"{what}: arr must be 2-d, got {arr} ({arr.type})")
    return shape_i(arr, 0), shape_i(arr, 1)


def tril_indices_from(arr, k=0):
    """`tril_indices` for the shape of the matrix `arr`."""
    n, m = _square_sides(arr, "tril_indices_from")
    return tril_indices(n, k, m)


def triu_indices_from(arr, k=0):
    """`triu_indices` for the shape of the matrix `arr`."""
    n, m = _square_sides(arr, "triu_indices_from")
    return triu_indices(n, k, m)
