"""Making new tensors of a symbolic shape: `Alloc` (a value broadcast to a shape) and its
friends `zeros`, `ones`, `full`, and the generators `Eye` (`eye`, `identity_like`) and `ARange`
(`arange`).

An output dim is broadcastable where its requested length is the constant 1. These ops are
folded at compile time only when the result is small (see graph/rewriting/merge.py).
"""
import numbers

import numpy as np

from transpile.graph.basic import Apply, Variable
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_like, as_tensor_variable, constant
from transpile.tensor.shape import (
    as_int_scalar,
    patternbroadcast,
    shape_const,
    shape_entries,
    shape_i,
    static_int,
)
from transpile.tensor.type import TensorType

__all__ = ["ARange", "Alloc", "Eye", "alloc", "arange", "empty", "empty_like", "eye", "full", "full_like",
           "identity_like", "ones", "zeros"]


def _int_zeros(variables):
    import transpile.tensor as T
    return [T.zeros_like(v, dtype=D.config.floatX) for v in variables]


class Alloc(Op):
    """Alloc()(value, *shape): `value` broadcast to `shape` (its dims align on the right). A dim of
    `value` not marked broadcastable is never broadcast: its length must match exactly."""

    def make_node(self, value, *shape):
        value = as_tensor_variable(value)
        shape = [as_int_scalar(s, "alloc: shape entry") for s in shape]
        if value.ndim > len(shape):
            raise TypeError(f"alloc: the value {value} ({value.type}) has more dims than the shape "
                            f"({len(shape)} entries)")
        bcast = tuple(static_int(s) == 1 for s in shape)
        return Apply(self, [value] + shape, [TensorType(value.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        value, shape = inputs[0], tuple(int(s) for s in inputs[1:])
        if any(s < 0 for s in shape):
            raise ValueError(f"alloc: negative length in shape {shape}")
        lead = len(shape) - value.ndim
        for d, (n, b) in enumerate(zip(value.shape, node.inputs[0].broadcastable)):
            if n != shape[lead + d] and not (b and n == 1):
                raise ValueError(f"alloc: cannot broadcast a value of shape {value.shape} to shape {shape} "
                                 f"(value dim {d} is not broadcastable)")
        out = np.empty(shape, dtype=node.outputs[0].dtype)
        out[...] = value
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [tuple(node.inputs[1:])]

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        from transpile.tensor.reduce import _expand
        value, shape = inputs[0], inputs[1:]
        if D.is_discrete(value.dtype):
            return _int_zeros(inputs)
        (gz,) = output_grads
        out_bcast = gz.broadcastable
        lead = len(shape) - value.ndim
        inner = [d for d in range(value.ndim) if value.broadcastable[d] and not out_bcast[lead + d]]
        axes = list(range(lead)) + [lead + d for d in inner]
        g = T.sum(gz, axis=axes) if axes else gz
        if inner:
            g = _expand(g, value, inner)
        g = patternbroadcast(g, value.broadcastable)
        if g.dtype != value.dtype:
            g = T.cast(g, value.dtype)
        return [g] + _int_zeros(shape)

    def __str__(self):
        return "Alloc"


_alloc = Alloc()


def alloc(value, *shape):
    """`value` broadcast to `shape`: `alloc(v, n, m)`, or `alloc(v, shape)` with a tuple or an int
    vector (such as `x.shape`)."""
    if len(shape) == 1 and not isinstance(shape[0], numbers.Integral) and (
            isinstance(shape[0], (list, tuple)) or getattr(getattr(shape[0], "type", None), "ndim", 0) == 1):
        shape = shape_entries(shape[0], "alloc: shape")
    return _alloc(value, *shape)


def _shape_arg(shape):
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        return [shape]
    return shape_entries(shape)


def full(shape, fill_value, dtype=None):
    """A tensor of `shape` filled with `fill_value` (dtype: `dtype`, else the value's)."""
    if dtype is None:
        value = as_tensor_variable(fill_value)
    elif isinstance(fill_value, Variable):
        from transpile.tensor.math import cast
        value = cast(fill_value, dtype)
    else:
        value = constant(fill_value, dtype=D.check_dtype(dtype))
    return _alloc(value, *_shape_arg(shape))


def zeros(shape, dtype=None):
    """Zeros of `shape` (an int, a tuple of ints/int scalars, or an int vector), floatX by default."""
    return _alloc(constant(0, dtype=D.check_dtype(dtype or D.config.floatX)), *_shape_arg(shape))


def ones(shape, dtype=None):
    """Ones of `shape` (an int, a tuple of ints/int scalars, or an int vector), floatX by default."""
    return _alloc(constant(1, dtype=D.check_dtype(dtype or D.config.floatX)), *_shape_arg(shape))


class Eye(Op):
    """Eye(dtype)(n, m, k): an n x m matrix with ones on diagonal k."""

    __props__ = ("dtype",)

    def __init__(self, dtype=None):
        self.dtype = D.check_dtype(dtype or D.config.floatX)

    def make_node(self, n, m, k):
        n, m, k = (as_int_scalar(v, f"eye: {w}") for v, w in zip((n, m, k), "nmk"))
        bcast = (static_int(n) == 1, static_int(m) == 1)
        return Apply(self, [n, m, k], [TensorType(self.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        n, m, k = (int(v) for v in inputs)
        if n < 0 or m < 0:
            raise ValueError(f"eye: negative dimensions ({n}, {m})")
        output_storage[0][0] = np.eye(n, m, k, dtype=self.dtype)

    def infer_shape(self, node, input_shapes):
        return [tuple(node.inputs[:2])]

    def grad(self, inputs, output_grads):
        return _int_zeros(inputs)

    def __str__(self):
        return f"Eye{{{self.dtype}}}"


def full_like(x, fill_value, dtype=None):
    """A tensor of the shape of `x` filled with `fill_value` (dtype: `dtype`, else that of `x`)."""
    x = as_tensor_variable(x)
    return full([shape_i(x, d) for d in range(x.ndim)], fill_value, dtype or x.dtype)


def empty(shape, dtype=None):
    """numpy.empty: a tensor of `shape` whose values the caller must not rely on. Here it holds
    zeros (a symbolic graph has no uninitialised memory to hand out)."""
    return zeros(shape, dtype)


def empty_like(x, dtype=None):
    """numpy.empty_like: zeros of the shape (and dtype, unless given) of `x`, like `empty`."""
    return full_like(x, 0, dtype)


def eye(n, m=None, k=0, dtype=None):
    """An n x m (default n x n) matrix of `dtype` (default floatX) with ones on diagonal `k`."""
    return Eye(dtype)(n, n if m is None else m, k)


def identity_like(x, dtype=None):
    """An identity matrix of the shape of the matrix `x` (and its dtype unless given)."""
    x = as_tensor_variable(x)
    if x.ndim != 2:
        raise TypeError(f"identity_like: expected a matrix, got {x} ({x.type})")
    return Eye(dtype or x.dtype)(shape_i(x, 0), shape_i(x, 1), 0)


class ARange(Op):
    """ARange(dtype)(start, stop, step): numpy's arange of 0-d inputs."""

    __props__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = D.check_dtype(dtype)

    def make_node(self, start, stop, step):
        inputs = [as_tensor_variable(v) for v in (start, stop, step)]
        for name, v in zip(("start", "stop", "step"), inputs):
            if v.ndim != 0:
                raise TypeError(f"arange: {name} must be a scalar, got {v} ({v.type})")
        return Apply(self, inputs, [TensorType(self.dtype, (False,))()])

    def perform(self, node, inputs, output_storage):
        start, stop, step = (np.asarray(v).item() for v in inputs)
        if step == 0:
            raise ValueError("arange: step must not be 0")
        output_storage[0][0] = np.arange(start, stop, step, dtype=self.dtype)

    def infer_shape(self, node, input_shapes):
        import transpile.tensor as T
        start, stop, step = node.inputs
        if all(hasattr(v, "data") for v in node.inputs):
            values = [np.asarray(v.data).item() for v in node.inputs]
            return [(shape_const(len(np.arange(*values))),)]
        if all(D.is_discrete(v.dtype) for v in node.inputs):
            a, b, s = (T.cast(v, "int64") for v in node.inputs)
            length = -T.floor_div(a - b, s)  # ceil((b - a) / s) in integers
        else:
            length = T.cast(T.ceil(T.true_div(stop - start, step)), "int64")
        return [(T.maximum(length, shape_const(0)),)]

    def grad(self, inputs, output_grads):
        """out[i] = start + i * step: d/dstart = sum(gz), d/dstep = sum(gz * i), d/dstop = 0."""
        import transpile.tensor as T
        start, stop, step = inputs
        (gz,) = output_grads
        if D.is_discrete(self.dtype):
            return _int_zeros(inputs)
        index = ARange(gz.dtype)(constant(0), shape_i(gz, 0), constant(1))
        grads = [T.sum(gz), T.zeros_like(stop), T.sum(gz * index)]
        return [T.zeros_like(v, dtype=D.config.floatX) if D.is_discrete(v.dtype)
                else T.cast(g, v.dtype) for g, v in zip(grads, inputs)]

    def __str__(self):
        return f"ARange{{{self.dtype}}}"


def arange(start, stop=None, step=1, dtype=None):
    """numpy's arange with symbolic bounds. Default dtype: int64 for integer bounds, else the
    upcast of the bounds, where Python numbers adopt the variables' kind (floatX when alone)."""
    if stop is None:
        start, stop = 0, start
    start, stop, step = as_tensor_like([start, stop, step])  # Python numbers are weak
    if dtype is None:
        dtype = D.upcast(start.dtype, stop.dtype, step.dtype)
        if D.is_discrete(dtype):
            dtype = "int64"
    return ARange(D.check_dtype(dtype))(start, stop, step)
