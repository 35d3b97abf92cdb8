"""Running sums and products along an axis (`CumOp`: `cumsum`, `cumprod`), `diff` (differences
of neighbours, built from two slices) and `Repeat` (`repeat`: each element copied `repeats`
times along an axis), with numpy's semantics.

Accumulating integers follows numpy: bool and signed integers narrower than int64 accumulate
in int64, unsigned ones in uint64; floats and complex keep their dtype.
"""
import numbers

import numpy as np

from transpile.configdefaults import config
from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.join import concatenate
from transpile.tensor.math import cast, mul, sub, true_div, zeros_like
from transpile.tensor.reduce import sum as _sum
from transpile.tensor.shape import _axis, shape_const, shape_i
from transpile.tensor.shape_ops import flatten, reshape
from transpile.tensor.type import TensorType

__all__ = ["CumOp", "Repeat", "cumprod", "cumsum", "diff", "repeat"]


def accumulate_dtype(dtype):
    """numpy's dtype for cumsum/cumprod of `dtype`."""
    if dtype == "bool" or dtype in ("int8", "int16", "int32"):
        return "int64"
    if dtype in ("uint8", "uint16", "uint32"):
        return "uint64"
    return dtype


def along(ndim, axis, entry):
    """An index tuple applying `entry` on `axis` and taking everything elsewhere."""
    return (slice(None),) * axis + (entry,)


def reverse(x, axis):
    return x[along(x.ndim, axis, slice(None, None, -1))]


class CumOp(Op):
    """Running sum (`mode="add"`) or product (`mode="mul"`) of `x` along `axis` (an int)."""

    __props__ = ("axis", "mode")

    def __init__(self, axis, mode="add"):
        if mode not in ("add", "mul"):
            raise ValueError(f"CumOp: mode must be 'add' or 'mul', got {mode!r}")
        self.axis, self.mode = int(axis), mode

    def make_node(self, x):
        x = as_tensor_variable(x)
        if not 0 <= self.axis < x.ndim:
            raise ValueError(f"{self}: axis {self.axis} is out of range for {x} ({x.type})")
        return Apply(self, [x], [TensorType(accumulate_dtype(x.dtype), x.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        fn = np.cumsum if self.mode == "add" else np.cumprod
        output_storage[0][0] = fn(x, axis=self.axis, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        if D.is_discrete(x.dtype):
            return [zeros_like(x, dtype=config.floatX)]
        if self.mode == "add":
            return [reverse(CumOp(self.axis)(reverse(gz, self.axis)), self.axis)]
        out = CumOp(self.axis, "mul")(x)
        return [true_div(reverse(CumOp(self.axis)(reverse(mul(out, gz), self.axis)), self.axis), x)]

    def __str__(self):
        return f"Cum{self.mode}{{{self.axis}}}"


def _cumulate(x, axis, mode):
    x = as_tensor_variable(x)
    if axis is None:
        return CumOp(0, mode)(flatten(x, 1))
    return CumOp(_axis(axis, x.ndim, f"cum{'sum' if mode == 'add' else 'prod'}"), mode)(x)


def cumsum(x, axis=None):
    """Running sum along `axis` (None: of the flattened tensor), as numpy.cumsum."""
    return _cumulate(x, axis, "add")


def cumprod(x, axis=None):
    """Running product along `axis` (None: of the flattened tensor), as numpy.cumprod."""
    return _cumulate(x, axis, "mul")


def diff(x, n=1, axis=-1):
    """n-th discrete difference along `axis`: out[i] = x[i + 1] - x[i], applied n times."""
    x = as_tensor_variable(x)
    if x.ndim == 0:
        raise ValueError(f"diff: expected at least a 1-d tensor, got {x} ({x.type})")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise ValueError(f"diff: order n must be a non-negative int, got {n!r}")
    axis = _axis(axis, x.ndim, "diff")
    if x.dtype == "bool":
        raise TypeError(f"diff: boolean input {x} is not supported (numpy refuses bool subtraction); cast it first")
    for _ in range(n):
        x = sub(x[along(x.ndim, axis, slice(1, None))], x[along(x.ndim, axis, slice(None, -1))])
    return x


class Repeat(Op):
    """`x` with each element repeated along `axis`: `repeats` is an int scalar (the same count
    for every element) or an int vector with one count per element of that axis."""

    __props__ = ("axis",)

    def __init__(self, axis):
        self.axis = int(axis)

    def make_node(self, x, repeats):
        x, repeats = as_tensor_variable(x), as_tensor_variable(repeats)
        if not D.is_integer(repeats.dtype) or repeats.ndim > 1:
            raise TypeError(f"repeat: repeats must be an int scalar or int vector, got {repeats} ({repeats.type})")
        if not 0 <= self.axis < x.ndim:
            raise ValueError(f"repeat: axis {self.axis} is out of range for {x} ({x.type})")
        if repeats.dtype != "int64":
            repeats = cast(repeats, "int64")
        bcast = tuple(False if d == self.axis else b for d, b in enumerate(x.broadcastable))
        return Apply(self, [x, repeats], [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, repeats = inputs
        if np.any(repeats < 0):
            raise ValueError(f"{self}: repeats must be non-negative, got {repeats}")
        if repeats.ndim == 1 and repeats.shape[0] != x.shape[self.axis]:
            raise ValueError(f"{self}: {repeats.shape[0]} repeat counts for an axis of length {x.shape[self.axis]} "
                             f"(input shape {x.shape})")
        output_storage[0][0] = np.repeat(x, repeats, axis=self.axis)

    def infer_shape(self, node, input_shapes):
        x, repeats = node.inputs
        length = mul(input_shapes[0][self.axis], repeats) if repeats.ndim == 0 else _sum(repeats)
        shape = list(input_shapes[0])
        shape[self.axis] = cast(length, "int64")
        return [tuple(shape)]

    def grad(self, inputs, output_grads):
        (x, repeats), (gz,) = inputs, output_grads
        axis = self.axis
        if D.is_discrete(x.dtype):
            gx = zeros_like(x, dtype=config.floatX)
        elif repeats.ndim == 0:
            # each input element's copies are adjacent: split the axis in (n, repeats), sum the copies
            shape = [shape_i(gz, d) for d in range(gz.ndim)]
            shape[axis:axis + 1] = [shape_i(x, axis), repeats]
            gx = _sum(reshape(gz, shape), axis=axis + 1)
        else:
            # the copies of element i run from starts[i] to ends[i]: differences of a running sum
            zero = zeros_like(gz[along(gz.ndim, axis, slice(0, 1))])
            running = concatenate([zero, CumOp(axis)(gz)], axis=axis)
            ends = CumOp(0)(repeats)
            gx = sub(running[along(gz.ndim, axis, ends)], running[along(gz.ndim, axis, sub(ends, repeats))])
        return [gx, zeros_like(repeats, dtype=config.floatX)]

    def __str__(self):
        return f"Repeat{{axis={self.axis}}}"


def repeat(x, repeats, axis=None):
    """numpy.repeat: `repeats` (an int, int scalar or int vector with one count per element of
    `axis`) copies of each element along `axis` (None: of the flattened tensor)."""
    x = as_tensor_variable(x)
    if isinstance(repeats, numbers.Integral) and not isinstance(repeats, bool):
        if repeats < 0:
            raise ValueError(f"repeat: repeats must be non-negative, got {repeats}")
        repeats = shape_const(int(repeats))
    if axis is None:
        return Repeat(0)(flatten(x, 1), repeats)
    return Repeat(_axis(axis, x.ndim, "repeat"))(x, repeats)
