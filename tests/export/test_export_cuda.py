"""export(..., target="cuda") without a GPU: the project of an MLP training step (shared
parameters, updates) has CUDA sources, configures and builds with nvcc (the library, the runner
and the Python module), and its runner and module report the missing GPU as an error, never a
crash. The golden vectors of a CUDA export run on a GPU (tests/cuda/test_cuda_export.py)."""
import ctypes

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.emit.cuda_emulation.build import build_project
from tests.export.export_helpers import run_runner, save_inputs
from transpile.emit.program import DTYPE_CODES, MAX_NDIM

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]


def mlp_step(n_in=6, n_hidden=5, n_out=3, seed=0):
    rng = np.random.default_rng(seed)
    W1 = transpile.shared(rng.normal(scale=0.3, size=(n_in, n_hidden)).astype("float32"), name="W1")
    b1 = transpile.shared(np.zeros(n_hidden, "float32"), name="b1")
    W2 = transpile.shared(rng.normal(scale=0.3, size=(n_hidden, n_out)).astype("float32"), name="W2")
    x, y = T.fmatrix("x"), T.fmatrix("y")
    hidden = T.tanh(T.dot(x, W1) + b1)
    cost = T.mean((T.dot(hidden, W2) - y) ** 2)
    params = [W1, b1, W2]
    grads = T.grad(cost, params)
    updates = [(p, p - np.float32(0.1) * g) for p, g in zip(params, grads)]
    step = transpile.function([x, y], cost, updates=updates, mode="FAST_RUN")
    examples = [rng.normal(size=(4, n_in)).astype("float32"), rng.normal(size=(4, n_out)).astype("float32")]
    return step, examples


def test_a_cuda_export_builds_with_nvcc_and_reports_the_missing_gpu(tmp_path):
    step, examples = mlp_step()
    project = transpile.export(step, tmp_path / "mlp", "mlp_gpu", target="cuda", example_inputs=examples)
    files = {p.relative_to(project.path).as_posix() for p in project.path.rglob("*") if p.is_file()}
    assert "src/mlp_gpu_impl_kernels.cu" in files and "src/transpile_cuda.h" in files
    cmake = (project.path / "CMakeLists.txt").read_text()
    assert "LANGUAGES CXX CUDA" in cmake and "75;80;86;89;90" in cmake and "Transpile::CUBLAS" in cmake
    kernels = (project.path / "src/mlp_gpu_impl_kernels.cu").read_text()
    assert "__global__" in kernels and "gemm_float32" in kernels
    project.build(cmake_args=["-DCMAKE_CUDA_ARCHITECTURES=80"])
    names = ["x", "y"]
    args = save_inputs(tmp_path, names, examples)
    out = run_runner(project, ["--output-dir", tmp_path / "out", *args])
    assert out.returncode != 0
    assert "CUDA error" in out.stderr and "cudaError" in out.stderr, out.stderr
    module = project.load()
    with pytest.raises(RuntimeError, match="CUDA error in cudaSetDevice: cudaError"):
        module.run(*examples)


def test_the_cpu_and_cuda_exports_of_one_function_differ_only_in_the_gpu_parts(tmp_path):
    step, examples = mlp_step()
    cpu = transpile.export(step, tmp_path / "cpu", "mlp", example_inputs=examples)
    gpu = transpile.export(step, tmp_path / "gpu", "mlp", target="cuda", example_inputs=examples)
    cpu_files = {p.relative_to(cpu.path).as_posix() for p in cpu.path.rglob("*") if p.is_file()}
    gpu_files = {p.relative_to(gpu.path).as_posix() for p in gpu.path.rglob("*") if p.is_file()}
    assert all("cuda" in f or "kernels" in f for f in gpu_files - cpu_files), gpu_files - cpu_files
    assert cpu_files - gpu_files <= {"src/transpile_blas.h", "src/transpile_blas.cpp"}  # the products are cuBLAS's
    for rel in ("tests/inputs/x.npy", "tests/inputs/y.npy", "tests/expected/W1.npy", "tests/expected/b1.npy"):
        assert (cpu.path / rel).read_bytes() == (gpu.path / rel).read_bytes(), rel
    with pytest.raises(ValueError, match="target must be one of"):
        transpile.export(step, tmp_path / "bad", "mlp", target="metal")


# -- the CUDA export run without a GPU: built by g++ against the CPU emulation of CUDA ---------------
class Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int32), ("ndim", ctypes.c_int32),
                ("shape", ctypes.c_int64 * MAX_NDIM), ("strides", ctypes.c_int64 * MAX_NDIM),
                ("memory", ctypes.c_int32), ("device", ctypes.c_int32)]


def describe(array):
    t = Tensor(array.ctypes.data, DTYPE_CODES[array.dtype.name], array.ndim)
    for d, n in enumerate(array.shape):
        t.shape[d], t.strides[d] = n, array.strides[d] // array.itemsize
    return t


def emulated_export(project, folder):
    files = {p.relative_to(project.path).as_posix(): p.read_text() for p in project.path.rglob("*")
             if p.is_file() and p.parts[len(project.path.parts)] in ("src", "include")}
    listed = set((project.path / "CMakeLists.txt").read_text().replace('"', " ").replace(")", " ").split())
    units = [rel for rel in files if rel.endswith(".cpp") and rel in listed]  # the project's C++ sources
    lib = ctypes.CDLL(str(build_project(files, folder, units=units, name=project.name)))
    for fn in ("create", "run", "get_shared", "set_shared", "reset", "shared_on_device"):
        getattr(lib, f"{project.name}_{fn}").restype = ctypes.c_int32
    getattr(lib, f"{project.name}_last_error").restype = ctypes.c_char_p
    return lambda fn, *args: getattr(lib, f"{project.name}_{fn}")(*args)


def test_the_state_of_a_cuda_export_keeps_the_parameters_in_gpu_memory(tmp_path):
    step, examples = mlp_step()
    params = [v.get_value() for v in step.maker.shared_inputs]
    project = transpile.export(step, tmp_path / "mlp", "mlp_gpu", target="cuda", example_inputs=examples)
    call = emulated_export(project, tmp_path / "emulated")
    state = ctypes.c_void_p()
    assert call("create", ctypes.byref(state)) == 0
    error = lambda: call("last_error", state).decode()  # noqa: E731
    assert [call("shared_on_device", k) for k in range(3)] == [1, 1, 1]

    def get(name, shape):
        value = np.zeros(shape, dtype="float32")
        assert call("get_shared", state, name.encode(), ctypes.byref(describe(value))) == 0, error()
        return value

    costs = []
    for _ in range(3):
        outputs = (Tensor * 1)()
        assert call("run", state, (Tensor * 2)(*map(describe, examples)), 2, outputs, 1) == 0, error()
        costs.append(float(np.ctypeslib.as_array(ctypes.cast(outputs[0].data, ctypes.POINTER(ctypes.c_float)), shape=())))
        call("free", ctypes.c_void_p(outputs[0].data))
        np.testing.assert_allclose(costs[-1], step(*examples), rtol=1e-5)  # the CPU function, same updates
    assert costs[-1] < costs[0]
    for var, name in zip(step.maker.shared_inputs, ["W1", "b1", "W2"]):
        np.testing.assert_allclose(get(name, var.get_value().shape), var.get_value(), rtol=1e-5, atol=1e-6)
    W2 = np.full((5, 3), 0.25, dtype="float32")
    assert call("set_shared", state, b"W2", ctypes.byref(describe(W2))) == 0, error()
    np.testing.assert_array_equal(get("W2", (5, 3)), W2)  # set on the host, moved at the next run
    outputs = (Tensor * 1)()
    assert call("run", state, (Tensor * 2)(*map(describe, examples)), 2, outputs, 1) == 0, error()
    call("free", ctypes.c_void_p(outputs[0].data))
    assert call("reset", state) == 0, error()
    for value, name in zip(params, ["W1", "b1", "W2"]):
        np.testing.assert_array_equal(get(name, value.shape), value)
    call("destroy", state)
