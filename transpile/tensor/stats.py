"""Statistics reductions: `Argmax`/`Argmin` (ops with an int64 output and a zero gradient) and
`mean`, `var`, `std`, built from sums and divisions by the symbolic number of elements, so their
gradients come from those ops.

Integer and bool inputs give floats of `config.floatX` for mean/var/std.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import alloc
from transpile.tensor.basic import as_tensor_variable, constant
from transpile.tensor.join import concatenate
from transpile.tensor.math import add, cast, eq, int_div, isnan, mul, sub, switch, true_div
from transpile.tensor.reduce import _expand, max as _max, normalize_axis, sum as _sum
from transpile.tensor.shape import _axis, shape_const, shape_i, static_int
from transpile.tensor.shape_ops import flatten
from transpile.tensor.sort import sort
from transpile.tensor.type import TensorType

__all__ = ["Argmax", "Argmin", "argmax", "argmin", "cov", "max_and_argmax", "mean", "median", "std", "var"]


class Argmax(Op):
    """Index of the largest element over `axis` (a tuple; several axes are flattened together,
    in C order, and the index is into that flattened block)."""

    __props__ = ("axis",)
    numpy_fn = staticmethod(np.argmax)
    what = "argmax"

    def __init__(self, axis):
        self.axis = tuple(axis)

    def make_node(self, x):
        x = as_tensor_variable(x)
        for a in self.axis:
            if not 0 <= a < x.ndim:
                raise ValueError(f"{self}: axis {a} out of range for {x.type}")
        bcast = tuple(b for d, b in enumerate(x.broadcastable) if d not in self.axis)
        return Apply(self, [x], [TensorType("int64", bcast)()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        keep = [d for d in range(x.ndim) if d not in self.axis]
        if any(x.shape[a] == 0 for a in self.axis):
            raise ValueError(f"{self}: attempt to get the {self.what} of an empty axis (input shape {x.shape})")
        moved = np.transpose(x, keep + list(self.axis))
        block = int(np.prod([x.shape[a] for a in self.axis], dtype=np.int64))
        moved = moved.reshape(moved.shape[:len(keep)] + (block,))
        output_storage[0][0] = np.asarray(self.numpy_fn(moved, axis=-1), dtype="int64")

    def infer_shape(self, node, input_shapes):
        (shp,) = input_shapes
        return [tuple(s for d, s in enumerate(shp) if d not in self.axis)]

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        (x,) = inputs
        return [T.zeros_like(x, dtype=D.config.floatX if D.is_discrete(x.dtype) else x.dtype)]

    def __str__(self):
        return f"{type(self).__name__}{{{','.join(map(str, self.axis))}}}"


class Argmin(Argmax):
    """Index of the smallest element over `axis` (see Argmax)."""

    numpy_fn = staticmethod(np.argmin)
    what = "argmin"


def _arg_reduction(op_class, x, axis, keepdims):
    x = as_tensor_variable(x)
    axes = normalize_axis(axis, x.ndim)
    out = op_class(axes)(x)
    return _expand(out, x, axes) if keepdims else out


def argmax(x, axis=None, keepdims=False):
    """Index (int64) of the maximum along `axis` (None: of the flattened tensor)."""
    return _arg_reduction(Argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index (int64) of the minimum along `axis` (None: of the flattened tensor)."""
    return _arg_reduction(Argmin, x, axis, keepdims)


def max_and_argmax(x, axis=None, keepdims=False):
    """[max(x, axis), argmax(x, axis)]."""
    return [_max(x, axis=axis, keepdims=keepdims), argmax(x, axis=axis, keepdims=keepdims)]


def _count(x, axes):
    """Number of elements of `x` over `axes`, an int64 scalar (a constant when known)."""
    import transpile.tensor as T
    lengths = [shape_i(x, d) for d in axes]
    static = [static_int(n) for n in lengths]
    if all(n is not None for n in static):
        return shape_const(int(np.prod(static, dtype=np.int64)))
    return T.mul(*lengths) if len(lengths) > 1 else lengths[0]


def _float_dtype(x, dtype):
    if dtype is not None:
        return D.check_dtype(dtype)
    return x.dtype if not D.is_discrete(x.dtype) else D.config.floatX


def _divide(total, count, dtype):
    """total / count computed in `dtype` (count cast first, so float32 stays float32)."""
    import transpile.tensor as T
    if D.is_discrete(dtype):
        return T.cast(T.true_div(total, count), dtype)
    return T.true_div(T.cast(total, dtype), T.cast(count, dtype))


def mean(x, axis=None, dtype=None, keepdims=False, acc_dtype=None):
    """Mean over `axis`. Integer inputs give floatX (unless `dtype` says otherwise); the sum is
    accumulated in `acc_dtype` when given."""
    x = as_tensor_variable(x)
    axes = normalize_axis(axis, x.ndim)
    out_dtype = _float_dtype(x, dtype)
    total = _sum(x, axis=axes, keepdims=keepdims, acc_dtype=acc_dtype)
    return _divide(total, _count(x, axes), out_dtype)


def var(x, axis=None, ddof=0, keepdims=False, corrected=None):
    """Variance over `axis`: mean squared deviation, divided by (n - ddof)."""
    import transpile.tensor as T
    x = as_tensor_variable(x)
    axes = normalize_axis(axis, x.ndim)
    if corrected is not None:
        ddof = 1 if corrected else 0
    out_dtype = _float_dtype(x, None)
    centered = T.cast(x, out_dtype) - mean(x, axis=axes, keepdims=True)
    total = _sum(centered * centered, axis=axes, keepdims=keepdims)
    count = _count(x, axes)
    if ddof:
        count = count - shape_const(ddof) if static_int(count) is None else shape_const(static_int(count) - ddof)
    return _divide(total, count, out_dtype)


def std(x, axis=None, ddof=0, keepdims=False, corrected=None):
    """Standard deviation over `axis`: sqrt(var)."""
    import transpile.tensor as T
    return T.sqrt(var(x, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected))


def median(x, axis=None):
    """numpy.median along `axis` (an int, or None for the flattened tensor): the middle of the
    sorted values, the mean of the two middle ones for an even count, nan where a value is nan
    or the axis is empty. Integers give float64, as numpy."""
    x = as_tensor_variable(x)
    if D.is_complex(x.dtype):
        raise TypeError(f"median: expected a real tensor, got {x} ({x.type})")
    if axis is None:
        x, axis = flatten(x, 1), 0
    else:
        axis = _axis(axis, x.ndim, "median")
    dtype = x.dtype if D.is_float(x.dtype) else "float64"
    # a nan appended after the sorted values: what an empty axis reads, whichever middle it takes
    pad = alloc(constant(np.nan, dtype=dtype), *[1 if d == axis else shape_i(x, d) for d in range(x.ndim)])
    ordered = concatenate([cast(sort(x, axis), dtype), pad], axis)
    n = shape_i(x, axis)
    lo, hi = int_div(sub(n, 1), 2), int_div(n, 2)

    def at(i):
        return ordered[(slice(None),) * axis + (i,)]

    middle = switch(eq(lo, hi), at(lo), mul(add(at(lo), at(hi)), 0.5))
    if D.is_discrete(x.dtype):
        return middle
    return switch(isnan(at(sub(n, 1))), constant(np.nan, dtype=dtype), middle)  # sort puts nan last


def cov(m, y=None, rowvar=True, bias=False, ddof=None):
    """numpy.cov: the covariance matrix of the variables in the rows of `m` (the columns when not
    `rowvar`), and of `y`'s after them; divided by N - 1, by N with `bias`, by N - ddof with
    `ddof`. A vector alone gives a 0-d variance, as numpy does; a matrix always gives a matrix
    (numpy would squeeze one of a single variable). Floats keep their dtype (numpy's gives
    float64), integers give float64."""
    def rows(v, what):
        v = as_tensor_variable(v)
        if v.ndim not in (1, 2) or D.is_complex(v.dtype):
            raise TypeError(f"cov: {what} must be a real vector or matrix, got {v} ({v.type})")
        if v.ndim == 1:
            return v.dimshuffle("x", 0)
        return v if rowvar else v.T

    x = rows(m, "m")
    if y is not None:
        x = concatenate([x, rows(y, "y")], axis=0)
    dtype = x.dtype if D.is_float(x.dtype) else "float64"
    x = cast(x, dtype)
    ddof = (0 if bias else 1) if ddof is None else ddof
    centered = sub(x, mean(x, axis=1, keepdims=True))
    n = sub(shape_i(x, 1), ddof)
    c = true_div(centered.dot(centered.T), cast(n, dtype))
    return c[0, 0] if y is None and as_tensor_variable(m).ndim == 1 else c
