"""x * log(x), x * log(y), x * log1p(y) with 0 where x == 0 (the limits entropy terms need),
and logit. Plain <cmath> expressions (inline, so they fuse and compile for CUDA as they are)."""
import numpy as np

from transpile.lazy_import import lazy_module
from transpile.scalar.basic import FloatBinaryOp, FloatUnaryOp, tensor

sp = lazy_module("scipy.special")


class XlogX(FloatUnaryOp):
    """x * log(x), 0 at x == 0 (Theano's `xlogx`)."""

    c_expr = "[]({otype} x) {{ return x == 0 ? {otype}(0) : x * std::log(x); }}({0})"

    def impl(self, x):
        (x,) = self.prepare((x,))
        with np.errstate(all="ignore"):
            return np.where(x == 0, x.dtype.type(0), x * np.log(x)).astype(x.dtype, copy=False)

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * (1 + tensor().log(inputs[0]))]


class XlogY(FloatBinaryOp):
    """x * log(y), 0 where x == 0 and y is not nan (scipy's `xlogy`, Theano's `xlogy0`)."""

    c_expr = ("[]({otype} x, {otype} y) {{ return x == 0 && !std::isnan(y) ? {otype}(0) "
              ": x * std::log(y); }}({0}, {1})")

    def impl(self, x, y):
        return sp.xlogy(*self.prepare((x, y)))

    def grad(self, inputs, outputs, output_grads):
        x, y = inputs
        gz = output_grads[0]
        return [gz * tensor().log(y), gz * x / y]


class Xlog1pY(FloatBinaryOp):
    """x * log1p(y), 0 where x == 0 and y is not nan (scipy's `xlog1py`)."""

    c_expr = ("[]({otype} x, {otype} y) {{ return x == 0 && !std::isnan(y) ? {otype}(0) "
              ": x * std::log1p(y); }}({0}, {1})")

    def impl(self, x, y):
        return sp.xlog1py(*self.prepare((x, y)))

    def grad(self, inputs, outputs, output_grads):
        x, y = inputs
        gz = output_grads[0]
        return [gz * tensor().log1p(y), gz * x / (1 + y)]


class Logit(FloatUnaryOp):
    """log(x / (1 - x)), the inverse of the sigmoid (scipy's `logit`)."""

    c_expr = "std::log({0} / ({otype}(1) - {0}))"

    def impl(self, x):
        return sp.logit(*self.prepare((x,)))

    def grad(self, inputs, outputs, output_grads):
        x = inputs[0]
        return [output_grads[0] / (x * (1 - x))]


xlogx = XlogX("xlogx")
xlogy = XlogY("xlogy")
xlog1py = Xlog1pY("xlog1py")
logit = Logit("logit")

__all__ = ["XlogX", "XlogY", "Xlog1pY", "Logit", "xlogx", "xlogy", "xlog1py", "logit"]
