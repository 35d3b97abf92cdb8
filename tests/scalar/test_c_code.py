"""The C++ expressions of the scalar ops, compiled with g++ and compared with their numpy `impl`.

This checks the printer convention documented in `transpile.scalar.basic` independently of the
native backend: each `{k}` becomes `(a{k}[i])` of the input's own C type, `{otype}` the output's
C type, and the value is cast to the output type. One shared library holds every kernel.
"""
import ctypes
import itertools
import subprocess

import numpy as np
import pytest

import transpile.scalar as S
from transpile.emit.cpp.printer import cpp_printer
from transpile.emit.runtime import REQUIRES, header_name, ordered, runtime_source
from transpile.scalar.dtypes import C_TYPES
from tests.tensor.op_cases import CASES, draw

pytestmark = pytest.mark.single_mode

MIXED = [("int32", "float32"), ("uint8", "int32"), ("bool", "float64"), ("int64", "float32"),
         ("float32", "float64"), ("uint8", "int8"), ("int32", "uint32")]
SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -7.5]
# lgamma(-inf) is +inf in C and Python's math, -inf in scipy; erfinv(-0.0) is -0.0 in C, 0.0 in scipy
SPECIAL_FOR = {"gammaln": [np.nan, np.inf, 0.0, -0.0, 1e-30, -7.5]}
ZERO_SIGN_FREE = {"erfinv"}
# extra inputs where numpy semantics are easy to get wrong in C
EDGES = {
    "int_div": ([7, -7, 7, -7, 0, 5, -128, 3], [2, 2, -2, -2, 3, 0, -1, 7]),
    "mod": ([7, -7, 7, -7, 0, 5, -128, 3], [2, 2, -2, -2, 3, 0, -1, 7]),
    "pow": ([2, -3, 3, 1, -1, 0, 7], [10, 3, 0, 5, 7, 3, 30]),
}
FLOAT_EDGES = {
    "int_div": ([1.0, -1.0, 5.5, -5.5, 0.0, 1.0, np.inf, 3.0], [0.1, 0.1, -2.0, 2.0, -3.0, 0.0, 2.0, np.inf]),
    "mod": ([1.0, -1.0, 5.5, -5.5, 0.0, 1.0, np.inf, 3.0], [0.1, 0.1, -2.0, 2.0, -3.0, 0.0, 2.0, np.inf]),
}


def _kernels():
    """(name, scalar op, input dtypes, input arrays) for every op case and dtype combination."""
    rng = np.random.default_rng(7)
    out = []
    for case in CASES:
        op = getattr(getattr(case.fn, "op", None), "scalar_op", None)
        if op is None:
            continue
        combos = [(d,) * case.nin for d in case.dtypes]
        combos += [tuple((list(p) * 2)[:case.nin]) for p in MIXED
                   if case.nin >= 2 and all(d in case.dtypes or d in ("int8", "uint32") for d in p)]
        for dtypes in combos:
            try:
                values = draw(case, list(dtypes), (50,), rng)
            except ValueError:
                continue
            if case.nin == 1 and dtypes[0].startswith("float"):
                values = [np.concatenate([values[0], np.array(SPECIAL_FOR.get(case.name, SPECIAL), dtype=dtypes[0])])]
            edges = EDGES if not dtypes[0].startswith("float") else FLOAT_EDGES
            if case.name in edges and len(set(dtypes)) == 1 and dtypes[0] not in ("bool", "uint8"):
                values = [np.concatenate([v, np.array(e, dtype=v.dtype)]) for v, e in zip(values, edges[case.name])]
            out.append((f"{case.name}_{'_'.join(dtypes)}", op, dtypes, values))
    for src, dst in itertools.product(["bool", "int32", "float32", "float64"], ["bool", "uint8", "int64", "float32"]):
        values = [np.array([0, 1, 2.5, 3.75, 100.2, -0.0]).astype(src)]
        out.append((f"cast_{src}_{dst}", S.Cast(dst), (src,), values))
    return out


KERNELS = _kernels()


def _families():
    """The runtime families the kernels' C++ forms call, with those they require, in include order."""
    families = []
    for _, op, _, _ in KERNELS:
        pending = list(cpp_printer.runtimes(op))
        while pending:
            family = pending.pop()
            if family not in families:
                families.append(family)
                pending += REQUIRES.get(family, ())
    return ordered(families)


def _source():
    lines = ["#include <cmath>", "#include <cstdint>", "#include <algorithm>", "#include <limits>"]
    lines += [f'#include "{header_name(family)}"' for family in _families()] + [""]
    for k, (name, op, dtypes, _) in enumerate(KERNELS):
        odtype = op.output_dtypes(*dtypes)[0]
        args = [f"(a{i}[i])" for i in range(len(dtypes))]
        expr = op.c_code(list(dtypes), odtype).format(*args, otype=C_TYPES[odtype])
        params = ", ".join(f"const {C_TYPES[d]}* a{i}" for i, d in enumerate(dtypes))
        lines.append(f'extern "C" void k{k}({params}, {C_TYPES[odtype]}* out, int64_t n) {{')
        lines.append(f"  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<{C_TYPES[odtype]}>({expr});")
        lines.append("}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    d = tmp_path_factory.mktemp("scalar_c")
    for family in _families():  # the headers under the names they include each other by
        (d / header_name(family)).write_text(runtime_source(family))
    (d / "kernels.cpp").write_text(_source())
    cmd = ["g++", "-std=c++17", "-O1", "-fno-math-errno", "-shared", "-fPIC", "-w",
           str(d / "kernels.cpp"), "-o", str(d / "kernels.so")]
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-4000:]
    return ctypes.CDLL(str(d / "kernels.so"))


def test_every_op_has_a_c_kernel_here():
    covered = {type(op) for _, op, _, _ in KERNELS}
    missing = [op.name for op in S.ALL_OPS if type(op) not in covered and op.name != "tri_gamma"]
    assert missing == []


@pytest.mark.parametrize("index", range(len(KERNELS)), ids=[k[0] for k in KERNELS])
def test_c_matches_numpy(library, index):
    name, op, dtypes, values = KERNELS[index]
    odtype = op.output_dtypes(*dtypes)[0]
    n = max(len(v) for v in values)
    values = [np.ascontiguousarray(np.broadcast_to(v, (n,))) for v in values]
    with np.errstate(all="ignore"):
        expected = np.asarray(op.impl(*values)).astype(odtype)
    out = np.empty(n, dtype=odtype)
    fn = getattr(library, f"k{index}")
    fn(*[v.ctypes.data_as(ctypes.c_void_p) for v in values], out.ctypes.data_as(ctypes.c_void_p),
       ctypes.c_int64(n))
    if odtype.startswith("float"):
        rtol = 2e-6 if odtype == "float32" else 1e-12
        np.testing.assert_allclose(out, expected, rtol=rtol, atol=rtol * 1e-3, equal_nan=True)
        if name.split("_float")[0] not in ZERO_SIGN_FREE:
            zero = expected == 0
            np.testing.assert_array_equal(np.signbit(out[zero]), np.signbit(expected[zero]))
    else:
        np.testing.assert_array_equal(out, expected)
