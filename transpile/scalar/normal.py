"""Functions of the standard normal distribution: ndtri_exp(y), the quantile at probability e^y
(finite for y far below -745, where exp(y) underflows and ndtri(exp(y)) would be -inf), and
Owen's T function owens_t(h, a), with scipy.special's values.

Their C++ forms call `spf::...` in the runtime header `special_normal.h`.
"""
import math

from transpile.lazy_import import lazy_module
from transpile.scalar.basic import FloatBinaryOp, FloatUnaryOp, tensor
from transpile.scalar.special_more import SciPyFunctionInDouble

sp = lazy_module("scipy.special")


class NdtriExp(SciPyFunctionInDouble, FloatUnaryOp):
    """ndtri_exp(y): the x with log(ndtr(x)) = y (y <= 0)."""

    fn = staticmethod(sp.ndtri_exp)
    c_expr = "spf::ndtri_exp({0})"
    c_runtime = ("special_normal",)

    def grad(self, inputs, outputs, output_grads):
        # dy/dx = pdf(x) / cdf(x), with cdf(x) = e^y
        y, x = inputs[0], outputs[0]
        return [output_grads[0] * math.sqrt(2 * math.pi) * tensor().exp(y + x * x / 2)]


class OwensT(SciPyFunctionInDouble, FloatBinaryOp):
    """owens_t(h, a) = 1/(2 pi) integral_0^a exp(-h^2 (1 + t^2) / 2) / (1 + t^2) dt."""

    fn = staticmethod(sp.owens_t)
    c_expr = "spf::owens_t({0}, {1})"
    c_runtime = ("special_normal",)

    def grad(self, inputs, outputs, output_grads):
        h, a = inputs
        T = tensor()
        gz = output_grads[0]
        dh = -T.exp(-h * h / 2) * T.erf(a * h / math.sqrt(2)) / (2 * math.sqrt(2 * math.pi))
        da = T.exp(-h * h * (1 + a * a) / 2) / (2 * math.pi * (1 + a * a))
        return [gz * dh, gz * da]


ndtri_exp = NdtriExp("ndtri_exp")
owens_t = OwensT("owens_t")

__all__ = ["NdtriExp", "OwensT", "ndtri_exp", "owens_t"]
