"""Incomplete gamma functions, erfcx and erfcinv (scipy.special's names and values).

Their C++ forms call `spf::...` in the runtime header `special.h` (`c_runtime` names it; the
printer asks for it), which computes in double: <cmath> has none of them.
"""
import math

import numpy as np

from transpile.lazy_import import lazy_module
from transpile.scalar.basic import FloatBinaryOp, FloatUnaryOp, tensor

sp = lazy_module("scipy.special")

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def not_implemented(op, position, var, why):
    """The gradient of `op` with respect to input `position`: not written (a NullType that
    `grad` reports only when that gradient is actually asked for)."""
    return tensor().gradient_ops.grad_not_implemented(op, position, var, why)


class SciPyFunction:
    """impl: scipy.special's function of the inputs converted to the output dtype."""

    fn = None
    c_runtime = ("special",)

    def impl(self, *inputs):
        return type(self).fn(*self.prepare(inputs))


class SciPyFunctionInDouble(SciPyFunction):
    """impl: scipy.special's function computed in float64 and rounded to the output dtype, as
    the C++ forms in the runtime headers compute (some of scipy's float32 loops, betainc's,
    compute in float32)."""

    def impl(self, *inputs):
        args = self.prepare(inputs)
        return np.asarray(type(self).fn(*[a.astype("float64") for a in args])).astype(args[0].dtype)


class GammaInc(SciPyFunction, FloatBinaryOp):
    """Regularized lower incomplete gamma function P(k, x) = gamma(k, x) / Gamma(k)."""

    fn = staticmethod(sp.gammainc)
    c_expr = "spf::gammainc({0}, {1})"

    def grad(self, inputs, outputs, output_grads):
        k, x = inputs
        T = tensor()
        density = T.exp((k - 1) * T.log(x) - x - T.gammaln(k))
        return [not_implemented(self, 0, k, "d/dk needs the derivative of the incomplete gamma "
                                "function in its shape parameter"), output_grads[0] * density]


class GammaIncC(SciPyFunction, FloatBinaryOp):
    """Regularized upper incomplete gamma function Q(k, x) = 1 - P(k, x)."""

    fn = staticmethod(sp.gammaincc)
    c_expr = "spf::gammaincc({0}, {1})"

    def grad(self, inputs, outputs, output_grads):
        k, x = inputs
        T = tensor()
        density = T.exp((k - 1) * T.log(x) - x - T.gammaln(k))
        return [not_implemented(self, 0, k, "d/dk needs the derivative of the incomplete gamma "
                                "function in its shape parameter"), -output_grads[0] * density]


class Erfcx(SciPyFunction, FloatUnaryOp):
    """Scaled complementary error function exp(x**2) * erfc(x), finite for large x."""

    fn = staticmethod(sp.erfcx)
    c_expr = "spf::erfcx({0})"

    def grad(self, inputs, outputs, output_grads):
        x = inputs[0]
        return [output_grads[0] * (2 * x * outputs[0] - _TWO_OVER_SQRT_PI)]


class Erfcinv(SciPyFunction, FloatUnaryOp):
    """Inverse of erfc on [0, 2]; +inf at 0, -inf at 2, nan outside."""

    fn = staticmethod(sp.erfcinv)
    c_expr = "spf::erfcinv({0})"

    def grad(self, inputs, outputs, output_grads):
        out = outputs[0]
        return [-output_grads[0] * (math.sqrt(math.pi) / 2) * tensor().exp(out * out)]


gammainc = GammaInc("gammainc")
gammaincc = GammaIncC("gammaincc")
erfcx = Erfcx("erfcx")
erfcinv = Erfcinv("erfcinv")

__all__ = ["GammaInc", "GammaIncC", "Erfcx", "Erfcinv", "gammainc", "gammaincc", "erfcx", "erfcinv"]
