"""Rounding: floor, ceil, trunc and the two round-to-nearest rules.

As in numpy, integers and booleans are returned unchanged (same dtype); floats stay floats.
The gradient is zero almost everywhere.
"""
import numpy as np

from transpile.scalar import dtypes as D
from transpile.scalar.basic import UnaryScalarOp, same_out_nocomplex, zeros_grads


class _Rounding(UnaryScalarOp):
    output_types_preference = staticmethod(same_out_nocomplex)
    input_cast = None

    def impl(self, x):
        x = np.asarray(x)
        if D.is_discrete(x.dtype.name):
            return x
        with np.errstate(invalid="ignore"):
            return self.round_float(x)

    def round_float(self, x):
        return self.ufunc(x)

    def c_code(self, input_dtypes, output_dtype):
        return "{0}" if D.is_discrete(output_dtype) else self.c_expr

    def grad(self, inputs, outputs, output_grads):
        return zeros_grads(inputs)


class Floor(_Rounding):
    ufunc = staticmethod(np.floor)
    c_expr = "std::floor({0})"


class Ceil(_Rounding):
    ufunc = staticmethod(np.ceil)
    c_expr = "std::ceil({0})"


class Trunc(_Rounding):
    ufunc = staticmethod(np.trunc)
    c_expr = "std::trunc({0})"


class RoundHalfToEven(_Rounding):
    """Round to nearest, ties to even (numpy's `round`, IEEE's default)."""

    ufunc = staticmethod(np.rint)
    # nearbyint rounds in the current rounding mode, which is to-nearest-even unless changed
    c_expr = "std::nearbyint({0})"


class RoundHalfAwayFromZero(_Rounding):
    """Round to nearest, ties away from zero (C's `round`)."""

    c_expr = "std::round({0})"

    def round_float(self, x):
        # trunc(x) and x - trunc(x) are exact, so no x + 0.5 rounding error (0.49999999999999994)
        t = np.trunc(x)
        return np.where(np.abs(x - t) >= 0.5, t + np.sign(x), t)


floor = Floor("floor")
ceil = Ceil("ceil")
trunc = Trunc("trunc")
round_half_to_even = RoundHalfToEven("round_half_to_even")
round_half_away_from_zero = RoundHalfAwayFromZero("round_half_away_from_zero")

__all__ = ["Floor", "Ceil", "Trunc", "RoundHalfToEven", "RoundHalfAwayFromZero", "floor", "ceil",
           "trunc", "round_half_to_even", "round_half_away_from_zero"]
