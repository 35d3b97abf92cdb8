"""Theano's `nnet.conv3d2d` helpers: the "diagonal" subtensor of two axes that its 3-d
convolution out of 2-d ones reads, y[..., a (axis i0), ..., b (axis i1), ...] =
x[..., a + n1 - 1 - b, ..., b, ...] with n1 = x.shape[i1] (so y.shape[i0] = n0 - n1 + 1), and
its increment. Here a gather (and its scatter) on the two axes moved last, so both run natively
and are differentiable; `get_diagonal_subtensor_view` is the numpy view Theano built it on.
"""
import numpy as np

from transpile.tensor.alloc import arange
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.subtensor import inc_subtensor

__all__ = ["diagonal_subtensor", "get_diagonal_subtensor_view", "inc_diagonal_subtensor"]


def get_diagonal_subtensor_view(x, i0, i1):
    """The diagonal subtensor of ndarray `x` as a numpy view (no copy; needs n0 >= n1)."""
    i0, i1 = int(i0), int(i1)
    if x.shape[i0] < x.shape[i1]:
        raise NotImplementedError(f"diagonal subtensor: axis {i0} ({x.shape[i0]}) is shorter than axis {i1} "
                                  f"({x.shape[i1]})")
    start = [slice(None)] * x.ndim
    start[i0] = slice(x.shape[i1] - 1, None)
    view = x[tuple(start)]
    strides = list(view.strides)
    if x.shape[i1] != 1:
        strides[i1] -= strides[i0]  # one step along i1 is one step back along i0
    return np.lib.stride_tricks.as_strided(view, view.shape, strides)


def _moved(x, i0, i1):
    """(x with axes i0, i1 moved last, the inverse permutation, the gather key of those two)."""
    x = as_tensor_variable(x)
    i0, i1 = int(i0) % x.ndim, int(i1) % x.ndim
    if i0 == i1:
        raise ValueError(f"diagonal subtensor: the two axes must differ, got {i0} twice")
    rest = [d for d in range(x.ndim) if d not in (i0, i1)]
    order = rest + [i0, i1]
    moved = x.dimshuffle(*order)
    n0, n1 = x.shape[i0], x.shape[i1]
    rows = arange(n0 - n1 + 1).dimshuffle(0, "x") + (n1 - 1) - arange(n1).dimshuffle("x", 0)
    cols = arange(n1).dimshuffle("x", 0)
    back = [order.index(d) for d in range(x.ndim)]
    return moved, back, (Ellipsis, rows, cols)


def diagonal_subtensor(x, i0, i1):
    """The diagonal subtensor of `x` on axes i0, i1 (a copy; see the module docstring)."""
    moved, back, key = _moved(x, i0, i1)
    return moved[key].dimshuffle(*back)


def inc_diagonal_subtensor(x, i0, i1, amt):
    """`x` with `amt` (shaped as diagonal_subtensor(x, i0, i1)) added to that subtensor."""
    moved, back, key = _moved(x, i0, i1)
    amt = as_tensor_variable(amt)
    order = [back.index(d) for d in range(len(back))]  # amt's axes in the moved order
    return inc_subtensor(moved[key], amt.dimshuffle(*order)).dimshuffle(*back)
