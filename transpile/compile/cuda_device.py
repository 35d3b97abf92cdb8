"""What `device=cuda` finds on this machine, asked of the CUDA runtime through ctypes.

`function()` calls `require_cuda()` when config.device asks for a GPU, so a machine without a
usable one (no CUDA runtime library, no driver, no device) gets a RuntimeError that says what
was asked, what CUDA answered (the error name, e.g. `cudaErrorNoDevice`) and how to run on the
CPU, never a silent CPU run. Where a GPU is present, the function's graph is placed on it
(`transpile.emit.cuda.placement`) and built with its CUDA kernels (`compile/native.py`).
"""
import ctypes
import ctypes.util
import glob
import os
import sys

CPU_HINT = "To run on the CPU, set device=cpu (TRANSPILE_FLAGS=device=cpu, or transpile.config.device = 'cpu')."


def _runtime_candidates():
    found = ctypes.util.find_library("cudart")
    if found:
        yield found
    for root in [os.environ.get("CUDA_HOME"), os.environ.get("CUDA_PATH"), "/usr/local/cuda"]:
        if root:
            yield from sorted(glob.glob(os.path.join(root, "lib64", "libcudart.so*")), reverse=True)
    for site in sys.path:  # the PyPI package nvidia-cuda-runtime
        yield from sorted(glob.glob(os.path.join(site, "nvidia", "*", "lib", "libcudart.so*")), reverse=True)


def load_runtime():
    """The CUDA runtime library (ctypes.CDLL), or None when none can be loaded."""
    for path in _runtime_candidates():
        try:
            return ctypes.CDLL(path)
        except OSError:
            continue
    return None


def device_count():
    """(number of devices, None) or (0, (error name, error text)) as the CUDA runtime answers."""
    runtime = load_runtime()
    if runtime is None:
        return 0, ("no CUDA runtime", "libcudart could not be found or loaded (looked in the linker's path, "
                                      "$CUDA_HOME/lib64, /usr/local/cuda/lib64 and the nvidia-cuda-runtime package)")
    count = ctypes.c_int(0)
    status = runtime.cudaGetDeviceCount(ctypes.byref(count))
    if status != 0:
        runtime.cudaGetErrorName.restype = ctypes.c_char_p
        runtime.cudaGetErrorString.restype = ctypes.c_char_p
        return 0, (runtime.cudaGetErrorName(status).decode(), runtime.cudaGetErrorString(status).decode())
    if count.value == 0:
        return 0, ("cudaErrorNoDevice", "no CUDA-capable device is detected")
    return count.value, None


def ordinal(device):
    """The GPU number of a config.device naming one: cuda -> 0, cuda1 -> 1."""
    return int(device[4:] or 0)


def require_cuda(device):
    """The ordinal of `device` (a config.device naming a GPU) when CUDA has it; else the
    RuntimeError `function()` gives."""
    count, error = device_count()
    if error is not None:
        name, text = error
        raise RuntimeError(f"device={device} was asked, but there is no usable GPU: the CUDA runtime answered "
                           f"{name} ({text}) to cudaGetDeviceCount. {CPU_HINT}")
    if ordinal(device) >= count:
        raise RuntimeError(f"device={device} was asked, but CUDA sees {count} device(s) "
                           f"(cuda0 to cuda{count - 1}). {CPU_HINT}")
    return ordinal(device)
