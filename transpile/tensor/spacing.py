"""numpy's evenly spaced sequences, `linspace`, `logspace` and `geomspace`: `num` is a Python int
(it fixes the length), `start` and `stop` may be symbolic scalars. Each follows numpy's arithmetic
step by step (the endpoints set exactly), so values match numpy's to rounding (native code may
fuse a multiply-add).
"""
import numbers

from transpile.graph.basic import Variable
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import arange
from transpile.tensor.basic import as_tensor_variable, constant
from transpile.tensor.math import abs_, cast, floor, log10, maximum, mul, pow, sgn, sub, true_div
from transpile.tensor.subtensor import set_subtensor

__all__ = ["linspace", "logspace", "geomspace", "bartlett"]


def _num(num, what):
    if isinstance(num, bool) or not isinstance(num, numbers.Integral):
        raise TypeError(f"{what}: num must be a Python int (it fixes the length), got {num!r}")
    if num < 0:
        raise ValueError(f"{what}: num must be non-negative, got {num}")
    return int(num)


def _bounds(what, *values, python_is_float64=False):
    """The bounds as 0-d tensors of numpy's dtype: the floats of the symbolic ones (integers give
    float64), float64 when all are Python numbers. Python numbers are weak (they take the
    tensors' dtype) unless `python_is_float64` (geomspace makes arrays of them first)."""
    strong = [as_tensor_variable(v) for v in values if isinstance(v, Variable)]
    for v in strong:
        if v.ndim != 0:
            raise TypeError(f"{what}: start and stop must be scalars, got {v} ({v.type})")
        if D.is_complex(v.dtype):
            raise TypeError(f"{what}: complex bounds are not supported, got {v} ({v.type})")
    dtypes = [v.dtype for v in strong] + (["float64"] if python_is_float64 and len(strong) < len(values) else [])
    dtype = D.upcast(*dtypes) if dtypes else "float64"
    dtype = dtype if D.is_float(dtype) else "float64"
    out = []
    for v in values:
        if isinstance(v, Variable):
            out.append(cast(v, dtype))
        elif isinstance(v, numbers.Real) and not isinstance(v, bool):
            out.append(constant(v, dtype=dtype))
        else:
            raise TypeError(f"{what}: start and stop must be real numbers or scalar tensors, got {v!r}")
    return dtype, out


def _as_dtype(y, dtype, floor_integers):
    if dtype is None:
        return y
    dtype = D.check_dtype(dtype)
    if floor_integers and D.is_discrete(dtype):
        y = floor(y)
    return cast(y, dtype)


def _linspace(start, stop, num, endpoint, dt):
    div = num - 1 if endpoint else num
    delta = sub(stop, start)
    y = arange(num, dtype=dt)
    y = mul(y, true_div(delta, div)) if div > 0 else mul(y, delta)
    y = y + start
    if endpoint and num > 1:
        y = set_subtensor(y[-1], stop)
    return y


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    """`num` values evenly spaced from `start` to `stop` (included when `endpoint`). Integer
    `dtype`s take the floor, as numpy."""
    num = _num(num, "linspace")
    dt, (start, stop) = _bounds("linspace", start, stop)
    return _as_dtype(_linspace(start, stop, num, endpoint, dt), dtype, True)


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None):
    """base ** linspace(start, stop, num, endpoint)."""
    num = _num(num, "logspace")
    dt, (start, stop) = _bounds("logspace", start, stop)
    return _as_dtype(pow(base, _linspace(start, stop, num, endpoint, dt)), dtype, False)


def geomspace(start, stop, num=50, endpoint=True, dtype=None):
    """`num` values evenly spaced on a log scale from `start` to `stop` (of one sign; numpy
    raises for a zero bound, which is checked when the bound is a Python number; a symbolic zero
    gives nan)."""
    num = _num(num, "geomspace")
    for v in (start, stop):
        if isinstance(v, numbers.Number) and v == 0:
            raise ValueError("geomspace: a geometric sequence cannot include zero")
    dt, (start, stop) = _bounds("geomspace", start, stop, python_is_float64=True)
    out_sign = sgn(start)
    start, stop = true_div(start, out_sign), true_div(stop, out_sign)
    y = pow(constant(10.0, dtype=dt), _linspace(log10(start), log10(stop), num, endpoint, dt))
    if num > 0:
        y = set_subtensor(y[0], start)
        if num > 1 and endpoint:
            y = set_subtensor(y[-1], stop)
    return _as_dtype(mul(y, out_sign), dtype, False)


def bartlett(M):
    """numpy.bartlett: the triangular window of `M` points (an integer, symbolic or not), 0 at
    both ends and 1 in the middle; float64, empty when M < 1."""
    M = as_tensor_variable(M)
    if M.ndim != 0 or not D.is_integer(M.dtype):
        raise TypeError(f"bartlett: M must be an integer scalar, got {M} ({M.type})")
    M = cast(M, "int64")
    n = cast(arange(sub(1, M), M, 2), "float64")
    return sub(1.0, true_div(abs_(n), cast(maximum(sub(M, 1), 1), "float64")))
