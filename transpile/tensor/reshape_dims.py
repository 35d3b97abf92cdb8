"""PyTensor's reshapes by axis: `join_dims` merges consecutive dims, `split_dims` splits one,
and `pack`/`unpack` ravel several tensors into one (keeping leading and/or trailing axes) and
back, as a sampler or optimizer wants its parameters in one vector. All are `Reshape`s and
`Join`/`Split`s, so they run natively and have gradients.
"""
import numbers

import numpy as np

from transpile.graph.basic import Constant
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.join import concatenate, split, stack
from transpile.tensor.reduce import prod
from transpile.tensor.scalar_constant import NotScalarConstantError, get_scalar_constant_value
from transpile.tensor.shape_ops import reshape

__all__ = ["join_dims", "split_dims", "pack", "unpack"]


def _lengths(x, start, stop):
    return [x.shape[d] for d in range(start, stop)]


def join_dims(x, start_axis=0, n_axes=None):
    """Merge the `n_axes` dims from `start_axis` into one (all the rest when None; 0 inserts a
    length-1 dim)."""
    x = as_tensor_variable(x)
    if start_axis < 0:
        start_axis += max(1, x.ndim)
    if not 0 <= start_axis <= x.ndim:
        raise IndexError(f"join_dims: axis {start_axis} is out of bounds for {x.ndim} dims")
    n_axes = x.ndim - start_axis if n_axes is None else int(n_axes)
    if n_axes < 0 or start_axis + n_axes > x.ndim:
        raise ValueError(f"join_dims: cannot join {n_axes} dims from axis {start_axis} of {x} ({x.ndim} dims)")
    stop = start_axis + n_axes
    joined = prod(x.shape[start_axis:stop]) if n_axes else 1
    shape = _lengths(x, 0, start_axis) + [joined] + _lengths(x, stop, x.ndim)
    return reshape(x, shape, ndim=x.ndim - n_axes + 1)


def split_dims(x, shape, axis=0):
    """Split dim `axis` into the lengths `shape` (an int, a sequence, or a 1-d int tensor; an
    empty one removes a length-1 dim)."""
    x = as_tensor_variable(x)
    if not -x.ndim <= axis < x.ndim:
        raise IndexError(f"split_dims: axis {axis} is out of bounds for {x.ndim} dims")
    axis %= x.ndim
    if isinstance(shape, (numbers.Integral, np.integer)) or (hasattr(shape, "ndim") and shape.ndim == 0):
        shape = [shape]
    if isinstance(shape, (list, tuple)):
        lengths, count = list(shape), len(shape)
    else:
        shape = as_tensor_variable(shape)
        if shape.ndim != 1 or shape.dtype[0] not in "iu":
            raise TypeError(f"split_dims: shape must be ints or a 1-d int tensor, got {shape} ({shape.type})")
        lengths, count = [shape[k] for k in range(_static_length(shape))], _static_length(shape)
    return reshape(x, _lengths(x, 0, axis) + lengths + _lengths(x, axis + 1, x.ndim), ndim=x.ndim - 1 + count)


def _static_length(v):
    """The length of a 1-d tensor that the graph knows (a constant's, a MakeVector's, ...)."""
    if isinstance(v, Constant):
        return len(v.data)
    if v.owner is not None and type(v.owner.op).__name__ == "MakeVector":
        return len(v.owner.inputs)
    try:
        return int(get_scalar_constant_value(v.shape[0]))
    except NotScalarConstantError:
        raise ValueError(f"split_dims: the length of shape {v} must be known when the graph is built") from None


def _shape_vector(x, start, stop):
    """x's lengths start..stop-1 as a 1-d int64 tensor of known length."""
    if start == stop:
        return as_tensor_variable(np.zeros(0, dtype="int64"))
    return stack(_lengths(x, start, stop))


def _keep(keep_axes):
    """(axes kept before, axes kept after, least ndim) of PyTensor's keep_axes: None, or ints
    forming 0, 1, ... then ..., -2, -1 (so the raveled dims are one contiguous run)."""
    if keep_axes is None:
        return 0, 0, 0
    axes = [keep_axes] if isinstance(keep_axes, numbers.Integral) else list(keep_axes)
    if not axes:
        raise ValueError("pack: keep_axes=[] is ambiguous; use None to ravel every axis")
    front = [a for a in axes if a >= 0]
    back = [a for a in axes if a < 0]
    if axes != front + back or front != list(range(len(front))) or back != list(range(-len(back), 0)):
        raise ValueError(f"pack: keep_axes {keep_axes!r} must be 0, 1, ..., k and/or -m, ..., -2, -1 (in this order)")
    return len(front), len(back), len(front) + len(back)


def pack(*tensors, keep_axes=None):
    """(packed, packed_shapes): each tensor with its dims but the kept ones raveled, joined
    along that raveled axis; packed_shapes[i] is tensor i's raveled lengths (for `unpack`)."""
    xs = [as_tensor_variable(t) for t in tensors]
    if not xs:
        raise ValueError("pack: needs at least one tensor")
    before, after, least = _keep(keep_axes)
    raveled, shapes = [], []
    for k, x in enumerate(xs):
        if x.ndim < least:
            raise ValueError(f"pack: tensor {k} ({x}) has {x.ndim} dims, keep_axes={keep_axes!r} needs {least}")
        n = x.ndim - before - after
        shapes.append(_shape_vector(x, before, before + n))
        raveled.append(join_dims(x, before, n))
    return concatenate(raveled, axis=before), shapes


def unpack(packed_input, packed_shapes, keep_axes=None):
    """The tensors `pack` joined: the packed axis split by `packed_shapes` and each piece
    reshaped back."""
    x = as_tensor_variable(packed_input)
    before, _, _ = _keep(keep_axes)
    shapes = [s if hasattr(s, "ndim") else as_tensor_variable(np.asarray(s, dtype="int64")) for s in packed_shapes]
    if len(shapes) == 1:
        pieces = [x]
    else:
        pieces = split(x, stack([prod(s) for s in shapes]), len(shapes), axis=before)
    return [split_dims(p, s, axis=before) for p, s in zip(pieces, shapes)]
