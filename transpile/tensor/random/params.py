"""Parameter handling shared by the `RandomStreams` samplers: float parameters and their output
dtype, integer parameters, the size argument (or the parameters' broadcast shape) and checks of
parameters whose value the graph already knows."""
import numpy as np

from transpile.graph.basic import Constant, Variable
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_like, as_tensor_variable, constant
from transpile.tensor.join import make_vector
from transpile.tensor.math import cast
from transpile.tensor.shape import shape_entries, static_int

__all__ = ["_float_params", "_int_param", "_is_const", "_size", "check_known", "float_params", "known_value"]


def _float_params(a, b, dtype, what):
    a, b = as_tensor_like([a, b])
    if dtype is None:
        dtype = D.upcast(a.dtype, b.dtype)
        if D.is_discrete(dtype):
            dtype = D.config.floatX
    dtype = D.check_dtype(dtype)
    if dtype not in D.FLOAT:
        raise TypeError(f"{what}: dtype must be float32 or float64, got {dtype}")
    return cast(a, dtype), cast(b, dtype), dtype


def _int_param(value, what):
    value = as_tensor_variable(value)
    if not D.is_integer(value.dtype):
        raise TypeError(f"{what}: low and high must be integers, got {value.type}")
    return cast(value, "int64")


def _is_const(var, value):
    return isinstance(var, Constant) and var.data.ndim == 0 and var.data == value


def _size(size, ndim, params):
    """(int64 size vector, ndim) from a size argument, or from the parameters' shape."""
    if size is None:
        if ndim is not None and ndim != max((p.ndim for p in params), default=0):
            raise ValueError(f"ndim={ndim} but size is None and the parameters have "
                             f"{max(p.ndim for p in params)} dims")
        params = [p for p in params if p.ndim > 0]
        if not params:
            return constant(np.zeros(0, dtype="int64")), 0
        ref = params[0] if len(params) == 1 else as_tensor_variable(params[0] + sum(params[1:]))
        size = ref.shape
    if isinstance(size, Variable) and ndim is not None and size.ndim == 1 and not isinstance(size, Constant):
        entries = [size[i] for i in range(ndim)]
        entries = shape_entries(tuple(entries), "size")
    else:
        entries = shape_entries(size, "size")
    if ndim is not None and ndim != len(entries):
        raise ValueError(f"ndim={ndim} does not match size {size!r} ({len(entries)} entries)")
    for p in params:
        if p.ndim > len(entries):
            raise ValueError(f"parameter {p} ({p.type}) has more dims than size ({len(entries)})")
    static = [static_int(e) for e in entries]
    if all(s is not None for s in static):
        if any(s < 0 for s in static):
            raise ValueError(f"size must be non-negative, got {tuple(static)}")
        return constant(np.array(static, dtype="int64")), len(entries)
    return make_vector(*entries, dtype="int64"), len(entries)


def float_params(what, dtype, *values):
    """(values as float64 tensors, output dtype): the dtype is `dtype`, else the values' upcast
    (floatX when they are all integers), as `_float_params`; the samplers built over several
    draws compute in float64 and round once to the output dtype."""
    values = as_tensor_like(list(values))
    for v in values:
        if D.is_complex(v.dtype):
            raise TypeError(f"{what}: parameters must be real, got {v.type}")
    if dtype is None:
        dtype = D.upcast(*[v.dtype for v in values])
        if D.is_discrete(dtype):
            dtype = D.config.floatX
    dtype = D.check_dtype(dtype)
    if dtype not in D.FLOAT:
        raise TypeError(f"{what}: dtype must be float32 or float64, got {dtype}")
    return [cast(v, "float64") for v in values], dtype


def check_known(what, name, value, ok, requirement):
    """ValueError naming the parameter when its value is known (a number, an array or a
    constant) and `ok(array)` is not true everywhere; symbolic values are checked by the draws
    they reach, if any (see each sampler)."""
    data = known_value(value)
    if data is None:
        return
    with np.errstate(invalid="ignore"):
        good = np.all(ok(data.astype(np.float64)))
    if not good:
        raise ValueError(f"{what}: {name} must be {requirement}, got {value!r}")


def known_value(value):
    """The value of a real number, array or constant as a numpy array; None for a symbolic one."""
    if isinstance(value, Variable):
        if not isinstance(value, Constant):
            return None
        value = value.data
    data = np.asarray(value)
    return data if data.dtype.kind in "biuf" else None
