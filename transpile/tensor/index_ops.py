"""Index arithmetic: `take` and `roll` (built from indexing and joins) and the ops
`UnravelIndex` / `RavelMultiIndex` (flat positions to coordinates and back, numpy's
`unravel_index` / `ravel_multi_index`, with its bounds errors), and `inverse_permutation`.
"""
import numbers

import numpy as np

from transpile.configdefaults import config
from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.join import concatenate
from transpile.tensor.math import add, cast, clip, maximum, mod, sub, zeros_like
from transpile.tensor.shape import _axis, shape_entries, shape_i
from transpile.tensor.shape_ops import flatten, reshape
from transpile.tensor.sort import argsort
from transpile.tensor.type import TensorType

__all__ = ["RavelMultiIndex", "UnravelIndex", "inverse_permutation", "ravel_multi_index", "roll", "take",
           "unravel_index"]


def take(a, indices, axis=None, mode="raise"):
    """numpy.take: elements of `a` (flattened when axis is None) at `indices` along `axis`.
    mode "raise": out-of-range indices are an error; "wrap": taken modulo the length; "clip":
    clipped to [0, length - 1]."""
    a = as_tensor_variable(a)
    if axis is None:
        a, axis = flatten(a, 1), 0
    axis = _axis(axis, a.ndim, "take")
    if isinstance(indices, (list, tuple)):
        indices = np.asarray(indices, dtype="int64")
    indices = as_tensor_variable(indices)
    if not D.is_integer(indices.dtype):
        raise TypeError(f"take: indices must be integers, got {indices} ({indices.type})")
    length = shape_i(a, axis)
    if mode == "wrap":
        indices = mod(cast(indices, "int64"), length)
    elif mode == "clip":
        indices = clip(cast(indices, "int64"), 0, sub(length, 1))
    elif mode != "raise":
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    return a[(slice(None),) * axis + (indices,)]


def roll(x, shift, axis=None):
    """numpy.roll: elements shifted by `shift` along `axis` (None: of the flattened tensor,
    reshaped back); those leaving one end come back at the other. `shift` and `axis` may be
    sequences of the same length."""
    x = as_tensor_variable(x)
    if axis is None:
        return reshape(roll(flatten(x, 1), shift, 0), [shape_i(x, d) for d in range(x.ndim)])
    if isinstance(axis, (list, tuple)):
        shifts = shift if isinstance(shift, (list, tuple)) else [shift] * len(axis)
        if len(shifts) != len(axis):
            raise ValueError(f"roll: {len(shifts)} shifts for {len(axis)} axes")
        for s, a in zip(shifts, axis):
            x = roll(x, s, a)
        return x
    axis = _axis(axis, x.ndim, "roll")
    n = shape_i(x, axis)
    if not isinstance(shift, numbers.Integral):
        shift = as_tensor_variable(shift)
        if shift.ndim != 0 or not D.is_integer(shift.dtype):
            raise TypeError(f"roll: shift must be an int or an int scalar, got {shift} ({shift.type})")
    # the result starts at element (n - shift) mod n (an empty axis stays empty)
    start = mod(sub(n, shift), maximum(n, 1))
    at = lambda s: x[(slice(None),) * axis + (s,)]  # noqa: E731
    return concatenate([at(slice(start, None)), at(slice(None, start))], axis=axis)


class UnravelIndex(Op):
    """Coordinates (one int64 tensor per entry of `dims`) of the flat positions `indices` in an
    array of shape `dims`, in C or Fortran `order`."""

    __props__ = ("order",)

    def __init__(self, order="C"):
        if order not in ("C", "F"):
            raise ValueError(f"unravel_index: order must be 'C' or 'F', got {order!r}")
        self.order = order

    def make_node(self, indices, *dims):
        indices = as_tensor_variable(indices)
        if not D.is_integer(indices.dtype):
            raise TypeError(f"unravel_index: indices must be integers, got {indices} ({indices.type})")
        if not dims:
            raise ValueError("unravel_index: dims must not be empty")
        return Apply(self, [indices, *dims], [TensorType("int64", indices.broadcastable)() for _ in dims])

    def perform(self, node, inputs, output_storage):
        indices, dims = inputs[0], tuple(int(d) for d in inputs[1:])
        coords = np.unravel_index(indices, dims, order=self.order)
        for storage, c in zip(output_storage, coords):
            storage[0] = np.asarray(c, dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]] * len(node.outputs)

    def grad(self, inputs, output_grads):
        return [zeros_like(i, dtype=config.floatX) for i in inputs]


def unravel_index(indices, dims, order="C"):
    """numpy.unravel_index: a tuple of int64 tensors, one per entry of `dims` (a tuple of ints
    and int scalars, or an int vector of known length)."""
    dims = shape_entries(dims, "unravel_index: dims")
    outs = UnravelIndex(order)(indices, *dims)
    return tuple(outs) if isinstance(outs, list) else (outs,)


class RavelMultiIndex(Op):
    """Flat positions (int64) of the coordinates `indices` (one int tensor per dim, all of one
    shape) in an array of shape `dims`. mode "raise", "wrap" or "clip" says what out-of-range
    coordinates do (numpy's ravel_multi_index)."""

    __props__ = ("mode", "order")

    def __init__(self, mode="raise", order="C"):
        if mode not in ("raise", "wrap", "clip"):
            raise ValueError(f"ravel_multi_index: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
        if order not in ("C", "F"):
            raise ValueError(f"ravel_multi_index: order must be 'C' or 'F', got {order!r}")
        self.mode, self.order = mode, order

    def make_node(self, *inputs):
        n = len(inputs) // 2
        indices, dims = [as_tensor_variable(i) for i in inputs[:n]], list(inputs[n:])
        if not n or len(dims) != n:
            raise ValueError("ravel_multi_index: give one index tensor per entry of dims")
        for i in indices:
            if not D.is_integer(i.dtype) or i.type.broadcastable != indices[0].broadcastable:
                raise TypeError(f"ravel_multi_index: index tensors must be ints of one shape, got {i} ({i.type})")
        return Apply(self, indices + dims, [TensorType("int64", indices[0].broadcastable)()])

    def perform(self, node, inputs, output_storage):
        n = len(inputs) // 2
        shapes = {np.shape(i) for i in inputs[:n]}
        if len(shapes) != 1:
            raise ValueError(f"{self}: index tensors of different shapes {sorted(shapes)}")
        dims = tuple(int(d) for d in inputs[n:])
        out = np.ravel_multi_index(tuple(inputs[:n]), dims, mode=self.mode, order=self.order)
        output_storage[0][0] = np.asarray(out, dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        return [zeros_like(i, dtype=config.floatX) for i in inputs]

    def __str__(self):
        return f"RavelMultiIndex{{{self.mode}, {self.order}}}"


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """numpy.ravel_multi_index: `multi_index` is a sequence of int tensors (broadcast together),
    one per entry of `dims`."""
    indices = [as_tensor_variable(i) for i in multi_index]
    if indices:
        common = add(*[zeros_like(i, dtype="int64") for i in indices]) if len(indices) > 1 else None
        indices = [add(cast(i, "int64"), common) if common is not None else i for i in indices]
    return RavelMultiIndex(mode, order)(*indices, *shape_entries(dims, "ravel_multi_index: dims"))


def inverse_permutation(perm):
    """The inverse of the permutation `perm` of 0..n-1 (of each along the last axis of a batch):
    out[perm[i]] == i. It is where each index stands, argsort of `perm`, in its dtype."""
    perm = as_tensor_variable(perm)
    if not D.is_integer(perm.dtype) or perm.ndim == 0:
        raise TypeError(f"inverse_permutation: perm must be an integer vector (or batch of them), got {perm} "
                        f"({perm.type})")
    return cast(argsort(perm, axis=-1), perm.dtype)
