"""Scalar ops as CUDA device expressions: the C++ printer's table with CUDA's spellings merged
over it (`CudaPrinter.table = {**CppPrinter.table, ...}`).

- Math functions call the CUDA Math API's device functions by dtype: `expf`, `logf`, ... for
  float32 (no promotion to double), `exp`, `log`, ... for float64, with the same input
  conversions as the C++ form (so an int8 input still goes to float32 first).
- These are the IEEE-accurate functions (within a few ulp, per function in the CUDA Math API
  documentation). The `__expf`-style intrinsics are NOT used: they are faster but not
  IEEE-accurate (large errors over parts of the range, denormals flushed), so native results
  would drift from the numpy reference. A fast-math printer could merge them over this table.
- Literals: float32 constants keep the `f` suffix (a double literal would promote the whole
  expression to double, slow on most GPUs); infinities and NaN are `CUDART_INF_F`,
  `CUDART_NAN`, ... (<math_constants.h>) because `std::numeric_limits` is host code.
- Complex dtypes are refused (`LoweringError`): std::complex is host-only (cuda::std::complex
  later).

Some scalar ops' C++ forms call `std::numeric_limits<T>::infinity()` inside lambdas: device
code reaches those through nvcc's `--expt-relaxed-constexpr`, in `NVCC_FLAGS` (what a CUDA
project compiles with; the standard <cmath> functions have device overloads in CUDA).
"""
import math

from transpile.emit.cpp.printer import CppPrinter
from transpile.emit.registry import LoweringError
from transpile.scalar.arith import Exp, Log, Sqrt
from transpile.scalar.basic import c_cast_inputs
from transpile.scalar.bessel import I0, I1, Iv, Jv
from transpile.scalar.bessel_k import Ive, Kv, Kve
from transpile.scalar.gamma_family import BetaLn, Poch, Polygamma
from transpile.scalar.hypergeometric import Hyp2F1
from transpile.scalar.incomplete import BetaInc, BetaIncInv, GammaIncCInv, GammaIncInv
from transpile.scalar.normal import NdtriExp, OwensT
from transpile.scalar.special import Erf, Erfc, Erfinv, Gamma, GammaLn
from transpile.scalar.special_more import Erfcinv, Erfcx, GammaInc, GammaIncC
from transpile.scalar.transcendental import (
    ArcCos,
    ArcCosh,
    ArcSin,
    ArcSinh,
    ArcTan,
    ArcTan2,
    ArcTanh,
    Cos,
    Cosh,
    Exp2,
    Expm1,
    Hypot,
    Log1p,
    Log2,
    Log10,
    Sin,
    Sinh,
    Tan,
    Tanh,
)

#: what device code of a CUDA target is compiled with (besides -arch)
NVCC_FLAGS = ("-std=c++17", "--expt-relaxed-constexpr")

#: headers the printed expressions need in a .cu file
CUDA_INCLUDES = ("<cstdint>", "<cmath>", "<limits>", "<math_constants.h>")

#: op class -> CUDA Math API function (the double version's name; float32 adds `f`). The C++ forms
#: of Erfinv (a host polynomial) and of Erfcx, Erfcinv, I0, I1 (runtime header special.h) are host
#: code; CUDA has them as library functions.
DEVICE_FUNCTIONS = {
    Exp: "exp", Exp2: "exp2", Expm1: "expm1", Log: "log", Log2: "log2", Log10: "log10", Log1p: "log1p",
    Sqrt: "sqrt", Sin: "sin", Cos: "cos", Tan: "tan", ArcSin: "asin", ArcCos: "acos", ArcTan: "atan",
    ArcTan2: "atan2", Sinh: "sinh", Cosh: "cosh", Tanh: "tanh", ArcSinh: "asinh", ArcCosh: "acosh",
    ArcTanh: "atanh", Hypot: "hypot", Erf: "erf", Erfc: "erfc", Erfinv: "erfinv", Gamma: "tgamma",
    GammaLn: "lgamma", Erfcx: "erfcx", Erfcinv: "erfcinv", I0: "cyl_bessel_i0", I1: "cyl_bessel_i1",
}

#: op classes whose C++ form calls the host runtime header special.h (spf::...) and that CUDA's
#: math library has no function for: lowering them to CUDA is refused, with the reason
NO_DEVICE_FORM = {
    GammaInc: "the CUDA Math API has no incomplete gamma function (special.h is host code)",
    GammaIncC: "the CUDA Math API has no incomplete gamma function (special.h is host code)",
    Iv: "the CUDA Math API has Bessel I of orders 0 and 1 only (special.h is host code)",
    Jv: "the CUDA Math API has Bessel J of integer order only, jnf (special.h is host code)",
    Kv: "the CUDA Math API has no Bessel K (special_bessel_k.h is host code)",
    Kve: "the CUDA Math API has no Bessel K (special_bessel_k.h is host code)",
    Ive: "the CUDA Math API has Bessel I of orders 0 and 1 only (special_bessel_k.h is host code)",
    Polygamma: "the CUDA Math API has no polygamma function (special_gamma.h is host code)",
    Poch: "the CUDA Math API has no Pochhammer symbol (special_gamma.h is host code)",
    BetaLn: "the CUDA Math API has no log beta function (special_gamma.h is host code)",
    BetaInc: "the CUDA Math API has no incomplete beta function (special_incomplete.h is host code)",
    BetaIncInv: "the CUDA Math API has no incomplete beta function (special_incomplete.h is host code)",
    GammaIncInv: "the CUDA Math API has no incomplete gamma function (special_incomplete.h is host code)",
    GammaIncCInv: "the CUDA Math API has no incomplete gamma function (special_incomplete.h is host code)",
    NdtriExp: "the CUDA Math API's normcdfinv takes a probability, not its log (special_normal.h is host code)",
    OwensT: "the CUDA Math API has no Owen's T function (special_normal.h is host code)",
    Hyp2F1: "the CUDA Math API has no hypergeometric function (special_hyp2f1.h is host code)",
}

_NONFINITE = {("float32", "inf"): "CUDART_INF_F", ("float32", "nan"): "CUDART_NAN_F",
              ("float64", "inf"): "CUDART_INF", ("float64", "nan"): "CUDART_NAN"}


def _device_call(function):
    def spell(op, input_dtypes, output_dtype):
        if output_dtype not in ("float32", "float64"):
            return None
        name = function + ("f" if output_dtype == "float32" else "")
        call = f"{name}({', '.join(f'{{{k}}}' for k in range(len(input_dtypes)))})"
        return c_cast_inputs(call, list(input_dtypes), op.compute_dtypes(list(input_dtypes), output_dtype))
    return spell


def _refuse(reason):
    def spell(op, input_dtypes, output_dtype):
        raise LoweringError(f"scalar op {op} has no CUDA form: {reason}")
    return spell


class CudaPrinter(CppPrinter):
    table = {**CppPrinter.table, **{cls: _device_call(f) for cls, f in DEVICE_FUNCTIONS.items()},
             **{cls: _refuse(reason) for cls, reason in NO_DEVICE_FORM.items()}}

    def runtimes(self, op):
        """No host runtime header: the ops that call one print as CUDA library calls here."""
        return []

    def template(self, op, input_dtypes, output_dtype):
        for dtype in (*input_dtypes, output_dtype):
            if dtype.startswith("complex"):
                raise LoweringError(f"scalar op {op}: {dtype} values are not lowered to CUDA (std::complex is host-only)")
        return super().template(op, input_dtypes, output_dtype)

    def literal(self, value, dtype):
        if dtype in ("float32", "float64") and not math.isfinite(float(value)):
            v = float(value)
            text = _NONFINITE[dtype, "nan" if math.isnan(v) else "inf"]
            return f"(-{text})" if v < 0 else text
        if dtype.startswith("complex"):
            raise LoweringError(f"{dtype} constants are not lowered to CUDA (std::complex is host-only)")
        return super().literal(value, dtype)


cuda_printer = CudaPrinter()
