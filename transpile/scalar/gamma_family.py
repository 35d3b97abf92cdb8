"""polygamma, poch (the Pochhammer symbol) and betaln (log |B(a, b)|), with scipy.special's
values.

Their C++ forms call `spf::...` in the runtime header `special_gamma.h`. poch and betaln are ops
of their own rather than lgamma differences: for large arguments those differences lose digits
(betaln(0.16, 6e4) to 1e-8 relative); the header takes the log of the ratio from Stirling's
series instead. Gradients wrt the order n of polygamma are not implemented (n is an integer).
"""
from transpile.lazy_import import lazy_module
from transpile.scalar.basic import FloatBinaryOp, tensor
from transpile.scalar.special_more import SciPyFunctionInDouble, not_implemented

sp = lazy_module("scipy.special")


class Polygamma(SciPyFunctionInDouble, FloatBinaryOp):
    """polygamma(n, x): the n-th derivative of digamma (n = 0: digamma itself); nan unless n is
    a nonnegative integer."""

    fn = staticmethod(sp.polygamma)
    c_expr = "spf::polygamma({0}, {1})"
    c_runtime = ("special_gamma",)

    def grad(self, inputs, outputs, output_grads):
        n, x = inputs
        return [not_implemented(self, 0, n, "the order of polygamma is an integer"),
                output_grads[0] * tensor().polygamma(n + 1, x)]


class Poch(SciPyFunctionInDouble, FloatBinaryOp):
    """poch(z, m) = gamma(z + m) / gamma(z), the rising factorial for integer m."""

    fn = staticmethod(sp.poch)
    c_expr = "spf::poch({0}, {1})"
    c_runtime = ("special_gamma",)

    def grad(self, inputs, outputs, output_grads):
        z, m = inputs
        T = tensor()
        gz = output_grads[0] * outputs[0]
        psi_zm = T.psi(z + m)
        return [gz * (psi_zm - T.psi(z)), gz * psi_zm]


class BetaLn(SciPyFunctionInDouble, FloatBinaryOp):
    """betaln(a, b) = log |gamma(a) gamma(b) / gamma(a + b)|."""

    fn = staticmethod(sp.betaln)
    c_expr = "spf::betaln({0}, {1})"
    c_runtime = ("special_gamma",)

    def grad(self, inputs, outputs, output_grads):
        a, b = inputs
        T = tensor()
        psi_ab = T.psi(a + b)
        return [output_grads[0] * (T.psi(a) - psi_ab), output_grads[0] * (T.psi(b) - psi_ab)]


polygamma = Polygamma("polygamma")
poch = Poch("poch")
betaln = BetaLn("betaln")

__all__ = ["Polygamma", "Poch", "BetaLn", "polygamma", "poch", "betaln"]
