"""Bessel functions: i0, i1 (modified, first kind, orders 0 and 1), iv and jv (modified and
ordinary, first kind, real order v), with scipy.special's values.

Their C++ forms call `spf::...` in the runtime header `special.h`, built on the C++17 special
math functions (std::cyl_bessel_i, ...) with the negative arguments those refuse reduced first.
Gradients are with respect to x; with respect to the order v they are not implemented.
"""

from transpile.lazy_import import lazy_module
from transpile.scalar.basic import FloatBinaryOp, FloatUnaryOp, tensor
from transpile.scalar.special_more import SciPyFunction, not_implemented

sp = lazy_module("scipy.special")

_ORDER = "the derivative of a Bessel function in its order is not implemented"


class I0(SciPyFunction, FloatUnaryOp):
    fn = staticmethod(sp.i0)
    c_expr = "spf::i0({0})"

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * tensor().i1(inputs[0])]


class I1(SciPyFunction, FloatUnaryOp):
    fn = staticmethod(sp.i1)
    c_expr = "spf::i1({0})"

    def grad(self, inputs, outputs, output_grads):
        # I1' = (I0 + I2) / 2 (equal to I0 - I1 / x, but finite at 0)
        x = inputs[0]
        T = tensor()
        return [output_grads[0] * (T.i0(x) + T.iv(2, x)) / 2]


class Iv(SciPyFunction, FloatBinaryOp):
    """iv(v, x): modified Bessel function of the first kind of real order v."""

    fn = staticmethod(sp.iv)
    c_expr = "spf::iv({0}, {1})"

    def grad(self, inputs, outputs, output_grads):
        v, x = inputs
        T = tensor()
        return [not_implemented(self, 0, v, _ORDER), output_grads[0] * (T.iv(v - 1, x) + T.iv(v + 1, x)) / 2]


class Jv(SciPyFunction, FloatBinaryOp):
    """jv(v, x): Bessel function of the first kind of real order v."""

    fn = staticmethod(sp.jv)
    c_expr = "spf::jv({0}, {1})"

    def grad(self, inputs, outputs, output_grads):
        v, x = inputs
        T = tensor()
        return [not_implemented(self, 0, v, _ORDER), output_grads[0] * (T.jv(v - 1, x) - T.jv(v + 1, x)) / 2]


i0 = I0("i0")
i1 = I1("i1")
iv = Iv("iv")
jv = Jv("jv")

__all__ = ["I0", "I1", "Iv", "Jv", "i0", "i1", "iv", "jv"]
