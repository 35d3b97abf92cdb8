"""Numerically stable activation-style functions: sigmoid, softplus, log1mexp.

Each is computed from exp(-|x|), which never overflows, so large |x| gives exact limits (0, 1,
x) instead of inf/inf = nan.
"""
import math

import numpy as np

from transpile.scalar.basic import FloatUnaryOp, tensor


class Sigmoid(FloatUnaryOp):
    """1 / (1 + exp(-x))."""

    # one division of a selected numerator, not a choice of two divisions: GCC (with its
    # default -ftrapping-math) vectorizes no loop whose branches hold floating-point arithmetic,
    # and these are the same values, bit for bit
    c_expr = ("[]({otype} x) {{ {otype} e = std::exp(-std::abs(x)); "
              "return (x >= 0 ? {otype}(1) : e) / ({otype}(1) + e); }}({0})")

    def impl(self, x):
        (x,) = self.prepare((x,))
        with np.errstate(all="ignore"):
            e = np.exp(-np.abs(x))
            return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)

    def grad(self, inputs, outputs, output_grads):
        s = outputs[0]
        return [output_grads[0] * s * (1 - s)]


class Softplus(FloatUnaryOp):
    """log(1 + exp(x)), as max(x, 0) + log1p(exp(-|x|))."""

    c_expr = ("[]({otype} x) {{ return (x > 0 ? x : {otype}(0)) + std::log1p(std::exp(-std::abs(x))); }}({0})")

    def impl(self, x):
        (x,) = self.prepare((x,))
        with np.errstate(all="ignore"):
            return (np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False)

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * tensor().sigmoid(inputs[0])]


class Log1mexp(FloatUnaryOp):
    """log(1 - exp(x)) for x <= 0 (nan for x > 0): log(-expm1(x)) near 0, log1p(-exp(x)) below
    -log(2), each where it keeps full precision."""

    c_expr = ("[]({otype} x) {{ return x > {otype}(-0.6931471805599453) ? std::log(-std::expm1(x)) "
              ": std::log1p(-std::exp(x)); }}({0})")

    def impl(self, x):
        (x,) = self.prepare((x,))
        with np.errstate(all="ignore"):
            return np.where(x > -math.log(2), np.log(-np.expm1(x)), np.log1p(-np.exp(x))).astype(
                x.dtype, copy=False)

    def grad(self, inputs, outputs, output_grads):
        # d/dx log(1 - e^x) = -e^x / (1 - e^x) = -1 / expm1(-x)
        return [-output_grads[0] / tensor().expm1(-inputs[0])]


sigmoid = Sigmoid("sigmoid")
softplus = Softplus("softplus")
log1mexp = Log1mexp("log1mexp")

__all__ = ["Sigmoid", "Softplus", "Log1mexp", "sigmoid", "softplus", "log1mexp"]
