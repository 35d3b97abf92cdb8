"""The CUDA target's static kernel library (transpile/templates/cuda/kernels.cuh).

Without a GPU: every launcher, instantiated for the dtypes and ranks the CUDA rules use, compiles
with nvcc, with the test harness below, in one call. On a GPU (`pytest -m cuda`): the harness
(tests/emit/cuda_kernels_harness.cu, a shared library of `extern "C"` entry points that copy host
buffers to the device, launch, and copy back) is checked against numpy on random, strided,
transposed, broadcast, empty and large inputs."""
import ctypes
import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from numpy.lib.stride_tricks import as_strided

from transpile.emit.render import runtime_header

NVCC = shutil.which("nvcc") or "/usr/local/bin/nvcc"  # a GPU machine may keep it in /usr/local/cuda/bin
NVCC_FLAGS = ["-std=c++17", "--expt-relaxed-constexpr", "-arch=sm_80", "-Xcompiler", "-Wall"]
KERNELS = Path(__file__).resolve().parents[2] / "transpile" / "templates" / "cuda" / "kernels.cuh"
HARNESS = Path(__file__).resolve().parent / "cuda_kernels_harness.cu"

C_TYPES = {"float32": "float", "float64": "double", "int32": "int32_t", "int64": "int64_t", "bool": "bool"}
WIDER = {"float32": "float64", "float64": "float64", "int32": "int64", "int64": "int64", "bool": "int64"}


def write_headers(folder):
    """transpile_runtime.h and transpile_cuda_kernels.cuh into `folder`, as a project has them."""
    (folder / "transpile_runtime.h").write_text(runtime_header())
    (folder / "transpile_cuda_kernels.cuh").write_text(KERNELS.read_text())


def nvcc(folder, *args):
    done = subprocess.run([NVCC, *NVCC_FLAGS, *args], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-8000:]
    return done


def instantiations():
    """Explicit instantiations of every launcher for the dtypes and ranks 0..3."""
    lines = []
    arr = "tr::Array<{}, {}>"
    for n in range(4):
        for d in C_TYPES.values():
            lines.append(f"template cudaError_t tr::cu::fill<{d}, {n}>(cudaStream_t, {arr.format(d, n)}, {d});")
            for s in C_TYPES.values():
                lines.append(f"template cudaError_t tr::cu::copy<{d}, {s}, {n}>(cudaStream_t, {arr.format(d, n)}, "
                             f"{arr.format(s, n)});")
        for dtype, t in C_TYPES.items():
            combos = [("Add", WIDER[dtype]), ("Mul", WIDER[dtype]), ("Max", dtype), ("Min", dtype), ("And", "bool"),
                      ("Or", "bool")]
            if dtype in ("float32", "int32"):
                combos += [("Add", dtype), ("Mul", dtype)]
            for op, acc_dtype in combos:
                acc = C_TYPES[acc_dtype]
                out = C_TYPES[dtype] if op in ("Add", "Mul") and dtype == "float32" else acc
                lines.append(f"template cudaError_t tr::cu::reduce<{acc}, tr::cu::{op}, {out}, {t}, {n}>(cudaStream_t, "
                             f"{arr.format(out, n)}, {arr.format(t, n)}, uint32_t, void*, size_t);")
                lines.append(f"template size_t tr::cu::reduce_scratch_bytes<{acc}, {t}, {n}>({arr.format(t, n)}, uint32_t);")
            for is_max in ("true", "false"):
                lines.append(f"template cudaError_t tr::cu::arg_reduce<{is_max}, {t}, {n}>(cudaStream_t, "
                             f"{arr.format('int64_t', n)}, {arr.format(t, n)}, uint32_t);")
    for t in ("float", "double"):
        a2 = arr.format(t, 2)
        lines.append(f"template cudaError_t tr::cu::softmax_rows<{t}>(cudaStream_t, {a2}, {a2}, bool);")
        lines.append(f"template cudaError_t tr::cu::softmax_grad_rows<{t}>(cudaStream_t, {a2}, {a2}, {a2});")
        lines.append(f"template cudaError_t tr::cu::log_softmax_grad_rows<{t}>(cudaStream_t, {a2}, {a2}, {a2});")
    return list(dict.fromkeys(lines))  # each once


def build_harness(folder):
    """Compile the harness and every launcher's explicit instantiation, as one translation unit,
    into `folder`/harness.so (one nvcc call: two compiled the kernels twice); returns its path
    and nvcc's output."""
    folder = Path(folder)
    write_headers(folder)
    source = [HARNESS.read_text(), "// every launcher of transpile_cuda_kernels.cuh, explicitly instantiated",
              *instantiations(), ""]
    (folder / HARNESS.name).write_text("\n".join(source))
    done = nvcc(folder, "-shared", "-Xcompiler", "-fPIC", HARNESS.name, "-o", "harness.so")
    return folder / "harness.so", done.stdout + done.stderr


@pytest.fixture(scope="module")
def nvcc_harness(tmp_path_factory):
    """(path, nvcc's output) of the harness built by nvcc, once per test session: the xdist
    workers share one build, keyed by its sources (each worker building its own took 12 x 45
    CPU-s of a GPU machine's time)."""
    sources = runtime_header() + KERNELS.read_text() + HARNESS.read_text() + " ".join([NVCC, *NVCC_FLAGS])
    root = Path(os.environ.get("TRANSPILE_TEST_COMPILEDIR") or tmp_path_factory.getbasetemp())
    folder = root / f"cuda-harness-{hashlib.sha256(sources.encode()).hexdigest()[:16]}"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker builds, the others wait and reuse it
        if not (folder / "done.txt").exists():
            _, output = build_harness(folder)
            (folder / "done.txt").write_text(output)
    return folder / "harness.so", (folder / "done.txt").read_text()


@pytest.mark.single_mode
def test_header_is_self_describing():
    text = KERNELS.read_text()
    assert text.startswith("// transpile_cuda_kernels.cuh: ")
    assert "#pragma once" in text and '#include "transpile_runtime.h"' in text
    assert "namespace tr {\nnamespace cu {" in text


# -- the GPU checks ---------------------------------------------------------------------------------
class HostView(ctypes.Structure):
    """A view into a host buffer, as the harness takes it (tests/emit/cuda_kernels_harness.cu)."""
    _fields_ = [("base", ctypes.c_void_p), ("elems", ctypes.c_int64), ("offset", ctypes.c_int64),
                ("strides", ctypes.POINTER(ctypes.c_int64))]


COPY_PAIRS = [("float32", "float64"), ("float64", "float32"), ("int32", "float32"), ("int32", "float64"),
              ("int64", "float64"), ("int64", "float32"), ("float32", "int64"), ("bool", "float32"),
              ("float32", "bool"), ("float32", "float32"), ("int64", "int64"), ("int32", "int64")]
FILL_DTYPES = ["float32", "float64", "int32", "int64", "bool"]
#: (op, input dtype, accumulator dtype, output dtype)
REDUCTIONS = [("add", "float32", "float64", "float32"), ("add", "float32", "float32", "float32"),
              ("add", "float64", "float64", "float64"), ("add", "int32", "int32", "int32"),
              ("add", "int32", "int64", "int64"), ("add", "int64", "int64", "int64"), ("add", "bool", "int64", "int64"),
              ("mul", "float64", "float64", "float64"), ("mul", "float32", "float64", "float32"),
              ("mul", "int64", "int64", "int64"), ("mul", "int32", "int32", "int32"),
              *[(op, t, t, t) for op in ("max", "min") for t in ("float32", "float64", "int32", "int64", "bool")],
              ("and", "bool", "bool", "bool"), ("or", "bool", "bool", "bool"), ("and", "float32", "bool", "bool"),
              ("or", "float32", "bool", "bool")]
ARG_DTYPES = ["float32", "float64", "int32", "bool"]
SOFTMAX_DTYPES = ["float32", "float64"]


def entry_points():
    names = [f"h_copy_{d}_{s}" for d, s in COPY_PAIRS] + [f"h_fill_{d}" for d in FILL_DTYPES]
    names += [f"h_reduce_{op}_{t}_{a}_{u}" for op, t, a, u in REDUCTIONS]
    names += [f"h_arg{kind}_{t}" for kind in ("max", "min") for t in ARG_DTYPES]
    names += [f"h_{name}_{t}" for name in ("softmax", "softmax_grad") for t in SOFTMAX_DTYPES]
    return names


@pytest.fixture(scope="module")
def lib(request):
    """The harness, built once per module (loading it needs no GPU; only its CUDA calls do), or
    the CPU emulation's build of it (tests/emit/cuda_emulation/build.py) when named by
    TRANSPILE_CUDA_EMULATED_HARNESS: a check of the kernels' logic, not a GPU run."""
    emulated = os.environ.get("TRANSPILE_CUDA_EMULATED_HARNESS")
    library = ctypes.CDLL(emulated or str(request.getfixturevalue("nvcc_harness")[0]))
    for name in entry_points() + ["h_copy_offsets", "h_reduce_offsets"]:
        getattr(library, name).restype = ctypes.c_int
    return library


def numpy_offsets(shape, strides):
    """The element offset of every index of `shape`, as an array of that shape."""
    return sum((np.indices(shape)[d] * s for d, s in enumerate(strides)), np.zeros(shape, np.int64))


@pytest.mark.single_mode
def test_harness_and_every_launcher_compile_and_index_like_numpy(nvcc_harness, lib):
    """Every launcher, instantiated for the dtypes and ranks the rules use, and the harness compile
    with nvcc without a warning; every entry point is exported, and the launchers' host-side
    index arithmetic (merged layouts, reduction geometry and plan, run on the CPU) addresses what
    numpy does. (One test: a test per check would build the harness once per xdist worker.)"""
    path, output = nvcc_harness
    assert len(instantiations()) > 300 and path.stat().st_size > 0
    assert "warning" not in output.lower(), output
    symbols = subprocess.run(["nm", "-D", "--defined-only", lib._name], capture_output=True, text=True).stdout
    for name in entry_points():
        assert f" T {name}\n" in symbols, name
    arg = lambda values: (ctypes.c_int64 * max(1, len(values)))(*values)
    copy_cases = [((), ()), ((1, 5), (99, 1)), ((4, 1, 6), (6, 6, 1)), ((2, 3, 4, 5), (60, 20, 5, 1))]
    for shape in [(3, 5, 7), (2, 3, 4, 5), (1, 4, 1), (6,)]:
        copy_cases += [(shape, strides) for _, strides in layouts(shape)]
    for shape, src_strides in copy_cases:
        for dst_strides in (c_strides(shape), src_strides):
            n = int(np.prod(shape))
            dst, src, flat = (ctypes.c_int64 * n)(), (ctypes.c_int64 * n)(), ctypes.c_int(-1)
            assert lib.h_copy_offsets(len(shape), arg(shape), arg(dst_strides), arg(src_strides), dst, src,
                                      ctypes.byref(flat)) == 0
            np.testing.assert_array_equal(np.array(dst), numpy_offsets(shape, dst_strides).ravel())
            np.testing.assert_array_equal(np.array(src), numpy_offsets(shape, src_strides).ravel())
            contiguous = [all(s == c for n_, s, c in zip(shape, strides, c_strides(shape)) if n_ > 1)
                          for strides in (dst_strides, src_strides)]
            assert flat.value == all(contiguous), (shape, dst_strides, src_strides)
    reduce_cases = [(shape, strides, mask) for shape in [(3, 5, 7), (2, 0, 3), (1, 4, 1)]
                    for _, strides in layouts(shape) for mask in range(8)]
    reduce_cases += [((), (), 0), ((2, 3, 4, 5), c_strides((2, 3, 4, 5)), 0b1010), ((2, 3, 4, 5), (1, 2, 6, 24), 0b0110)]
    reduce_cases += [(shape, c_strides(shape), mask) for shape, mask in
                     [((1_000_000,), 1), ((100, 10_000), 1), ((10_000, 100), 2), ((4, 250_000), 2), ((250_000, 4), 1)]]
    plans = {}
    for shape, strides, mask in reduce_cases:
        axes = [d for d in range(len(shape)) if mask >> d & 1]
        kept = [d for d in range(len(shape)) if not mask >> d & 1]
        n_out, n_red = int(np.prod([shape[d] for d in kept])), int(np.prod([shape[d] for d in axes]))
        kept_strides = iter(c_strides(tuple(shape[d] for d in kept)))
        out_strides = tuple(0 if d in axes else next(kept_strides) for d in range(len(shape)))
        ins, outs, plan = (ctypes.c_int64 * max(1, n_out * n_red))(), (ctypes.c_int64 * max(1, n_out))(), (ctypes.c_int64 * 4)()
        assert lib.h_reduce_offsets(len(shape), arg(shape), arg(strides), arg(out_strides), ctypes.c_uint32(mask), ins,
                                    outs, plan) == 0
        want = np.transpose(numpy_offsets(shape, strides), kept + axes).reshape(n_out, n_red)
        np.testing.assert_array_equal(np.array(ins)[:n_out * n_red].reshape(n_out, n_red), want, err_msg=f"{shape} {mask}")
        np.testing.assert_array_equal(np.array(outs)[:n_out], np.arange(n_out), err_msg=f"{shape} {mask}")
        strategy, parts, chunk, scratch = list(plan)
        if strategy == 2:  # split: every part holds elements, the scratch holds every partial result
            assert parts > 1 and (parts - 1) * chunk < n_red <= parts * chunk and scratch == n_out * parts * 8
        else:
            assert parts == 1 and scratch == 0
        plans[shape, mask] = strategy
    assert plans[(1_000_000,), 1] == plans[(4, 250_000), 2] == plans[(250_000, 4), 1] == 2
    assert plans[(100, 10_000), 1] == plans[(3, 5, 7), 1] == 0
    assert plans[(10_000, 100), 2] == plans[(3, 5, 7), 7] == 1


class Strided:
    """A strided view (shape, strides in elements, any sign, 0 for broadcast) into a fresh 1-d
    base buffer with room around it; `view` is the numpy view, `host` what the harness takes."""

    def __init__(self, dtype, shape, strides, fill):
        shape, strides = tuple(int(n) for n in shape), tuple(int(s) for s in strides)
        empty = any(n == 0 for n in shape)
        low = 0 if empty else sum(min(0, (n - 1) * s) for n, s in zip(shape, strides))
        high = 0 if empty else sum(max(0, (n - 1) * s) for n, s in zip(shape, strides))
        self.offset = 2 - low  # two spare elements before and after the view
        self.base = np.ascontiguousarray(fill(high - low + 5)).astype(dtype)
        self.dtype, self.shape, self.strides = np.dtype(dtype), shape, strides
        self.view = as_strided(self.base[self.offset:], shape, [s * self.dtype.itemsize for s in strides])
        self._strides = (ctypes.c_int64 * max(1, len(strides)))(*strides)
        self.host = HostView(self.base.ctypes.data, self.base.size, self.offset, self._strides)

    def touched(self):
        """Mask of the base elements the view covers."""
        index = np.arange(self.base.size)
        mask = np.zeros(self.base.size, bool)
        if self.view.size:
            mask[as_strided(index[self.offset:], self.shape, [s * index.itemsize for s in self.strides]).ravel()] = True
        return mask


def c_strides(shape):
    out, step = [], 1
    for n in reversed(shape):
        out.append(step)
        step *= max(n, 1)
    return tuple(reversed(out))


def shape_arg(shape):
    return (ctypes.c_int64 * max(1, len(shape)))(*shape)


def random_values(rng, dtype):
    if dtype == "bool":
        return lambda n: rng.random(n) < 0.5
    if dtype.startswith("int"):
        return lambda n: rng.integers(-1000, 1000, n)
    return lambda n: rng.standard_normal(n)


def layouts(shape):
    """(name, strides) of inputs of `shape`: C order, transposed (reversed dims), a step of 2 with
    the first dim reversed, and the first dim broadcast (stride 0)."""
    c = c_strides(shape)
    f = tuple(reversed(c_strides(tuple(reversed(shape)))))
    stepped = tuple(2 * s for s in c)
    stepped = (-stepped[0], *stepped[1:]) if shape else stepped
    broadcast = (0, *c[1:]) if shape else c
    return [("c", c), ("f", f), ("stepped", stepped), ("broadcast", broadcast)]


def expected_conversion(x, dtype):
    """numpy's astype on x86, written out: float to int32/int64 truncates, NaN and out-of-range
    values give the minimum."""
    if x.dtype.kind == "f" and dtype in ("int32", "int64"):
        info = np.iinfo(dtype)
        ok = np.isfinite(x) & (x >= -(2.0 ** (info.bits - 1))) & (x < 2.0 ** (info.bits - 1))
        return np.where(ok, np.trunc(np.where(ok, x, 0)), info.min).astype(dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        return x.astype(dtype)


@pytest.mark.cuda
@pytest.mark.single_mode
@pytest.mark.parametrize("dst_dtype,src_dtype", COPY_PAIRS)
def test_copy(lib, dst_dtype, src_dtype):
    rng = np.random.default_rng(0)
    shapes = [(), (1,), (0, 3), (7,), (1000003,), (3, 5), (4, 1, 6), (2, 3, 4, 5)]
    for shape in shapes:
        for name, strides in layouts(shape):
            src = Strided(src_dtype, shape, strides, random_values(rng, src_dtype))
            if src_dtype.startswith("float"):  # values integers cannot hold, and a negative fraction
                for start, step, value in [(0, 7, np.nan), (3, 11, np.inf), (5, 13, -np.inf), (1, 17, 3e10), (4, 19, -2.5)]:
                    src.base[start::step] = value
            for dst_strides in (c_strides(shape), tuple(3 * s for s in reversed(c_strides(shape[::-1])))):
                dst = Strided(dst_dtype, shape, dst_strides, lambda n: np.zeros(n))
                before = dst.base.copy()
                status = getattr(lib, f"h_copy_{dst_dtype}_{src_dtype}")(len(shape), shape_arg(shape),
                                                                          ctypes.byref(dst.host), ctypes.byref(src.host))
                assert status == 0, (shape, name, status)
                np.testing.assert_array_equal(dst.view, expected_conversion(src.view, dst_dtype), err_msg=f"{shape} {name}")
                untouched = ~dst.touched()
                np.testing.assert_array_equal(dst.base[untouched], before[untouched])


@pytest.mark.cuda
@pytest.mark.single_mode
@pytest.mark.parametrize("dtype", FILL_DTYPES)
def test_fill(lib, dtype):
    value = np.array([7.5 if dtype.startswith("float") else 7], dtype=dtype)
    for shape in [(), (0,), (5,), (1000001,), (3, 4, 5), (2, 1, 3, 2)]:
        for name, strides in layouts(shape)[:3]:  # a broadcast destination is written many times
            dst = Strided(dtype, shape, strides, lambda n: np.zeros(n))
            status = getattr(lib, f"h_fill_{dtype}")(len(shape), shape_arg(shape), ctypes.byref(dst.host),
                                                     value.ctypes.data_as(ctypes.c_void_p))
            assert status == 0
            assert (dst.view == value[0]).all(), (shape, name)
            assert not dst.base[~dst.touched()].any()


def numpy_reduce(op, x, axes, acc, out):
    """The reference: numpy's reduction in the accumulator dtype (integers wrap), then the output
    dtype; an empty reduction gives the identity."""
    if op in ("and", "or"):
        return (np.all if op == "and" else np.any)(x.astype(bool), axis=axes).astype(out)
    if op in ("add", "mul"):
        return (np.sum if op == "add" else np.prod)(x, axis=axes, dtype=acc).astype(out)
    if x.size == 0:
        kept = tuple(n for d, n in enumerate(x.shape) if d not in axes)
        if np.dtype(acc).kind == "f":
            identity = -np.inf if op == "max" else np.inf
        else:
            info = np.iinfo(acc) if acc != "bool" else None
            identity = (False if op == "max" else True) if info is None else (info.min if op == "max" else info.max)
        return np.full(kept, identity, dtype=out)
    return (np.max if op == "max" else np.min)(x, axis=axes).astype(out)


def run_reduce(lib, op, t, acc, u, src, mask, out_strides=None):
    shape = src.shape
    axes = tuple(d for d in range(len(shape)) if mask >> d & 1)
    kept_shape = tuple(n for d, n in enumerate(shape) if d not in axes)
    if out_strides is None:
        kept_strides = iter(c_strides(kept_shape))
        out_strides = tuple(0 if d in axes else next(kept_strides) for d in range(len(shape)))
    out_shape = tuple(1 if d in axes else n for d, n in enumerate(shape))
    out = Strided(u, out_shape, out_strides, lambda n: np.full(n, 99))
    before = out.base.copy()
    scratch = ctypes.c_int64(-1)
    status = getattr(lib, f"h_reduce_{op}_{t}_{acc}_{u}")(len(shape), shape_arg(shape), ctypes.c_uint32(mask),
                                                         ctypes.byref(out.host), ctypes.byref(src.host),
                                                         ctypes.byref(scratch))
    assert status == 0, (op, t, shape, mask, status)
    assert (out.base[~out.touched()] == before[~out.touched()]).all()
    return out.view.reshape(kept_shape), axes, scratch.value


def check_reduce(got, want, op, acc, x, axes, what):
    """Max, min, and, or and integer results are exact; float sums and products within rounding
    (float32 accumulated in float32: a tree of partial sums, bounded by the sum of magnitudes)."""
    if op in ("max", "min", "and", "or") or got.dtype.kind != "f":
        np.testing.assert_array_equal(got, want, err_msg=what)
    elif acc == "float32":
        scale = np.sum(np.abs(x.astype(np.float64)), axis=axes) if x.size else 0
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-5 * np.max(scale, initial=1), err_msg=what)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-6 if got.dtype == np.float32 else 1e-12, err_msg=what)


@pytest.mark.cuda
@pytest.mark.single_mode
@pytest.mark.parametrize("op,t,acc,u", REDUCTIONS)
def test_reduce_every_mask_and_layout(lib, op, t, acc, u):
    rng = np.random.default_rng(1)

    def values(n):
        if t.startswith("float"):
            v = rng.uniform(0.5, 1.5, n) if op == "mul" else rng.standard_normal(n)
            if op in ("max", "min", "and", "or"):
                v[rng.random(n) < 0.02] = np.nan  # a NaN wins max/min; is true for and/or
                v[rng.random(n) < 0.1] = 0
            return v
        if t == "bool":
            return rng.random(n) < (0.9 if op == "and" else 0.1)
        if op == "mul":  # 105 factors of up to 7 overflow int32 and int64: wraps
            return rng.integers(1, 8, n) * rng.choice([-1, 1], n)
        big = np.iinfo(t).max // 3
        return rng.integers(-big, big, n)  # sums wrap

    for shape in [(3, 5, 7), (2, 0, 3)]:
        for name, strides in layouts(shape):
            src = Strided(t, shape, strides, values)
            for mask in range(8):
                got, axes, _ = run_reduce(lib, op, t, acc, u, src, mask)
                want = numpy_reduce(op, src.view, axes, acc, u)
                check_reduce(got, want, op, acc, src.view, axes, f"{shape} {name} mask {mask}")
    # ranks 0, 1 and 4; an output with its own strides (reversed kept dims)
    for shape, mask in [((), 0), ((1,), 1), ((9,), 1), ((9,), 0), ((2, 3, 4, 5), 0b1010), ((2, 3, 4, 5), 0b0101)]:
        src = Strided(t, shape, c_strides(shape), values)
        got, axes, _ = run_reduce(lib, op, t, acc, u, src, mask)
        check_reduce(got, numpy_reduce(op, src.view, axes, acc, u), op, acc, src.view, axes, f"{shape} mask {mask}")
    shape, mask = (4, 3, 5), 0b010
    src = Strided(t, shape, c_strides(shape), values)
    got, axes, _ = run_reduce(lib, op, t, acc, u, src, mask, out_strides=(1, 0, 4))
    check_reduce(got, numpy_reduce(op, src.view, axes, acc, u), op, acc, src.view, axes, "out strides (1, 0, 4)")


@pytest.mark.cuda
@pytest.mark.single_mode
@pytest.mark.parametrize("op,t,acc,u", [r for r in REDUCTIONS if r[1] in ("float32", "int64") or r[0] == "or"])
def test_reduce_large_is_split_and_deterministic(lib, op, t, acc, u):
    """Many reduced elements per output take the two-pass path (scratch memory), few outputs with
    the kept dims innermost one thread each; the same input gives the same bits twice."""
    rng = np.random.default_rng(2)

    def values(n):
        if t.startswith("float"):
            return rng.uniform(0.999, 1.001, n) if op == "mul" else rng.uniform(0, 1, n)
        if t == "bool":
            return np.zeros(n, bool) if op == "or" else np.ones(n, bool)
        return rng.integers(1, 4, n) * rng.choice([-1, 1], n) if op == "mul" else rng.integers(-(2 ** 40), 2 ** 40, n)

    cases = [((1_000_000,), 1, True), ((4, 250_000), 0b10, True), ((250_000, 4), 0b01, True),
             ((100, 10_000), 0b01, False), ((10_000, 100), 0b10, False), ((1000, 1000), 0b11, True)]
    for shape, mask, split in cases:
        src = Strided(t, shape, c_strides(shape), values)
        if t == "bool" and src.base.size > 10:
            src.base[-10] = op == "or"  # one element decides the whole reduction
        first, axes, scratch = run_reduce(lib, op, t, acc, u, src, mask)
        again, _, _ = run_reduce(lib, op, t, acc, u, src, mask)
        assert (scratch > 0) == split, (shape, mask, scratch)
        assert first.tobytes() == again.tobytes(), (shape, mask)
        check_reduce(first, numpy_reduce(op, src.view, axes, acc, u), op, acc, src.view, axes, f"{shape} mask {mask}")


def numpy_arg(kind, x, axes):
    kept = [d for d in range(x.ndim) if d not in axes]
    moved = np.transpose(x, kept + list(axes)).reshape([x.shape[d] for d in kept] + [-1])
    return (np.argmax if kind == "max" else np.argmin)(moved, axis=-1)


def run_arg(lib, kind, t, src, mask):
    shape = src.shape
    axes = tuple(d for d in range(len(shape)) if mask >> d & 1)
    kept_shape = tuple(n for d, n in enumerate(shape) if d not in axes)
    kept_strides = iter(c_strides(kept_shape))
    out_shape = tuple(1 if d in axes else n for d, n in enumerate(shape))
    out = Strided("int64", out_shape, tuple(0 if d in axes else next(kept_strides) for d in range(len(shape))),
                  lambda n: np.full(n, -99))
    status = getattr(lib, f"h_arg{kind}_{t}")(len(shape), shape_arg(shape), ctypes.c_uint32(mask),
                                              ctypes.byref(out.host), ctypes.byref(src.host))
    return status, out.view.reshape(kept_shape), axes


@pytest.mark.cuda
@pytest.mark.single_mode
@pytest.mark.parametrize("kind", ["max", "min"])
@pytest.mark.parametrize("t", ARG_DTYPES)
def test_arg_reduce(lib, kind, t):
    rng = np.random.default_rng(3)

    def values(n):  # few distinct values: ties, whose first position wins
        v = rng.integers(0, 4, n)
        if t == "bool":
            return v == 0
        v = v.astype(t)
        if t.startswith("float"):
            v[rng.random(n) < 0.03] = np.nan  # the first NaN wins
        return v

    for shape in [(3, 5, 7), (1, 4, 1)]:
        for name, strides in layouts(shape):
            src = Strided(t, shape, strides, values)
            for mask in range(1, 8):
                status, got, axes = run_arg(lib, kind, t, src, mask)
                assert status == 0
                np.testing.assert_array_equal(got, numpy_arg(kind, src.view, axes), err_msg=f"{shape} {name} {mask}")
    for shape, mask in [((), 0), ((6,), 0), ((6,), 1), ((2, 3, 4, 5), 0b1011), ((4, 100_000), 0b10),
                        ((100_000, 4), 0b01), ((50, 10_000), 0b01), ((300_000,), 1)]:
        src = Strided(t, shape, c_strides(shape), values)
        status, got, axes = run_arg(lib, kind, t, src, mask)
        assert status == 0
        np.testing.assert_array_equal(got, numpy_arg(kind, src.view, axes), err_msg=f"{shape} {mask}")
    # numpy: "attempt to get argmax of an empty sequence"; the launcher refuses (cudaErrorInvalidValue)
    src = Strided(t, (3, 0), (1, 1), values)
    assert run_arg(lib, kind, t, src, 0b10)[0] == 1
    assert run_arg(lib, kind, t, Strided(t, (0, 3), (3, 1), values), 0b10)[0] == 0


def numpy_softmax(x, log):
    x = x.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        m = np.max(np.where(np.isnan(x), -np.inf, x), axis=1, keepdims=True) if x.shape[1] else np.zeros((len(x), 1))
        m = np.where(np.isfinite(m), m, 0)
        e = np.exp(x - m)
        s = e.sum(axis=1, keepdims=True)
        return (x - m) - np.log(s) if log else e * (1 / s)


@pytest.mark.cuda
@pytest.mark.single_mode
@pytest.mark.parametrize("t", SOFTMAX_DTYPES)
@pytest.mark.parametrize("log", [False, True])
def test_softmax_rows(lib, t, log):
    rng = np.random.default_rng(4)
    rtol, atol = (2e-5, 1e-5) if t == "float32" else (1e-12, 1e-12)
    for shape in [(0, 5), (5, 0), (1, 1), (7, 13), (33, 1000), (3, 5000), (70_000, 3)]:
        for name, strides in layouts(shape)[:3]:
            src = Strided(t, shape, strides, lambda n: 3 * rng.standard_normal(n))
            if shape == (7, 13):
                view = src.view
                view[1, :] = -np.inf  # all -inf: NaN
                view[2, 3] = np.nan  # a NaN row
                view[3, 4] = np.inf  # +inf: not shifted
                view[4, ::2] = -np.inf
                view[5, 0] = 80.0  # exp would overflow float32 without the shift
            out = Strided(t, shape, c_strides(shape), lambda n: np.full(n, 5.0))
            status = getattr(lib, f"h_softmax_{t}")(shape_arg(shape), ctypes.byref(out.host), ctypes.byref(src.host),
                                                    ctypes.c_int(log))
            assert status == 0
            np.testing.assert_allclose(out.view, numpy_softmax(src.view, log), rtol=rtol, atol=atol,
                                       equal_nan=True, err_msg=f"{shape} {name}")
            assert (out.base[~out.touched()] == 5.0).all()


@pytest.mark.cuda
@pytest.mark.single_mode
@pytest.mark.parametrize("t", SOFTMAX_DTYPES)
@pytest.mark.parametrize("log", [False, True])
def test_softmax_grad_rows(lib, t, log):
    rng = np.random.default_rng(5)
    rtol, atol = (5e-5, 2e-4) if t == "float32" else (1e-11, 1e-11)
    for shape in [(0, 4), (4, 0), (1, 1), (6, 17), (40, 3000), (50_000, 5)]:
        for name, strides in layouts(shape)[:3]:
            x = rng.standard_normal(shape)
            sm = Strided(t, shape, strides, lambda n: np.zeros(n))
            if x.size:
                sm.view[...] = numpy_softmax(x, log)
            dy = Strided(t, shape, layouts(shape)[1][1], lambda n: rng.standard_normal(n))
            dx = Strided(t, shape, layouts(shape)[2][1], lambda n: np.full(n, 5.0))
            status = getattr(lib, f"h_softmax_grad_{t}")(shape_arg(shape), ctypes.byref(dx.host), ctypes.byref(dy.host),
                                                         ctypes.byref(sm.host), ctypes.c_int(log))
            assert status == 0
            g, p = dy.view.astype(np.float64), sm.view.astype(np.float64)
            if log:
                want = g - np.exp(p) * g.sum(axis=1, keepdims=True)
            else:
                want = (g - (g * p).sum(axis=1, keepdims=True)) * p
            np.testing.assert_allclose(dx.view, want, rtol=rtol, atol=atol, err_msg=f"{shape} {name}")
            assert (dx.base[~dx.touched()] == 5.0).all()
