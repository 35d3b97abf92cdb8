"""Elementwise functions of the tensor language: one `Elemwise` per scalar op.

`elemwise_function(scalar_op, name)` makes the user-facing function (it broadcasts, and Python
scalars among its arguments are weak: they take the tensors' dtype). The few functions with
options (`round`, `relu`, `cast`, `logical_*`) are written out below.
"""
from transpile import scalar as S
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable, constant
from transpile.tensor.elemwise import Elemwise

_ELEMWISE = {}


def elemwise_op(scalar_op):
    """The (shared) Elemwise of `scalar_op`."""
    op = _ELEMWISE.get(scalar_op)
    if op is None:
        op = _ELEMWISE[scalar_op] = Elemwise(scalar_op)
    return op


def elemwise_function(scalar_op, name, doc=None):
    op = elemwise_op(scalar_op)

    def apply(*inputs):
        return op(*inputs)

    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = doc or f"Elementwise {scalar_op.name}, with broadcasting."
    apply.op = op
    return apply


def _f(scalar_op, doc=None, name=None):
    return elemwise_function(scalar_op, name or scalar_op.name, doc)


# -- arithmetic ---------------------------------------------------------------------------------
add = _f(S.add, "Elementwise sum of any number of tensors.")
mul = _f(S.mul, "Elementwise product of any number of tensors.")
sub = _f(S.sub)
true_div = _f(S.true_div, "Elementwise division; integers give floats.")
int_div = _f(S.int_div, "Floor division (x // y), rounding toward -inf as in Python.")
floor_div = int_div
mod = _f(S.mod, "x % y; the result has the sign of y, as in Python and numpy.")
neg = _f(S.neg)
pow = _f(S.pow, "x ** y.")  # noqa: A001
abs_ = _f(S.abs_, "Absolute value.")
abs = abs_  # noqa: A001
sgn = _f(S.sgn, "Sign: -1, 0 or 1.")
sqr = _f(S.sqr, "x * x.")
sqrt = _f(S.sqrt)
inv = _f(S.inv, "Reciprocal 1 / x.")
reciprocal = inv

# -- exponentials, logarithms, trigonometry -------------------------------------------------------
exp = _f(S.exp)
exp2 = _f(S.exp2)
expm1 = _f(S.expm1, "exp(x) - 1, accurate for small x.")
log = _f(S.log)
log2 = _f(S.log2)
log10 = _f(S.log10)
log1p = _f(S.log1p, "log(1 + x), accurate for small x.")
log1mexp = _f(S.log1mexp, "log(1 - exp(x)) for x <= 0, computed stably.")
sin = _f(S.sin)
cos = _f(S.cos)
tan = _f(S.tan)
arcsin = _f(S.arcsin)
arccos = _f(S.arccos)
arctan = _f(S.arctan)
arctan2 = _f(S.arctan2, "arctan2(y, x): the angle of the point (x, y).")
sinh = _f(S.sinh)
cosh = _f(S.cosh)
tanh = _f(S.tanh)
arcsinh = _f(S.arcsinh)
arccosh = _f(S.arccosh)
arctanh = _f(S.arctanh)
deg2rad = _f(S.deg2rad)
rad2deg = _f(S.rad2deg)
hypot = _f(S.hypot, "sqrt(x**2 + y**2) without intermediate overflow.")

# -- rounding ---------------------------------------------------------------------------------------
floor = _f(S.floor)
ceil = _f(S.ceil)
trunc = _f(S.trunc)
round_half_to_even = _f(S.round_half_to_even)
round_half_away_from_zero = _f(S.round_half_away_from_zero)

_ROUND_MODES = {"half_to_even": round_half_to_even, "half_away_from_zero": round_half_away_from_zero}


def round(x, mode="half_to_even"):  # noqa: A001
    """Round to the nearest integer value; `mode` says where ties go ("half_to_even", numpy's
    rule, or "half_away_from_zero", C's). Integers are returned unchanged."""
    try:
        return _ROUND_MODES[mode](x)
    except KeyError:
        raise ValueError(f"round: mode must be one of {', '.join(_ROUND_MODES)}, got {mode!r}") from None


def iround(x, mode="half_to_even"):
    """`round(x, mode)` as int64."""
    return cast(round(x, mode), "int64")


# -- special functions ------------------------------------------------------------------------------
erf = _f(S.erf)
erfc = _f(S.erfc)
erfinv = _f(S.erfinv, "Inverse of erf on (-1, 1).")
gamma = _f(S.gamma)
gammaln = _f(S.gammaln, "log |gamma(x)|.")
psi = _f(S.psi, "Digamma: the derivative of gammaln.")
tri_gamma = _f(S.tri_gamma, "Trigamma: the derivative of psi.")
gammainc = _f(S.gammainc, "Regularized lower incomplete gamma function P(k, x).")
gammaincc = _f(S.gammaincc, "Regularized upper incomplete gamma function Q(k, x) = 1 - P(k, x).")
erfcx = _f(S.erfcx, "Scaled complementary error function exp(x**2) * erfc(x).")
erfcinv = _f(S.erfcinv, "Inverse of erfc on [0, 2].")
i0 = _f(S.i0, "Modified Bessel function of the first kind, order 0.")
i1 = _f(S.i1, "Modified Bessel function of the first kind, order 1.")
iv = _f(S.iv, "iv(v, x): modified Bessel function of the first kind, real order v.")
jv = _f(S.jv, "jv(v, x): Bessel function of the first kind, real order v.")
xlogx = _f(S.xlogx, "x * log(x), 0 at x == 0.")
xlogy = _f(S.xlogy, "x * log(y), 0 where x == 0.")
xlogy0 = xlogy
xlog1py = _f(S.xlog1py, "x * log1p(y), 0 where x == 0.")
logit = _f(S.logit, "log(x / (1 - x)), the inverse of sigmoid.")
sigmoid = _f(S.sigmoid, "1 / (1 + exp(-x)), computed stably.")
expit = sigmoid  # scipy's and PyTensor's name
softplus = _f(S.softplus, "log(1 + exp(x)), computed stably.")
log1pexp = softplus


def ultra_fast_sigmoid(x):
    """Theano's piecewise approximation of the sigmoid (absolute error below 0.03), built from
    elementwise ops so it fuses: with h = x / 2 and a = |h|, z = 1.5 a / (1 + a) for a < 1.7,
    the line from z(1.7) to tanh(3) for a < 3, tanh(3) beyond; the result is (sign(h) z + 1) / 2.
    (The first two pieces do not meet: Theano's definition steps by 0.0045 at |x| = 3.4.)
    Its gradient is the approximation's own (piecewise) derivative."""
    x = as_tensor_variable(x)
    h = mul(x, 0.5)
    a = abs_(h)
    z = switch(lt(a, 1.7), true_div(mul(a, 1.5), add(a, 1)),
               switch(lt(a, 3), add(mul(sub(a, 1.7), 0.0458812946797165), 0.935409070603099),
                      0.99505475368673))
    return mul(add(switch(ge(h, 0), z, neg(z)), 1), 0.5)


def hard_sigmoid(x):
    """The piecewise-linear sigmoid: clip(0.2 * x + 0.5, 0, 1)."""
    return clip(add(mul(x, 0.2), 0.5), 0, 1)


def relu(x, alpha=0):
    """max(x, 0), or x where x > 0 and alpha * x elsewhere (leaky) when `alpha` is given."""
    if isinstance(alpha, (int, float)) and alpha == 0:
        return maximum(x, 0)
    x = as_tensor_variable(x)
    return switch(gt(x, 0), x, mul(x, alpha))


# -- comparisons, selection -------------------------------------------------------------------------
eq = _f(S.eq)
neq = _f(S.neq)
lt = _f(S.lt)
gt = _f(S.gt)
le = _f(S.le)
ge = _f(S.ge)
isnan = _f(S.isnan)
isinf = _f(S.isinf)
maximum = _f(S.maximum, "Elementwise max of two tensors (nan if either is nan).")
minimum = _f(S.minimum, "Elementwise min of two tensors (nan if either is nan).")
clip = _f(S.clip, "clip(x, min, max): x limited to [min, max].")
switch = _f(S.switch, "switch(cond, ift, iff): ift where cond is nonzero, else iff.")
where = switch  # T.where is extra_ops.where (one argument: nonzero; three: this)

# -- logic -------------------------------------------------------------------------------------------
and_ = _f(S.and_, "x & y: bitwise on integers, logical on booleans.")
or_ = _f(S.or_, "x | y: bitwise on integers, logical on booleans.")
xor = _f(S.xor, "x ^ y: bitwise on integers, logical on booleans.")
invert = _f(S.invert, "~x: bitwise on integers, logical not on booleans.")
bitwise_and, bitwise_or, bitwise_xor, bitwise_not = and_, or_, xor, invert


def _as_bool(x):
    x = as_tensor_variable(x)
    return x if x.dtype == "bool" else neq(x, 0)


def logical_and(x, y):
    return and_(_as_bool(x), _as_bool(y))


def logical_or(x, y):
    return or_(_as_bool(x), _as_bool(y))


def logical_xor(x, y):
    return xor(_as_bool(x), _as_bool(y))


def logical_not(x):
    return invert(_as_bool(x))


# -- structure: copies, casts, fills ------------------------------------------------------------------
second = _f(S.second, "second(x, y): y broadcast to the shape of x.")
fill = second
identity = _f(S.identity)
conj = _f(S.conj, "Complex conjugate (real tensors are returned as they are).")
conjugate = conj
real = _f(S.real, "The real part of complex values (real values are their own).")
imag = _f(S.imag, "The imaginary part of complex values (0 for real values).")
angle = _f(S.angle, "The argument of complex values in (-pi, pi] (0 or pi for real values).")
complex = _f(S.complex_, "re + i im: complex64 from float32 parts, else complex128.")  # noqa: A001  Theano's name
complex_from_polar = _f(S.complex_from_polar, "r (cos theta + i sin theta): a complex from its modulus and argument.")
tensor_copy = identity


def cast(x, dtype):
    """`x` converted to `dtype` (a no-op when it already is)."""
    x = as_tensor_variable(x)
    dtype = D.check_dtype(dtype)
    if x.dtype == dtype:
        return x
    return elemwise_op(S.Cast(dtype))(x)


def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype, unless given) of `x`."""
    x = as_tensor_variable(x)
    return second(x, constant(0, dtype=D.check_dtype(dtype or x.dtype)))


def ones_like(x, dtype=None):
    x = as_tensor_variable(x)
    return second(x, constant(1, dtype=D.check_dtype(dtype or x.dtype)))


__all__ = [
    "elemwise_op", "elemwise_function",
    "add", "mul", "sub", "true_div", "int_div", "floor_div", "mod", "neg", "pow", "abs_", "abs",
    "sgn", "sqr", "sqrt", "inv", "reciprocal",
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "log1mexp", "sin", "cos", "tan",
    "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "arcsinh", "arccosh",
    "arctanh", "deg2rad", "rad2deg", "hypot",
    "floor", "ceil", "trunc", "round", "round_half_to_even", "round_half_away_from_zero", "iround",
    "erf", "erfc", "erfinv", "gamma", "gammaln", "psi", "tri_gamma", "sigmoid", "expit", "softplus", "relu",
    "log1pexp", "ultra_fast_sigmoid", "hard_sigmoid", "gammainc", "gammaincc", "erfcx", "erfcinv", "i0", "i1",
    "iv", "jv", "xlogx", "xlogy", "xlogy0", "xlog1py", "logit", "real", "imag", "angle", "complex",
    "complex_from_polar",
    "eq", "neq", "lt", "gt", "le", "ge", "isnan", "isinf", "maximum", "minimum", "clip", "switch",
    "and_", "or_", "xor", "invert", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
    "logical_and", "logical_or", "logical_xor", "logical_not",
    "second", "fill", "identity", "conj", "conjugate", "tensor_copy", "cast", "zeros_like", "ones_like",
]
