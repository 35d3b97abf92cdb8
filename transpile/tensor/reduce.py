"""Reductions along axes with a commutative-associative scalar op: `Sum`, `Prod`, `Max`, `Min`,
`All`, `Any`. `keepdims` is a DimShuffle after the reduction, so the op itself stays simple."""
import builtins
import operator

import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.type import TensorType


def normalize_axis(axis, ndim, what="axis"):
    """`axis` (None, int or sequence; negatives allowed) as a sorted tuple of distinct dims."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        axis = [axis]
    try:
        axis = [operator.index(a) for a in axis]
    except TypeError:
        raise TypeError(f"{what} must be None, an int or a sequence of ints, got {axis!r}") from None
    out = []
    for a in axis:
        if not -ndim <= a < ndim:
            raise ValueError(f"{what} {a} is out of range for a {ndim}-d tensor")
        a = a % ndim if ndim else 0
        if a in out:
            raise ValueError(f"{what} {a} repeated")
        out.append(a)
    return tuple(sorted(out))


class CAReduce(Op):
    """Reduce `axis` (a tuple) of the input with a binary commutative-associative operation."""

    __props__ = ("axis", "dtype", "acc_dtype")
    name = "CAReduce"
    numpy_reduce = None

    def __init__(self, axis, dtype=None, acc_dtype=None):
        self.axis = tuple(axis)
        self.dtype = dtype
        self.acc_dtype = acc_dtype

    def output_dtype(self, idtype):
        return self.dtype or idtype

    def make_node(self, x):
        x = as_tensor_variable(x)
        for a in self.axis:
            if not 0 <= a < x.ndim:
                raise ValueError(f"{self}: axis {a} out of range for {x.type}")
        bc = tuple(b for d, b in enumerate(x.broadcastable) if d not in self.axis)
        return Apply(self, [x], [TensorType(self.output_dtype(x.dtype), bc)()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        out = self.reduce(x, node.outputs[0].dtype)
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].dtype)

    def reduce(self, x, dtype):
        return self.numpy_reduce(x, axis=self.axis)

    def infer_shape(self, node, input_shapes):
        (shp,) = input_shapes
        return [tuple(s for d, s in enumerate(shp) if d not in self.axis)]

    def __str__(self):
        return self.name if self.axis is None else f"{self.name}{{{','.join(map(str, self.axis))}}}"


def _expand(g, x, axis):
    """`g` (reduced over `axis` of `x`) with those dims re-inserted as broadcastable."""
    from transpile.tensor.elemwise import DimShuffle
    order, k = [], 0
    for d in range(x.ndim):
        if d in axis:
            order.append("x")
        else:
            order.append(k)
            k += 1
    return DimShuffle(g.broadcastable, order)(g)


class Sum(CAReduce):
    name = "Sum"

    def output_dtype(self, idtype):
        if self.dtype:
            return self.dtype
        if idtype == "bool" or D.is_integer(idtype):
            return "uint64" if idtype.startswith("uint") else "int64"
        return idtype

    def reduce(self, x, dtype):
        return np.sum(x, axis=self.axis, dtype=self.acc_dtype or dtype)

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        (x,) = inputs
        if D.is_discrete(x.dtype):
            return [T.zeros_like(x, dtype=D.config.floatX)]
        g = T.second(x, _expand(output_grads[0], x, self.axis))
        return [T.cast(g, x.dtype) if g.dtype != x.dtype else g]


class Prod(CAReduce):
    name = "Prod"

    output_dtype = Sum.output_dtype

    def reduce(self, x, dtype):
        return np.prod(x, axis=self.axis, dtype=self.acc_dtype or dtype)

    def grad(self, inputs, output_grads):
        """d prod / d x_i = prod of the others; computed as prod / x_i where x_i != 0, and by an
        explicit product of the others where x_i is the only zero."""
        import transpile.tensor as T
        (x,) = inputs
        if D.is_discrete(x.dtype):
            return [T.zeros_like(x, dtype=D.config.floatX)]
        gz = _expand(output_grads[0], x, self.axis)
        is_zero = T.eq(x, 0)
        nonzero_x = T.switch(is_zero, 1, x)
        prod_nonzero = _expand(Prod(self.axis)(nonzero_x), x, self.axis)
        n_zeros = _expand(Sum(self.axis)(is_zero), x, self.axis)
        where_nonzero = prod_nonzero / nonzero_x * T.eq(n_zeros, 0)
        where_single_zero = prod_nonzero * T.and_(T.eq(n_zeros, 1), is_zero)
        g = gz * T.cast(where_nonzero + where_single_zero, x.dtype)
        return [T.cast(g, x.dtype) if g.dtype != x.dtype else g]


class Max(CAReduce):
    name = "Max"

    def reduce(self, x, dtype):
        if x.size == 0 and builtins.any(x.shape[a] == 0 for a in self.axis):  # `any` is ours
            raise ValueError(f"{self}: cannot take the max of an empty axis (input shape {x.shape})")
        return np.max(x, axis=self.axis)

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        (x,) = inputs
        if D.is_discrete(x.dtype):
            return [T.zeros_like(x, dtype=D.config.floatX)]
        out = _expand(self(x), x, self.axis)
        return [T.cast(T.eq(x, out), x.dtype) * _expand(output_grads[0], x, self.axis)]


class Min(Max):
    name = "Min"

    def reduce(self, x, dtype):
        if x.size == 0 and builtins.any(x.shape[a] == 0 for a in self.axis):  # `any` is ours
            raise ValueError(f"{self}: cannot take the min of an empty axis (input shape {x.shape})")
        return np.min(x, axis=self.axis)


class All(CAReduce):
    name = "All"

    def output_dtype(self, idtype):
        return "bool"

    def reduce(self, x, dtype):
        return np.all(x, axis=self.axis)

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        return [T.zeros_like(inputs[0], dtype=D.config.floatX)]


class Any(All):
    name = "Any"

    def reduce(self, x, dtype):
        return np.any(x, axis=self.axis)


def _reduction(op_class, x, axis, keepdims, **kwargs):
    from transpile.tensor.elemwise import DimShuffle
    x = as_tensor_variable(x)
    axes = normalize_axis(axis, x.ndim)
    out = op_class(axes, **kwargs)(x)
    if keepdims:
        out = _expand(out, x, axes)
    return out


def sum(x, axis=None, dtype=None, keepdims=False, acc_dtype=None):
    """Sum over `axis` (None: all). Integer and bool inputs sum as int64 (like Theano)."""
    return _reduction(Sum, x, axis, keepdims, dtype=dtype and D.check_dtype(dtype),
                      acc_dtype=acc_dtype and D.check_dtype(acc_dtype))


def prod(x, axis=None, dtype=None, keepdims=False, acc_dtype=None):
    return _reduction(Prod, x, axis, keepdims, dtype=dtype and D.check_dtype(dtype),
                      acc_dtype=acc_dtype and D.check_dtype(acc_dtype))


def max(x, axis=None, keepdims=False):
    return _reduction(Max, x, axis, keepdims)


def min(x, axis=None, keepdims=False):
    return _reduction(Min, x, axis, keepdims)


def all(x, axis=None, keepdims=False):
    return _reduction(All, x, axis, keepdims)


def any(x, axis=None, keepdims=False):
    return _reduction(Any, x, axis, keepdims)
