"""The Gauss hypergeometric function hyp2f1(a, b, c, z) for real arguments on -1 < z <= 0.9999,
with scipy.special's values there and NaN outside (scipy continues the function beyond; this
op's domain is where its series converge in a bounded number of terms: both modes agree on it).

The C++ form calls `spf::hyp2f1` in the runtime header `special_hyp2f1.h`: the defining series,
or the series of Euler's or Pfaff's transformation whose terms cancel least. Its error is about
1e-16 times that cancellation: below 1e-10 relative for |a|, |b|, |c| up to about 10, growing
with larger parameters. The gradient is with respect to z; with respect to a, b, c it is not
implemented.
"""
import numpy as np

from transpile.lazy_import import lazy_module
from transpile.scalar.basic import ScalarOp, tensor, upgrade_to_float_no_complex
from transpile.scalar.special_more import SciPyFunctionInDouble, not_implemented

sp = lazy_module("scipy.special")

_PARAMETER = "the derivative of hyp2f1 in a parameter is not a hypergeometric function of the same kind"


class Hyp2F1(SciPyFunctionInDouble, ScalarOp):
    """hyp2f1(a, b, c, z) = sum_k (a)_k (b)_k / ((c)_k k!) z^k, for -1 < z <= 0.9999."""

    #: the largest z of the domain
    z_max = 0.9999

    nin = 4
    output_types_preference = staticmethod(upgrade_to_float_no_complex)
    fn = staticmethod(sp.hyp2f1)
    c_expr = "spf::hyp2f1({0}, {1}, {2}, {3})"
    c_runtime = ("special_hyp2f1",)

    def impl(self, a, b, c, z):
        value = np.asarray(super().impl(a, b, c, z))
        z = np.asarray(z)
        with np.errstate(invalid="ignore"):
            return np.where((z > -1) & (z <= self.z_max), value, value.dtype.type(np.nan)).astype(value.dtype, copy=False)

    def grad(self, inputs, outputs, output_grads):
        a, b, c, z = inputs
        dz = a * b / c * tensor().hyp2f1(a + 1, b + 1, c + 1, z)
        return [not_implemented(self, k, v, _PARAMETER) for k, v in enumerate((a, b, c))] + [output_grads[0] * dz]


hyp2f1 = Hyp2F1("hyp2f1")

__all__ = ["Hyp2F1", "hyp2f1"]
