"""Arithmetic scalar ops: + - * / // % neg pow abs sgn sqr inv, exp log sqrt, and the
structural ones (second, identity, cast) the graph machinery relies on."""
import numpy as np

from transpile.scalar import dtypes as D
from transpile.scalar.basic import (
    BinaryScalarOp,
    ScalarOp,
    UnaryScalarOp,
    c_cast_inputs,
    c_join,
    same_out,
    same_out_bool_as_int8,
    same_out_no_bool,
    same_out_nocomplex,
    tensor,
    upgrade_to_float,
    upgrade_to_float_no_complex,
    zeros_grads,
)


def _signed(dtype):
    return dtype in D.SIGNED


class Add(ScalarOp):
    nin = -1
    identity = 0
    commutative = associative = True
    c_expr = None  # variadic: see c_code

    def impl(self, *inputs):
        arrays = self.prepare(inputs)
        out = arrays[0]
        for x in arrays[1:]:
            out = np.add(out, x)
        return out

    def output_dtypes(self, *dtypes):
        return same_out(*dtypes)

    def c_code(self, input_dtypes, output_dtype):
        return c_cast_inputs(c_join("+", len(input_dtypes)), list(input_dtypes),
                             [output_dtype] * len(input_dtypes))

    def grad(self, inputs, outputs, output_grads):
        (gz,) = output_grads
        return [gz for _ in inputs]


class Mul(ScalarOp):
    nin = -1
    identity = 1
    commutative = associative = True

    def impl(self, *inputs):
        arrays = self.prepare(inputs)
        out = arrays[0]
        for x in arrays[1:]:
            out = np.multiply(out, x)
        return out

    def output_dtypes(self, *dtypes):
        return same_out(*dtypes)

    def c_code(self, input_dtypes, output_dtype):
        return c_cast_inputs(c_join("*", len(input_dtypes)), list(input_dtypes),
                             [output_dtype] * len(input_dtypes))

    def grad(self, inputs, outputs, output_grads):
        T = tensor()
        (gz,) = output_grads
        grads = []
        for i in range(len(inputs)):
            others = [_conj(o) for o in inputs[:i] + inputs[i + 1:]]
            grads.append(T.mul(gz, *others) if others else gz)
        return grads


class Sub(BinaryScalarOp):
    ufunc = staticmethod(np.subtract)
    c_expr = "({0} - {1})"
    output_types_preference = staticmethod(same_out_no_bool)

    def grad(self, inputs, outputs, output_grads):
        (gz,) = output_grads
        return [gz, -gz]


class TrueDiv(BinaryScalarOp):
    """x / y; integers divide as floats (`upgrade_to_float`)."""

    ufunc = staticmethod(np.true_divide)
    c_expr = "({0} / {1})"
    output_types_preference = staticmethod(upgrade_to_float)

    def grad(self, inputs, outputs, output_grads):
        x, y = (_conj(v) for v in inputs)
        (gz,) = output_grads
        return [gz / y, -gz * x / (y * y)]


# C++ for floor division and mod with Python/numpy semantics (the sign follows the divisor).
_FLOORDIV_SIGNED = (
    "[]({otype} a, {otype} b) {{ if (b == 0) return {otype}(0); "
    "if (b == -1) return {otype}(0 - static_cast<uint64_t>(a)); {otype} q = a / b; "
    "return {otype}((a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q); }}({0}, {1})")
_FLOORDIV_UNSIGNED = "({1} == 0 ? {otype}(0) : {otype}({0} / {1}))"
_FLOORDIV_FLOAT = (
    "[]({otype} a, {otype} b) {{ if (b == 0) return {otype}(a / b); {otype} m = std::fmod(a, b); "
    "{otype} d = (a - m) / b; if (m != 0 && ((b < 0) != (m < 0))) d -= 1; "
    "if (d == 0) return {otype}(std::copysign({otype}(0), a / b)); {otype} f = std::floor(d); "
    "if (d - f > {otype}(0.5)) f += 1; return f; }}({0}, {1})")
_MOD_SIGNED = (
    "[]({otype} a, {otype} b) {{ if (b == 0 || b == -1) return {otype}(0); {otype} r = a % b; "
    "return {otype}((r != 0 && ((r < 0) != (b < 0))) ? r + b : r); }}({0}, {1})")
_MOD_UNSIGNED = "({1} == 0 ? {otype}(0) : {otype}({0} % {1}))"
_MOD_FLOAT = (
    "[]({otype} a, {otype} b) {{ {otype} r = std::fmod(a, b); "
    "if (r != 0) {{ if ((b < 0) != (r < 0)) r += b; }} else {{ r = std::copysign({otype}(0), b); }} "
    "return r; }}({0}, {1})")


class IntDiv(BinaryScalarOp):
    """Floor division (`//`): rounds toward -inf, like Python and numpy; x // 0 is 0 on integers."""

    ufunc = staticmethod(np.floor_divide)
    output_types_preference = staticmethod(same_out_bool_as_int8)
    c_expr = _FLOORDIV_FLOAT

    def c_code(self, input_dtypes, output_dtype):
        if D.is_float(output_dtype):
            template = _FLOORDIV_FLOAT
        else:
            template = _FLOORDIV_SIGNED if _signed(output_dtype) else _FLOORDIV_UNSIGNED
        return c_cast_inputs(template, list(input_dtypes), [output_dtype] * 2)

    def grad(self, inputs, outputs, output_grads):
        return zeros_grads(inputs)


class Mod(BinaryScalarOp):
    """x % y with numpy's sign rule (the result has the divisor's sign); x % 0 is 0 on integers."""

    ufunc = staticmethod(np.remainder)
    output_types_preference = staticmethod(same_out_bool_as_int8)
    c_expr = _MOD_FLOAT

    def c_code(self, input_dtypes, output_dtype):
        if D.is_float(output_dtype):
            template = _MOD_FLOAT
        else:
            template = _MOD_SIGNED if _signed(output_dtype) else _MOD_UNSIGNED
        return c_cast_inputs(template, list(input_dtypes), [output_dtype] * 2)

    def grad(self, inputs, outputs, output_grads):
        T = tensor()
        x, y = inputs
        (gz,) = output_grads
        return [gz, -gz * T.floor_div(x, y)]


class Neg(UnaryScalarOp):
    ufunc = staticmethod(np.negative)
    c_expr = "(-{0})"
    output_types_preference = staticmethod(same_out_no_bool)

    def grad(self, inputs, outputs, output_grads):
        return [-output_grads[0]]


class Pow(BinaryScalarOp):
    """x ** y. Integers use exact integer powers (wrapping like numpy); booleans compute as int8."""

    c_expr = "std::pow({0}, {1})"
    output_types_preference = staticmethod(same_out_bool_as_int8)
    _INT = ("[](int64_t b, int64_t e) {{ if (e < 0) return int64_t(b == 1 ? 1 : (b == -1 ? (e % 2 ? -1 : 1) : 0)); "
            "uint64_t r = 1, p = static_cast<uint64_t>(b); "
            "while (e > 0) {{ if (e & 1) r *= p; p *= p; e >>= 1; }} "
            "return static_cast<int64_t>(r); }}({0}, {1})")

    def impl(self, x, y):
        with np.errstate(all="ignore"):
            return np.power(*self.prepare((x, y)))

    def c_code(self, input_dtypes, output_dtype):
        # integers: the native printer uses a checked form instead (a negative exponent fails the
        # node like numpy's ValueError); this plain one returns 0 there
        template = self.c_expr if not D.is_discrete(output_dtype) else self._INT
        return c_cast_inputs(template, list(input_dtypes), [output_dtype] * 2)

    def grad(self, inputs, outputs, output_grads):
        T = tensor()
        x, y = inputs
        (gz,) = output_grads
        gx = gz * y * T.pow(x, y - 1)
        gy = gz * outputs[0] * T.log(T.switch(T.eq(x, 0), 1, x))
        return [gx, gy]


_MODULUS = {"complex64": "float32", "complex128": "float64"}


class Abs(UnaryScalarOp):
    """|x|; the modulus of a complex value, in its real dtype (numpy's abs)."""

    ufunc = staticmethod(np.abs)
    c_expr = "std::abs({0})"
    input_cast = None  # the output dtype is the input's, or a complex input's real one
    output_types_preference = staticmethod(lambda dtype: (_MODULUS.get(dtype, dtype),))

    def c_code(self, input_dtypes, output_dtype):
        if output_dtype == "bool" or D.is_integer(output_dtype) and not _signed(output_dtype):
            return "{0}"
        if _signed(output_dtype):  # through uint64 so that abs(INT_MIN) wraps instead of overflowing
            return "({0} < 0 ? static_cast<{otype}>(0 - static_cast<uint64_t>({0})) : {0})"
        return self.c_expr

    def grad(self, inputs, outputs, output_grads):
        T = tensor()
        (x,), (g,) = inputs, output_grads
        if D.is_complex(x.dtype):  # dC/dRe + i dC/dIm = g z / |z|
            return [g * x / outputs[0]]
        return [g * T.sgn(x)]


def _no_bool_nocomplex(*dtypes):
    if dtypes and dtypes[0] == "bool":
        raise TypeError("sgn of a boolean is not supported")
    return same_out_nocomplex(*dtypes)


class Sgn(UnaryScalarOp):
    """Sign: -1, 0 or 1 (nan stays nan)."""

    ufunc = staticmethod(np.sign)
    c_expr = "({0} > 0 ? {otype}(1) : ({0} < 0 ? {otype}(-1) : ({0} == 0 ? {otype}(0) : {0})))"
    output_types_preference = staticmethod(_no_bool_nocomplex)

    def c_code(self, input_dtypes, output_dtype):
        if D.is_integer(output_dtype) and not _signed(output_dtype):
            return "({0} > 0 ? {otype}(1) : {otype}(0))"
        return self.c_expr

    def grad(self, inputs, outputs, output_grads):
        return zeros_grads(inputs)


class Sqr(UnaryScalarOp):
    ufunc = staticmethod(np.square)
    c_expr = "({0} * {0})"
    output_types_preference = staticmethod(same_out_bool_as_int8)

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * 2 * inputs[0]]


class Inv(UnaryScalarOp):
    """Reciprocal 1 / x (a float for integer x)."""

    ufunc = staticmethod(np.reciprocal)
    c_expr = "({otype}(1) / {0})"
    output_types_preference = staticmethod(upgrade_to_float_no_complex)

    def grad(self, inputs, outputs, output_grads):
        return [-output_grads[0] * outputs[0] * outputs[0]]


class Exp(UnaryScalarOp):
    ufunc = staticmethod(np.exp)
    c_expr = "std::exp({0})"
    output_types_preference = staticmethod(upgrade_to_float)

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * _conj(outputs[0])]


class Log(UnaryScalarOp):
    ufunc = staticmethod(np.log)
    c_expr = "std::log({0})"
    output_types_preference = staticmethod(upgrade_to_float)

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] / _conj(inputs[0])]


class Sqrt(UnaryScalarOp):
    ufunc = staticmethod(np.sqrt)
    c_expr = "std::sqrt({0})"
    output_types_preference = staticmethod(upgrade_to_float)

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * 0.5 / _conj(outputs[0])]


class Second(BinaryScalarOp):
    """second(x, y): y, broadcast to the shape of x (Theano's `fill`)."""

    c_expr = "{1}"
    input_cast = None

    def impl(self, x, y):
        return np.broadcast_to(y, np.broadcast_shapes(np.shape(x), np.shape(y)))

    def output_dtypes(self, x, y):
        return (y,)

    def grad(self, inputs, outputs, output_grads):
        T = tensor()
        return [T.zeros_like(inputs[0], dtype=D.config.floatX)
                if D.is_discrete(inputs[0].dtype) else T.zeros_like(inputs[0]), output_grads[0]]


def _conj(v):
    """`v`, conjugated when complex: the gradient of a real cost with respect to a complex z is
    dC/dRe(z) + i dC/dIm(z) (Theano's convention), so a holomorphic f passes g * conj(f'(z))."""
    return tensor().conj(v) if D.is_complex(v.dtype) else v


class Identity(UnaryScalarOp):
    c_expr = "{0}"
    input_cast = None

    def impl(self, x):
        return x

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0]]


class Conj(UnaryScalarOp):
    """Complex conjugate; real values are their own conjugate (booleans give int8, as numpy)."""

    ufunc = staticmethod(np.conjugate)
    input_cast = None
    output_types_preference = staticmethod(lambda dtype: ("int8" if dtype == "bool" else dtype,))

    def c_code(self, input_dtypes, output_dtype):
        return "std::conj({0})" if D.is_complex(output_dtype) else "{0}"

    def grad(self, inputs, outputs, output_grads):
        return [_conj(output_grads[0]) if D.is_complex(inputs[0].dtype) else output_grads[0]]


class Cast(UnaryScalarOp):
    """Conversion to `o_type` (a dtype name)."""

    __props__ = ("o_type",)
    c_expr = "static_cast<{otype}>({0})"
    input_cast = None

    def __init__(self, o_type):
        self.o_type = D.check_dtype(o_type)
        super().__init__(f"convert_to_{self.o_type}")

    def output_dtypes(self, *dtypes):
        if len(dtypes) != 1:
            raise TypeError(f"{self.name} takes 1 input, got {len(dtypes)}")
        if D.is_complex(dtypes[0]) and not D.is_complex(self.o_type):
            raise TypeError(f"casting {dtypes[0]} to {self.o_type} is ambiguous (numpy drops the imaginary part "
                            "with a warning); take real(), imag(), angle() or abs() of it first")
        return (self.o_type,)

    def impl(self, x):
        with np.errstate(all="ignore"):
            return np.asarray(x).astype(self.o_type)

    def __str__(self):
        return f"Cast{{{self.o_type}}}"

    def grad(self, inputs, outputs, output_grads):
        T = tensor()
        (x,) = inputs
        if D.is_discrete(x.dtype):
            return [T.zeros_like(x, dtype=D.config.floatX)]
        return [T.gradient_ops.gradient_as(output_grads[0], x.dtype)]


add = Add("add")
mul = Mul("mul")
sub = Sub("sub")
true_div = TrueDiv("true_div")
int_div = IntDiv("int_div")
mod = Mod("mod")
neg = Neg("neg")
pow = Pow("pow")
abs_ = Abs("abs_")
sgn = Sgn("sgn")
sqr = Sqr("sqr")
inv = Inv("inv")
exp = Exp("exp")
log = Log("log")
sqrt = Sqrt("sqrt")
second = Second("second")
identity = Identity("identity")
conj = Conj("conj")

__all__ = ["Add", "Mul", "Sub", "TrueDiv", "IntDiv", "Mod", "Neg", "Pow", "Abs", "Sgn", "Sqr",
           "Inv", "Exp", "Log", "Sqrt", "Second", "Identity", "Conj", "Cast", "add", "mul", "sub",
           "true_div", "int_div", "mod", "neg", "pow", "abs_", "sgn", "sqr", "inv", "exp", "log",
           "sqrt", "second", "identity", "conj"]
