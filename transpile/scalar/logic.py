"""Bitwise logic: and, or, xor, invert. Bitwise on integers, logical on booleans (like numpy's
`&`, `|`, `^`, `~`); floats are refused. The gradient is zero."""
import numpy as np

from transpile.scalar.basic import BinaryScalarOp, UnaryScalarOp, int_out, zeros_grads


class _Bitwise(BinaryScalarOp):
    output_types_preference = staticmethod(int_out)
    commutative = associative = True

    def grad(self, inputs, outputs, output_grads):
        return zeros_grads(inputs)


class AND(_Bitwise):
    ufunc = staticmethod(np.bitwise_and)
    c_expr = "({0} & {1})"


class OR(_Bitwise):
    ufunc = staticmethod(np.bitwise_or)
    c_expr = "({0} | {1})"


class XOR(_Bitwise):
    ufunc = staticmethod(np.bitwise_xor)
    c_expr = "({0} ^ {1})"


class Invert(UnaryScalarOp):
    """~x: bitwise complement of an integer, logical not of a boolean."""

    ufunc = staticmethod(np.invert)
    c_expr = "(~{0})"
    output_types_preference = staticmethod(int_out)

    def c_code(self, input_dtypes, output_dtype):
        return "(!{0})" if output_dtype == "bool" else self.c_expr

    def grad(self, inputs, outputs, output_grads):
        return zeros_grads(inputs)


and_ = AND("and_")
or_ = OR("or_")
xor = XOR("xor")
invert = Invert("invert")

__all__ = ["AND", "OR", "XOR", "Invert", "and_", "or_", "xor", "invert"]
