"""numpy's and PyTensor's spellings of elementwise functions, composed from the ops of
`transpile.tensor.math`: the comparison names (`equal`, `less`, ...), `sign`, the finiteness
tests, Theano's `largest`/`smallest`, `logaddexp` and `nan_to_num`.
"""
import numpy as np

from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_like, as_tensor_variable, constant
from transpile.tensor.math import (
    add,
    and_,
    cast,
    eq,
    ge,
    gt,
    invert,
    isinf,
    isnan,
    le,
    lt,
    maximum,
    minimum,
    neq,
    or_,
    sgn,
    softplus,
    sub,
    switch,
)

__all__ = ["equal", "not_equal", "greater", "greater_equal", "less", "less_equal", "sign", "isfinite",
           "isposinf", "isneginf", "largest", "smallest", "logaddexp", "nan_to_num"]

equal, not_equal = eq, neq
greater, greater_equal, less, less_equal = gt, ge, lt, le
sign = sgn  # numpy's sign: -1, 0 or 1 (nan stays nan; unsigned give 0 or 1)


def _real(x, what):
    x = as_tensor_variable(x)
    if D.is_complex(x.dtype):
        raise TypeError(f"{what}: expected a real tensor, got {x} ({x.type})")
    return x


def isfinite(x):
    """Neither nan nor +-inf (integers and booleans are always finite)."""
    x = as_tensor_variable(x)
    return invert(or_(isnan(x), isinf(x)))


def isposinf(x):
    """x == +inf (numpy.isposinf; real tensors only)."""
    x = _real(x, "isposinf")
    return and_(isinf(x), gt(x, 0))


def isneginf(x):
    """x == -inf (numpy.isneginf; real tensors only)."""
    x = _real(x, "isneginf")
    return and_(isinf(x), lt(x, 0))


def _fold(fn, args, what):
    if not args:
        raise TypeError(f"{what}: give at least one tensor")
    out = as_tensor_variable(args[0])
    for a in args[1:]:
        out = fn(out, a)
    return out


def largest(*args):
    """Elementwise maximum of any number of tensors (broadcast together), Theano's `largest`."""
    return _fold(maximum, args, "largest")


def smallest(*args):
    """Elementwise minimum of any number of tensors (broadcast together), Theano's `smallest`."""
    return _fold(minimum, args, "smallest")


def _float_dtype(*xs):
    dtype = D.upcast(*[x.dtype for x in xs])
    return dtype if D.is_float(dtype) else "float64"  # numpy: integers give float64


def logaddexp(a, b):
    """log(exp(a) + exp(b)) without overflow: the larger plus softplus(smaller - larger). The
    branch taken at a == b gives each input half the gradient, as the function does; equal
    infinities give themselves (numpy's rule), nan propagates."""
    a, b = as_tensor_like([a, b])  # a Python number takes the tensor's dtype, as in numpy
    a, b = _real(a, "logaddexp"), _real(b, "logaddexp")
    dtype = _float_dtype(a, b)
    a, b = cast(a, dtype), cast(b, dtype)
    stable = switch(ge(a, b), add(a, softplus(sub(b, a))), add(b, softplus(sub(a, b))))
    return switch(and_(isinf(a), eq(a, b)), a, stable)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """numpy.nan_to_num of a real tensor: nan -> `nan`, +inf -> `posinf` (default: the dtype's
    largest value), -inf -> `neginf` (default: its most negative). Integers pass unchanged."""
    x = _real(x, "nan_to_num")
    if D.is_discrete(x.dtype):
        return x
    info = np.finfo(x.dtype)
    big = constant(info.max if posinf is None else posinf, dtype=x.dtype)
    small = constant(info.min if neginf is None else neginf, dtype=x.dtype)
    out = switch(isnan(x), constant(nan, dtype=x.dtype), x)
    return switch(isposinf(x), big, switch(isneginf(x), small, out))
