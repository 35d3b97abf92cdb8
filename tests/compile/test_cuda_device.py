"""device=cuda on a machine without a usable GPU: function() raises a RuntimeError that says
what was asked, what the CUDA runtime answered and how to run on the CPU; never a silent CPU
run. (The machines that run this suite have the CUDA toolkit and no GPU.)"""
import os
import subprocess
import sys

import pytest

import transpile
import transpile.tensor as T
from transpile import config
from transpile.compile import cuda_device

pytestmark = pytest.mark.single_mode


def test_function_with_device_cuda_and_no_gpu_is_a_clear_error(mode):
    x = T.fmatrix("x")
    with config.change_flags(device="cuda"):
        with pytest.raises(RuntimeError) as info:
            transpile.function([x], T.dot(x, x) + 1)
    text = str(info.value)
    assert "device=cuda was asked" in text
    count, error = cuda_device.device_count()
    assert count == 0 and error[0] in text  # e.g. cudaErrorInsufficientDriver or cudaErrorNoDevice
    assert error[0].startswith("cudaError") or error[0] == "no CUDA runtime"
    assert "device=cpu" in text


def test_transpile_flags_device_cuda_float32_from_the_environment():
    script = ("import transpile, transpile.tensor as T\n"
              "x, y = T.matrix('x'), T.matrix('y')\n"
              "assert transpile.config.floatX == 'float32'\n"
              "transpile.function([x, y], T.dot(x, y) + 1)\n")
    env = dict(os.environ, TRANSPILE_FLAGS="device=cuda,floatX=float32")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert out.returncode == 1
    assert "RuntimeError: device=cuda was asked, but there is no usable GPU" in out.stderr
    assert "Segmentation" not in out.stderr


def test_no_runtime_library_is_named(monkeypatch):
    monkeypatch.setattr(cuda_device, "load_runtime", lambda: None)
    with pytest.raises(RuntimeError, match="no CUDA runtime.*libcudart"):
        cuda_device.require_cuda("cuda")


@pytest.mark.parametrize("given, read", [("gpu", "cuda"), ("gpu0", "cuda0"), ("cuda1", "cuda1"), ("cpu", "cpu")])
def test_device_names_as_theano_spelled_them(given, read):
    with config.change_flags(device=given):
        assert config.device == read


@pytest.mark.parametrize("bad", ["tpu", "cudax", "gpu-1"])
def test_unknown_devices_are_refused(bad):
    with pytest.raises(ValueError, match="expected cpu, cuda or cudaN"):
        with config.change_flags(device=bad):
            pass


def test_a_reference_mode_with_device_cuda_says_it_runs_on_the_host(monkeypatch):
    """Where a GPU is present, FAST_COMPILE (the numpy reference) still runs on the host: it says so."""
    function_module = sys.modules["transpile.compile.function"]
    monkeypatch.setattr(function_module, "require_cuda", lambda device: 0)
    x = T.fvector("x")
    with config.change_flags(device="cuda"):
        with pytest.warns(UserWarning, match="runs the numpy reference on the host"):
            f = transpile.function([x], x * 2, mode="FAST_COMPILE")
    assert f([1.0, 2.0]).tolist() == [2.0, 4.0]
