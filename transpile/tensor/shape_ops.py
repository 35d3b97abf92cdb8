"""Changing the shape of a tensor without changing its elements: `reshape` and `flatten` (the
`Reshape` op), `transpose`, `swapaxes`, padding and `squeeze` (DimShuffles), `specify_shape`,
broadcast-pattern changes, and `tile`.

A reshape's target is an int64 vector (a constant, a `MakeVector` of scalars, or any symbolic
vector whose length is known). A target entry that is the constant 1 makes that output dim
broadcastable; one entry may be -1 (inferred from the size).
"""
import numbers

import numpy as np

from transpile.graph.basic import Apply, Variable
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.join import MakeVector
from transpile.tensor.shape import (
    AddBroadcast,
    Shape_i,
    _axis,
    addbroadcast,
    as_int_scalar,
    get_vector_length,
    patternbroadcast,
    shape_const,
    shape_entries,
    shape_i,
    specify_broadcastable,
    static_int,
    unbroadcast,
)
from transpile.tensor.type import TensorType

__all__ = ["AddBroadcast", "Reshape", "SpecifyShape", "addbroadcast", "flatten", "get_vector_length", "is_flat",
           "patternbroadcast", "reshape", "shape_padaxis", "shape_padleft", "shape_padright",
           "specify_broadcastable", "specify_shape", "squeeze", "swapaxes", "tile", "transpose", "unbroadcast"]


def _static_entries(shp, ndim):
    """Python ints (or None where unknown) for the entries of the int vector `shp`."""
    try:
        return [static_int(e) for e in shape_entries(shp)]
    except (TypeError, ValueError):
        return [None] * ndim


class Reshape(Op):
    """Reshape(ndim)(x, shp): `x` with shape `shp` (an int vector of length ndim, one entry may
    be -1). The element count must not change."""

    __props__ = ("ndim",)
    view_map = {0: [0]}

    def __init__(self, ndim):
        self.ndim = int(ndim)

    def make_node(self, x, shp):
        x = as_tensor_variable(x)
        shp = as_tensor_variable(shp)
        if shp.ndim != 1 or not D.is_integer(shp.dtype):
            raise TypeError(f"{self}: the shape must be an integer vector, got {shp} ({shp.type})")
        length = get_vector_length(shp)
        if length is not None and length != self.ndim:
            raise ValueError(f"{self}: the shape {shp} has {length} entries, expected {self.ndim}")
        static = _static_entries(shp, self.ndim)
        _check_static_target(static)
        bcast = tuple(s == 1 for s in static)
        return Apply(self, [x, shp], [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, shp = inputs
        target = tuple(int(s) for s in shp)
        if len(target) != self.ndim:
            raise ValueError(f"{self}: the shape {target} has {len(target)} entries, expected {self.ndim}")
        known = int(np.prod([s for s in target if s != -1], dtype=np.int64))
        bad = (target.count(-1) > 1 or any(s < -1 for s in target)
               or (known != x.size if -1 not in target else known == 0 or x.size % known))
        if bad:
            raise ValueError(f"Reshape: cannot reshape an array of shape {x.shape} (size {x.size}) "
                             f"into shape {target}")
        output_storage[0][0] = np.reshape(x, target)

    def infer_shape(self, node, input_shapes):
        import transpile.tensor as T
        entries = shape_entries(node.inputs[1], ndim=self.ndim)
        static = [static_int(e) for e in entries]
        maybe_neg = [s == -1 or (s is None and not _is_length(e)) for s, e in zip(static, entries)]
        if not any(maybe_neg):
            return [tuple(entries)]
        size = T.mul(*input_shapes[0]) if input_shapes[0] else shape_const(1)
        # with exactly one -1 entry, -prod(entries) is the product of the others
        missing = T.floor_div(size, T.maximum(-T.mul(*entries), shape_const(1)))
        out = []
        for e, s, neg in zip(entries, static, maybe_neg):
            if s == -1:
                out.append(missing)
            elif neg:
                out.append(T.switch(T.eq(e, -1), missing, e))
            else:
                out.append(e)
        return [tuple(out)]

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        x, shp = inputs
        (gz,) = output_grads
        g = reshape(gz, [shape_i(x, d) for d in range(x.ndim)])
        g = patternbroadcast(g, x.broadcastable)
        if g.dtype != x.dtype and not D.is_discrete(x.dtype):
            g = T.cast(g, x.dtype)
        return [g, T.zeros_like(shp, dtype=D.config.floatX)]


def _is_length(var):
    """True when `var` is known non-negative (a Shape_i)."""
    return var.owner is not None and isinstance(var.owner.op, Shape_i)


def _check_static_target(static):
    if static.count(-1) > 1:
        raise ValueError(f"reshape: at most one entry of the shape may be -1, got {_fmt(static)}")
    for s in static:
        if s is not None and s < -1:
            raise ValueError(f"reshape: shape entries must be >= 0 (or -1), got {_fmt(static)}")


def _fmt(static):
    return "(" + ", ".join("?" if s is None else str(s) for s in static) + ")"


def reshape(x, shape, ndim=None):
    """`x` with the given shape: a tuple/list of ints and int scalars, or an int vector (give
    `ndim` when its length cannot be read from the graph)."""
    x = as_tensor_variable(x)
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    if isinstance(shape, np.ndarray):
        shape = tuple(shape.tolist()) if shape.ndim == 1 else shape
    if isinstance(shape, (list, tuple)):
        if ndim is not None and ndim != len(shape):
            raise ValueError(f"reshape: ndim={ndim} but the shape {shape} has {len(shape)} entries")
        if all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in shape):
            _check_static_target([int(s) for s in shape])
            from transpile.tensor.basic import constant
            shp = constant(np.asarray(shape, dtype="int64").reshape(len(shape)))
        else:
            entries = [as_int_scalar(s, f"reshape: shape entry {i}") for i, s in enumerate(shape)]
            shp = MakeVector("int64")(*entries)
        return Reshape(len(shape))(x, shp)
    shp = as_tensor_variable(shape)
    if shp.ndim == 0:
        return reshape(x, (shp,))
    if shp.ndim != 1 or not D.is_integer(shp.dtype):
        raise TypeError(f"reshape: the shape must be an integer vector, got {shp} ({shp.type})")
    if ndim is None:
        ndim = get_vector_length(shp)
        if ndim is None:
            raise ValueError(f"reshape: the length of the shape {shp} is not known while building the "
                             "graph; pass ndim")
    if shp.dtype != "int64":
        from transpile.tensor.math import cast
        shp = cast(shp, "int64")
    return Reshape(ndim)(x, shp)


def flatten(x, ndim=1, outdim=None):
    """Keep the first `ndim - 1` dims of `x` and collapse the rest into one (`outdim` is the
    older Theano name of `ndim`)."""
    x = as_tensor_variable(x)
    ndim = ndim if outdim is None else outdim
    if isinstance(ndim, bool) or not isinstance(ndim, numbers.Integral) or not 1 <= ndim <= max(x.ndim, 1):
        raise ValueError(f"flatten: ndim must be between 1 and {max(x.ndim, 1)} for {x.type}, got {ndim!r}")
    import transpile.tensor as T
    kept = [shape_i(x, d) for d in range(ndim - 1)]
    rest = [shape_i(x, d) for d in range(ndim - 1, x.ndim)]
    static = [static_int(s) for s in rest]
    if all(s is not None for s in static):
        last = shape_const(int(np.prod(static, dtype=np.int64)))
    else:
        last = T.mul(*rest) if len(rest) > 1 else rest[0]
    return reshape(x, kept + [last])


def transpose(x, axes=None):
    """Permute the dims of `x` (`axes` None: reverse them). Same as `x.T`."""
    x = as_tensor_variable(x)
    if axes is None:
        axes = list(range(x.ndim))[::-1]
    axes = [_axis(a, x.ndim, "transpose") for a in axes]
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(f"transpose: axes {tuple(axes)} are not a permutation of the {x.ndim} dims of {x}")
    return DimShuffle(x.broadcastable, axes)(x)


def swapaxes(x, axis1, axis2):
    """`x` with dims `axis1` and `axis2` exchanged."""
    x = as_tensor_variable(x)
    a, b = _axis(axis1, x.ndim, "swapaxes"), _axis(axis2, x.ndim, "swapaxes")
    order = list(range(x.ndim))
    order[a], order[b] = order[b], order[a]
    return DimShuffle(x.broadcastable, order)(x)


def shape_padleft(x, n_ones=1):
    """`x` with `n_ones` broadcastable dims added on the left."""
    x = as_tensor_variable(x)
    return DimShuffle(x.broadcastable, ["x"] * n_ones + list(range(x.ndim)))(x)


def shape_padright(x, n_ones=1):
    """`x` with `n_ones` broadcastable dims added on the right."""
    x = as_tensor_variable(x)
    return DimShuffle(x.broadcastable, list(range(x.ndim)) + ["x"] * n_ones)(x)


def shape_padaxis(x, axis):
    """`x` with a broadcastable dim inserted at position `axis` (of the result)."""
    x = as_tensor_variable(x)
    order = list(range(x.ndim))
    order.insert(_axis(axis, x.ndim + 1, "shape_padaxis"), "x")
    return DimShuffle(x.broadcastable, order)(x)


def squeeze(x, axis=None):
    """Drop broadcastable dims: all of them, or those in `axis` (which must be broadcastable)."""
    x = as_tensor_variable(x)
    if axis is None:
        drop = [d for d, b in enumerate(x.broadcastable) if b]
    else:
        axes = [axis] if isinstance(axis, numbers.Integral) else list(axis)
        drop = [_axis(a, x.ndim, "squeeze") for a in axes]
        for d in drop:
            if not x.broadcastable[d]:
                raise ValueError(f"squeeze: dimension {d} of {x} ({x.type}) is not broadcastable; "
                                 "only broadcastable dims can be squeezed (use addbroadcast first)")
    if not drop:
        return x
    return DimShuffle(x.broadcastable, [d for d in range(x.ndim) if d not in drop])(x)


class SpecifyShape(Op):
    """Identity asserting at run time that `x` has the given shape (scalars, one per dim)."""

    view_map = {0: [0]}

    def make_node(self, x, *shape):
        x = as_tensor_variable(x)
        if len(shape) != x.ndim:
            raise ValueError(f"specify_shape: {x} has {x.ndim} dims, got a shape of {len(shape)} entries")
        shape = [as_int_scalar(s, "specify_shape: shape entry") for s in shape]
        bcast = tuple(b or static_int(s) == 1 for b, s in zip(x.broadcastable, shape))
        return Apply(self, [x] + shape, [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, shape = inputs[0], tuple(int(s) for s in inputs[1:])
        if x.shape != shape:
            raise ValueError(f"specify_shape: expected shape {shape}, got an input of shape {x.shape}")
        output_storage[0][0] = x

    def infer_shape(self, node, input_shapes):
        return [tuple(node.inputs[1:])]

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        x = inputs[0]
        g = patternbroadcast(output_grads[0], x.broadcastable)
        return [g] + [T.zeros_like(s, dtype=D.config.floatX) for s in inputs[1:]]


def specify_shape(x, shape):
    """`x`, checked at run time to have `shape` (which shape inference then uses)."""
    x = as_tensor_variable(x)
    return SpecifyShape()(x, *shape_entries(shape, "specify_shape: shape"))


def tile(x, reps, ndim=None):
    """`x` repeated `reps[i]` times along dim i (numpy's tile); `reps` ints or int scalars.

    Built from alloc and reshape: x's dims are interleaved with new broadcastable ones, which an
    Alloc expands to the repetition counts, and a reshape merges each pair."""
    from transpile.tensor.alloc import alloc
    import transpile.tensor as T
    x = as_tensor_variable(x)
    if isinstance(reps, Variable) or not isinstance(reps, (list, tuple)):
        reps = shape_entries(reps, "tile: reps")
    reps = [as_int_scalar(r, "tile: reps entry") for r in reps]
    n = max(len(reps), x.ndim) if ndim is None else ndim
    if n < max(len(reps), x.ndim):
        raise ValueError(f"tile: ndim={ndim} is less than the number of reps or the dims of {x}")
    reps = [shape_const(1)] * (n - len(reps)) + reps
    x = shape_padleft(x, n - x.ndim) if x.ndim < n else x
    order = []
    for d in range(n):
        order += ["x", d]
    spread = DimShuffle(x.broadcastable, order)(x)
    full_shape = []
    for d in range(n):
        full_shape += [reps[d], shape_i(x, d)]
    expanded = alloc(spread, *full_shape)
    merged = []
    for d in range(n):
        r, s = static_int(reps[d]), static_int(shape_i(x, d))
        merged.append(shape_const(r * s) if r is not None and s is not None else T.mul(reps[d], shape_i(x, d)))
    return reshape(expanded, merged)


def is_flat(var, ndim=None, outdim=None):
    """True when `var` has `ndim` dims (1 by default; Theano's check after `flatten`, `outdim`
    its older name)."""
    if ndim is not None and outdim is not None:
        raise ValueError("is_flat: give ndim only (outdim is its older name)")
    ndim = ndim if ndim is not None else (outdim if outdim is not None else 1)
    return as_tensor_variable(var).ndim == ndim
