"""The regularized incomplete beta function betainc(a, b, x) and the inverses in x of betainc,
gammainc and gammaincc (betaincinv, gammaincinv, gammainccinv), with scipy.special's values.

Their C++ forms call `spf::...` in the runtime header `special_incomplete.h`. Gradients are with
respect to x (or, for the inverses, the probability y: the reciprocal of the density at the
result); with respect to the shape parameters a, b they are not implemented.
"""
from transpile.lazy_import import lazy_module
from transpile.scalar.basic import FloatBinaryOp, ScalarOp, tensor, upgrade_to_float_no_complex
from transpile.scalar.special_more import SciPyFunctionInDouble, not_implemented

sp = lazy_module("scipy.special")

_SHAPE = "the derivative in a shape parameter needs one of the incomplete function itself"


class FloatTernaryOp(ScalarOp):
    """A real function of three real variables: integers compute as floats."""

    nin = 3
    output_types_preference = staticmethod(upgrade_to_float_no_complex)


def _log_beta_density(a, b, x):
    """log of x^(a-1) (1-x)^(b-1) / B(a, b), the derivative of betainc in x."""
    T = tensor()
    return (a - 1) * T.log(x) + (b - 1) * T.log1p(-x) - T.betaln(a, b)


def _log_gamma_density(a, x):
    """log of x^(a-1) e^-x / gamma(a), the derivative of gammainc in x."""
    T = tensor()
    return (a - 1) * T.log(x) - x - T.gammaln(a)


class BetaInc(SciPyFunctionInDouble, FloatTernaryOp):
    """betainc(a, b, x): the regularized incomplete beta function I_x(a, b) (a, b >= 0, 0 <= x <= 1)."""

    fn = staticmethod(sp.betainc)
    c_expr = "spf::betainc({0}, {1}, {2})"
    c_runtime = ("special_incomplete",)

    def grad(self, inputs, outputs, output_grads):
        a, b, x = inputs
        return [not_implemented(self, 0, a, _SHAPE), not_implemented(self, 1, b, _SHAPE),
                output_grads[0] * tensor().exp(_log_beta_density(a, b, x))]


class BetaIncInv(SciPyFunctionInDouble, FloatTernaryOp):
    """betaincinv(a, b, y): the x in [0, 1] with betainc(a, b, x) = y."""

    fn = staticmethod(sp.betaincinv)
    c_expr = "spf::betaincinv({0}, {1}, {2})"
    c_runtime = ("special_incomplete",)

    def grad(self, inputs, outputs, output_grads):
        a, b, y = inputs
        return [not_implemented(self, 0, a, _SHAPE), not_implemented(self, 1, b, _SHAPE),
                output_grads[0] * tensor().exp(-_log_beta_density(a, b, outputs[0]))]


class GammaIncInv(SciPyFunctionInDouble, FloatBinaryOp):
    """gammaincinv(a, y): the x >= 0 with gammainc(a, x) = y."""

    fn = staticmethod(sp.gammaincinv)
    c_expr = "spf::gammaincinv({0}, {1})"
    c_runtime = ("special_incomplete",)

    def grad(self, inputs, outputs, output_grads):
        a, y = inputs
        return [not_implemented(self, 0, a, _SHAPE),
                output_grads[0] * tensor().exp(-_log_gamma_density(a, outputs[0]))]


class GammaIncCInv(SciPyFunctionInDouble, FloatBinaryOp):
    """gammainccinv(a, y): the x >= 0 with gammaincc(a, x) = y."""

    fn = staticmethod(sp.gammainccinv)
    c_expr = "spf::gammainccinv({0}, {1})"
    c_runtime = ("special_incomplete",)

    def grad(self, inputs, outputs, output_grads):
        a, y = inputs
        return [not_implemented(self, 0, a, _SHAPE),
                -output_grads[0] * tensor().exp(-_log_gamma_density(a, outputs[0]))]


betainc = BetaInc("betainc")
betaincinv = BetaIncInv("betaincinv")
gammaincinv = GammaIncInv("gammaincinv")
gammainccinv = GammaIncCInv("gammainccinv")

__all__ = ["BetaInc", "BetaIncInv", "GammaIncInv", "GammaIncCInv", "betainc", "betaincinv", "gammaincinv",
           "gammainccinv"]
