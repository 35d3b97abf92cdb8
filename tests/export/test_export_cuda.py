"""export(..., target="cuda") without a GPU: the project of an MLP training step (shared
parameters, updates) has CUDA sources, configures and builds with nvcc (the library, the runner
and the Python module), and its runner and module report the missing GPU as an error, never a
crash. The golden vectors of a CUDA export run on a GPU (tests/cuda/test_cuda_export.py)."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.export.export_helpers import run_runner, save_inputs

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
    assert cpu_files - gpu_files <= {"src/transpile_blas.h"}  # the products are cuBLAS's
    for rel in ("tests/inputs/x.npy", "tests/inputs/y.npy", "tests/expected/W1.npy", "tests/expected/b1.npy"):
        assert (cpu.path / rel).read_bytes() == (gpu.path / rel).read_bytes(), rel
    with pytest.raises(ValueError, match="target must be one of"):
        transpile.export(step, tmp_path / "bad", "mlp", target="metal")
