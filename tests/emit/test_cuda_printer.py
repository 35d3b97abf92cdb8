"""The CUDA printer: every scalar op the C++ printer prints, for every dtype it prints it for,
becomes a CUDA `__global__` elementwise kernel; all kernels compile in one nvcc call (sm_80;
compile only, no GPU needed). nvcc is a requirement of the test setup, like g++."""
import re
import shutil
import subprocess

import pytest

import transpile.scalar as S
from transpile.emit import LoweringError
from transpile.emit.cpp.printer import FAULT_FLAG, cpp_printer
from transpile.emit.cuda.printer import CUDA_INCLUDES, DEVICE_FUNCTIONS, NO_DEVICE_FORM, NVCC_FLAGS, cuda_printer
from transpile.emit.templates import TEMPLATES
from transpile.scalar.basic import ScalarOp
from transpile.scalar.composite import Composite
from transpile.scalar.dtypes import C_TYPES
from transpile.scalar.bessel import I0, I1
from transpile.scalar.special import Erfinv
from transpile.scalar.special_more import Erfcinv, Erfcx

#: ops whose C++ form is host code of transpile's own (not `std::<function>`) and whose CUDA
#: form is the CUDA Math API's function
OWN_HOST_FORM = (Erfinv, Erfcx, Erfcinv, I0, I1)

pytestmark = pytest.mark.single_mode

NVCC = shutil.which("nvcc") or "/usr/local/bin/nvcc"
DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64",
          "complex64", "complex128"]


def scalar_ops():
    """Every scalar op instance `transpile.scalar` exports, by name."""
    found = {}
    for name in sorted(dir(S)):
        op = getattr(S, name)
        if isinstance(op, ScalarOp) and not isinstance(op, Composite):
            found.setdefault(str(op), op)
    return found


def cases():
    """(op name, op, dtype, output dtype, C++ expression) for every op and input dtype the C++
    printer handles (all inputs of that dtype)."""
    out = []
    for name, op in scalar_ops().items():
        nin = op.nin if op.nin >= 0 else 2
        for dtype in DTYPES:
            try:
                odtype = op.output_dtypes(*[dtype] * nin)[0]
                cpp = cpp_printer.expr(op, [f"x{k}[i]" for k in range(nin)], [dtype] * nin, odtype)
            except (TypeError, LoweringError):
                continue
            out.append((name, op, nin, dtype, odtype, cpp))
    return out


def kernel(name, params, odtype, lines, expr):
    return [f"__global__ void {name}({C_TYPES[odtype]}* __restrict__ y, {params}, int64_t n) {{",
            "    const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;",
            "    if (i >= n) return;", *[f"    {line}" for line in lines], f"    y[i] = {expr};", "}"]


def test_device_functions_have_the_cpp_semantics():
    """A CUDA spelling replaces exactly `std::<function>`: same function, same conversions."""
    for cls, function in DEVICE_FUNCTIONS.items():
        op = next(op for op in scalar_ops().values() if type(op) is cls)
        nin = op.nin
        for dtype, suffix in (("float32", "f"), ("float64", ""), ("int16", "f")):
            odtype = op.output_dtypes(*[dtype] * nin)[0]
            args = [f"a{k}" for k in range(nin)]
            cuda = cuda_printer.expr(op, args, [dtype] * nin, odtype)
            assert cuda.startswith(f"{function}{suffix}("), (cls, cuda)
            if cls not in OWN_HOST_FORM:
                cpp = cpp_printer.expr(op, args, [dtype] * nin, odtype)
                assert cpp == f"std::{function}" + cuda[len(function) + len(suffix):], (cls, cpp)
            assert "__" not in cuda  # no fast intrinsics


def test_literals():
    assert cuda_printer.literal(0.1, "float32") == "0.1f"
    assert cuda_printer.literal(float("inf"), "float32") == "CUDART_INF_F"
    assert cuda_printer.literal(float("-inf"), "float64") == "(-CUDART_INF)"
    assert cuda_printer.literal(float("nan"), "float64") == "CUDART_NAN"
    assert cuda_printer.literal(3, "int8") == cpp_printer.literal(3, "int8")
    with pytest.raises(LoweringError, match="complex128 constants"):
        cuda_printer.literal(1j, "complex128")


def test_every_scalar_op_compiles_with_nvcc(tmp_path):
    lines = [f"#include {h}" for h in CUDA_INCLUDES] + ["#include <cstdint>", "#include <limits>", "#include <type_traits>",
                                                      "#define TR_HD __host__ __device__", "namespace tr {",
                                                      (TEMPLATES / "int_math.h").read_text(), "}  // namespace tr", ""]
    printed, refused = 0, []
    for name, op, nin, dtype, odtype, cpp in cases():
        args = [f"x{k}[i]" for k in range(nin)]
        if type(op) in NO_DEVICE_FORM:
            with pytest.raises(LoweringError, match="has no CUDA form"):
                cuda_printer.expr(op, args, [dtype] * nin, odtype)
            continue
        if dtype.startswith("complex") or odtype.startswith("complex"):
            with pytest.raises(LoweringError, match="not lowered to CUDA"):
                cuda_printer.expr(op, args, [dtype] * nin, odtype)
            refused.append((name, dtype))
            continue
        expr = cuda_printer.expr(op, args, [dtype] * nin, odtype)
        if odtype == "float32":
            assert not re.search(r"std::\w+\(static_cast<double>", expr), expr  # float32 stays float32
        params = ", ".join(f"const {C_TYPES[dtype]}* __restrict__ x{k}" for k in range(nin))
        flag = [f"int {FAULT_FLAG} = 0;"] if FAULT_FLAG in expr else []  # a CUDA rule reduces it after the loop
        lines += kernel(f"k_{name}_{dtype}", params, odtype, flag, expr)
        printed += 1
    # a fused kernel per float dtype: constants (finite and not) through the printer's literals
    for dtype in ("float32", "float64"):
        comp = Composite(1, [(S.mul, (("i", 0), ("c", 0.5, dtype)), dtype),
                             (S.maximum, (("t", 0), ("c", float("-inf"), dtype)), dtype),
                             (S.add, (("t", 1), ("c", float("nan"), dtype)), dtype),
                             (S.exp, (("t", 2),), dtype)], [3])
        body, exprs = cuda_printer.block(comp, ["x0[i]"], [dtype], [dtype], "v")
        assert any("CUDART_INF" in line for line in body) and any("CUDART_NAN" in line for line in body)
        lines += kernel(f"k_composite_{dtype}", f"const {C_TYPES[dtype]}* __restrict__ x0", dtype, body, exprs[0])
    assert printed > 600 and len({name for name, _ in refused}) >= 5
    source = tmp_path / "scalar_ops.cu"
    source.write_text("\n".join(lines) + "\n")
    done = subprocess.run([NVCC, "-c", "-arch=sm_80", *NVCC_FLAGS, source.name, "-o", "scalar_ops.o"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-6000:]
    assert "warning" not in done.stderr.lower(), done.stderr[-6000:]
    assert (tmp_path / "scalar_ops.o").stat().st_size > 0
