"""Modified Bessel functions beyond `bessel.py`: kv (second kind, real order), kve = kv * e^x and
ive = iv * e^-|x| (scaled to stay finite where kv underflows and iv overflows), with
scipy.special's values.

Their C++ forms call `spf::...` in the runtime header `special_bessel_k.h`. Gradients are with
respect to x; with respect to the order v they are not implemented.
"""
from transpile.lazy_import import lazy_module
from transpile.scalar.basic import FloatBinaryOp, tensor
from transpile.scalar.special_more import SciPyFunctionInDouble, not_implemented

sp = lazy_module("scipy.special")

_ORDER = "the derivative of a Bessel function in its order is not implemented"


class Kv(SciPyFunctionInDouble, FloatBinaryOp):
    """kv(v, x): modified Bessel function of the second kind of real order v (x >= 0)."""

    fn = staticmethod(sp.kv)
    c_expr = "spf::kv({0}, {1})"
    c_runtime = ("special_bessel_k",)

    def grad(self, inputs, outputs, output_grads):
        v, x = inputs
        T = tensor()
        return [not_implemented(self, 0, v, _ORDER), -output_grads[0] * (T.kv(v - 1, x) + T.kv(v + 1, x)) / 2]


class Kve(SciPyFunctionInDouble, FloatBinaryOp):
    """kve(v, x) = kv(v, x) * exp(x)."""

    fn = staticmethod(sp.kve)
    c_expr = "spf::kve({0}, {1})"
    c_runtime = ("special_bessel_k",)

    def grad(self, inputs, outputs, output_grads):
        v, x = inputs
        T = tensor()
        dx = outputs[0] - (T.kve(v - 1, x) + T.kve(v + 1, x)) / 2
        return [not_implemented(self, 0, v, _ORDER), output_grads[0] * dx]


class Ive(SciPyFunctionInDouble, FloatBinaryOp):
    """ive(v, x) = iv(v, x) * exp(-|x|)."""

    fn = staticmethod(sp.ive)
    c_expr = "spf::ive({0}, {1})"
    c_runtime = ("special_bessel_k",)

    def grad(self, inputs, outputs, output_grads):
        v, x = inputs
        T = tensor()
        dx = (T.ive(v - 1, x) + T.ive(v + 1, x)) / 2 - T.sgn(x) * outputs[0]
        return [not_implemented(self, 0, v, _ORDER), output_grads[0] * dx]


kv = Kv("kv")
kve = Kve("kve")
ive = Ive("ive")

__all__ = ["Kv", "Kve", "Ive", "kv", "kve", "ive"]
