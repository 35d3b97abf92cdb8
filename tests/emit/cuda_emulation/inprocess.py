"""`function()` with device=cuda where there is no GPU: the placed graph's library is built
against the CPU emulation of CUDA (build.py) instead of by nvcc, and loaded by the caller like
any graph library, so the in-process path (placement, the caller, shared variables kept in GPU
memory between calls) runs here. What the emulation cannot check, tests/cuda/ checks on a GPU."""
import contextlib
import hashlib
import importlib
import json
from types import SimpleNamespace

import transpile.compile.native as native
from tests.emit.cuda_emulation.build import build_project
from transpile.configdefaults import config

function_module = importlib.import_module("transpile.compile.function")  # the module, not the function


@contextlib.contextmanager
def emulated_cuda(monkeypatch, folder):
    """Within: config.device is "cuda", require_cuda says GPU 0 is there, and CUDA graph
    libraries are built in `folder` against the emulation (once per distinct project)."""
    real = native.cache.get_or_build
    built = {}

    def get_or_build(kind, files, cmake_args, artifact, description, *args, **kwargs):
        if kind != "graphs" or not any(rel.endswith(".cu") for rel in files):
            return real(kind, files, cmake_args, artifact, description, *args, **kwargs)
        key = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]
        if key not in built:
            built[key] = build_project(files, folder / key)
        return SimpleNamespace(artifact=built[key])

    monkeypatch.setattr(native.cache, "get_or_build", get_or_build)
    monkeypatch.setattr(function_module, "require_cuda", lambda device: 0)
    with config.change_flags(device="cuda"):
        yield
