"""Complex numbers taken apart and put together, as numpy does: `real`, `imag` and `angle`
(complex -> its real dtype: complex64 -> float32), `complex(re, im)` and
`complex_from_polar(r, theta)` (real -> complex64 from float32, else complex128). On real
inputs `real` is the value, `imag` is 0 and `angle` is 0 or pi (numpy's rules, dtypes too).

Gradients follow Theano's convention for a real cost C of a complex z: dC/dRe(z) + i dC/dIm(z).
"""
import numpy as np

from transpile.scalar import dtypes as D
from transpile.scalar.basic import BinaryScalarOp, UnaryScalarOp, tensor

__all__ = ["Real", "Imag", "Angle", "Complex", "ComplexFromPolar", "real", "imag", "angle", "complex_",
           "complex_from_polar"]

_PART = {"complex64": "float32", "complex128": "float64"}


def _part(dtype):
    """The real dtype of the parts of complex `dtype`."""
    return _PART[dtype]


def _same_or_part(dtype):
    return _part(dtype) if D.is_complex(dtype) else dtype


class Real(UnaryScalarOp):
    """The real part (a real value is its own)."""

    ufunc = staticmethod(np.real)
    input_cast = None
    output_types_preference = staticmethod(lambda dtype: (_same_or_part(dtype),))

    def c_code(self, input_dtypes, output_dtype):
        return "std::real({0})" if D.is_complex(input_dtypes[0]) else "{0}"

    def grad(self, inputs, outputs, output_grads):
        (z,), (g,) = inputs, output_grads
        return [tensor().complex(g, 0) if D.is_complex(z.dtype) else g]


class Imag(UnaryScalarOp):
    """The imaginary part (0 for a real value)."""

    ufunc = staticmethod(np.imag)
    input_cast = None
    output_types_preference = staticmethod(lambda dtype: (_same_or_part(dtype),))

    def c_code(self, input_dtypes, output_dtype):
        return "std::imag({0})" if D.is_complex(input_dtypes[0]) else "{otype}(0)"

    def grad(self, inputs, outputs, output_grads):
        (z,), (g,) = inputs, output_grads
        T = tensor()
        return [T.complex(T.zeros_like(g), g) if D.is_complex(z.dtype) else T.zeros_like(z)]


class Angle(UnaryScalarOp):
    """The argument in (-pi, pi]: atan2(imag, real); 0 or pi for a real value."""

    ufunc = staticmethod(np.angle)
    input_cast = None
    output_types_preference = staticmethod(
        lambda dtype: (_part(dtype) if D.is_complex(dtype) else dtype if D.is_float(dtype) else "float64",))

    def c_code(self, input_dtypes, output_dtype):
        if D.is_complex(input_dtypes[0]):
            return "std::arg({0})"
        return "std::atan2({otype}(0), static_cast<{otype}>({0}))"

    def grad(self, inputs, outputs, output_grads):
        (z,), (g,) = inputs, output_grads
        T = tensor()
        if not D.is_complex(z.dtype):
            return [T.zeros_like(z) if D.is_float(z.dtype) else T.zeros_like(z, dtype=D.config.floatX)]
        x, y = T.real(z), T.imag(z)
        r2 = x * x + y * y
        return [T.complex(-g * y / r2, g * x / r2)]


def _complex_out(re, im):
    for d in (re, im):
        if D.is_complex(d):
            raise TypeError(f"complex: the parts must be real, got {d}")
    return ("complex64" if D.upcast(re, im) == "float32" else "complex128",)


class Complex(BinaryScalarOp):
    """re + i im."""

    input_cast = None
    output_types_preference = staticmethod(_complex_out)

    def impl(self, re, im):
        out = self.output_dtypes(np.asarray(re).dtype.name, np.asarray(im).dtype.name)[0]
        part = _part(out)
        return np.asarray(re, dtype=part) + 1j * np.asarray(im, dtype=part)

    def c_code(self, input_dtypes, output_dtype):
        part = D.C_TYPES[_part(output_dtype)]
        return f"{{otype}}(static_cast<{part}>({{0}}), static_cast<{part}>({{1}}))"

    def grad(self, inputs, outputs, output_grads):
        (g,) = output_grads
        T = tensor()
        return [T.real(g), T.imag(g)]


class ComplexFromPolar(BinaryScalarOp):
    """r (cos theta + i sin theta)."""

    input_cast = None
    output_types_preference = staticmethod(_complex_out)

    def impl(self, r, theta):
        out = self.output_dtypes(np.asarray(r).dtype.name, np.asarray(theta).dtype.name)[0]
        part = _part(out)
        r, theta = np.asarray(r, dtype=part), np.asarray(theta, dtype=part)
        with np.errstate(all="ignore"):
            return r * np.cos(theta) + 1j * (r * np.sin(theta))

    def c_code(self, input_dtypes, output_dtype):
        part = D.C_TYPES[_part(output_dtype)]
        r, t = f"static_cast<{part}>({{0}})", f"static_cast<{part}>({{1}})"
        return f"{{otype}}({r} * std::cos({t}), {r} * std::sin({t}))"

    def grad(self, inputs, outputs, output_grads):
        (r, theta), (g,) = inputs, output_grads
        T = tensor()
        g_re, g_im = T.real(g), T.imag(g)
        cos, sin = T.cos(theta), T.sin(theta)
        return [g_re * cos + g_im * sin, r * (g_im * cos - g_re * sin)]


real, imag, angle = Real("real"), Imag("imag"), Angle("angle")
complex_, complex_from_polar = Complex("complex"), ComplexFromPolar("complex_from_polar")
