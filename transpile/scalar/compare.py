"""Comparisons (boolean results), nan/inf tests, and the selection ops built on comparing:
maximum, minimum, clip, switch.

Comparisons compute in the inputs' common dtype (`input_cast = "common"`), so int32 < uint32
compares as int64 like numpy, not as C's unsigned conversion. maximum/minimum/clip propagate
nan like numpy.
"""
import numpy as np

from transpile.scalar import dtypes as D
from transpile.scalar.basic import (
    BinaryScalarOp,
    ScalarOp,
    UnaryScalarOp,
    bool_out,
    bool_out_nocomplex,
    same_out_nocomplex,
    tensor,
    zeros_grads,
)


class _Compare(BinaryScalarOp):
    input_cast = "common"
    output_types_preference = staticmethod(bool_out_nocomplex)

    def grad(self, inputs, outputs, output_grads):
        return zeros_grads(inputs)


class EQ(_Compare):
    ufunc = staticmethod(np.equal)
    c_expr = "({0} == {1})"
    commutative = True
    output_types_preference = staticmethod(bool_out)


class NEQ(_Compare):
    ufunc = staticmethod(np.not_equal)
    c_expr = "({0} != {1})"
    commutative = True
    output_types_preference = staticmethod(bool_out)


class LT(_Compare):
    ufunc = staticmethod(np.less)
    c_expr = "({0} < {1})"


class GT(_Compare):
    ufunc = staticmethod(np.greater)
    c_expr = "({0} > {1})"


class LE(_Compare):
    ufunc = staticmethod(np.less_equal)
    c_expr = "({0} <= {1})"


class GE(_Compare):
    ufunc = staticmethod(np.greater_equal)
    c_expr = "({0} >= {1})"


class _FloatTest(UnaryScalarOp):
    """isnan/isinf: always false on integers and booleans."""

    input_cast = None
    output_types_preference = staticmethod(bool_out_nocomplex)

    def impl(self, x):
        return self.ufunc(np.asarray(x))

    def c_code(self, input_dtypes, output_dtype):
        return self.c_expr if D.is_float(input_dtypes[0]) else "false"

    def grad(self, inputs, outputs, output_grads):
        return zeros_grads(inputs)


class IsNan(_FloatTest):
    ufunc = staticmethod(np.isnan)
    c_expr = "std::isnan({0})"


class IsInf(_FloatTest):
    ufunc = staticmethod(np.isinf)
    c_expr = "std::isinf({0})"


class Maximum(BinaryScalarOp):
    """Elementwise max; nan if either is nan. Ties send the gradient to the first input."""

    ufunc = staticmethod(np.maximum)
    c_expr = "(({0} > {1} || {0} != {0}) ? {0} : {1})"
    output_types_preference = staticmethod(same_out_nocomplex)
    identity = -np.inf
    commutative = associative = True

    def grad(self, inputs, outputs, output_grads):
        T = tensor()
        x, y = inputs
        (gz,) = output_grads
        first = T.ge(x, y)
        return [T.switch(first, gz, 0), T.switch(first, 0, gz)]


class Minimum(BinaryScalarOp):
    """Elementwise min; nan if either is nan. Ties send the gradient to the first input."""

    ufunc = staticmethod(np.minimum)
    c_expr = "(({0} < {1} || {0} != {0}) ? {0} : {1})"
    output_types_preference = staticmethod(same_out_nocomplex)
    identity = np.inf
    commutative = associative = True

    def grad(self, inputs, outputs, output_grads):
        T = tensor()
        x, y = inputs
        (gz,) = output_grads
        first = T.le(x, y)
        return [T.switch(first, gz, 0), T.switch(first, 0, gz)]


class Clip(ScalarOp):
    """clip(x, lo, hi) = minimum(maximum(x, lo), hi), like numpy (hi wins when lo > hi)."""

    nin = 3
    output_types_preference = staticmethod(same_out_nocomplex)
    c_expr = ("[]({otype} x, {otype} lo, {otype} hi) {{ {otype} y = (x > lo || x != x) ? x : lo; "
              "return (y < hi || y != y) ? y : hi; }}({0}, {1}, {2})")

    def impl(self, x, lo, hi):
        x, lo, hi = self.prepare((x, lo, hi))
        return np.minimum(np.maximum(x, lo), hi)

    def grad(self, inputs, outputs, output_grads):
        T = tensor()
        x, lo, hi = inputs
        (gz,) = output_grads
        below, above = T.lt(x, lo), T.gt(x, hi)
        inside = T.and_(T.invert(below), T.invert(above))
        return [T.switch(inside, gz, 0), T.switch(T.and_(below, T.invert(above)), gz, 0),
                T.switch(above, gz, 0)]


def _switch_out(cond, a, b):
    if D.is_complex(cond):
        raise TypeError(f"switch condition must be real, got {cond}")
    return (D.upcast(a, b),)


class Switch(ScalarOp):
    """switch(cond, a, b): a where cond is nonzero, else b (numpy's `where`)."""

    nin = 3
    c_expr = "({0} ? {1} : {2})"
    output_types_preference = staticmethod(_switch_out)

    def compute_dtypes(self, input_dtypes, output_dtype):
        return [None, output_dtype, output_dtype]

    def impl(self, cond, a, b):
        cond, a, b = self.prepare((cond, a, b))
        return np.where(cond, a, b)

    def grad(self, inputs, outputs, output_grads):
        T = tensor()
        cond, a, b = inputs
        (gz,) = output_grads
        return [zeros_grads([cond])[0], T.switch(cond, gz, 0), T.switch(cond, 0, gz)]


eq = EQ("eq")
neq = NEQ("neq")
lt = LT("lt")
gt = GT("gt")
le = LE("le")
ge = GE("ge")
isnan = IsNan("isnan")
isinf = IsInf("isinf")
maximum = Maximum("maximum")
minimum = Minimum("minimum")
clip = Clip("clip")
switch = Switch("switch")

__all__ = ["EQ", "NEQ", "LT", "GT", "LE", "GE", "IsNan", "IsInf", "Maximum", "Minimum", "Clip",
           "Switch", "eq", "neq", "lt", "gt", "le", "ge", "isnan", "isinf", "maximum", "minimum",
           "clip", "switch"]
