"""Sorting along an axis: `SortOp` (`sort`), `ArgSortOp` (`argsort`), and `topk` / `argtopk`
(built from argsort and slices), with numpy's order: ascending, NaN last, and stable (equal
elements keep their order, whatever `kind` names; every kind numpy accepts is accepted).
"""
import numbers

import numpy as np

from transpile.configdefaults import config
from transpile.graph.basic import Apply, Variable
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import arange
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.math import abs_, cast, gt, switch, zeros_like
from transpile.tensor.shape import _axis, shape_i
from transpile.tensor.shape_ops import flatten
from transpile.tensor.subtensor import inc_subtensor
from transpile.tensor.type import TensorType

__all__ = ["ArgSortOp", "SortOp", "argsort", "argtopk", "sort", "take_along_axis", "topk", "topk_and_argtopk"]

KINDS = ("quicksort", "mergesort", "heapsort", "stable")


def _check_kind(kind):
    if kind not in KINDS:
        raise ValueError(f"sort: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return kind


def _along_key(idx, axis, ndim):
    """The advanced index picking idx[..., j, ...] along `axis` at every other position (the
    positions are aranges broadcast against `idx`)."""
    key = []
    for d in range(ndim):
        if d == axis:
            key.append(idx)
            continue
        positions = arange(shape_i(idx, d))
        key.append(DimShuffle(positions.broadcastable, [0 if e == d else "x" for e in range(ndim)])(positions))
    return tuple(key)


def take_along_axis(x, indices, axis):
    """numpy.take_along_axis: x[..., indices[..., j, ...], ...] along `axis` (`indices` has the
    ndim of `x`; its other lengths must match x's)."""
    x, indices = as_tensor_variable(x), as_tensor_variable(indices)
    if indices.ndim != x.ndim or not D.is_integer(indices.dtype):
        raise TypeError(f"take_along_axis: indices must be an int tensor with the {x.ndim} dims of {x}, "
                        f"got {indices} ({indices.type})")
    axis = _axis(axis, x.ndim, "take_along_axis")
    return x[_along_key(indices, axis, x.ndim)]


class SortOp(Op):
    """`x` sorted along `axis` (an int): ascending, NaN last, stable."""

    __props__ = ("axis", "kind")

    def __init__(self, axis, kind="quicksort"):
        self.axis, self.kind = int(axis), _check_kind(kind)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if not 0 <= self.axis < x.ndim:
            raise ValueError(f"{self}: axis {self.axis} is out of range for {x} ({x.type})")
        return Apply(self, [x], [self.output_type(x)()])

    def output_type(self, x):
        return x.type

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.sort(inputs[0], axis=self.axis, kind="stable")

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        if D.is_discrete(x.dtype):
            return [zeros_like(x, dtype=config.floatX)]
        # sorted[j] = x[order[j]]: each output gradient goes back to the position it came from
        order = ArgSortOp(self.axis, self.kind)(x)
        return [inc_subtensor(zeros_like(x)[_along_key(order, self.axis, x.ndim)], gz)]

    def __str__(self):
        return f"{type(self).__name__}{{axis={self.axis}}}"


class ArgSortOp(SortOp):
    """The int64 positions that sort `x` along `axis` (stable, NaN last)."""

    def output_type(self, x):
        return TensorType("int64", x.broadcastable)

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.argsort(inputs[0], axis=self.axis, kind="stable").astype("int64")

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0], dtype=config.floatX if D.is_discrete(inputs[0].dtype) else None)]


def _sort_args(a, axis, order, what):
    if order is not None:
        raise ValueError(f"{what}: order (sorting structured arrays by field) is not supported")
    a = as_tensor_variable(a)
    if axis is None:
        return flatten(a, 1), 0
    if a.ndim == 0:
        raise ValueError(f"{what}: cannot sort the 0-d tensor {a} along axis {axis}; pass axis=None")
    return a, _axis(axis, a.ndim, what)


def sort(a, axis=-1, kind="quicksort", order=None):
    """`a` sorted along `axis` (None: flattened), ascending with NaN last, as numpy.sort."""
    a, axis = _sort_args(a, axis, order, "sort")
    return SortOp(axis, kind)(a)


def argsort(a, axis=-1, kind="quicksort", order=None):
    """Positions sorting `a` along `axis` (None: flattened), stable, as numpy.argsort."""
    a, axis = _sort_args(a, axis, order, "argsort")
    return ArgSortOp(axis, kind)(a)


def _topk_positions(x, kth, axis, what):
    """Positions of the |kth| largest (kth > 0, largest first) or smallest (kth < 0, smallest
    first) elements along `axis`."""
    x = as_tensor_variable(x)
    if x.ndim == 0:
        raise ValueError(f"{what}: expected at least a 1-d tensor, got {x} ({x.type})")
    axis = _axis(axis, x.ndim, what)
    order = ArgSortOp(axis)(x)
    head = lambda v, n: v[(slice(None),) * axis + (slice(None, n),)]  # noqa: E731
    backwards = order[(slice(None),) * axis + (slice(None, None, -1),)]
    if isinstance(kth, numbers.Integral) and not isinstance(kth, bool):
        if kth == 0:
            raise ValueError(f"{what}: kth must not be 0")
        return x, axis, head(backwards if kth > 0 else order, abs(int(kth)))
    if not isinstance(kth, Variable) or kth.type.ndim != 0 or not D.is_integer(kth.type.dtype):
        raise TypeError(f"{what}: kth must be an int or an int scalar, got {kth!r}")
    return x, axis, head(switch(gt(kth, 0), backwards, order), abs_(kth))


def topk(x, kth, axis=-1, sorted=True, idx_dtype="int64"):  # noqa: A002
    """The kth largest values along `axis` (largest first), or for a negative kth the |kth|
    smallest (smallest first). The result is always in that order, whatever `sorted` says; ties
    keep numpy's stable order reversed for the largest. A |kth| longer than the axis gives the
    whole axis (no error is raised)."""
    x, axis, positions = _topk_positions(x, kth, axis, "topk")
    return take_along_axis(x, positions, axis)


def argtopk(x, kth, axis=-1, sorted=True, idx_dtype="int64"):  # noqa: A002
    """Positions (of `idx_dtype`) of the values `topk` returns."""
    x, axis, positions = _topk_positions(x, kth, axis, "argtopk")
    return cast(positions, D.check_dtype(idx_dtype))


def topk_and_argtopk(x, kth, axis=-1, sorted=True, idx_dtype="int64"):  # noqa: A002
    """[topk(...), argtopk(...)] sharing one argsort."""
    x, axis, positions = _topk_positions(x, kth, axis, "topk_and_argtopk")
    return [take_along_axis(x, positions, axis), cast(positions, D.check_dtype(idx_dtype))]
