"""export(target="cuda") on a GPU: the project of an MLP training step builds for this machine's
GPU, its golden vectors pass under ctest (no Python), and its Python module gives the function's
values. Marked `cuda` (see tests/cuda/test_cuda_ops.py)."""
import subprocess

import numpy as np
import pytest

import transpile
from tests.export.export_helpers import as_list
from tests.export.test_export_cuda import mlp_step
from transpile.compile.cache import cmake_program

pytestmark = [pytest.mark.cuda, pytest.mark.single_mode]


def test_the_cuda_export_passes_its_golden_vectors_on_the_gpu(tmp_path):
    step, examples = mlp_step()
    project = transpile.export(step, tmp_path / "mlp", "mlp_gpu", target="cuda", example_inputs=examples)
    project.build(cmake_args=["-DCMAKE_CUDA_ARCHITECTURES=native"])
    ctest = cmake_program()[: -len("cmake")] + "ctest"
    out = subprocess.run([ctest, "--test-dir", str(project.build_dir), "--output-on-failure"], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    module = project.load()
    want = as_list(step(*examples))
    got = as_list(module.run(*examples))
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5, err_msg="mlp step on the GPU")
