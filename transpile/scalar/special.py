"""Special functions: erf, erfc, erfinv, gamma, gammaln, psi (digamma), tri_gamma.

numpy implementations come from `special_numpy` (scipy.special when importable). The C++ forms
use <cmath> where it has the function and otherwise an immediately invoked lambda computing in
double, with the same algorithm as the numpy fallback.
"""
import math

from transpile.scalar import special_numpy as N
from transpile.scalar.basic import FloatUnaryOp, tensor

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_C_CONSTANTS = {"$PI": "3.141592653589793", "$INF": "std::numeric_limits<double>::infinity()",
                "$NAN": "std::numeric_limits<double>::quiet_NaN()"}


def _c(template):
    """`template` with the $PI, $INF, $NAN markers spelled out (kept out of f-strings, whose
    brace rules would fight the format-string doubling)."""
    for marker, text in _C_CONSTANTS.items():
        template = template.replace(marker, text)
    return template


class _Special(FloatUnaryOp):
    #: the numpy-level function (scipy's, or the fallback)
    fn = None

    def impl(self, x):
        (x,) = self.prepare((x,))
        return type(self).fn(x)


class Erf(_Special):
    fn = staticmethod(N.erf)
    c_expr = "std::erf({0})"

    def grad(self, inputs, outputs, output_grads):
        x = inputs[0]
        return [output_grads[0] * _TWO_OVER_SQRT_PI * tensor().exp(-x * x)]


class Erfc(_Special):
    fn = staticmethod(N.erfc)
    c_expr = "std::erfc({0})"

    def grad(self, inputs, outputs, output_grads):
        x = inputs[0]
        return [-output_grads[0] * _TWO_OVER_SQRT_PI * tensor().exp(-x * x)]


class Erfinv(_Special):
    """Inverse of erf on (-1, 1); +-inf at +-1, nan outside."""

    fn = staticmethod(N.erfinv)
    c_expr = _c(
        "[](double y) {{ double a = std::abs(y); if (!(a < 1)) return a == 1 ? "
        "std::copysign($INF, y) : $NAN; "
        "double lg = std::log((1 - a) * (1 + a)); "
        "double t = 2 / ($PI * 0.147) + lg / 2; "
        "double x = std::sqrt(std::sqrt(t * t - lg / 0.147) - t); "
        "for (int i = 0; i < 4; ++i) {{ double f = a < 0.5 ? std::erf(x) - a : (1 - a) - std::erfc(x); "
        "x -= f / (1.1283791670955126 * std::exp(-x * x)); }} "
        "return std::copysign(x, y); }}({0})")

    def grad(self, inputs, outputs, output_grads):
        out = outputs[0]
        return [output_grads[0] * (math.sqrt(math.pi) / 2) * tensor().exp(out * out)]


class Gamma(_Special):
    fn = staticmethod(N.gamma)
    c_expr = "std::tgamma({0})"

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * outputs[0] * tensor().psi(inputs[0])]


class GammaLn(_Special):
    """log |gamma(x)|. (C++'s lgamma may write the global `signgam`: harmless but racy.)"""

    fn = staticmethod(N.gammaln)
    c_expr = "std::lgamma({0})"

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * tensor().psi(inputs[0])]


class Psi(_Special):
    """Digamma, the derivative of gammaln."""

    fn = staticmethod(N.psi)
    c_expr = _c(
        "[](double x) {{ if (x <= 0 && std::floor(x) == x) "
        "return x == 0 ? -std::copysign($INF, x) : $NAN; "
        "double r = 0; if (x < 0) {{ r = -$PI / std::tan($PI * (x - std::nearbyint(x))); x = 1 - x; }} "
        "while (x < 10) {{ r -= 1 / x; x += 1; }} double f = 1 / (x * x); "
        "return r + std::log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 "
        "- f * (1.0 / 240 - f * (1.0 / 132))))); }}({0})")

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * tensor().tri_gamma(inputs[0])]


class TriGamma(_Special):
    """Trigamma, the derivative of psi. Its own gradient is not implemented."""

    fn = staticmethod(N.trigamma)
    c_expr = _c(
        "[](double x) {{ if (x <= 0 && std::floor(x) == x) return $INF; "
        "double s = 1, r = 0; if (x < 0) {{ "
        "double p = $PI / std::sin($PI * (x - std::nearbyint(x))); r = p * p; s = -1; x = 1 - x; }} "
        "double acc = 0; while (x < 10) {{ acc += 1 / (x * x); x += 1; }} double f = 1 / (x * x); "
        "return r + s * (acc + 1 / x + f / 2 + f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 "
        "- f * (1.0 / 30 - f * (5.0 / 66)))))); }}({0})")

    def grad(self, inputs, outputs, output_grads):
        raise NotImplementedError("the gradient of tri_gamma (polygamma(2, x)) is not implemented")


erf = Erf("erf")
erfc = Erfc("erfc")
erfinv = Erfinv("erfinv")
gamma = Gamma("gamma")
gammaln = GammaLn("gammaln")
psi = Psi("psi")
tri_gamma = TriGamma("tri_gamma")

__all__ = ["Erf", "Erfc", "Erfinv", "Gamma", "GammaLn", "Psi", "TriGamma", "erf", "erfc", "erfinv",
           "gamma", "gammaln", "psi", "tri_gamma"]
