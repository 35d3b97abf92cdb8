"""Exponentials, logarithms, trigonometric and hyperbolic functions, angle conversion, hypot.

All are real functions: integer and boolean inputs compute in floats (`FloatUnaryOp`), complex
inputs are refused. (exp, log and sqrt live in `arith`.)
"""
import math

import numpy as np

from transpile.scalar.basic import FloatBinaryOp, FloatUnaryOp, tensor

LN2 = math.log(2.0)
LN10 = math.log(10.0)


class Exp2(FloatUnaryOp):
    ufunc = staticmethod(np.exp2)
    c_expr = "std::exp2({0})"

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * outputs[0] * LN2]


class Expm1(FloatUnaryOp):
    """exp(x) - 1, accurate near 0."""

    ufunc = staticmethod(np.expm1)
    c_expr = "std::expm1({0})"

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * (outputs[0] + 1)]


class Log2(FloatUnaryOp):
    ufunc = staticmethod(np.log2)
    c_expr = "std::log2({0})"

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] / (inputs[0] * LN2)]


class Log10(FloatUnaryOp):
    ufunc = staticmethod(np.log10)
    c_expr = "std::log10({0})"

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] / (inputs[0] * LN10)]


class Log1p(FloatUnaryOp):
    """log(1 + x), accurate near 0."""

    ufunc = staticmethod(np.log1p)
    c_expr = "std::log1p({0})"

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] / (inputs[0] + 1)]


class Sin(FloatUnaryOp):
    ufunc = staticmethod(np.sin)
    c_expr = "std::sin({0})"

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * tensor().cos(inputs[0])]


class Cos(FloatUnaryOp):
    ufunc = staticmethod(np.cos)
    c_expr = "std::cos({0})"

    def grad(self, inputs, outputs, output_grads):
        return [-output_grads[0] * tensor().sin(inputs[0])]


class Tan(FloatUnaryOp):
    ufunc = staticmethod(np.tan)
    c_expr = "std::tan({0})"

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * (outputs[0] * outputs[0] + 1)]


class ArcSin(FloatUnaryOp):
    ufunc = staticmethod(np.arcsin)
    c_expr = "std::asin({0})"

    def grad(self, inputs, outputs, output_grads):
        x = inputs[0]
        return [output_grads[0] / tensor().sqrt(1 - x * x)]


class ArcCos(FloatUnaryOp):
    ufunc = staticmethod(np.arccos)
    c_expr = "std::acos({0})"

    def grad(self, inputs, outputs, output_grads):
        x = inputs[0]
        return [-output_grads[0] / tensor().sqrt(1 - x * x)]


class ArcTan(FloatUnaryOp):
    ufunc = staticmethod(np.arctan)
    c_expr = "std::atan({0})"

    def grad(self, inputs, outputs, output_grads):
        x = inputs[0]
        return [output_grads[0] / (x * x + 1)]


class ArcTan2(FloatBinaryOp):
    """arctan2(y, x): the angle of the point (x, y), in (-pi, pi]."""

    ufunc = staticmethod(np.arctan2)
    c_expr = "std::atan2({0}, {1})"

    def grad(self, inputs, outputs, output_grads):
        y, x = inputs
        (gz,) = output_grads
        r2 = x * x + y * y
        return [gz * x / r2, -gz * y / r2]


class Sinh(FloatUnaryOp):
    ufunc = staticmethod(np.sinh)
    c_expr = "std::sinh({0})"

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * tensor().cosh(inputs[0])]


class Cosh(FloatUnaryOp):
    ufunc = staticmethod(np.cosh)
    c_expr = "std::cosh({0})"

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * tensor().sinh(inputs[0])]


class Tanh(FloatUnaryOp):
    ufunc = staticmethod(np.tanh)
    c_expr = "std::tanh({0})"

    def grad(self, inputs, outputs, output_grads):
        out = outputs[0]
        return [output_grads[0] * (1 - out * out)]


class ArcSinh(FloatUnaryOp):
    ufunc = staticmethod(np.arcsinh)
    c_expr = "std::asinh({0})"

    def grad(self, inputs, outputs, output_grads):
        x = inputs[0]
        return [output_grads[0] / tensor().sqrt(x * x + 1)]


class ArcCosh(FloatUnaryOp):
    ufunc = staticmethod(np.arccosh)
    c_expr = "std::acosh({0})"

    def grad(self, inputs, outputs, output_grads):
        x = inputs[0]
        return [output_grads[0] / tensor().sqrt(x * x - 1)]


class ArcTanh(FloatUnaryOp):
    ufunc = staticmethod(np.arctanh)
    c_expr = "std::atanh({0})"

    def grad(self, inputs, outputs, output_grads):
        x = inputs[0]
        return [output_grads[0] / (1 - x * x)]


class Deg2Rad(FloatUnaryOp):
    ufunc = staticmethod(np.deg2rad)
    c_expr = "({0} * {otype}(0.017453292519943295))"

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * (math.pi / 180.0)]


class Rad2Deg(FloatUnaryOp):
    ufunc = staticmethod(np.rad2deg)
    c_expr = "({0} * {otype}(57.29577951308232))"

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * (180.0 / math.pi)]


class Hypot(FloatBinaryOp):
    """sqrt(x**2 + y**2) without overflow."""

    ufunc = staticmethod(np.hypot)
    c_expr = "std::hypot({0}, {1})"
    commutative = True

    def grad(self, inputs, outputs, output_grads):
        x, y = inputs
        (gz,) = output_grads
        return [gz * x / outputs[0], gz * y / outputs[0]]


exp2 = Exp2("exp2")
expm1 = Expm1("expm1")
log2 = Log2("log2")
log10 = Log10("log10")
log1p = Log1p("log1p")
sin = Sin("sin")
cos = Cos("cos")
tan = Tan("tan")
arcsin = ArcSin("arcsin")
arccos = ArcCos("arccos")
arctan = ArcTan("arctan")
arctan2 = ArcTan2("arctan2")
sinh = Sinh("sinh")
cosh = Cosh("cosh")
tanh = Tanh("tanh")
arcsinh = ArcSinh("arcsinh")
arccosh = ArcCosh("arccosh")
arctanh = ArcTanh("arctanh")
deg2rad = Deg2Rad("deg2rad")
rad2deg = Rad2Deg("rad2deg")
hypot = Hypot("hypot")

__all__ = ["Exp2", "Expm1", "Log2", "Log10", "Log1p", "Sin", "Cos", "Tan", "ArcSin", "ArcCos",
           "ArcTan", "ArcTan2", "Sinh", "Cosh", "Tanh", "ArcSinh", "ArcCosh", "ArcTanh", "Deg2Rad",
           "Rad2Deg", "Hypot", "exp2", "expm1", "log2", "log10", "log1p", "sin", "cos", "tan",
           "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "arcsinh", "arccosh",
           "arctanh", "deg2rad", "rad2deg", "hypot"]
