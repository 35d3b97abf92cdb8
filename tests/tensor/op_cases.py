"""The elementwise functions of `transpile.tensor`, as data for reusable tests.

Each `OpCase` says: the T function, its numpy reference, how many inputs it takes, where each
input may be drawn from, which dtypes it accepts (the others must raise TypeError), and whether
it is differentiable (a gradient check applies, in float64, on the domain). Tests elsewhere
(gradient checks, native-vs-reference comparisons) iterate over `CASES`; `draw` makes inputs.

Domains are per input: a tuple of closed intervals, drawn from uniformly (floats) or as the
integers they contain (integers, clipped to the dtype's range; booleans are True/False where
the interval allows 1/0). Domains keep clear of poles and of kinks that matter for gradients.
"""
import math
from dataclasses import dataclass

import numpy as np

import transpile.tensor as T

try:
    import scipy.special as _sp
except ImportError:  # pragma: no cover
    _sp = None
from transpile.scalar import special_numpy as _special

#: the dtypes the value tests exercise
DTYPES = ("bool", "uint8", "int32", "int64", "float32", "float64")
ALL = DTYPES
NO_BOOL = ("uint8", "int32", "int64", "float32", "float64")
DISCRETE = ("bool", "uint8", "int32", "int64")
FLOATS = ("float32", "float64")

# domains (one tuple of intervals per input)
R = ((-3.0, 3.0),)
WIDE = ((-8.0, 8.0),)
POS = ((0.1, 5.0),)
NONZERO = ((-3.0, -0.5), (0.5, 3.0))
UNIT = ((-0.95, 0.95),)
INTS = ((-20.0, 20.0),)


@dataclass(frozen=True)
class OpCase:
    name: str
    fn: object            # the T function: fn(*symbolic inputs) -> symbolic output
    ref: object           # numpy reference: ref(*arrays) -> array
    nin: int
    domain: tuple         # one tuple of (low, high) intervals per input
    dtypes: tuple = ALL   # input dtypes accepted; the rest of DTYPES raise TypeError
    grad: bool = True     # differentiable: gradient checks apply
    #: output dtype equals the reference's (float16 read as float32); False where they differ on
    #: purpose (scipy and Python floats make float64 of small ints, transpile float32)
    numpy_dtype: bool = True


def _round_away(x):
    x = np.asarray(x)
    return x if x.dtype.kind in "biu" else np.sign(x) * np.floor(np.abs(x) + 0.5)


def _round_even(x):
    x = np.asarray(x)
    return x if x.dtype.kind in "biu" else np.round(x)


def _log1mexp(x):
    return np.log(-np.expm1(x))


def _sigmoid(x):
    return _sp.expit(x) if _sp is not None else 1 / (1 + np.exp(-np.asarray(x, dtype=float)))


def _softplus(x):
    return np.logaddexp(0, x)


def _polygamma(n, x):
    """scipy's polygamma with both inputs in their common float type (it is a Python function,
    not a ufunc: psi(x) of a float32 x stays float32 even when n is float64)."""
    dtype = np.result_type(n, x, np.float32)
    return _sp.polygamma(np.asarray(n, dtype), np.asarray(x, dtype))


def _cast(dtype):
    return lambda x: T.cast(x, dtype)


CASES = [
    # arithmetic
    OpCase("add", T.add, np.add, 2, (R, R)),
    OpCase("add3", T.add, lambda a, b, c: a + b + c, 3, (R, R, R)),
    OpCase("sub", T.sub, np.subtract, 2, (R, R), NO_BOOL),
    OpCase("mul", T.mul, np.multiply, 2, (R, R)),
    OpCase("mul3", T.mul, lambda a, b, c: a * b * c, 3, (R, R, R)),
    OpCase("true_div", T.true_div, np.true_divide, 2, (R, NONZERO), numpy_dtype=False),
    OpCase("int_div", T.int_div, np.floor_divide, 2, (R, NONZERO), grad=False),
    OpCase("mod", T.mod, np.remainder, 2, (R, NONZERO)),
    OpCase("neg", T.neg, np.negative, 1, (R,), NO_BOOL),
    OpCase("pow", T.pow, np.power, 2, (((0.5, 2.0),), ((0.0, 3.0),))),
    OpCase("abs_", T.abs_, np.abs, 1, (R,)),
    OpCase("sgn", T.sgn, np.sign, 1, (R,), NO_BOOL, grad=False),
    OpCase("sqr", T.sqr, np.square, 1, (R,)),
    OpCase("sqrt", T.sqrt, np.sqrt, 1, (POS,)),
    OpCase("inv", T.inv, lambda x: 1.0 / x, 1, (NONZERO,), numpy_dtype=False),
    # exponentials and logarithms
    OpCase("exp", T.exp, np.exp, 1, (R,)),
    OpCase("exp2", T.exp2, np.exp2, 1, (R,)),
    OpCase("expm1", T.expm1, np.expm1, 1, (R,)),
    OpCase("log", T.log, np.log, 1, (POS,)),
    OpCase("log2", T.log2, np.log2, 1, (POS,)),
    OpCase("log10", T.log10, np.log10, 1, (POS,)),
    OpCase("log1p", T.log1p, np.log1p, 1, (((-0.9, 5.0),),)),
    OpCase("log1mexp", T.log1mexp, _log1mexp, 1, (((-5.0, -0.05),),)),
    # trigonometric and hyperbolic
    OpCase("sin", T.sin, np.sin, 1, (R,)),
    OpCase("cos", T.cos, np.cos, 1, (R,)),
    OpCase("tan", T.tan, np.tan, 1, (((-1.2, 1.2),),)),
    OpCase("arcsin", T.arcsin, np.arcsin, 1, (UNIT,)),
    OpCase("arccos", T.arccos, np.arccos, 1, (UNIT,)),
    OpCase("arctan", T.arctan, np.arctan, 1, (R,)),
    OpCase("arctan2", T.arctan2, np.arctan2, 2, (NONZERO, NONZERO)),
    OpCase("sinh", T.sinh, np.sinh, 1, (R,)),
    OpCase("cosh", T.cosh, np.cosh, 1, (R,)),
    OpCase("tanh", T.tanh, np.tanh, 1, (R,)),
    OpCase("arcsinh", T.arcsinh, np.arcsinh, 1, (R,)),
    OpCase("arccosh", T.arccosh, np.arccosh, 1, (((1.1, 5.0),),)),
    OpCase("arctanh", T.arctanh, np.arctanh, 1, (((-0.9, 0.9),),)),
    OpCase("deg2rad", T.deg2rad, np.deg2rad, 1, (((-360.0, 360.0),),)),
    OpCase("rad2deg", T.rad2deg, np.rad2deg, 1, (R,)),
    OpCase("hypot", T.hypot, np.hypot, 2, (NONZERO, NONZERO)),
    # rounding
    OpCase("floor", T.floor, np.floor, 1, (WIDE,), grad=False),
    OpCase("ceil", T.ceil, np.ceil, 1, (WIDE,), grad=False),
    OpCase("trunc", T.trunc, np.trunc, 1, (WIDE,), grad=False),
    OpCase("round_half_to_even", T.round_half_to_even, _round_even, 1, (WIDE,), grad=False),
    OpCase("round_half_away_from_zero", T.round_half_away_from_zero, _round_away, 1, (WIDE,),
           grad=False),
    OpCase("iround", T.iround, lambda x: np.round(x).astype("int64"), 1, (WIDE,), grad=False),
    # special functions
    OpCase("erf", T.erf, _special.erf, 1, (R,), numpy_dtype=False),
    OpCase("erfc", T.erfc, _special.erfc, 1, (R,), numpy_dtype=False),
    OpCase("erfinv", T.erfinv, _special.erfinv, 1, (UNIT,)),
    OpCase("gamma", T.gamma, _special.gamma, 1, (POS,), numpy_dtype=False),
    OpCase("gammaln", T.gammaln, _special.gammaln, 1, (POS,), numpy_dtype=False),
    OpCase("psi", T.psi, _special.psi, 1, (POS,), numpy_dtype=False),
    OpCase("tri_gamma", T.tri_gamma, _special.trigamma, 1, (POS,), grad=False, numpy_dtype=False),
    # more special functions (scipy.special references); grad=False for the two-input ones whose
    # gradient wrt the first input is not implemented (their x-gradients: tests/scalar/test_special_more.py)
    OpCase("gammainc", T.gammainc, _sp.gammainc, 2, (((0.5, 6.0),), ((0.1, 8.0),)), grad=False, numpy_dtype=False),
    OpCase("gammaincc", T.gammaincc, _sp.gammaincc, 2, (((0.5, 6.0),), ((0.1, 8.0),)), grad=False,
           numpy_dtype=False),
    OpCase("erfcx", T.erfcx, _sp.erfcx, 1, (((-3.0, 8.0),),), numpy_dtype=False),
    OpCase("erfcinv", T.erfcinv, _sp.erfcinv, 1, (((0.05, 1.95),),), numpy_dtype=False),
    OpCase("i0", T.i0, _sp.i0, 1, (R,), numpy_dtype=False),
    OpCase("i1", T.i1, _sp.i1, 1, (R,), numpy_dtype=False),
    OpCase("iv", T.iv, _sp.iv, 2, (((0.0, 3.0),), ((0.1, 6.0),)), grad=False, numpy_dtype=False),
    OpCase("jv", T.jv, _sp.jv, 2, (((0.0, 3.0),), ((0.1, 2.0),)), grad=False, numpy_dtype=False),
    OpCase("xlogx", T.xlogx, lambda x: _sp.xlogy(x, x), 1, (((0.0, 5.0),),), numpy_dtype=False),
    OpCase("xlogy", T.xlogy, _sp.xlogy, 2, (R, POS), numpy_dtype=False),
    OpCase("xlog1py", T.xlog1py, _sp.xlog1py, 2, (R, ((-0.9, 5.0),)), numpy_dtype=False),
    OpCase("logit", T.logit, _sp.logit, 1, (((0.05, 0.95),),), numpy_dtype=False),
    OpCase("sigmoid", T.sigmoid, _sigmoid, 1, (WIDE,), numpy_dtype=False),
    OpCase("softplus", T.softplus, _softplus, 1, (WIDE,), numpy_dtype=False),
    OpCase("hard_sigmoid", T.hard_sigmoid, lambda x: np.clip(x * 0.2 + 0.5, 0, 1), 1, (WIDE,),
           numpy_dtype=False),
    OpCase("relu", T.relu, lambda x: np.maximum(x, 0), 1, (R,)),
    OpCase("relu_leaky", lambda x: T.relu(x, 0.1), lambda x: np.where(x > 0, x, x * 0.1), 1, (R,),
           numpy_dtype=False),
    # comparisons and selection
    OpCase("eq", T.eq, np.equal, 2, (INTS, INTS), grad=False),
    OpCase("neq", T.neq, np.not_equal, 2, (INTS, INTS), grad=False),
    OpCase("lt", T.lt, np.less, 2, (INTS, INTS), grad=False),
    OpCase("gt", T.gt, np.greater, 2, (INTS, INTS), grad=False),
    OpCase("le", T.le, np.less_equal, 2, (INTS, INTS), grad=False),
    OpCase("ge", T.ge, np.greater_equal, 2, (INTS, INTS), grad=False),
    OpCase("isnan", T.isnan, np.isnan, 1, (R,), grad=False),
    OpCase("isinf", T.isinf, np.isinf, 1, (R,), grad=False),
    OpCase("maximum", T.maximum, np.maximum, 2, (R, R)),
    OpCase("minimum", T.minimum, np.minimum, 2, (R, R)),
    OpCase("clip", T.clip, np.clip, 3, (((-4.5, 4.5),), ((-2.0, 0.0),), ((0.5, 2.0),))),
    OpCase("switch", T.switch, np.where, 3, (((-1.0, 1.0),), R, R)),
    # logic
    OpCase("and_", T.and_, np.bitwise_and, 2, (INTS, INTS), DISCRETE, grad=False),
    OpCase("or_", T.or_, np.bitwise_or, 2, (INTS, INTS), DISCRETE, grad=False),
    OpCase("xor", T.xor, np.bitwise_xor, 2, (INTS, INTS), DISCRETE, grad=False),
    OpCase("invert", T.invert, np.invert, 1, (INTS,), DISCRETE, grad=False),
    OpCase("logical_and", T.logical_and, np.logical_and, 2, (INTS, INTS), grad=False),
    OpCase("logical_or", T.logical_or, np.logical_or, 2, (INTS, INTS), grad=False),
    OpCase("logical_xor", T.logical_xor, np.logical_xor, 2, (INTS, INTS), grad=False),
    OpCase("logical_not", T.logical_not, np.logical_not, 1, (INTS,), grad=False),
    # structure
    OpCase("identity", T.identity, lambda x: x, 1, (R,)),
    OpCase("conj", T.conj, np.conjugate, 1, (R,)),
    OpCase("second", T.second, lambda x, y: np.broadcast_to(y, np.broadcast_shapes(x.shape, y.shape)),
           2, (R, R)),
    OpCase("cast_float64", _cast("float64"), lambda x: x.astype("float64"), 1, (R,)),
    OpCase("cast_int32", _cast("int32"), lambda x: x.astype("int32"), 1, (R,), grad=False),
    # PyTensor's special functions (transpile.tensor.math_special), last so that the random draws of
    # the cases above stay as they were; the order n of polygamma is drawn from integers (a
    # non-integer order gives nan)
    OpCase("polygamma", T.polygamma, _polygamma, 2, (((0.0, 0.0), (1.0, 1.0), (2.0, 2.0), (3.0, 3.0)), POS),
           grad=False, numpy_dtype=False),
    OpCase("poch", T.poch, _sp.poch, 2, (POS, ((0.0, 3.0),)), numpy_dtype=False),
    OpCase("betaln", T.betaln, _sp.betaln, 2, (POS, POS), numpy_dtype=False),
    OpCase("kv", T.kv, _sp.kv, 2, (((0.0, 3.0),), ((0.1, 6.0),)), grad=False, numpy_dtype=False),
    OpCase("kve", T.kve, _sp.kve, 2, (((0.0, 3.0),), ((0.1, 6.0),)), grad=False, numpy_dtype=False),
    OpCase("ive", T.ive, _sp.ive, 2, (((0.0, 3.0),), ((0.1, 6.0),)), grad=False, numpy_dtype=False),
    OpCase("betainc", T.betainc, _sp.betainc, 3, (POS, POS, ((0.0, 1.0),)), grad=False, numpy_dtype=False),
    OpCase("betaincinv", T.betaincinv, _sp.betaincinv, 3, (POS, POS, ((0.0, 1.0),)), grad=False, numpy_dtype=False),
    OpCase("gammaincinv", T.gammaincinv, _sp.gammaincinv, 2, (POS, ((0.0, 1.0),)), grad=False, numpy_dtype=False),
    OpCase("gammainccinv", T.gammainccinv, _sp.gammainccinv, 2, (POS, ((0.0, 1.0),)), grad=False, numpy_dtype=False),
    OpCase("ndtri_exp", T.ndtri_exp, _sp.ndtri_exp, 1, (((-20.0, -0.1),),), numpy_dtype=False),
    OpCase("owens_t", T.owens_t, _sp.owens_t, 2, (R, R), numpy_dtype=False),
    OpCase("hyp2f1", T.hyp2f1, _sp.hyp2f1, 4, (R, R, ((0.5, 4.0),), ((-0.9, 0.9),)), grad=False, numpy_dtype=False),
]

CASES_BY_NAME = {case.name: case for case in CASES}
GRAD_CASES = [case for case in CASES if case.grad]
#: cases whose gradient is not implemented for some input (not zero: `grad` raises)
GRAD_NOT_IMPLEMENTED = ("tri_gamma", "gammainc", "gammaincc", "iv", "jv", "polygamma", "kv", "kve", "ive", "betainc",
                        "betaincinv", "gammaincinv", "gammainccinv", "hyp2f1")


def _integers_in(intervals, dtype):
    info = np.iinfo(dtype) if dtype != "bool" else None
    lo_limit, hi_limit = (0, 1) if dtype == "bool" else (info.min, info.max)
    values = []
    for low, high in intervals:
        lo, hi = max(math.ceil(low), lo_limit), min(math.floor(high), hi_limit)
        values.extend(range(lo, hi + 1))
    if not values:
        raise ValueError(f"no {dtype} value lies in {intervals}")
    return np.array(sorted(set(values)))


def draw(case, dtypes, shape, rng):
    """Random inputs for `case`: one array per input, of `dtypes` (one dtype, or one per input)
    and `shape`, inside the case's domain."""
    if isinstance(dtypes, str):
        dtypes = [dtypes] * case.nin
    out = []
    for intervals, dtype in zip(case.domain, dtypes):
        if dtype in FLOATS:
            pick = rng.integers(len(intervals), size=shape)
            lows = np.array([i[0] for i in intervals])[pick]
            highs = np.array([i[1] for i in intervals])[pick]
            out.append((lows + (highs - lows) * rng.random(shape)).astype(dtype))
        else:
            choices = _integers_in(intervals, dtype)
            out.append(rng.choice(choices, size=shape).astype(dtype))
    return out
